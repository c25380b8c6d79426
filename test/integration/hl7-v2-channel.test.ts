import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { RoutingProfile } from '../../src/config/profile-routing.schema.js';
import { component, field, repetitions, text, type Segment } from '../../src/hl7/message.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { createLogger } from '../../src/logger.js';
import { PermanentDeliveryError } from '../../src/notifiers/alert-queue.js';
import { ChannelsConfig } from '../../src/notifiers/channels.config.js';
import { createDispatcher } from '../../src/notifiers/dispatcher.js';
import { Hl7v2ChannelConfig, Hl7v2Notifier } from '../../src/notifiers/hl7-v2.notifier.js';
import { deliveryId } from '../../src/notifiers/ledger/delivery-ledger.js';
import { SqliteDeliveryLedger } from '../../src/notifiers/ledger/sqlite.ledger.js';
import { LocalAlertQueue } from '../../src/notifiers/local.queue.js';
import { SqliteAlertStore } from '../../src/store/sqlite-alert.store.js';
import { SqliteDatabase } from '../../src/store/sqlite-database.js';
import { deliveryOf, EVIDENCE, notificationOf, PATIENT_ID, RECIPIENT, syntheticAlert } from '../support/alert-fixture.js';
import { LoopbackMllpPeer } from '../support/mllp-peer.js';

// Synthetic data only: the fixture's SYNTH-HOSP patient, providers SYNTHHOSP|D1001.

const peer = new LoopbackMllpPeer();
let port = 0;
const config = (o: Partial<Hl7v2ChannelConfig> = {}): Hl7v2ChannelConfig =>
  Hl7v2ChannelConfig.parse({ host: '127.0.0.1', port, receivingApplication: 'SYNTHEHR', receivingFacility: 'SYNTHHOSP', ackTimeoutMs: 2_000, ...o });
const open: Hl7v2Notifier[] = [];
const notifier = (o: Partial<Hl7v2ChannelConfig> = {}): Hl7v2Notifier => {
  const n = new Hl7v2Notifier(config(o), { clock: () => new Date('2025-03-01T10:00:00.000Z') });
  open.push(n);
  return n;
};

const seg = (msg: ReturnType<typeof parseMessage>, id: string): Segment => {
  const s = msg.segments.find((x) => x.id === id);
  if (!s) throw new Error(`no ${id}`);
  return s;
};
const reportOf = (msg: ReturnType<typeof parseMessage>): string[] => msg.segments.filter((s) => s.id === 'OBX').map((s) => text(field(s, 5), msg.delimiters));

beforeAll(async () => {
  port = await peer.start();
});
afterEach(async () => {
  for (const n of open.splice(0)) await n.close();
  peer.clearAnswers(); // a failed test leaves nothing for the next
});
afterAll(async () => {
  await peer.stop();
});

