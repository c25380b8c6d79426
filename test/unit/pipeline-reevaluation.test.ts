import { describe, expect, it } from 'vitest';
import { dismiss, snooze } from '../../src/alerts/alert-actions.js';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { Alert, Notification } from '../../src/domain/alert.js';
import type { Finding, FindingKind } from '../../src/domain/finding.js';
import type { PatientKey } from '../../src/domain/patient-key.js';
import type { Timeline } from '../../src/domain/timeline.js';
import { compileProfile } from '../../src/extract/compiled-profile.js';
import { createLogger } from '../../src/logger.js';
import type { AlertQueue } from '../../src/notifiers/alert-queue.js';
import { Pipeline, type Outcome } from '../../src/pipeline/ingest.js';
import type { AlertStore, ApplyResult, DeadLetterStore, TimelineStore } from '../../src/store/timeline-store.js';

// ---------------------------------------------------------------------------------------------
// In-memory ports: the timeline store answers what the test sets; the alert store is a real
// compare-and-set on the version, one alert per patient and rule, like both adapters.

class ScriptedTimelines implements TimelineStore {
  readonly timelines = new Map<PatientKey, Finding[]>();
  next: Partial<ApplyResult> = {};
  async apply(): Promise<ApplyResult> {
    return { duplicate: false, patients: ['SYNTH|P1'], merges: [], controlIdReused: false, ...this.next };
  }
  async timeline(patient: PatientKey): Promise<Timeline> {
    const findings = this.timelines.get(patient) ?? [];
    return { patientKey: patient, findings, measurements: [], newestObservedAt: findings[0]?.observedAt ?? null, notes: [] };
  }
  async resolve(patient: PatientKey): Promise<PatientKey> {
    return patient;
  }
  async patientCount(): Promise<number> {
    return this.timelines.size;
  }
}

class MemoryAlerts implements AlertStore {
  readonly byId = new Map<string, Alert>();
  /** writes to fail before the store accepts one (a concurrent writer got there first) */
  conflicts = 0;
  async get(patient: PatientKey, ruleId: string): Promise<Alert | null> {
    return [...this.byId.values()].find((a) => a.patientKey === patient && a.rule === ruleId) ?? null;
  }
  async getById(id: string): Promise<Alert | null> {
    return this.byId.get(id) ?? null;
  }
  async put(alert: Alert): Promise<void> {
    this.byId.set(alert.id, alert);
  }
  async replace(alert: Alert, expectedVersion: number | null): Promise<boolean> {
    if (this.conflicts > 0) {
      this.conflicts -= 1;
      return false;
    }
    const stored = await this.get(alert.patientKey, alert.rule);
    if ((stored?.version ?? null) !== expectedVersion) return false;
    if (stored && stored.id !== alert.id) this.byId.delete(stored.id);
    this.byId.set(alert.id, alert);
    return true;
  }
  async list(filter: { status?: Alert['status'] } = {}): Promise<Alert[]> {
    return [...this.byId.values()].filter((a) => filter.status === undefined || a.status === filter.status);
  }
  async rekey(alert: Alert, survivor: PatientKey): Promise<void> {
    this.byId.set(alert.id, { ...alert, patientKey: survivor });
  }
}

/** the pipeline only enqueues */
class MemoryQueue implements Pick<AlertQueue, 'enqueue'> {
  readonly sent = new Map<string, Notification>();
  async enqueue(n: Notification): Promise<void> {
    if (!this.sent.has(n.key)) this.sent.set(n.key, n);
  }
}

const deadLetters: DeadLetterStore = { add: async () => {}, count: async () => 0, list: async () => [] };

function setup(now = '2025-06-20T00:00:00.000Z') {
  const timelines = new ScriptedTimelines();
  const alerts = new MemoryAlerts();
  const queue = new MemoryQueue();
  const logLines: Record<string, unknown>[] = [];
  const log = createLogger({ level: 'warn', destination: { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) } });
  const clock = { now: new Date(now) };
  let n = 0;
  const pipeline = new Pipeline({ timeline: timelines, alerts, deadLetters, queue, profile: compileProfile(DEFAULT_PROFILE), clock: () => clock.now, newId: () => `alert-${++n}`, log });
  return { pipeline, timelines, alerts, queue, logLines, clock };
}

let seq = 0;
function finding(kind: FindingKind, qualifiers: Finding['qualifiers'] = {}): Finding {
  seq += 1;
  return { kind, observedAt: '2025-06-01T00:00:00.000Z', qualifiers, certainty: 'definite', source: { messageControlId: `M${seq}`, sendingFacility: 'SYNTHLAB', segment: 'OBX[1]', resultKey: `R${seq}` } };
}

