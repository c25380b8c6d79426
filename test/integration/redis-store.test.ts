import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alert.js';
import type { FindingKind } from '../../src/domain/finding.js';
import type { MessageEffects } from '../../src/domain/result.js';
import { RedisAlertStore, RedisDeadLetterStore } from '../../src/store/redis-alert.store.js';
import { RedisTimelineStore } from '../../src/store/redis.store.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { SqliteTimelineStore } from '../../src/store/sqlite.store.js';
import type { ApplyResult, MessageId, TimelineStore } from '../../src/store/ports/timeline-store.port.js';
import { mulberry32 } from '../../src/generate/rng.js';
import { deleteByPrefix } from '../../testkit/redis.js';
import { redisService } from '../support/services.js';
import { alertStoreConformance } from '../support/alert-store-conformance.js';
import { effects, timelineConformance, version } from '../support/timeline-conformance.js';
import { timelineGolden } from '../support/timeline-golden.js';
import pino from 'pino';
import { buildPipeline } from '../../src/app/pipeline.js';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { Notification } from '../../src/domain/alert.js';
import { compileProfile } from '../../src/extract/compiled-profile.js';
import { extractEffects } from '../../src/extract/extract-message.js';
import { parseMessage } from '../../src/hl7/parse.js';
import type { AlertQueue } from '../../src/notifiers/alert-queue.js';
import { RULE_ID } from '../../src/rules/poems.rule.js';
import { cidp, plt } from '../acceptance/harness/feed-builders.js';

const redis = await redisService();
/** every key these tests write starts with this; afterAll deletes them by prefix */
const ROOT = `test-${randomUUID()}:`;
let stores = 0;
const freshPrefix = (): string => `${ROOT}${++stores}:`;



function shuffle<T>(items: T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

interface Msg { id: MessageId; effects: MessageEffects }
const KINDS: FindingKind[] = ['neuropathy', 'clone', 'vegfHigh', 'scleroticBone', 'castleman', 'thrombocytosis', 'organomegaly'];
const timeAt = (minute: number): string => new Date(Date.UTC(2025, 0, 1) + minute * 60_000).toISOString();

/**
 * Messages whose final state does not depend on their order: every version of a result has its
 * own message time (an empty time at most once per result key, and never for a key another
 * patient may merge in), no storeIfNew=false versions, and merges form no cycle.
 */
function orderFreeFeed(count: number, seed: number): Msg[] {
  const random = mulberry32(seed);
  const patients = Array.from({ length: 8 }, (_, i) => `C|${i + 1}`);
  const msgs: Msg[] = [];
  for (let i = 0; i < count; i++) {
    const patient = patients[Math.floor(random() * patients.length)] as string;
    const results = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, j) => {
      const removal = random() < 0.2;
      const kind = removal ? null : (KINDS[Math.floor(random() * KINDS.length)] as FindingKind);
      const status = removal ? 'D' : random() < 0.2 ? 'C' : 'F';
      if (random() < 0.05) return version(patient, `once-${i}-${j}`, '', kind, status);
      // 3 results per patient shared with other patients' keys: merges make them meet
      return version(patient, `r${Math.floor(random() * 3)}`, timeAt(i * 10 + j), kind, status);
    });
    msgs.push({ id: { sendingFacility: random() < 0.5 ? 'LAB' : 'RAD', controlId: `c${i}` }, effects: { patientKey: patient, results, merges: [], unread: [] } });
  }
  const merge = (i: number, prior: string, survivor: string): Msg => ({
    id: { sendingFacility: 'ADT', controlId: `merge-${i}` },
    effects: { patientKey: survivor, results: [], merges: [{ prior, survivor, kind: 'merge' }], unread: [] },
  });
  msgs.push(merge(1, 'C|7', 'C|1'), merge(2, 'C|8', 'C|2'), merge(3, 'C|2', 'C|3'));
  return msgs;
}

