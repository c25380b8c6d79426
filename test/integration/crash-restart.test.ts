import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { createKafkajsTransport } from '../../src/consumers/kafka/kafkajs.transport.js';
import type { IngressAdmin } from '../../src/consumers/kafka/transport.js';
import type { Alert, Notification } from '../../src/domain/alert.js';
import { compileProfile } from '../../src/extract/compiled-profile.js';
import { extractEffects } from '../../src/extract/extract-message.js';
import { expectedOutcomes, generateFeed } from '../../src/generate/synthetic-feed.js';
import { parseMessage } from '../../src/hl7/parse.js';
import { startEmbedded } from '../../src/app/embedded.js';
import { RedisAlertStore } from '../../src/store/redis-alert.store.js';
import { MllpClient } from '../../testkit/mllp.js';
import { killServiceProcesses, startServiceProcess, until, type ServiceExit, type ServiceProcess } from '../support/service-process.js';
import { outcomeMismatches } from '../support/outcomes.js';
import { kafkaService, redisService } from '../support/services.js';

/**
 * Crash and restart of `poems-sentinel run` as a real child process, under MLLP traffic.
 *
 * The sender keeps the at-least-once contract of a real MLLP sender: a message is done when it got
 * AA; anything else (no ACK because the service died) is sent again, in feed order, after the
 * restart. The service is killed with SIGKILL while both connections have a message outstanding,
 * so one may be stored without its ACK: the pipeline's idempotency must absorb the copy. As that
 * window is narrow, the last acknowledged message of each connection is sent again as well, as if
 * its ACK had been lost in the crash, so the duplicate path runs on every run.
 *
 * The feed is split in two streams by patient (a merged patient's old identifiers go with it), one
 * per connection, so each patient's messages still arrive in feed order, as from one sender.
 */

const FEED_OPTS = { patients: 150, seed: 11 };
const FEED = [...generateFeed(FEED_OPTS)];
const EXPECTED = expectedOutcomes(FEED_OPTS);
/** SIGKILL once this many messages were acknowledged */
const KILL_AFTER = Math.round(FEED.length * 0.4);
const ACK_TIMEOUT_MS = 10_000;
const quiet = pino({ level: 'silent' });

const PROFILE = compileProfile(DEFAULT_PROFILE);
/** per feed message: its idempotency key, and whether it carries data the profile uses */
const META = FEED.map((m) => {
  const msg = parseMessage(m.text);
  const effects = extractEffects(msg, PROFILE, '2025-01-06T00:00:00.000Z');
  return { facility: msg.sendingFacility, controlId: msg.controlId, usable: effects.results.length > 0 || effects.merges.length > 0 };
});

/** Two lists of feed indexes in feed order; every patient (and its merged-away ids) in one of them. */
function splitByPatient(): [number[], number[]] {
  const survivor = (key: string): string => EXPECTED.get(key)?.mergedInto ?? key;
  const lane = new Map<string, 0 | 1>();
  const lanes: [number[], number[]] = [[], []];
  FEED.forEach((m, i) => {
    const patient = survivor(m.patientKey);
    if (!lane.has(patient)) lane.set(patient, (lane.size % 2) as 0 | 1);
    lanes[lane.get(patient) ?? 0].push(i);
  });
  return lanes;
}


/**
 * What a notification is about, without the alert id (a random UUID that differs between runs):
 * patient, episode and tier, which is what its key (alert id, episode, tier) stands for.
 */
function notified(body: string): string {
  const n = JSON.parse(body) as Notification;
  return `${n.patientKey}|${n.episode}|${n.tier}`;
}

/** The notifications of the same feed through the pipeline in one clean, uninterrupted pass. */
async function referenceNotificationKeys(): Promise<string[]> {
  const app = startEmbedded({ dbPath: ':memory:', profile: DEFAULT_PROFILE, log: quiet, synchronous: 'NORMAL' });
  try {
    for (const [i, m] of FEED.entries()) {
      await app.pipeline.handle({ text: m.text, bytes: Buffer.from(m.text, 'utf8'), origin: `test#${i}`, receivedAt: new Date(m.arrivalMs).toISOString() });
    }
    await app.db.flush();
    return (app.db.db.prepare('SELECT body FROM outbox').all() as { body: string }[]).map((r) => notified(r.body)).sort();
  } finally {
    await app.stop();
  }
}

