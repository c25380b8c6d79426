import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkajsTransport } from '../../src/consumers/kafka/kafkajs.transport.js';
import { expectedOutcomes, generateFeed } from '../../src/generate/synthetic-feed.js';
import { RedisAlertStore } from '../../src/store/redis-alert.store.js';
import { MllpClient, MllpTimeoutError } from '../../testkit/mllp.js';
import { freePort } from '../../testkit/ports.js';
import { killServiceProcesses, REPO_ROOT, startServiceProcess, until, type ServiceExit, type ServiceProcess } from '../support/service-process.js';
import { outcomeMismatches } from '../support/outcomes.js';
import { kafkaService, redisService } from '../support/services.js';

/**
 * The Kafka broker goes away under MLLP traffic and comes back. The test runs its own broker (own
 * ports, own data dir) so that the broker other test files share on 127.0.0.1:9092 is not touched.
 *
 * While the broker is down the MLLP edge cannot hand messages to Kafka: it must not answer AA (AE,
 * or no answer in time), and the service must stay up. Once the broker is back, the sender
 * resends what was not acknowledged, then the rest of the feed; the final alerts must be the ones
 * the feed prescribes and the service ready again.
 */

const FEED_OPTS = { patients: 150, seed: 11 };
const FEED = [...generateFeed(FEED_OPTS)];
const EXPECTED = expectedOutcomes(FEED_OPTS);
const HALF = Math.floor(FEED.length / 2);
/** how long the sender keeps sending while the broker is down */
const OUTAGE_SEND_MS = 3_000;
/** longer than the edge takes to give up on a broker that is gone (measured 10 to 19 s: kafkajs's connection
 *  retries run inside the producer's bounded retries), so the AE is seen rather than a timeout */
const OUTAGE_ACK_TIMEOUT_MS = 30_000;
const SCRIPT_TIMEOUT_MS = 80_000;

/** Runs infra/kafka/<script>.sh with the test broker's environment; rejects with its output on failure. */
function brokerScript(script: 'start' | 'stop', env: Record<string, string>): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(REPO_ROOT, 'infra', 'kafka', `${script}.sh`)], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), SCRIPT_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(Date.now() - started);
      else reject(new Error(`infra/kafka/${script}.sh failed (code ${code}, signal ${signal}):\n${output.slice(-4000)}`));
    });
  });
}


const [kafka, redis] = await Promise.all([kafkaService(), redisService()]);