describe('the HL7 v2 outbound message', () => {
  it('is an MDM^T02 by default: document header, the patient by identifier, the recipient, the alert as text', async () => {
    const alert = syntheticAlert({ reason: 'CIDP | IgA ^ lambda & VEGF \\ high' });
    const delivery = deliveryOf(alert);
    const receipt = await notifier().deliver(delivery);
    expect(receipt.reference).toMatch(/^PEERACK\d+$/);
    const msg = parseMessage(peer.received.at(-1) ?? '');
    const d = msg.delimiters;
    expect([msg.type, msg.trigger, component(field(seg(msg, 'MSH'), 9), 3, d)]).toEqual(['MDM', 'T02', 'MDM_T02']);
    expect(msg.controlId).toBe(deliveryId(delivery.notification.key, 'hl7-v2', RECIPIENT));
    expect(msg.controlId.length).toBeLessThanOrEqual(20);
    expect(field(seg(msg, 'MSH'), 5)).toBe('SYNTHEHR');
    expect(field(seg(msg, 'PID'), 3)).toBe(`${PATIENT_ID}^^^SYNTH-HOSP^MR`);
    expect(field(seg(msg, 'PV1'), 2)).toBe('U');
    const txa = seg(msg, 'TXA');
    expect([field(txa, 2), field(txa, 3), field(txa, 17), field(txa, 19)]).toEqual(['POEMS-ALERT', 'TX', 'AU', 'AV']);
    expect(field(txa, 12)).toBe(`${alert.id}.1.criteria-met`);
    expect(repetitions(field(txa, 23), d)).toEqual(['neuromuscular^Neuromuscular team']);
    const report = reportOf(msg);
    expect(report[0]).toBe('POEMS criteria met: Possible POEMS syndrome: the record matches the Mayo criteria pattern. Urgent haematology review.');
    expect(report[1]).toBe('Why: CIDP | IgA ^ lambda & VEGF \\ high'); // escaped on the wire, intact once read
    expect(report).toContain('Evidence:');
    expect(report.filter((l) => l.startsWith('  ') && l.includes('(source SYNTHLAB '))).toHaveLength(EVIDENCE.length);
    expect(report).toContain('  VEGF elevation: 850 pg/mL on 2025-02-05 (source SYNTHLAB MSG0003 OBX[1])');
    expect(report).toContain('  - Low-dose whole-body CT for sclerotic bone lesions.');
    expect(report.at(-1)).toContain(delivery.notification.key);
    // every line one OBX of the same observation, so the receiver shows one report
    expect(new Set(msg.segments.filter((s) => s.id === 'OBX').map((s) => `${field(s, 2)} ${field(s, 3)} ${field(s, 4)} ${field(s, 11)}`))).toEqual(new Set(['TX POEMS-ALERT^POEMS syndrome alert^99SENTINEL 1 F']));
  });

  it('is an ORU^R01 when configured, the recipient provider by id and assigning authority', async () => {
    const alert = syntheticAlert();
    await notifier({ messageType: 'ORU^R01' }).deliver({ ...deliveryOf(alert), recipient: { kind: 'ordering-provider', id: 'SYNTHHOSP|D1001' } });
    const msg = parseMessage(peer.received.at(-1) ?? '');
    expect([msg.type, msg.trigger]).toEqual(['ORU', 'R01']);
    const obr = seg(msg, 'OBR');
    expect(field(obr, 3)).toBe(`${alert.id}.1.criteria-met^POEMS-SENTINEL`);
    expect(field(obr, 4)).toBe('POEMS-ALERT^POEMS syndrome alert^99SENTINEL');
    expect(field(obr, 25)).toBe('F');
    expect(field(obr, 28)).toBe('D1001^^^^^^^^SYNTHHOSP');
    expect(msg.segments.some((s) => s.id === 'TXA' || s.id === 'EVN')).toBe(false);
    expect(reportOf(msg).length).toBeGreaterThan(5);
  });
});

describe('the outcome of an HL7 v2 delivery is the ACK\'s', () => {
  it('AE and CE are transient, AR and CR permanent, CA delivered', async () => {
    const n = notifier();
    const d = deliveryOf(syntheticAlert());
    peer.answerNext('AE', 'CE', 'AR', 'CR', 'CA');
    await expect(n.deliver(d)).rejects.toMatchObject({ name: 'TransientDeliveryError', message: expect.stringContaining('answered AE: STORE_UNAVAILABLE busy, try later') });
    await expect(n.deliver(d)).rejects.toMatchObject({ name: 'TransientDeliveryError', message: expect.stringContaining('answered CE') });
    await expect(n.deliver(d)).rejects.toThrow(/answered AR: HL7_STRUCTURE_MISMATCH document type not accepted/);
    await expect(n.deliver(d)).rejects.toBeInstanceOf(PermanentDeliveryError);
    await expect(n.deliver(d)).resolves.toMatchObject({ reference: expect.stringMatching(/^PEERACK/) });
  });

  it('no ACK in time is transient, and the next delivery opens a new connection', async () => {
    const n = notifier({ ackTimeoutMs: 300 });
    peer.answerNext('silent');
    await expect(n.deliver(deliveryOf(syntheticAlert()))).rejects.toThrow(/no ACK from 127\.0\.0\.1:\d+ within 300 ms/);
    await expect(n.deliver(deliveryOf(syntheticAlert()))).resolves.toMatchObject({ reference: expect.any(String) });
  });

  it('a peer that is down is transient', async () => {
    const down = new LoopbackMllpPeer();
    const downPort = await down.start();
    await down.stop();
    await expect(notifier({ port: downPort }).deliver(deliveryOf(syntheticAlert()))).rejects.toMatchObject({ name: 'TransientDeliveryError', message: expect.stringContaining('could not connect') });
  });
});