interface CrashRun {
  /** feed indexes acknowledged AA before the SIGKILL */
  ackedBeforeKill: Set<number>;
  /** answers other than AA before the kill (none expected) */
  refusedBeforeKill: string[];
  /** messages written but not acknowledged when the kill was sent (0 to 2) */
  inFlightAtKill: number;
  killedExit: ServiceExit;
  /** feed indexes sent again after the restart (in feed order), and their answers other than AA */
  resent: number[];
  /** acknowledged messages sent again all the same (the last of each lane: an ACK lost in the crash) */
  lostAcks: number[];
  refusedAfterRestart: string[];
  /** the restarted service (still running) */
  restarted: ServiceProcess;
  /** time from the restart command to the "running" line */
  restartMs: number;
}

/** Starts the service, streams the feed, SIGKILLs it part-way, restarts it and resends what was not acknowledged. */
async function crashAndRecover(args: string[], opts: { startTimeoutMs: number; beforeResend?: (svc: ServiceProcess, unacked: number[]) => Promise<void> }): Promise<CrashRun> {
  const first = await startServiceProcess(args, { startTimeoutMs: opts.startTimeoutMs });
  const acked = new Set<number>();
  const refused: string[] = [];
  const clients = await Promise.all([0, 1].map(() => MllpClient.connect({ host: first.mllpHost, port: first.mllpPort, timeoutMs: ACK_TIMEOUT_MS })));
  let killed = false;
  let inFlightAtKill = 0;
  const lanes = splitByPatient();

  const sender = async (client: MllpClient, indexes: number[]): Promise<void> => {
    for (const i of indexes) {
      if (killed) return;
      const m = FEED[i];
      if (!m) return;
      let code: string;
      try {
        code = (await client.send(m.text)).ackCode;
      } catch {
        return; // the service died with this message outstanding: not acknowledged
      }
      if (code !== 'AA') {
        refused.push(`${m.controlId}: ${code}`);
        continue;
      }
      acked.add(i);
      if (!killed && acked.size >= KILL_AFTER) {
        killed = true;
        // keep this lane busy too: its next message goes out before the signal
        const next = indexes[indexes.indexOf(i) + 1];
        const nextText = next === undefined ? undefined : FEED[next]?.text;
        if (nextText !== undefined) void client.send(nextText).catch(() => undefined);
        await new Promise<void>((resolve) => setImmediate(resolve));
        inFlightAtKill = clients.reduce((n, c) => n + c.inFlight, 0);
        first.kill('SIGKILL');
        return;
      }
    }
  };
  await Promise.all(clients.map((c, n) => sender(c, lanes[n] ?? [])));
  if (!killed) first.kill('SIGKILL'); // never reached the threshold (refusals): the assertions say why
  const killedExit = await first.exited;
  await Promise.all(clients.map((c) => c.close()));

  const restartAt = Date.now();
  const restarted = await startServiceProcess(args, { startTimeoutMs: opts.startTimeoutMs });
  const restartMs = Date.now() - restartAt;
  const unacked = FEED.map((_, i) => i).filter((i) => !acked.has(i));
  // as if the last ACK of each lane had been lost on the way: the sender sends those again too
  const lostAcks = lanes.map((lane) => lane.filter((i) => acked.has(i)).at(-1)).filter((i): i is number => i !== undefined);
  const resend = [...unacked, ...lostAcks].sort((a, b) => a - b);
  await opts.beforeResend?.(restarted, unacked);
  const client = await MllpClient.connect({ host: restarted.mllpHost, port: restarted.mllpPort, timeoutMs: ACK_TIMEOUT_MS });
  const refusedAfterRestart: string[] = [];
  try {
    for (const i of resend) {
      const m = FEED[i];
      if (!m) continue;
      const { ackCode } = await client.send(m.text);
      if (ackCode !== 'AA') refusedAfterRestart.push(`${m.controlId}: ${ackCode}`);
    }
  } finally {
    await client.close();
  }
  return { ackedBeforeKill: acked, refusedBeforeKill: refused, inFlightAtKill, killedExit, resent: resend, lostAcks, refusedAfterRestart, restarted, restartMs };
}

afterAll(async () => {
  await killServiceProcesses();
});