const ORU = [
  'MSH|^~\\&|LAB|SYNTHLAB|SENTINEL|SYNTHHOSP|20250601120000||ORU^R01^ORU_R01|PIPE0001|P|2.5.1',
  'PID|1||P1^^^SYNTH^MR||TESTPATIENT^ALPHA||19700101|F',
  'OBR|1|PL1|FL1|58410-2^CBC^LN|||20250601110000',
  'OBX|1|NM|777-3^Platelets^LN||530|10*3/uL|150-400|H|||F|||20250601110000',
].join('\r');
const message = (controlId = 'PIPE0001') => ({ text: ORU.replace('PIPE0001', controlId), bytes: Buffer.from(ORU), origin: 'test', receivedAt: '2025-06-01T12:00:00.000Z' });
const accepted = (o: Outcome) => {
  if (o.status !== 'accepted') throw new Error(`rejected: ${o.code}`);
  return o;
};

describe('when a message changes a patient', () => {
  it('re-evaluates with the rule, stores the alert and enqueues its notification', async () => {
    const { pipeline, timelines, alerts, queue } = setup();
    timelines.timelines.set('SYNTH|P1', [finding('neuropathy', { cidp: true }), finding('clone', { lightChain: 'lambda' })]);
    accepted(await pipeline.handle(message()));
    const alert = await alerts.get('SYNTH|P1', 'poems-workup');
    expect(alert).toMatchObject({ tier: 'workup-recommended', ruleVersion: '2.0.0', version: 1 });
    expect([...queue.sent.keys()]).toEqual([`${alert?.id}|1|workup-recommended`]);
  });

  it('reads again and decides again when a concurrent writer changed the alert', async () => {
    const { pipeline, timelines, alerts } = setup();
    timelines.timelines.set('SYNTH|P1', [finding('neuropathy'), finding('vegfHigh')]);
    alerts.conflicts = 2;
    accepted(await pipeline.handle(message()));
    expect((await alerts.get('SYNTH|P1', 'poems-workup'))?.tier).toBe('workup-recommended');
  });

  it('gives up after a bounded number of tries with a transient STORE_UNAVAILABLE', async () => {
    const { pipeline, timelines, alerts } = setup();
    timelines.timelines.set('SYNTH|P1', [finding('neuropathy'), finding('vegfHigh')]);
    alerts.conflicts = 100;
    expect(await pipeline.handle(message())).toMatchObject({ status: 'rejected', code: 'STORE_UNAVAILABLE', permanent: false });
  });
});

describe('when a control id is reused with other content', () => {
  it('applies the message, warns CONTROL_ID_REUSED without patient data and says so in the outcome', async () => {
    const { pipeline, timelines, logLines } = setup();
    timelines.next = { controlIdReused: true };
    const o = accepted(await pipeline.handle(message('REUSED01')));
    expect(o.controlIdReused).toBe(true);
    expect(logLines).toEqual([expect.objectContaining({ code: 'CONTROL_ID_REUSED', controlId: 'REUSED01' })]);
    expect(JSON.stringify(logLines)).not.toMatch(/P1|TESTPATIENT/);
  });

  it('counts the unread notes of an applied message by reason', async () => {
    const { pipeline } = setup();
    expect(accepted(await pipeline.handle(message())).unread).toEqual({});
  });
});