describe('HL7 v2 deliveries through the dispatcher, the outbox and the ledger', () => {
  const ROUTING: RoutingProfile = {
    ...DEFAULT_PROFILE.routing,
    rules: [{ to: ['ordering-provider'], tiers: ['criteria-met'], channels: ['hl7-v2'] }],
  };
  const alert = syntheticAlert({ evidence: EVIDENCE.map((f) => ({ ...f, source: { ...f.source, orderingProvider: 'SYNTHHOSP|D1001' } })) });

  async function setup(): Promise<{ drain: () => Promise<number>; ledger: SqliteDeliveryLedger; later: () => void; close: () => Promise<void> }> {
    const sql = new SqliteDatabase(':memory:');
    const clock = { now: new Date('2025-03-01T10:00:00.000Z') };
    const queue = new LocalAlertQueue(sql, () => clock.now, { retry: { attempts: 3, backoffMs: 1000 } });
    const ledger = new SqliteDeliveryLedger(sql);
    const alerts = new SqliteAlertStore(sql);
    await alerts.put(alert);
    await queue.enqueue(notificationOf(alert));
    const dispatcher = createDispatcher({ queue, ledger, notifiers: [notifier()], routing: ROUTING, alerts, log: createLogger({ level: 'silent' }), clock: () => clock.now, flush: () => sql.flush() });
    return {
      drain: () => dispatcher.drain(),
      ledger,
      later: () => { clock.now = new Date(clock.now.getTime() + 60_000); },
      close: async () => { await dispatcher.stop(); await sql.close(); },
    };
  }

  it('AE then AA: retried after its back-off with the same control id, delivered once in the ledger', async () => {
    const s = await setup();
    const before = peer.received.length;
    peer.answerNext('AE', 'AA');
    expect(await s.drain()).toBe(0);
    const [record] = await s.ledger.ofNotification(notificationOf(alert).key);
    expect(record).toMatchObject({ channel: 'hl7-v2', status: 'retrying', attempts: 1, lastErrorCode: 'DELIVERY_FAILED' });
    s.later();
    expect(await s.drain()).toBe(1);
    expect(await s.ledger.get(record!.id)).toMatchObject({ status: 'delivered', attempts: 2, receipt: expect.stringMatching(/^PEERACK/) });
    const sent = peer.received.slice(before).map((t) => parseMessage(t).controlId);
    expect(sent).toEqual([record!.id, record!.id]);
    s.later();
    expect(await s.drain()).toBe(0);
    expect(peer.received.length - before).toBe(2);
    await s.close();
  });

  it('AR: dead at once with DELIVERY_REFUSED and the receiver\'s reason', async () => {
    const s = await setup();
    peer.answerNext('AR');
    expect(await s.drain()).toBe(0);
    expect(await s.ledger.list({ status: 'dead' })).toMatchObject([{ channel: 'hl7-v2', attempts: 1, lastErrorCode: 'DELIVERY_REFUSED', lastError: expect.stringContaining('document type not accepted') }]);
    await s.close();
  });
});

describe('the HL7 v2 channel configuration', () => {
  it('asks for TLS to another machine, unless plain TCP is allowed on purpose', () => {
    const base = { port: 2575, receivingApplication: 'EHR', receivingFacility: 'HOSP' };
    expect(Hl7v2ChannelConfig.safeParse({ ...base, host: 'ehr.example.org' }).success).toBe(false);
    expect(Hl7v2ChannelConfig.safeParse({ ...base, host: 'ehr.example.org', tls: {} }).success).toBe(true);
    expect(Hl7v2ChannelConfig.safeParse({ ...base, host: 'ehr.example.org', allowPlainTcp: true }).success).toBe(true);
    expect(Hl7v2ChannelConfig.safeParse({ ...base, host: 'localhost', receivingFacility: 'A|B' }).success).toBe(false);
    expect(ChannelsConfig.parse({ 'hl7-v2': { ...base, host: 'localhost' } })['hl7-v2']?.messageType).toBe('MDM^T02');
  });
});
