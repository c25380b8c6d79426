import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteByPrefix } from '../../testkit/redis.js';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import type { Alert, Notification } from '../../src/domain/alert.js';
import { publishToIngress } from '../../src/consumers/kafka/ingress.js';
import { KafkaIngestConsumer, type IngestPipeline, type KafkaConsumerHealth } from '../../src/consumers/kafka/kafka.consumer.js';
import { createKafkajsTransport } from '../../src/consumers/kafka/kafkajs.transport.js';
import type { IngressAdmin, IngressProducer, KafkaTransport } from '../../src/consumers/kafka/transport.js';
import { compileProfile } from '../../src/extract/compiled-profile.js';
import { expectedOutcomes, generateFeed } from '../../src/generate/synthetic-feed.js';
import { jobIdOf } from '../../src/notifiers/bullmq.queue.js';
import { Pipeline } from '../../src/pipeline/ingest.js';
import { redisState, type ServiceState } from '../../src/app/state.js';
import { kafkaService, redisService } from '../support/services.js';
import { caughtUp, until } from '../support/wait.js';

const [kafka, redis] = await Promise.all([kafkaService(), redisService()]);
const available = kafka.available && redis.available;
const skipReason = [kafka, redis].filter((s) => !s.available).map((s) => s.reason).join('; ');
const brokers = kafka.url.split(',');
const log = pino({ level: 'silent' });

const FEED_OPTIONS = { patients: 200, seed: 21 };
const FEED = [...generateFeed(FEED_OPTIONS)];
const PARTITIONS = 4;
/** every Redis key of this file starts with this; afterAll deletes them by prefix */
const ROOT = `test-scale-${randomUUID()}`;
const PREFIX_A = `${ROOT}:a:`;
const PREFIX_B = `${ROOT}:b:`;



/** One instance of the distributed service: its own Kafka client, Redis connection, pipeline and consumer. */
interface Instance {
  name: string;
  transport: KafkaTransport;
  state: ServiceState;
  consumer: KafkaIngestConsumer;
  /** every partition set this member was assigned, in order */
  assignments: number[][];
}

/** What is compared between runs: one line per alert, evidence source control ids as a sorted set. */
function alertSummary(alerts: readonly Alert[]): string[] {
  return alerts
    .map((a) => {
      const sources = [...new Set(a.evidence.map((e) => e.source.messageControlId))].sort();
      return `${a.patientKey} ${a.tier} ${a.status} [${sources.join(',')}]`;
    })
    .sort();
}

/** Differences between the alerts and the feed's expected tier and status per patient key. */
function mismatchesWithExpected(alerts: readonly Alert[]): string[] {
  const byPatient = new Map(alerts.map((a) => [a.patientKey, a]));
  const mismatches: string[] = [];
  for (const [key, want] of expectedOutcomes(FEED_OPTIONS)) {
    const got = byPatient.get(key);
    const actual = got === undefined ? 'none' : `${got.status === 'withdrawn' ? 'withdrawn' : 'open'}:${got.status === 'withdrawn' ? '' : got.tier}`;
    const expected = want.expectedStatus === 'none' ? 'none' : `${want.expectedStatus}:${want.expectedStatus === 'withdrawn' ? '' : want.expectedTier}`;
    if (actual !== expected) mismatches.push(`${key} (${want.archetype}): expected ${expected}, got ${actual}`);
  }
  return mismatches;
}