describe('when the embedded service is killed with SIGKILL under MLLP traffic and restarted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-crash-'));
  const dbPath = join(dir, 'state.db');
  let run: CrashRun;
  let finalExit: ServiceExit;
  /** un-ACKed messages the restarted service already had in its ledger (stored, ACK lost) */
  let storedWithoutAck = 0;
  let db: Database.Database;
  let reference: string[];

  beforeAll(async () => {
    reference = await referenceNotificationKeys();
    run = await crashAndRecover(['--db', dbPath, '--shutdown-timeout-ms', '10000'], {
      startTimeoutMs: 30_000,
      beforeResend: async (_svc, unacked) => {
        // WAL: a reader alongside the running service sees what it recovered
        const reader = new Database(dbPath, { readonly: true, fileMustExist: true });
        try {
          const has = reader.prepare('SELECT 1 FROM messages WHERE facility = ? AND control_id = ?');
          storedWithoutAck = unacked.filter((i) => META[i]?.usable && has.get(META[i]?.facility, META[i]?.controlId) !== undefined).length;
        } finally {
          reader.close();
        }
      },
    });
    finalExit = await run.restarted.stop(20_000);
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
  }, 120_000);

  afterAll(() => {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('was killed part-way with messages in flight, and everything not acknowledged was sent again', async ({ annotate }) => {
    expect(run.killedExit.signal).toBe('SIGKILL');
    expect(run.refusedBeforeKill).toEqual([]);
    expect(run.ackedBeforeKill.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(run.ackedBeforeKill.size).toBeLessThan(FEED.length);
    expect(run.inFlightAtKill).toBeGreaterThan(0);
    expect(run.lostAcks).toHaveLength(2);
    expect(run.resent.length + run.ackedBeforeKill.size).toBe(FEED.length + run.lostAcks.length);
    expect(run.refusedAfterRestart).toEqual([]);
    await annotate(`acked before kill ${run.ackedBeforeKill.size}/${FEED.length}, in flight at kill ${run.inFlightAtKill}, stored without ACK ${storedWithoutAck}, restart ${run.restartMs} ms`);
  });

  it('has every acknowledged message that carries data the profile uses in its ledger', () => {
    const has = db.prepare('SELECT 1 FROM messages WHERE facility = ? AND control_id = ?');
    const missing = META.filter((m, i) => m.usable && run.ackedBeforeKill.has(i) && has.get(m.facility, m.controlId) === undefined).map((m) => m.controlId);
    expect(missing).toEqual([]);
    const missingAfter = META.filter((m) => m.usable && has.get(m.facility, m.controlId) === undefined).map((m) => m.controlId);
    expect(missingAfter).toEqual([]);
  });

  it('ends with the alerts the feed prescribes', () => {
    const alerts = (db.prepare('SELECT body FROM alerts').all() as { body: string }[]).map((r) => JSON.parse(r.body) as Alert);
    expect(outcomeMismatches(alerts, EXPECTED)).toEqual([]);
    expect((db.prepare('SELECT COUNT(*) AS n FROM dead_letters').get() as { n: number }).n).toBe(0);
  });

  it('has no duplicate alert and no duplicate or missing notification', () => {
    expect(db.prepare('SELECT patient_key, rule_id, COUNT(*) AS n FROM alerts GROUP BY patient_key, rule_id HAVING n > 1').all()).toEqual([]);
    expect(db.prepare('SELECT key, COUNT(*) AS n FROM outbox GROUP BY key HAVING n > 1').all()).toEqual([]);
    const keys = (db.prepare('SELECT body FROM outbox').all() as { body: string }[]).map((r) => notified(r.body)).sort();
    expect(keys).toEqual(reference);
  });

  it('exits 0 on SIGTERM', () => {
    expect(finalExit, run.restarted.diagnostics()).toEqual({ code: 0, signal: null });
  });
});

const [kafka, redis] = await Promise.all([kafkaService(), redisService()]);

describe.skipIf(!kafka.available || !redis.available)('when the distributed service (MLLP → Kafka → Redis) is killed with SIGKILL and restarted', () => {
  const id = randomUUID();
  const prefix = `test-${id}:`;
  const topic = `test-${id}.inbound`;
  const dlqTopic = `test-${id}.dlq`;
  const group = `test-${id}`;
  const brokers = kafka.url.split(',');
  const transport = createKafkajsTransport({ brokers, log: quiet, clientId: 'crash-restart-test' });
  let admin: IngressAdmin | undefined;
  let client: Redis | undefined;
  let run: CrashRun;
  let finalExit: ServiceExit;
  let reference: string[];
  /** records in the topic once everything was consumed */
  let recordsInTopic = 0;

  beforeAll(async () => {
    reference = await referenceNotificationKeys();
    admin = await transport.admin();
    client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 3 });
    await client.connect();
    run = await crashAndRecover(
      [
        '--kafka-brokers', kafka.url, '--redis-url', redis.url, '--redis-prefix', prefix,
        '--kafka-topic', topic, '--kafka-dlq-topic', dlqTopic, '--kafka-group', group, '--shutdown-timeout-ms', '10000',
      ],
      // the restarted member joins a group whose dead member holds it until its session times out (30 s)
      { startTimeoutMs: 60_000 },
    );
    const a = admin;
    await until('the consumer group to commit every record', async () => {
      const [ends, committed] = await Promise.all([a.topicOffsets(topic), a.committedOffsets(group, topic)]);
      return ends.every((e) => e.high === '0' || committed.find((c) => c.partition === e.partition)?.offset === e.high);
    }, 60_000, 250);
    recordsInTopic = (await a.topicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
    finalExit = await run.restarted.stop(30_000);
  }, 170_000);

  afterAll(async () => {
    await killServiceProcesses();
    if (client) {
      const keys: string[] = [];
      for await (const batch of client.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) keys.push(...batch);
      for (let i = 0; i < keys.length; i += 500) await client.unlink(...keys.slice(i, i + 500));
      await client.quit();
    }
    if (admin) {
      await admin.deleteGroups([group]).catch(() => undefined);
      await admin.deleteTopics([topic, dlqTopic]).catch(() => undefined);
      await admin.close();
    }
  });

  it('was killed part-way with messages in flight, and everything not acknowledged was sent again', async ({ annotate }) => {
    expect(run.killedExit.signal).toBe('SIGKILL');
    expect(run.refusedBeforeKill).toEqual([]);
    expect(run.ackedBeforeKill.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(run.inFlightAtKill).toBeGreaterThan(0);
    expect(run.refusedAfterRestart).toEqual([]);
    // every message is in Kafka at least once, the deliberate resends twice; any further copy is
    // a message Kafka took whose AA the kill cut off
    const storedWithoutAck = recordsInTopic - FEED.length - run.lostAcks.length;
    expect(storedWithoutAck).toBeGreaterThanOrEqual(0);
    expect(storedWithoutAck).toBeLessThanOrEqual(run.inFlightAtKill);
    await annotate(`acked before kill ${run.ackedBeforeKill.size}/${FEED.length}, in flight at kill ${run.inFlightAtKill}, stored without ACK ${storedWithoutAck}, restart ${run.restartMs} ms`);
  });

  it('has every acknowledged message that carries data the profile uses in its Redis ledger', async () => {
    const r = client as Redis;
    const usable = META.filter((m) => m.usable);
    const present = await r.hmget(`${prefix}msg`, ...usable.map((m) => JSON.stringify([m.facility, m.controlId])));
    expect(usable.filter((_, k) => present[k] === null).map((m) => m.controlId)).toEqual([]);
  });

  it('ends with the alerts the feed prescribes, read through RedisAlertStore', async () => {
    const alerts = await new RedisAlertStore(client as Redis, { prefix }).list();
    expect(outcomeMismatches(alerts, EXPECTED)).toEqual([]);
    expect(await (client as Redis).llen(`${prefix}dead-letters`)).toBe(0);
  });

  it('queued every notification once (BullMQ job per notification key)', async () => {
    const connection = (client as Redis).duplicate();
    const queue = new Queue<Notification>('notifications', { connection, prefix: `${prefix}bull` });
    try {
      const jobs = await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized', 'paused', 'completed', 'failed']);
      expect(new Set(jobs.map((j) => j.data.key)).size).toBe(jobs.length);
      expect(jobs.map((j) => notified(JSON.stringify(j.data))).sort()).toEqual(reference);
    } finally {
      await queue.close();
      await connection.quit();
    }
  });

  it('exits 0 on SIGTERM', () => {
    expect(finalExit, run.restarted.diagnostics()).toEqual({ code: 0, signal: null });
  });
});
