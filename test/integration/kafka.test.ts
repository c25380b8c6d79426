import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { HEADER, publishToIngress } from '../../src/consumers/kafka/ingress.js';
import { KafkaIngestConsumer, type IngestPipeline } from '../../src/consumers/kafka/kafka.consumer.js';
import { createKafkajsTransport } from '../../src/consumers/kafka/kafkajs.transport.js';
import { replayTopic } from '../../src/consumers/kafka/topic-replay.consumer.js';
import type { InboundRecord, IngressAdmin, IngressProducer, KafkaTransport } from '../../src/consumers/kafka/transport.js';
import { generateFeed } from '../../src/generate/synthetic-feed.js';
import { startEmbedded, type Embedded } from '../../src/app/embedded.js';
import { kafkaService } from '../support/services.js';
import { caughtUp, until } from '../support/wait.js';

const kafka = await kafkaService();
const brokers = kafka.url.split(',');
const log = pino({ level: 'silent' });

const FEED = [...generateFeed({ patients: 10, seed: 3 })];
const FIRST = FEED.slice(0, 50);
/** published after the first consumer stopped: the only record a restarted consumer may see */
const LATE = FEED[50]!;
/** segments before any MSH: the pipeline rejects it with HL7_NO_MSH */
const MALFORMED = Buffer.from('NOT HL7 AT ALL\rPID|1||P999^^^SYNTH^MR\r\xe9t\xe9', 'latin1');



function messageCount(app: Embedded): number {
  return (app.db.db.prepare('SELECT COUNT(*) AS n FROM messages').get() as { n: number }).n;
}

function alertSummary(app: Embedded): Promise<string[]> {
  return app.alerts.list().then((alerts) => alerts.map((a) => `${a.patientKey} ${a.tier} ${a.status}`).sort());
}

async function publishAll(producer: IngressProducer, topic: string, texts: readonly string[]): Promise<(string | null)[]> {
  const keys: (string | null)[] = [];
  for (const [i, text] of texts.entries()) {
    const bytes = Buffer.from(text, 'utf8');
    const result = await publishToIngress(producer, { text, bytes, origin: `mllp:test#${i}`, receivedAt: new Date(Date.UTC(2025, 0, 6, 0, 0, i)).toISOString() }, topic);
    keys.push(result.key);
  }
  return keys;
}