describe.skipIf(!kafka.available || !redis.available)('when the Kafka broker stops and comes back under MLLP traffic', () => {
  const id = randomUUID();
  const prefix = `test-${id}:`;
  const topic = `test-${id}.inbound`;
  const group = `test-${id}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'sentinel-broker-'));
  const quiet = pino({ level: 'silent' });
  let env: Record<string, string> = {};
  let service: ServiceProcess | undefined;
  let redisClient: Redis | undefined;

  const acked = new Set<number>();
  const firstHalf: string[] = [];
  /** what the sender got for each message sent while the broker was down */
  const duringOutage: { index: number; answer: string; ms: number }[] = [];
  let readyDuringOutage = 0;
  let aliveAfterOutage = false;
  const retriedAfterRestart: string[] = [];
  let readyAtEnd = 0;
  let finalExit: ServiceExit;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    const [port, controllerPort] = [await freePort(), await freePort()];
    env = { KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort), KAFKA_DATA_DIR: dataDir, KAFKA_START_TIMEOUT: '60', KAFKA_STOP_TIMEOUT: '20' };
    const brokers = `127.0.0.1:${port}`;
    timings.brokerStart = await brokerScript('start', env);

    let started = Date.now();
    service = await startServiceProcess(
      ['--kafka-brokers', brokers, '--redis-url', redis.url, '--redis-prefix', prefix, '--kafka-topic', topic, '--kafka-dlq-topic', `${topic}.dlq`, '--kafka-group', group, '--shutdown-timeout-ms', '10000'],
      { startTimeoutMs: 60_000 },
    );
    const svc = service;
    const connect = (): Promise<MllpClient> => MllpClient.connect({ host: svc.mllpHost, port: svc.mllpPort, timeoutMs: 10_000 });

    timings.serviceStart = Date.now() - started;

    // 1. the first half of the feed, broker up
    started = Date.now();
    let client = await connect();
    for (let i = 0; i < HALF; i++) {
      const { ackCode } = await client.send(FEED[i]?.text ?? '');
      if (ackCode === 'AA') acked.add(i);
      else firstHalf.push(`${FEED[i]?.controlId}: ${ackCode}`);
    }

    timings.firstHalf = Date.now() - started;

    // 2. the broker stops (clean shutdown); the sender keeps sending for a while
    timings.brokerStop = await brokerScript('stop', env);
    started = Date.now();
    const outageEnd = started + OUTAGE_SEND_MS;
    for (let i = HALF; Date.now() < outageEnd && i < FEED.length; i++) {
      const sentAt = Date.now();
      try {
        const { ackCode } = await client.send(FEED[i]?.text ?? '', OUTAGE_ACK_TIMEOUT_MS);
        duringOutage.push({ index: i, answer: ackCode, ms: Date.now() - sentAt });
        if (ackCode === 'AA') acked.add(i);
      } catch (err) {
        if (!(err instanceof MllpTimeoutError)) throw err;
        duringOutage.push({ index: i, answer: 'timeout', ms: Date.now() - sentAt });
        client = await connect();
      }
    }
    timings.outageSends = Date.now() - started;
    readyDuringOutage = await svc.get('/readyz');
    aliveAfterOutage = svc.exit === undefined && (await svc.get('/healthz')) === 200;

    // 3. the broker comes back on the same data dir; everything not acknowledged is sent (again), in feed order
    timings.brokerRestart = await brokerScript('start', env);
    const resendStarted = Date.now();
    const deadline = Date.now() + 60_000;
    for (let i = 0; i < FEED.length; i++) {
      if (acked.has(i)) continue;
      const m = FEED[i];
      if (!m) continue;
      for (;;) {
        let answer: string;
        try {
          answer = (await client.send(m.text, OUTAGE_ACK_TIMEOUT_MS)).ackCode;
        } catch (err) {
          if (!(err instanceof MllpTimeoutError)) throw err;
          answer = 'timeout';
          client = await connect();
        }
        if (answer === 'AA') break;
        retriedAfterRestart.push(`${m.controlId}: ${answer}`);
        if (Date.now() > deadline) throw new Error(`no AA for ${m.controlId} within 60 s of the broker restart: ${retriedAfterRestart.slice(-5).join(', ')}\n${svc.diagnostics()}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      acked.add(i);
    }
    await client.close();
    timings.resend = Date.now() - resendStarted;

    // 4. the consumer group catches up; readiness is back
    const caughtUpStarted = Date.now();
    const admin = await createKafkajsTransport({ brokers: [brokers], log: quiet, clientId: 'broker-restart-test' }).admin();
    try {
      await until('the consumer group to commit every record', async () => {
        const [ends, committed] = await Promise.all([admin.topicOffsets(topic), admin.committedOffsets(group, topic)]);
        return ends.every((e) => e.high === '0' || committed.find((c) => c.partition === e.partition)?.offset === e.high);
      }, 60_000, 250);
    } finally {
      await admin.close();
    }
    timings.caughtUp = Date.now() - caughtUpStarted;
    readyAtEnd = await until('GET /readyz to answer 200', async () => ((await svc.get('/readyz')) === 200 ? 200 : undefined), 30_000, 250);
    finalExit = await svc.stop(30_000);

    redisClient = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 3 });
    await redisClient.connect();
  }, 240_000);

  afterAll(async () => {
    await killServiceProcesses();
    if (env.KAFKA_DATA_DIR) await brokerScript('stop', env).catch(() => undefined);
    if (redisClient) {
      const keys: string[] = [];
      for await (const batch of redisClient.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) keys.push(...batch);
      for (let i = 0; i < keys.length; i += 500) await redisClient.unlink(...keys.slice(i, i + 500));
      await redisClient.quit();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('acknowledges the first half while the broker is up', () => {
    expect(firstHalf).toEqual([]);
    expect(acked.size).toBeGreaterThanOrEqual(HALF);
  });

  it('answers AE or nothing, never AA, while the broker is down, and stays up', async ({ annotate }) => {
    expect(duringOutage.length).toBeGreaterThan(0);
    expect(duringOutage.filter((o) => o.answer !== 'AE' && o.answer !== 'timeout')).toEqual([]);
    expect(aliveAfterOutage, service?.diagnostics()).toBe(true);
    await annotate(`during the outage: ${duringOutage.map((o) => `${o.answer} after ${o.ms} ms`).join(', ')}; /readyz ${readyDuringOutage}`);
  });

  it('acknowledges every message once the broker is back, and is ready again', async ({ annotate }) => {
    expect(acked.size).toBe(FEED.length);
    expect(readyAtEnd).toBe(200);
    expect(finalExit, service?.diagnostics()).toEqual({ code: 0, signal: null });
    await annotate(`answers other than AA after the restart: ${retriedAfterRestart.length ? retriedAfterRestart.join(', ') : 'none'}; ms: ${JSON.stringify(timings)}`);
  });

  it('ends with the alerts the feed prescribes', async () => {
    const alerts = await new RedisAlertStore(redisClient as Redis, { prefix }).list();
    expect(outcomeMismatches(alerts, EXPECTED)).toEqual([]);
    expect(await (redisClient as Redis).llen(`${prefix}dead-letters`)).toBe(0);
  });
});