async function snapshot(store: TimelineStore, patients: string[]): Promise<unknown> {
  const byPatient: Record<string, unknown> = {};
  for (const p of patients) byPatient[p] = { resolvesTo: await store.resolve(p), findings: (await store.timeline(p)).findings };
  return { patientCount: await store.patientCount(), byPatient };
}

describe.skipIf(!redis.available)(`Redis stores${redis.available ? '' : ` (skipped: ${redis.reason})`}`, () => {
  let a: Redis;
  let b: Redis;

  beforeAll(async () => {
    a = new Redis(redis.url);
    b = new Redis(redis.url);
    await Promise.all([a.ping(), b.ping()]);
  });

  afterAll(async () => {
    if (!a) return;
    await deleteByPrefix(a, ROOT);
    await Promise.all([a.quit(), b.quit()]);
  });

  timelineConformance('the Redis store', async () => new RedisTimelineStore(a, { prefix: freshPrefix() }));
  timelineGolden('the Redis store', async () => new RedisTimelineStore(a, { prefix: freshPrefix() }));
  alertStoreConformance('the Redis alert store', async () => new RedisAlertStore(a, { prefix: freshPrefix() }));

  describe('the Redis timeline store', () => {
    it('ends two instances applying the same feed concurrently exactly as one applying it in order', async () => {
      const feed = orderFreeFeed(200, 42);
      const random = mulberry32(7);
      const twice = new Set(feed.filter(() => random() < 0.15).map((m) => m.id.controlId));
      const prefix = freshPrefix();
      const one = new RedisTimelineStore(a, { prefix });
      const two = new RedisTimelineStore(b, { prefix });
      // each message to one instance, the chosen duplicates to both, all in flight at once
      const sends = shuffle(feed.flatMap((m, i) => (twice.has(m.id.controlId) ? [{ m, s: one }, { m, s: two }] : [{ m, s: i % 2 === 0 ? one : two }])), random);
      const results = await Promise.all(sends.map(async ({ m, s }) => ({ id: m.id.controlId, r: await s.apply(m.id, m.effects) })));

      const sequential = new RedisTimelineStore(a, { prefix: freshPrefix() });
      for (const m of feed) expect((await sequential.apply(m.id, m.effects)).duplicate).toBe(false);

      const patients = [...new Set(feed.flatMap((m) => [m.effects.patientKey ?? '', ...m.effects.merges.map((x) => x.prior)]))].sort();
      const want = await snapshot(sequential, patients);
      expect(await snapshot(one, patients)).toEqual(want);
      expect(await snapshot(two, patients)).toEqual(want);
      expect(await sequential.patientCount()).toBe(5); // 8 patients, of whom C|7, C|8 and C|2 merged away
      expect((await sequential.timeline('C|1')).findings.length).toBeGreaterThan(0);

      // every message applied exactly once: one non-duplicate answer per message id
      const applied = new Map<string, number>();
      for (const { id, r } of results) if (!r.duplicate) applied.set(id, (applied.get(id) ?? 0) + 1);
      expect(applied.size).toBe(feed.length);
      expect([...applied.values()].every((n) => n === 1)).toBe(true);
      expect(results.filter((x) => x.r.duplicate).length).toBe(twice.size);
    });

    it('gives the same answers and findings as the SQLite store on an order-sensitive feed', async () => {
      const random = mulberry32(99);
      const patients = ['D|1', 'D|2', 'D|3', 'D|4', 'D|5'];
      const times = ['', '2025-01-01T10:00:00.000Z', '2025-01-01T10:00:00Z', '2025-01-02T10:00:00.000Z', '2025-01-03T00:00:00.000+02:00', 'not a time'];
      const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)] as T;
      const redisStore = new RedisTimelineStore(a, { prefix: freshPrefix() });
      const sqlite = new SqliteTimelineStore(new SqliteDatabase(':memory:'));
      for (let i = 0; i < 400; i++) {
        const id = { sendingFacility: pick(['L', 'R']), controlId: `${Math.floor(random() * 350)}` };
        let e: MessageEffects;
        if (random() < 0.04) {
          e = { patientKey: pick(patients), results: [], merges: [{ prior: pick(patients), survivor: pick(patients), kind: 'merge' }], unread: [] };
        } else {
          const p = pick(patients);
          e = effects(p, ...Array.from({ length: 1 + Math.floor(random() * 2) }, () => {
            const v = version(p, pick(['r1', 'r2', 'r3']), pick(times), random() < 0.3 ? null : pick(KINDS), pick(['F', 'C', 'D']));
            return random() < 0.2 ? { ...v, storeIfNew: false } : v;
          }));
        }
        const [got, want]: ApplyResult[] = [await redisStore.apply(id, e), await sqlite.apply(id, e)];
        expect(got, `message ${i}`).toEqual(want);
      }
      for (const p of patients) {
        expect(await redisStore.resolve(p)).toBe(await sqlite.resolve(p));
        expect((await redisStore.timeline(p)).findings).toEqual((await sqlite.timeline(p)).findings);
      }
      expect(await redisStore.patientCount()).toBe(await sqlite.patientCount());
    });

    it('re-evaluates only the survivor when a message names a key and then merges it away', async () => {
      const store = new RedisTimelineStore(a, { prefix: freshPrefix() });
      const r = await store.apply({ sendingFacility: 'ADT', controlId: '1' }, {
        patientKey: 'M|new',
        results: [version('M|old', 'r1', '2025-01-01T00:00:00.000Z', 'castleman')],
        merges: [{ prior: 'M|old', survivor: 'M|new', kind: 'merge' }],
        unread: [],
      });
      expect(r).toEqual({ duplicate: false, patients: ['M|new'], merges: [{ prior: 'M|old', survivor: 'M|new' }], controlIdReused: false });
      const dup = await store.apply({ sendingFacility: 'ADT', controlId: '1' }, { patientKey: 'M|old', results: [], merges: [], unread: [] });
      expect(dup).toEqual({ duplicate: true, patients: ['M|new'], merges: [], controlIdReused: false });
      const none = await store.apply({ sendingFacility: 'X', controlId: '1' }, { patientKey: null, results: [], merges: [], unread: [] });
      expect(none).toEqual({ duplicate: false, patients: [], merges: [], controlIdReused: false });
      expect((await store.apply({ sendingFacility: 'X', controlId: '1' }, { patientKey: null, results: [], merges: [], unread: [] })).patients).toEqual([]);
    });

    it('keeps findings, keys and ids byte for byte (quotes, colons, unicode, floats, empty lists)', async () => {
      const store = new RedisTimelineStore(a, { prefix: freshPrefix() });
      const patient = 'Hôpital "Sud":1|ID/42 \\ 患者';
      const v = version(patient, 'OBR:1\u0001"x"', '2025-01-01T00:00:00.000Z', 'vegfHigh');
      const finding = { ...v.findings[0]!, value: 0.1 + 0.2, unit: 'µg/L', qualifiers: { specimen: 'plasma' as const, matched: 'VEGF \\T\\ "hi"' } };
      const r = await store.apply({ sendingFacility: 'LAB:1', controlId: 'é"1' }, effects(patient, { ...v, findings: [finding] }));
      expect(r.patients).toEqual([patient]);
      expect((await store.timeline(patient)).findings).toEqual([finding]);
      expect((await store.timeline(patient)).findings[0]?.value).toBe(0.30000000000000004);
      // a removal stores an empty list, which must come back as an empty list
      await store.apply({ sendingFacility: 'LAB:1', controlId: '2' }, effects(patient, version(patient, 'OBR:1\u0001"x"', '2025-01-02T00:00:00.000Z', null, 'D')));
      expect((await store.timeline(patient)).findings).toEqual([]);
      expect(await store.patientCount()).toBe(1);
    });

    it('reads back each re-evaluated patient\'s timeline and alert in the same script (one round trip)', async () => {
      const prefix = freshPrefix();
      const store = new RedisTimelineStore(a, { prefix });
      const alerts = new RedisAlertStore(a, { prefix });
      const patient = 'Hôpital "Sud":1|ID/42 \\ 患者';
      const held: Alert = {
        id: 'al-1', version: 3, episode: 1, notifiedTiers: [], patientKey: patient, rule: 'poems', tier: 'screening-gap', status: 'open', reason: '', ruleVersion: '2', profileVersion: 'p',
        criteriaMet: [], criteriaMissing: [], evidence: [], suggestedWorkup: [], createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', history: [],
      };
      await alerts.put(held);
      const r = await store.apply({ sendingFacility: 'L', controlId: '1' }, effects(patient, version(patient, 'r/1', '2025-01-01T00:00:00.000Z', 'castleman'), version('Other|2', 'r', '2025-01-01T00:00:00.000Z', 'vegfHigh')), { alertRule: 'poems' });
      expect(r.patients).toEqual([patient, 'Other|2']);
      expect(r.snapshots).toEqual([
        { patient, timeline: await store.timeline(patient), alert: await alerts.get(patient, 'poems') },
        { patient: 'Other|2', timeline: await store.timeline('Other|2'), alert: null },
      ]);
      expect(r.snapshots?.[0]?.alert).toEqual(held);
      const dup = await store.apply({ sendingFacility: 'L', controlId: '1' }, effects(patient), { alertRule: 'poems' });
      expect(dup.snapshots?.map((x) => x.patient)).toEqual([patient]);
      expect((await store.apply({ sendingFacility: 'L', controlId: '2' }, effects(patient))).snapshots).toBeUndefined();
    });

    it('keeps prefixes apart', async () => {
      const s1 = new RedisTimelineStore(a, { prefix: freshPrefix() });
      const s2 = new RedisTimelineStore(a, { prefix: freshPrefix() });
      await s1.apply({ sendingFacility: 'L', controlId: '1' }, effects('P|1', version('P|1', 'r', '2025-01-01T00:00:00.000Z', 'castleman')));
      expect((await s2.apply({ sendingFacility: 'L', controlId: '1' }, effects('P|1', version('P|1', 'r', '2025-01-01T00:00:00.000Z', 'neuropathy')))).duplicate).toBe(false);
      expect((await s1.timeline('P|1')).findings.map((f) => f.kind)).toEqual(['castleman']);
      expect((await s2.timeline('P|1')).findings.map((f) => f.kind)).toEqual(['neuropathy']);
    });
  });

  describe('when the instance died between the store write and the alert (crash, then re-delivery)', () => {
    it('re-evaluates the patients of the duplicate from the read-back and notifies once', async () => {
      const prefix = freshPrefix();
      const timeline = new RedisTimelineStore(a, { prefix });
      const alerts = new RedisAlertStore(a, { prefix });
      const sent: Notification[] = [];
      const queue: AlertQueue = {
        enqueue: async (n: Notification) => { if (!sent.some((x) => x.key === n.key)) sent.push(n); },
        drain: async () => 0,
      } as unknown as AlertQueue;
      const pipeline = buildPipeline({ timeline, alerts, deadLetters: new RedisDeadLetterStore(a, { prefix }), queue }, DEFAULT_PROFILE, pino({ level: 'silent' }), () => new Date('2025-03-10T00:00:00Z'));
      const steps = [cidp('20250301'), plt('20250302', 520)].map((st) => (st as { text: string }).text);
      const raw = (text: string) => ({ text, bytes: Buffer.from(text), origin: 'test', receivedAt: '2025-03-10T00:00:00.000Z' });
      await pipeline.handle(raw(steps[0] as string));
      // the platelet message reached the store, the instance died before re-evaluating
      const second = parseMessage(steps[1] as string);
      await timeline.apply({ sendingFacility: second.sendingFacility, controlId: second.controlId }, extractEffects(second, compileProfile(DEFAULT_PROFILE), '2025-03-10T00:00:00.000Z'));
      expect(sent).toEqual([]);
      const again = await pipeline.handle(raw(steps[1] as string));
      expect(again).toMatchObject({ status: 'accepted', duplicate: true });
      expect(sent.map((n) => `${n.tier}@${n.episode}`)).toEqual(['screening-gap@1']);
      expect((await alerts.get('HOSPA|P100', RULE_ID))?.tier).toBe('screening-gap');
      await pipeline.handle(raw(steps[1] as string));
      expect(sent).toHaveLength(1);
    });

    it('sends the notification the first delivery wrote in the alert but never queued', async () => {
      const prefix = freshPrefix();
      const timeline = new RedisTimelineStore(a, { prefix });
      const alerts = new RedisAlertStore(a, { prefix });
      const deadLetters = new RedisDeadLetterStore(a, { prefix });
      const sent: Notification[] = [];
      const queue = { enqueue: async (n: Notification) => { if (!sent.some((x) => x.key === n.key)) sent.push(n); }, drain: async () => 0 } as unknown as AlertQueue;
      const dying = { enqueue: async () => { throw new Error('killed'); }, drain: async () => 0 } as unknown as AlertQueue;
      const now = (): Date => new Date('2025-03-10T00:00:00Z');
      const log = pino({ level: 'silent' });
      const steps = [cidp('20250301'), plt('20250302', 520)].map((st) => (st as { text: string }).text);
      const raw = (text: string) => ({ text, bytes: Buffer.from(text), origin: 'test', receivedAt: '2025-03-10T00:00:00.000Z' });
      await buildPipeline({ timeline, alerts, deadLetters, queue }, DEFAULT_PROFILE, log, now).handle(raw(steps[0] as string));
      // the alert is written, the instance dies before its notification is queued
      await expect(buildPipeline({ timeline, alerts, deadLetters, queue: dying }, DEFAULT_PROFILE, log, now).handle(raw(steps[1] as string))).rejects.toThrow('killed');
      expect((await alerts.get('HOSPA|P100', RULE_ID))?.notifiedTiers).toEqual(['screening-gap']);
      expect(sent).toEqual([]);
      const pipeline = buildPipeline({ timeline, alerts, deadLetters, queue }, DEFAULT_PROFILE, log, now);
      expect(await pipeline.handle(raw(steps[1] as string))).toMatchObject({ duplicate: true });
      expect(sent.map((n) => `${n.tier}@${n.episode}:${n.event}`)).toEqual(['screening-gap@1:created']);
    });
  });

  describe('the Redis alert store', () => {
    const alert = (id: string, patientKey: string, updatedAt: string, over: Partial<Alert> = {}): Alert => ({
      id, version: 1, episode: 1, notifiedTiers: ['workup-recommended'], patientKey, rule: 'poems', tier: 'workup-recommended', status: 'open', reason: '', ruleVersion: 'r1', profileVersion: 'p1',
      criteriaMet: ['polyneuropathy'], criteriaMissing: ['castleman'], evidence: [], suggestedWorkup: [{ id: 'ife', text: 'Serum immunofixation' }],
      createdAt: updatedAt, updatedAt, history: [{ at: updatedAt, event: 'created', tier: 'workup-recommended', status: 'open', reason: 'new' }],
      ...over,
    });

    it('puts, gets by patient+rule and by id, and lists newest first with filters', async () => {
      const store = new RedisAlertStore(a, { prefix: freshPrefix() });
      const x = alert('a1', 'H|1', '2025-01-01T00:00:00.000Z');
      const y = alert('a2', 'H|2', '2025-01-03T00:00:00.000Z', { tier: 'criteria-met', status: 'acknowledged' });
      const z = alert('a3', 'H|3', '2025-01-02T00:00:00.000Z', { dismissal: { reason: 'other', note: 'ünïcode "note"', tier: 'workup-recommended', at: '2025-01-02T00:00:00.000Z' }, status: 'dismissed' });
      const tie = alert('a0', 'H|4', '2025-01-01T00:00:00.000Z');
      for (const al of [x, y, z, tie]) await store.put(al);
      expect(await store.get('H|1', 'poems')).toEqual(x);
      expect(await store.get('H|1', 'other-rule')).toBeNull();
      expect(await store.getById('a3')).toEqual(z);
      expect(await store.getById('nope')).toBeNull();
      expect((await store.list()).map((al) => al.id)).toEqual(['a2', 'a3', 'a0', 'a1']);
      expect((await store.list({ status: 'open' })).map((al) => al.id)).toEqual(['a0', 'a1']);
      expect((await store.list({ tier: 'criteria-met' })).map((al) => al.id)).toEqual(['a2']);
      expect(await store.list({ status: 'withdrawn' })).toEqual([]);

      const updated = { ...x, updatedAt: '2025-02-01T00:00:00.000Z', tier: 'criteria-met' as const };
      await store.put(updated);
      expect((await store.list()).map((al) => al.id)).toEqual(['a1', 'a2', 'a3', 'a0']);
      expect(await store.get('H|1', 'poems')).toEqual(updated);
    });

    it('rekeys an alert to the survivor of a merge', async () => {
      const store = new RedisAlertStore(a, { prefix: freshPrefix() });
      const x = alert('a1', 'H|old', '2025-01-01T00:00:00.000Z');
      await store.put(x);
      await store.rekey(x, 'H|new');
      expect(await store.get('H|old', 'poems')).toBeNull();
      expect(await store.get('H|new', 'poems')).toEqual({ ...x, patientKey: 'H|new' });
      expect(await store.list()).toHaveLength(1);
    });

    it('replaces another alert holding the same patient and rule, as the SQLite unique index does', async () => {
      const store = new RedisAlertStore(a, { prefix: freshPrefix() });
      await store.put(alert('a1', 'H|1', '2025-01-01T00:00:00.000Z'));
      await store.put(alert('a2', 'H|1', '2025-01-02T00:00:00.000Z'));
      expect((await store.get('H|1', 'poems'))?.id).toBe('a2');
      expect(await store.getById('a1')).toBeNull();
      expect((await store.list()).map((al) => al.id)).toEqual(['a2']);
    });
  });

  describe('the Redis dead-letter store', () => {
    it('round-trips the exact bytes, numbered oldest first', async () => {
      const store = new RedisDeadLetterStore(a, { prefix: freshPrefix() });
      const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const hl7 = Buffer.concat([Buffer.from('MSH|^~\\&|LAB|H\rPID|||1^^^H\r', 'latin1'), Buffer.from([0xff, 0xfe, 0x00, 0x0b, 0x1c, 0x0d])]);
      await store.add({ receivedAt: '2025-01-01T00:00:00.000Z', origin: 'mllp:1', code: 'HL7_NO_MSH', detail: 'no "MSH" — ü', bytes: every });
      await store.add({ receivedAt: '2025-01-01T00:00:01.000Z', origin: 'file:a.hl7', code: 'HL7_NO_PATIENT_ID', detail: '', bytes: hl7 });
      await store.add({ receivedAt: '2025-01-01T00:00:02.000Z', origin: 'file:b.hl7', code: 'HL7_EMPTY_INPUT', detail: 'empty', bytes: Buffer.alloc(0) });
      expect(await store.count()).toBe(3);
      const [first, second, third] = await store.list(10);
      expect(first).toEqual({ id: 1, receivedAt: '2025-01-01T00:00:00.000Z', origin: 'mllp:1', code: 'HL7_NO_MSH', detail: 'no "MSH" — ü', bytes: every });
      expect(second?.bytes.equals(hl7)).toBe(true);
      expect(second?.id).toBe(2);
      expect(third?.bytes.length).toBe(0);
      expect((await store.list(2)).map((l) => l.id)).toEqual([1, 2]);
      expect(await store.list(0)).toEqual([]);
    });
  });
});