/** Every record of a topic, read by a throwaway group up to the end offsets seen now. */
async function readTopic(transport: KafkaTransport, admin: IngressAdmin, topic: string): Promise<InboundRecord[]> {
  const total = (await admin.topicOffsets(topic)).reduce((n, p) => n + Number(BigInt(p.high) - BigInt(p.low)), 0);
  const groupId = `test-${randomUUID()}`;
  const records: InboundRecord[] = [];
  const consumer = transport.consumer({ groupId, topics: [topic], fromBeginning: true });
  await consumer.run(async (batch) => {
    for (const r of batch.records) {
      records.push(r);
      await batch.commit(r);
    }
  });
  try {
    await until(`${total} records on ${topic}`, () => records.length >= total);
  } finally {
    await consumer.stop();
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  return records;
}

/** The store a direct (Kafka-less) run of the same messages gives: the oracle. */
async function reference(dir: string, texts: readonly string[]): Promise<{ messages: number; alerts: string[] }> {
  const app = startEmbedded({ dbPath: join(dir, `reference-${randomUUID()}.db`), profile: DEFAULT_PROFILE, log });
  for (const [i, text] of texts.entries()) {
    await app.pipeline.handle({ text, bytes: Buffer.from(text, 'utf8'), origin: `ref#${i}`, receivedAt: new Date(Date.UTC(2025, 0, 6, 0, 0, i)).toISOString() });
  }
  await app.db.flush();
  const out = { messages: messageCount(app), alerts: await alertSummary(app) };
  await app.stop();
  return out;
}

describe.skipIf(!kafka.available)(`when HL7 messages flow through Kafka${kafka.available ? '' : ` (skipped: ${kafka.reason})`}`, () => {
  let dir = '';
  const inbound = `test-${randomUUID()}`;
  const dlq = `test-${randomUUID()}`;
  const groupId = `test-${randomUUID()}`;
  let transport: KafkaTransport;
  let admin: IngressAdmin;
  let producer: IngressProducer;
  let app: Embedded;
  let expected: { messages: number; alerts: string[] };
  const consumers: KafkaIngestConsumer[] = [];

  const newConsumer = (): KafkaIngestConsumer => {
    const c = new KafkaIngestConsumer({ transport, pipeline: app.pipeline, durable: app.db, log, topic: inbound, dlqTopic: dlq, groupId, producer });
    consumers.push(c);
    return c;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-kafka-'));
    transport = createKafkajsTransport({ brokers, log, heartbeatIntervalMs: 500 });
    admin = await transport.admin();
    await admin.ensureTopics([inbound, dlq], 3);
    producer = await transport.producer();
    app = startEmbedded({ dbPath: join(dir, 'live.db'), profile: DEFAULT_PROFILE, log });
    expected = await reference(dir, [...FIRST.map((m) => m.text), LATE.text]);
  });

  afterAll(async () => {
    for (const c of consumers) await c.stop();
    await producer?.close();
    await admin?.deleteTopics([inbound, dlq]).catch(() => undefined);
    await admin?.deleteGroups([groupId]).catch(() => undefined);
    await admin?.close();
    await app?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keys every message by its patient and still publishes the one that does not parse, with a null key', async () => {
    const keys = await publishAll(producer, inbound, FIRST.map((m) => m.text));
    expect(keys).toEqual(FIRST.map((m) => m.patientKey));
    const bad = await publishToIngress(producer, { text: MALFORMED.toString('latin1'), bytes: MALFORMED, origin: 'mllp:test#bad', receivedAt: new Date().toISOString() }, inbound);
    expect(bad).toEqual({ key: null, unparseable: { code: 'HL7_NO_MSH', detail: expect.any(String) } });
    const offsets = await admin.topicOffsets(inbound);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(51);
  });

  it('stores every message, dead-letters the malformed one and commits up to the end offsets', { timeout: 60_000 }, async () => {
    const consumer = newConsumer();
    await consumer.start();
    await until('the group to commit every record', () => caughtUp(admin, groupId, inbound));
    const health = consumer.health();
    await consumer.stop();

    expect(health).toMatchObject({ status: 'running', healthy: true, committed: 51, accepted: 50, duplicates: 1, rejected: { HL7_NO_MSH: 1 }, deadLettered: 1, failedBatches: 0 });
    expect(health.partitions).toEqual([0, 1, 2]);
    expect(consumer.health().status).toBe('stopped');
    // the late message is not published yet: the oracle minus its row, if it adds one
    const late = await reference(dir, [LATE.text]);
    expect(messageCount(app)).toBe(expected.messages - late.messages);
    expect(await app.deadLetters.count()).toBe(1);
  });

  it('puts the malformed message on the dead-letter topic with its error code and exact bytes', async () => {
    const letters = await readTopic(transport, admin, dlq);
    expect(letters).toHaveLength(1);
    const [letter] = letters as [InboundRecord];
    expect(letter.value.equals(MALFORMED)).toBe(true);
    expect(letter.key).toBeNull();
    expect(letter.headers).toMatchObject({ 'error-code': 'HL7_NO_MSH', 'origin-topic': inbound, [HEADER.origin]: 'mllp:test#bad' });
    expect(letter.headers['error-detail']).toMatch(/MSH/);
    const inboundRecords = await readTopic(transport, admin, inbound);
    const source = inboundRecords.find((r) => r.partition === Number(letter.headers['origin-partition']) && r.offset === letter.headers['origin-offset']);
    expect(source?.value.equals(MALFORMED)).toBe(true);
  });

  it('resumes a restarted consumer at the committed offsets: only a new record is processed', { timeout: 60_000 }, async () => {
    const consumer = newConsumer();
    await consumer.start();
    await until('the partitions to be assigned', () => consumer.health().partitions.length === 3);
    await publishAll(producer, inbound, [LATE.text]);
    await until('the group to commit the new record', () => caughtUp(admin, groupId, inbound));
    const health = consumer.health();
    await consumer.stop();

    expect(health).toMatchObject({ committed: 1, accepted: 1, rejected: {}, deadLettered: 0 });
    expect(messageCount(app)).toBe(expected.messages);
    expect(await alertSummary(app)).toEqual(expected.alerts);
  });

  it('rebuilds the same alerts in a fresh store by replaying the topic', { timeout: 60_000 }, async () => {
    const fresh = startEmbedded({ dbPath: join(dir, 'replayed.db'), profile: DEFAULT_PROFILE, log, synchronous: 'NORMAL' });
    try {
      const summary = await replayTopic({ topic: inbound, pipeline: fresh.pipeline, durable: fresh.db, log, transport });
      expect(summary).toMatchObject({ read: 52, accepted: 51, duplicates: 1, rejected: { HL7_NO_MSH: 1 } });
      expect(messageCount(fresh)).toBe(messageCount(app));
      const alerts = await alertSummary(fresh);
      expect(alerts.length).toBeGreaterThan(0);
      expect(alerts).toEqual(await alertSummary(app));
      expect(await fresh.deadLetters.count()).toBe(1);
    } finally {
      await fresh.stop();
    }
    // the live group is untouched by the replay's throwaway group
    expect(await caughtUp(admin, groupId, inbound)).toBe(true);
  });

  it('replays from a timestamp only what was written since then', { timeout: 60_000 }, async () => {
    const fresh = startEmbedded({ dbPath: join(dir, 'since.db'), profile: DEFAULT_PROFILE, log, synchronous: 'NORMAL' });
    try {
      const summary = await replayTopic({ topic: inbound, since: new Date(Date.now() + 60_000), pipeline: fresh.pipeline, durable: fresh.db, log, transport });
      expect(summary.read).toBe(0);
      const all = await readTopic(transport, admin, inbound);
      const late = all.find((r) => r.headers[HEADER.controlId] === LATE.controlId)!;
      const fromLate = await replayTopic({ topic: inbound, since: new Date(late.timestamp), pipeline: fresh.pipeline, durable: fresh.db, log, transport });
      // at least the late record; records of other partitions written in the same millisecond may join it
      expect(fromLate.read).toBeGreaterThanOrEqual(1);
      expect(fromLate.read).toBe(all.filter((r) => r.timestamp >= late.timestamp).length);
    } finally {
      await fresh.stop();
    }
  });
});

