import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { HEADER } from '../../src/consumers/kafka/ingress.js';
import { createKafkajsTransport } from '../../src/consumers/kafka/kafkajs.transport.js';
import { replayTopic } from '../../src/consumers/kafka/topic-replay.consumer.js';
import type { InboundRecord, IngressAdmin, KafkaTransport } from '../../src/consumers/kafka/transport.js';
import { startFeeder } from '../../src/feeder/feeder.js';
import { writeFeed } from '../../src/generate/write-feed.js';
import { startEmbedded } from '../../src/app/embedded.js';
import { kafkaService } from '../support/services.js';
import { until } from '../support/wait.js';

// Synthetic feed only (the generator's TESTPATIENT names, SYNTH identifiers).

const kafka = await kafkaService();
const brokers = kafka.url.split(',');
const log = pino({ level: 'silent' });

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

describe.skipIf(!kafka.available)(`when a feed is replayed into the Kafka ingress topic${kafka.available ? '' : ` (skipped: ${kafka.reason})`}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-feeder-kafka-'));
  const input = join(dir, 'feed.hl7');
  const topic = `test-${randomUUID()}`;
  let transport: KafkaTransport;
  let admin: IngressAdmin;
  let ids: string[] = [];

  beforeAll(async () => {
    await writeFeed(input, { patients: 10, seed: 5 });
    ids = readFileSync(input, 'latin1').split('\r\n').filter(Boolean).map((m) => m.split('|')[9] as string);
    transport = createKafkajsTransport({ brokers, log });
    admin = await transport.admin();
    await admin.ensureTopics([topic], 3);
  });

  afterAll(async () => {
    await admin?.deleteTopics([topic]).catch(() => undefined);
    await admin?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('produces every message as the MLLP edge would (key = patient key, acks=all), a patient in order, and resumes from the journal', { timeout: 90_000 }, async () => {
    const target = { kind: 'kafka' as const, brokers, topic };
    const base = { inputs: [input], target, pacing: { kind: 'rate' as const, perSecond: 2000 }, connections: 2, ackTimeoutMs: 10_000, retries: 3, retryDelayMs: 10, log };
    let answered = 0;
    const first = startFeeder({ ...base, resume: false, onAnswer: () => {
      answered += 1;
      if (answered === 20) first.stop('interrupted by the test');
    } });
    const s1 = await first.done;
    expect(s1.stopped).toBe('interrupted by the test');
    expect(s1.target).toBe(`kafka:${brokers.join(',')}/${topic}`);

    const s2 = await startFeeder({ ...base, resume: true }).done;
    expect(s2).toMatchObject({ skipped: s1.delivered, delivered: ids.length - s1.delivered, acks: { AA: ids.length - s1.delivered, AE: 0, AR: 0 }, stopped: null });

    const records = await readTopic(transport, admin, topic);
    // nothing journaled went twice, nothing was lost
    expect(records.map((r) => r.headers[HEADER.controlId]).sort()).toEqual([...ids].sort());
    const byKey = new Map<string, string[]>();
    for (const r of [...records].sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)))) {
      expect(r.key).toMatch(/^SYNTH\|/);
      byKey.set(r.key as string, [...(byKey.get(r.key as string) ?? []), r.headers[HEADER.controlId] as string]);
    }
    // positions in the file; a deliberate duplicate copy (same MSH-10) takes the next position of its id
    const positions = new Map<string, number[]>();
    ids.forEach((id, i) => positions.set(id, [...(positions.get(id) ?? []), i]));
    for (const [, sent] of byKey) {
      const order = sent.map((id) => positions.get(id)?.shift());
      expect(order).toEqual([...order].sort((a, b) => (a ?? 0) - (b ?? 0)));
    }

    // the service's own rebuild reads every record
    const app = startEmbedded({ dbPath: join(dir, 'rebuilt.db'), profile: DEFAULT_PROFILE, log });
    try {
      const rebuilt = await replayTopic({ topic, pipeline: app.pipeline, durable: app.db, log, transport });
      expect(rebuilt).toMatchObject({ read: ids.length, rejected: {} });
    } finally {
      await app.stop();
    }
  });
});