describe.skipIf(!available)(`when the ingest consumer scales out over one Redis${available ? '' : ` (skipped: ${skipReason})`}`, () => {
  const topic = `test-scale-${randomUUID()}`;
  const dlq = `test-scale-dlq-${randomUUID()}`;
  const groupA = `test-scale-a-${randomUUID()}`;
  const groupB = `test-scale-b-${randomUUID()}`;
  let setup: KafkaTransport;
  let admin: IngressAdmin;
  let producer: IngressProducer;
  let cleaner: Redis;
  const instances: Instance[] = [];
  const stopped = new Set<Instance>();

  /**
   * Builds one instance as `poems-sentinel run` does (redisState + Pipeline + KafkaIngestConsumer),
   * with its own kafkajs client and ioredis connection. `pace` slows every record a little, so
   * that a group is still mid-stream when its second member joins.
   */
  const instance = async (name: string, prefix: string, groupId: string, paceMs = 0): Promise<Instance> => {
    const transport = createKafkajsTransport({ brokers, log, clientId: `scale-out-${name}`, heartbeatIntervalMs: 300 });
    const state = await redisState({ redisUrl: redis.url, redisPrefix: prefix });
    const pipeline = new Pipeline({ ...state, profile: compileProfile(DEFAULT_PROFILE), clock: () => new Date(), newId: randomUUID, log });
    const paced: IngestPipeline =
      paceMs > 0
        ? {
            handle: async (raw) => {
              await new Promise((resolve) => setTimeout(resolve, paceMs));
              return pipeline.handle(raw);
            },
            deadLetter: (raw, code, detail) => pipeline.deadLetter(raw, code, detail),
          }
        : pipeline;
    const assignments: number[][] = [];
    const consumer = new KafkaIngestConsumer({ transport, pipeline: paced, durable: state.durable, log, topic, dlqTopic: dlq, groupId });
    const made: Instance = { name, transport, state, consumer, assignments };
    instances.push(made);
    return made;
  };

  const stop = async (i: Instance): Promise<void> => {
    if (stopped.has(i)) return;
    stopped.add(i);
    await i.consumer.stop();
    await i.state.close();
  };

  /** Records the partitions of every (re)assignment, by polling health (the consumer keeps only the last). */
  const watchAssignments = (i: Instance): (() => void) => {
    const timer = setInterval(() => {
      const p = i.consumer.health().partitions;
      const last = i.assignments.at(-1);
      if (p.length > 0 && (last === undefined || last.join(',') !== p.join(','))) i.assignments.push(p);
    }, 10);
    return () => clearInterval(timer);
  };

  beforeAll(async () => {
    cleaner = new Redis(redis.url);
    await cleaner.ping();
    setup = createKafkajsTransport({ brokers, log, clientId: 'scale-out-setup' });
    admin = await setup.admin();
    await admin.ensureTopics([topic, dlq], PARTITIONS);
    producer = await setup.producer();
    for (const [i, m] of FEED.entries()) {
      const result = await publishToIngress(producer, { text: m.text, bytes: Buffer.from(m.text, 'utf8'), origin: `mllp:scale-out#${i}`, receivedAt: new Date(m.arrivalMs).toISOString() }, topic);
      if (result.key !== m.patientKey) throw new Error(`message ${m.controlId} keyed ${String(result.key)}, not ${m.patientKey}`);
    }
  }, 180_000);

  afterAll(async () => {
    for (const i of instances) await stop(i).catch(() => undefined);
    await producer?.close();
    await admin?.deleteTopics([topic, dlq]).catch(() => undefined);
    await admin?.deleteGroups([groupA, groupB]).catch(() => undefined);
    await admin?.close();
    if (cleaner) {
      await deleteByPrefix(cleaner, ROOT);
      await cleaner.quit();
    }
  }, 120_000);

  let alertsA: Alert[] = [];
  let alertsB: Alert[] = [];

  it('publishes the feed keyed by patient over every partition', async () => {
    const offsets = await admin.topicOffsets(topic);
    expect(offsets).toHaveLength(PARTITIONS);
    expect(offsets.reduce((n, p) => n + Number(p.high), 0)).toBe(FEED.length);
    expect(offsets.every((p) => Number(p.high) > 0)).toBe(true);
    expect(FEED.length).toBeGreaterThan(1_500);
  });

  it('one instance alone (group A, prefix A) processes the whole topic and gets the expected alerts', { timeout: 120_000 }, async () => {
    const a = await instance('a', PREFIX_A, groupA);
    await a.consumer.start();
    await until('group A to commit the end offsets', () => caughtUp(admin, groupA, topic), 60_000);
    const health = a.consumer.health();
    expect(health).toMatchObject({ status: 'running', committed: FEED.length, rejected: {}, deadLettered: 0, failedBatches: 0 });
    expect(health.partitions).toEqual([0, 1, 2, 3]);
    alertsA = await a.state.alerts.list();
    await stop(a);
    expect(alertsA.length).toBeGreaterThan(0);
    expect(mismatchesWithExpected(alertsA)).toEqual([]);
  });

  it('two instances (group B, one shared prefix B) share the topic across a rebalance and end with the same alerts', { timeout: 120_000 }, async () => {
    // ~2 ms a record: one member alone would need several seconds, so the second joins mid-stream
    const first = await instance('b1', PREFIX_B, groupB, 2);
    const second = await instance('b2', PREFIX_B, groupB, 2);
    const unwatch = [watchAssignments(first), watchAssignments(second)];
    let atJoin: KafkaConsumerHealth;
    try {
      await first.consumer.start();
      await until('the first member to be mid-stream', () => first.consumer.health().accepted >= 150, 60_000);
      atJoin = first.consumer.health();
      await second.consumer.start();
      await until('the group to commit the end offsets', () => caughtUp(admin, groupB, topic), 90_000);
    } finally {
      for (const u of unwatch) u();
    }
    const [h1, h2] = [first.consumer.health(), second.consumer.health()];

    // the second member joined while the first still had work: a rebalance moved partitions to it
    expect(atJoin.accepted).toBeLessThan(FEED.length / 2);
    expect(first.assignments[0]).toEqual([0, 1, 2, 3]);
    expect(first.assignments.length).toBeGreaterThanOrEqual(2);
    expect(second.assignments.at(-1)?.length).toBeGreaterThan(0);
    expect((first.assignments.at(-1)?.length ?? 0) + (second.assignments.at(-1)?.length ?? 0)).toBe(PARTITIONS);
    // both processed records; at least once: every record committed by one of them, none rejected
    expect(h1.accepted).toBeGreaterThan(0);
    expect(h2.accepted).toBeGreaterThan(0);
    expect(h1.committed).toBeGreaterThan(0);
    expect(h2.committed).toBeGreaterThan(0);
    expect(h1.committed + h2.committed).toBeGreaterThanOrEqual(FEED.length);
    expect({ ...h1.rejected, ...h2.rejected }).toEqual({});
    expect(h1.failedBatches + h2.failedBatches).toBe(0);

    alertsB = await second.state.alerts.list();
    expect(alertSummary(await first.state.alerts.list())).toEqual(alertSummary(alertsB));
    expect(alertSummary(alertsB)).toEqual(alertSummary(alertsA));
    expect(mismatchesWithExpected(alertsB)).toEqual([]);
  });

  it('queues every notification key of group B once in BullMQ', async () => {
    const queue = new Queue<Notification>('notifications', { connection: cleaner, prefix: `${PREFIX_B}bull` });
    try {
      const jobs = await queue.getJobs(['waiting', 'prioritized', 'active', 'delayed', 'paused', 'completed', 'failed']);
      const keys = jobs.map((j) => j.data.key);
      expect(keys.length).toBeGreaterThan(0);
      expect(new Set(keys).size).toBe(keys.length);
      for (const j of jobs) expect(j.id).toBe(jobIdOf(j.data.key));
      // every open alert was notified (a merge re-keys an alert but keeps its id)
      const notifiedAlerts = new Set(jobs.map((j) => j.data.alertId));
      const open = alertsB.filter((a) => a.status === 'open');
      expect(open.length).toBeGreaterThan(0);
      expect(open.filter((a) => !notifiedAlerts.has(a.id)).map((a) => a.patientKey)).toEqual([]);
    } finally {
      await queue.close();
    }
  });
});