describe.skipIf(!kafka.available)(`when the pipeline fails transiently${kafka.available ? '' : ` (skipped: ${kafka.reason})`}`, () => {
  let dir = '';
  const inbound = `test-${randomUUID()}`;
  const dlq = `test-${randomUUID()}`;
  const groupId = `test-${randomUUID()}`;
  let transport: KafkaTransport;
  let admin: IngressAdmin;
  let producer: IngressProducer;
  let app: Embedded;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-kafka-retry-'));
    // short back-offs: the kafkajs re-fetch (1 retry) and the in-place retries (2 attempts)
    transport = createKafkajsTransport({ brokers, log, consumerRetry: { initialRetryTime: 100, retries: 1, maxRetryTime: 200 }, heartbeatIntervalMs: 500 });
    admin = await transport.admin();
    await admin.ensureTopics([inbound, dlq], 3);
    producer = await transport.producer();
    app = startEmbedded({ dbPath: join(dir, 'live.db'), profile: DEFAULT_PROFILE, log });
  });

  afterAll(async () => {
    await producer?.close();
    await admin?.deleteTopics([inbound, dlq]).catch(() => undefined);
    await admin?.deleteGroups([groupId]).catch(() => undefined);
    await admin?.close();
    await app?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('retries without committing, fails the batch, and the group delivers the record again until it succeeds', { timeout: 60_000 }, async () => {
    const target = FIRST[20]!;
    let failuresLeft = 7;
    const committedWhileFailing: { partition: number; committed: bigint; offset: bigint }[] = [];
    const flaky: IngestPipeline = {
      handle: async (raw) => {
        if (raw.text.includes(`|${target.controlId}|`) && failuresLeft > 0) {
          failuresLeft -= 1;
          const [, partition = '', offset = ''] = /\/(\d+)\/(\d+)$/.exec(raw.origin) ?? [];
          const committed = (await admin.committedOffsets(groupId, inbound)).find((c) => c.partition === Number(partition));
          committedWhileFailing.push({ partition: Number(partition), committed: BigInt(committed?.offset ?? -1), offset: BigInt(offset) });
          throw new Error('store offline (test)');
        }
        return app.pipeline.handle(raw);
      },
      deadLetter: (raw, code, detail) => app.pipeline.deadLetter(raw, code, detail),
    };
    await publishAll(producer, inbound, FIRST.map((m) => m.text));
    const consumer = new KafkaIngestConsumer({ transport, pipeline: flaky, durable: app.db, log, topic: inbound, dlqTopic: dlq, groupId, producer, retry: { attempts: 2, baseMs: 20, maxMs: 50 } });
    try {
      await consumer.start();
      await until('the group to commit every record', () => caughtUp(admin, groupId, inbound), 45_000);
      const health = consumer.health();
      expect(failuresLeft).toBe(0);
      expect(health).toMatchObject({ status: 'running', accepted: 50, transientFailures: 4, rejected: {} });
      // 7 failures in batches of 2 attempts: 4 failed batches (the last one's second attempt succeeds)
      expect(health.failedBatches).toBe(3);
      expect(health.crashes).toBeGreaterThanOrEqual(1);
      // the failing record's offset was never committed while it failed
      for (const f of committedWhileFailing) expect(f.committed).toBeLessThanOrEqual(f.offset);
      expect(messageCount(app)).toBe((await reference(dir, FIRST.map((m) => m.text))).messages);
    } finally {
      await consumer.stop();
    }
  });

  it('replaces a producer whose send failed, and the next send is acknowledged', async () => {
    const quick = createKafkajsTransport({ brokers, log, producerRetry: { initialRetryTime: 50, retries: 1, maxRetryTime: 100 } });
    const p = await quick.producer();
    try {
      await expect(p.send(`test-${randomUUID()}-missing`, [{ key: null, value: Buffer.from('x'), headers: {} }])).rejects.toThrow();
      const before = (await admin.topicOffsets(dlq)).reduce((n, o) => n + Number(o.high), 0);
      await p.send(dlq, [{ key: 'k', value: Buffer.from('after a failure'), headers: {} }]);
      expect((await admin.topicOffsets(dlq)).reduce((n, o) => n + Number(o.high), 0)).toBe(before + 1);
    } finally {
      await p.close();
    }
  });

  it('stops during a back-off at once, committing the records before the failing one and not that one', { timeout: 60_000 }, async () => {
    const group = `test-${randomUUID()}`;
    const target = FIRST[30]!;
    let failing: { partition: number; offset: string } | undefined;
    const broken: IngestPipeline = {
      handle: async (raw) => {
        if (raw.text.includes(`|${target.controlId}|`)) {
          const [, partition = '', offset = ''] = /\/(\d+)\/(\d+)$/.exec(raw.origin) ?? [];
          failing = { partition: Number(partition), offset };
          throw new Error('store offline (test)');
        }
        return app.pipeline.handle(raw);
      },
      deadLetter: (raw, code, detail) => app.pipeline.deadLetter(raw, code, detail),
    };
    const consumer = new KafkaIngestConsumer({ transport, pipeline: broken, durable: app.db, log, topic: inbound, dlqTopic: dlq, groupId: group, producer, retry: { attempts: 100, baseMs: 10_000, maxMs: 10_000 } });
    try {
      await consumer.start();
      await until('the consumer to back off', () => consumer.health().status === 'retrying');
      const t0 = performance.now();
      await consumer.stop();
      expect(performance.now() - t0).toBeLessThan(5_000);
      expect(consumer.health().status).toBe('stopped');
      const committed = await admin.committedOffsets(group, inbound);
      // the failing partition stops exactly at the failing record: earlier ones are committed, it is not
      expect(committed.find((c) => c.partition === failing?.partition)?.offset).toBe(failing?.offset);
    } finally {
      await consumer.stop();
      await admin.deleteGroups([group]).catch(() => undefined);
    }
  });
});