describe('when identifiers are merged', () => {
  it('moves the prior alert to the survivor with the same id', async () => {
    const { pipeline, timelines, alerts } = setup();
    timelines.timelines.set('SYNTH|P2', [finding('neuropathy'), finding('clone', { lightChain: 'lambda' })]);
    timelines.next = { patients: ['SYNTH|P2'] };
    await pipeline.handle(message('A'));
    const prior = await alerts.get('SYNTH|P2', 'poems-workup');
    timelines.timelines.set('SYNTH|P1', timelines.timelines.get('SYNTH|P2') ?? []);
    timelines.next = { patients: ['SYNTH|P1'], merges: [{ prior: 'SYNTH|P2', survivor: 'SYNTH|P1' }] };
    await pipeline.handle(message('B'));
    expect(await alerts.get('SYNTH|P1', 'poems-workup')).toMatchObject({ id: prior?.id, tier: 'workup-recommended' });
    expect(await alerts.get('SYNTH|P2', 'poems-workup')).toBeNull();
  });

  it('combines two alerts without notifying again, and closes the other as merged', async () => {
    const { pipeline, timelines, alerts, queue } = setup();
    const cm = [finding('neuropathy'), finding('clone', { lightChain: 'lambda' }), finding('vegfHigh'), finding('skinChanges')];
    timelines.timelines.set('SYNTH|P1', [finding('neuropathy', { cidp: true }), finding('organomegaly')]);
    timelines.timelines.set('SYNTH|P2', cm);
    timelines.next = { patients: ['SYNTH|P1', 'SYNTH|P2'] };
    await pipeline.handle(message('A'));
    expect(queue.sent.size).toBe(2);
    const survivorBefore = await alerts.get('SYNTH|P1', 'poems-workup');
    timelines.timelines.set('SYNTH|P1', [...(timelines.timelines.get('SYNTH|P1') ?? []), ...cm]);
    timelines.next = { patients: ['SYNTH|P1'], merges: [{ prior: 'SYNTH|P2', survivor: 'SYNTH|P1' }] };
    await pipeline.handle(message('B'));
    const survivor = await alerts.get('SYNTH|P1', 'poems-workup');
    const closed = await alerts.get('SYNTH|P2', 'poems-workup');
    expect(survivor).toMatchObject({ id: survivorBefore?.id, tier: 'criteria-met', notifiedTiers: ['screening-gap', 'criteria-met'] });
    expect(closed).toMatchObject({ status: 'withdrawn' });
    expect(closed?.history.at(-1)?.reason).toBe(`merged into alert ${survivorBefore?.id}`);
    expect(queue.sent.size).toBe(2);
  });

  it('keeps a dismissal of the absorbed alert on the survivor', async () => {
    const { pipeline, timelines, alerts, queue } = setup();
    timelines.timelines.set('SYNTH|P2', [finding('neuropathy'), finding('vegfHigh')]);
    timelines.next = { patients: ['SYNTH|P2'] };
    await pipeline.handle(message('A'));
    const p2 = (await alerts.get('SYNTH|P2', 'poems-workup')) as Alert;
    await alerts.replace(dismiss(p2, '2025-06-02T00:00:00.000Z', 'poems-excluded', 'VEGF repeated normal'), p2.version);
    timelines.timelines.set('SYNTH|P1', [finding('neuropathy', { cidp: true }), finding('papilledema')]);
    timelines.next = { patients: ['SYNTH|P1'] };
    await pipeline.handle(message('B'));
    timelines.timelines.set('SYNTH|P1', [...(timelines.timelines.get('SYNTH|P1') ?? []), ...(timelines.timelines.get('SYNTH|P2') ?? [])]);
    timelines.next = { patients: ['SYNTH|P1'], merges: [{ prior: 'SYNTH|P2', survivor: 'SYNTH|P1' }] };
    const before = queue.sent.size;
    await pipeline.handle(message('C'));
    expect(await alerts.get('SYNTH|P1', 'poems-workup')).toMatchObject({ tier: 'workup-recommended', status: 'dismissed' });
    expect(queue.sent.size).toBe(before);
  });
});

describe('the snooze sweep', () => {
  it('releases a reopened episode held back by a snooze once the date passes', async () => {
    const { pipeline, timelines, alerts, queue, clock } = setup('2025-06-02T00:00:00.000Z');
    const wr = [finding('neuropathy'), finding('clone', { lightChain: 'lambda' })];
    timelines.timelines.set('SYNTH|P1', wr);
    await pipeline.handle(message('A'));
    const a = (await alerts.get('SYNTH|P1', 'poems-workup')) as Alert;
    await alerts.replace(snooze(a, '2025-06-02T00:00:00.000Z', '2025-07-01T00:00:00.000Z'), a.version);
    timelines.timelines.set('SYNTH|P1', [finding('neuropathy')]);
    await pipeline.handle(message('B'));
    timelines.timelines.set('SYNTH|P1', wr);
    await pipeline.handle(message('C'));
    expect(await alerts.get('SYNTH|P1', 'poems-workup')).toMatchObject({ status: 'snoozed', episode: 2 });
    expect(await pipeline.sweepSnoozed()).toBe(0);
    clock.now = new Date('2025-07-02T00:00:00.000Z');
    expect(await pipeline.sweepSnoozed()).toBe(1);
    expect(queue.sent.has(`${a.id}|2|workup-recommended`)).toBe(true);
    expect(await alerts.get('SYNTH|P1', 'poems-workup')).toMatchObject({ status: 'open', notifiedTiers: ['workup-recommended'] });
  });
});