describe.skipIf(!kafka.available)(`when a second consumer joins the group${kafka.available ? '' : ` (skipped: ${kafka.reason})`}`, () => {
  let dir = '';
  const inbound = `test-${randomUUID()}`;
  const dlq = `test-${randomUUID()}`;
  const groupId = `test-${randomUUID()}`;
  let transport: KafkaTransport;
  let admin: IngressAdmin;
  let producer: IngressProducer;
  let app: Embedded;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-kafka-rebalance-'));
    transport = createKafkajsTransport({ brokers, log, heartbeatIntervalMs: 300 });
    admin = await transport.admin();
    await admin.ensureTopics([inbound, dlq], 3);
    producer = await transport.producer();
    app = startEmbedded({ dbPath: join(dir, 'live.db'), profile: DEFAULT_PROFILE, log });
  });

  afterAll(async () => {
    await producer?.close();
    await admin?.deleteTopics([inbound, dlq]).catch(() => undefined);
    await admin?.deleteGroups([groupId]).catch(() => undefined);
    await admin?.close();
    await app?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('hands partitions over after committing what was handled: every record is handled exactly once', { timeout: 60_000 }, async () => {
    await publishAll(producer, inbound, FIRST.map((m) => m.text));
    // about 50 ms a record, so that the first consumer is mid-batch when the second one joins
    const slow: IngestPipeline = {
      handle: async (raw) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return app.pipeline.handle(raw);
      },
      deadLetter: (raw, code, detail) => app.pipeline.deadLetter(raw, code, detail),
    };
    const make = (): KafkaIngestConsumer => new KafkaIngestConsumer({ transport, pipeline: slow, durable: app.db, log, topic: inbound, dlqTopic: dlq, groupId, producer });
    const a = make();
    const b = make();
    try {
      await a.start();
      await until('the first consumer to handle a few records', () => a.health().accepted >= 3);
      await b.start();
      await until('the partitions to be shared', () => b.health().partitions.length > 0 && a.health().partitions.length + b.health().partitions.length === 3);
      await until('the group to commit every record', () => caughtUp(admin, groupId, inbound));
      const [ha, hb] = [a.health(), b.health()];
      expect(ha.accepted + hb.accepted).toBe(50);
      expect(ha.duplicates + hb.duplicates).toBe(1);
      expect(messageCount(app)).toBe((await reference(dir, FIRST.map((m) => m.text))).messages);
    } finally {
      await a.stop();
      await b.stop();
    }
  });
});
