/**
 * `npm run bench:live`: the live service's figures, measured in-process against real sockets,
 * a real SQLite file (synchronous=FULL), a real Kafka broker and a real Redis.
 *
 *  (a) MLLP → pipeline → SQLite (the embedded `poems-sentinel run`) at a fixed offered rate:
 *      an open-loop schedule (send times fixed in advance, whatever the ACKs do); latency runs
 *      from the *scheduled* send time to the ACK, so a stalled server is charged for the wait.
 *  (b) the same at saturation: N connections, each sending its next message when its ACK arrives.
 *  (c) (a) and (b) with the MLLP → Kafka edge (`kafkaMllpHandler`, acks=all), when a broker answers.
 *  (d) the ingest consumer: messages/s to drain a 4-partition topic of 50,000+ generated
 *      messages, with 1 and 2 instances in one group, on embedded SQLite and on shared Redis.
 *
 * Threads, not processes: the server side (listener, pipeline, stores) runs on the main thread,
 * exactly as `startService` composes it; the load generator (a small MLLP client, below) runs in
 * a worker thread so that it does not take the server's event loop; each consumer instance runs
 * in its own worker thread (an instance = an event loop, as a process would be). One file holds
 * all three roles. Prints figures; asserts nothing (the machines are shared and noisy).
 *
 * Environment: KAFKA_BROKERS (default 127.0.0.1:9092), REDIS_URL (default redis://127.0.0.1:6379),
 * BENCH_RATE (500), BENCH_OPEN_SECONDS (10), BENCH_SATURATION_SECONDS (5),
 * BENCH_CONSUMER_PATIENTS (6000, about 51,000 messages), BENCH_SYNCHRONOUS (FULL),
 * BENCH_ONLY (a comma list of embedded, kafka-mllp, consumer; default all of them),
 * BENCH_FLUSH_EVERY (the consumer's records per durable flush; default: the consumer's own, 100).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Redis } from 'ioredis';
import pino from 'pino';
import { DEFAULT_PROFILE } from '../src/config/default-profile.js';
import { ingressRecord } from '../src/consumers/kafka/ingress.js';
import { KafkaIngestConsumer, type IngestPipeline } from '../src/consumers/kafka/kafka.consumer.js';
import { CoalescingProducer } from '../src/consumers/kafka/coalescing.producer.js';
import { createKafkajsTransport } from '../src/consumers/kafka/kafkajs.transport.js';
import type { IngressAdmin, KafkaTransport, OutboundRecord } from '../src/consumers/kafka/transport.js';
import { kafkaMllpHandler, pipelineMllpHandler } from '../src/consumers/mllp-handler.js';
import { MllpListener, type MllpHandler } from '../src/consumers/mllp.consumer.js';
import { compileProfile } from '../src/extract/compiled-profile.js';
import { generateFeed } from '../src/generate/synthetic-feed.js';
import { startEmbedded } from '../src/app/embedded.js';
import { Pipeline } from '../src/pipeline/ingest.js';
import { redisState } from '../src/app/state.js';
import type { Durable } from '../src/store/timeline-store.js';

const env = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const RATE = env('BENCH_RATE', 500);
const OPEN_SECONDS = env('BENCH_OPEN_SECONDS', 10);
const OPEN_CONNECTIONS = 4;
const SATURATION_CONNECTIONS = [1, 8, 32];
const SATURATION_SECONDS = env('BENCH_SATURATION_SECONDS', 5);
const WARMUP_SECONDS = 1;
/** between measurements, so that one's tail (the broker's flushes, a GC) does not land in the next */
const PAUSE_MS = 1_000;
const CONSUMER_PATIENTS = env('BENCH_CONSUMER_PATIENTS', 6000);
const PARTITIONS = 4;
/** the MLLP client's feed: enough messages for every run without repeating one (a duplicate is cheaper) */
const CLIENT_FEED = { patients: 12_000, seed: 11 };
const SYNCHRONOUS = process.env.BENCH_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL';
const BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** the consumer's group commit (records per durable flush); unset = the consumer's default */
const FLUSH_EVERY = process.env.BENCH_FLUSH_EVERY ? env('BENCH_FLUSH_EVERY', 100) : undefined;
const ONLY = new Set((process.env.BENCH_ONLY ?? 'embedded,kafka-mllp,consumer').split(',').map((s) => s.trim()));

const log = pino({ level: 'silent' });
/** epoch milliseconds with sub-millisecond resolution, comparable across threads */
const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Messages between the threads

interface OpenLoopRun { kind: 'open'; port: number; connections: number; rate: number; seconds: number }
interface ClosedLoopRun { kind: 'closed'; port: number; connections: number; seconds: number; warmupSeconds: number }
type ClientRun = OpenLoopRun | ClosedLoopRun;

interface LoadResult {
  /** messages sent / acknowledged (any code) in the measured window */
  sent: number;
  acked: number;
  notAa: number;
  /** ACKs whose MSA-2 did not name the message in hand (a framing or ordering bug) */
  mismatched: number;
  seconds: number;
  latenciesMs: { p50: number; p99: number; max: number };
  /** the open-loop sender fell behind its own schedule by this much at worst (client-side lateness) */
  maxSendLagMs: number;
  exhausted: boolean;
}

type ConsumerState = { kind: 'sqlite'; dbPath: string } | { kind: 'redis'; url: string; prefix: string };
interface ConsumerJob { role: 'consumer'; name: string; brokers: string[]; topic: string; dlqTopic: string; groupId: string; state: ConsumerState }
interface ConsumerReport {
  name: string;
  handled: number;
  committed: number;
  rejected: number;
  firstAt: number;
  lastFlushAt: number;
  /** event-loop utilisation of the instance's thread between its first record and its last flush */
  elu: number;
  /** the partitions of every assignment, with the time (s after the first record) it was seen */
  assignments: { at: number; partitions: number[] }[];
  crashes: number;
  failedBatches: number;
}

// ---------------------------------------------------------------------------------------------
// The MLLP load generator (worker thread)

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;

interface Frame { bytes: Buffer; controlId: string }

/** A client connection: writes frames, reads ACK frames (VT … FS CR) and reads MSA-1/MSA-2. */
class MllpClientConnection {
  private rest: Buffer = Buffer.alloc(0);
  /** scheduled (open loop) or actual (closed loop) send times and control ids, in send order */
  private readonly inFlight: { at: number; controlId: string }[] = [];
  private head = 0;

  private constructor(private readonly socket: net.Socket, private readonly onAck: (sentAt: number, ackAt: number, code: string, matches: boolean) => void) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined);
  }

  static open(port: number, onAck: (sentAt: number, ackAt: number, code: string, matches: boolean) => void): Promise<MllpClientConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(new MllpClientConnection(socket, onAck)));
      socket.once('error', reject);
    });
  }

  get outstanding(): number {
    return this.inFlight.length - this.head;
  }

  send(frame: Frame, at: number): void {
    this.inFlight.push({ at, controlId: frame.controlId });
    this.socket.write(frame.bytes);
  }

  close(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    const t = now();
    let buf = this.rest.length > 0 ? Buffer.concat([this.rest, chunk]) : chunk;
    for (;;) {
      const fs = buf.indexOf(FS);
      if (fs < 0) break;
      const vt = buf.lastIndexOf(VT, fs);
      const text = buf.toString('latin1', vt + 1, fs);
      buf = buf.subarray(buf[fs + 1] === CR ? fs + 2 : fs + 1);
      const sent = this.inFlight[this.head];
      this.head += 1;
      if (this.head > 4096) {
        this.inFlight.splice(0, this.head);
        this.head = 0;
      }
      if (!sent) continue;
      const msa = text.indexOf('\rMSA|');
      const [code = '', id = ''] = msa < 0 ? [] : text.slice(msa + 5).split('\r', 1)[0]!.split('|');
      this.onAck(sent.at, t, code, id === sent.controlId);
    }
    this.rest = Buffer.from(buf);
  }
}

function percentiles(samples: number[]): { p50: number; p99: number; max: number } {
  if (samples.length === 0) return { p50: NaN, p99: NaN, max: NaN };
  const s = Float64Array.from(samples).sort();
  const at = (q: number): number => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1]! };
}

async function openLoop(frames: Frame[], run: OpenLoopRun): Promise<LoadResult> {
  const total = Math.min(frames.length, Math.round(run.rate * run.seconds));
  const latencies: number[] = [];
  let acked = 0;
  let notAa = 0;
  let mismatched = 0;
  let lastAck = 0;
  const onAck = (sentAt: number, ackAt: number, code: string, matches: boolean): void => {
    acked += 1;
    lastAck = ackAt;
    latencies.push(ackAt - sentAt);
    if (code !== 'AA') notAa += 1;
    if (!matches) mismatched += 1;
  };
  const conns = await Promise.all(Array.from({ length: run.connections }, () => MllpClientConnection.open(run.port, onAck)));
  const interval = 1000 / run.rate;
  const start = now() + 50;
  const scheduled = (i: number): number => start + i * interval;
  let next = 0;
  let maxSendLagMs = 0;
  // the schedule is fixed: message i goes at start + i/rate on connection i mod n, ACKed or not
  while (next < total) {
    const t = now();
    while (next < total && scheduled(next) <= t) {
      maxSendLagMs = Math.max(maxSendLagMs, t - scheduled(next));
      conns[next % conns.length]!.send(frames[next]!, scheduled(next));
      next += 1;
    }
    if (next < total) await sleep(Math.max(0, Math.floor(scheduled(next) - now())));
  }
  const deadline = now() + 60_000;
  while (acked < total && now() < deadline) await sleep(5);
  for (const c of conns) c.close();
  return {
    sent: total,
    acked,
    notAa,
    mismatched,
    seconds: (lastAck - start) / 1000,
    latenciesMs: percentiles(latencies),
    maxSendLagMs,
    exhausted: total < Math.round(run.rate * run.seconds),
  };
}

async function closedLoop(frames: Frame[], run: ClosedLoopRun): Promise<LoadResult> {
  const latencies: number[] = [];
  let acked = 0;
  let notAa = 0;
  let mismatched = 0;
  let sent = 0;
  let next = 0;
  let exhausted = false;
  const begin = now() + 50;
  const windowStart = begin + run.warmupSeconds * 1000;
  const windowEnd = windowStart + run.seconds * 1000;
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let open = run.connections;
  const conns: MllpClientConnection[] = [];
  const sendNext = (c: MllpClientConnection): void => {
    const t = now();
    if (t >= windowEnd || next >= frames.length) {
      if (next >= frames.length) exhausted = true;
      if (--open === 0) finish();
      return;
    }
    c.send(frames[next]!, t);
    next += 1;
    if (t >= windowStart) sent += 1;
  };
  for (let i = 0; i < run.connections; i++) {
    const c: MllpClientConnection = await MllpClientConnection.open(run.port, (sentAt, ackAt, code, matches) => {
      if (sentAt >= windowStart && ackAt <= windowEnd) {
        acked += 1;
        latencies.push(ackAt - sentAt);
        if (code !== 'AA') notAa += 1;
        if (!matches) mismatched += 1;
      }
      sendNext(c);
    });
    conns.push(c);
  }
  await sleep(Math.max(0, begin - now()));
  for (const c of conns) sendNext(c);
  await Promise.race([finished, sleep((run.warmupSeconds + run.seconds) * 1000 + 60_000)]);
  for (const c of conns) c.close();
  return { sent, acked, notAa, mismatched, seconds: run.seconds, latenciesMs: percentiles(latencies), maxSendLagMs: 0, exhausted };
}

async function clientWorker(): Promise<void> {
  const port = parentPort!;
  const frames: Frame[] = [];
  for (const m of generateFeed(CLIENT_FEED)) {
    const body = Buffer.from(m.text, 'utf8');
    const bytes = Buffer.allocUnsafe(body.length + 3);
    bytes[0] = VT;
    body.copy(bytes, 1);
    bytes[body.length + 1] = FS;
    bytes[body.length + 2] = CR;
    frames.push({ bytes, controlId: m.controlId });
  }
  port.postMessage({ ready: frames.length });
  port.on('message', (run: ClientRun) => {
    void (run.kind === 'open' ? openLoop(frames, run) : closedLoop(frames, run)).then(
      (result) => port.postMessage({ result }),
      (err: unknown) => port.postMessage({ error: String(err) }),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// A consumer instance (worker thread): composed as startService does with Kafka

/** The instance's state: the embedded composition root (its own SQLite file), or Redis as `run` builds it. */
async function consumerState(state: ConsumerState): Promise<{ pipeline: Pipeline; durable: Durable; close: () => Promise<void> }> {
  if (state.kind === 'sqlite') {
    const app = startEmbedded({ dbPath: state.dbPath, profile: DEFAULT_PROFILE, log, synchronous: SYNCHRONOUS });
    return { pipeline: app.pipeline, durable: app.db, close: () => app.stop() };
  }
  const s = await redisState({ redisUrl: state.url, redisPrefix: state.prefix });
  const pipeline = new Pipeline({ ...s, profile: compileProfile(DEFAULT_PROFILE), clock: () => new Date(), newId: randomUUID, log });
  return { pipeline, durable: s.durable, close: () => s.close() };
}

async function consumerWorker(job: ConsumerJob): Promise<void> {
  const port = parentPort!;
  const { pipeline, durable: stateDurable, close } = await consumerState(job.state);
  let handled = 0;
  let firstAt = 0;
  let lastFlushAt = 0;
  let eluStart: ReturnType<typeof performance.eventLoopUtilization> | undefined;
  let elu = 0;
  const counted: IngestPipeline = {
    handle: (raw) => {
      if (handled === 0) {
        firstAt = now();
        eluStart = performance.eventLoopUtilization();
      }
      handled += 1;
      return pipeline.handle(raw);
    },
    deadLetter: (raw, code, detail) => pipeline.deadLetter(raw, code, detail),
  };
  const durable = {
    flush: async () => {
      await stateDurable.flush();
      lastFlushAt = now();
      if (eluStart) elu = performance.eventLoopUtilization(eluStart).utilization;
    },
    close: () => stateDurable.close(),
  };
  // The starting gate: until every instance of the group holds its partitions, a batch only
  // heartbeats (which rejects on a rebalance, so the member rejoins); then records flow. Without
  // it the first member would run alone until its next heartbeat (3 s) let the others in.
  let go = false;
  const kafka = createKafkajsTransport({ brokers: job.brokers, log, clientId: `bench-${job.name}` });
  const transport: KafkaTransport = {
    producer: () => kafka.producer(),
    admin: () => kafka.admin(),
    consumer: (options) => {
      const inner = kafka.consumer(options);
      return {
        run: (handler) =>
          inner.run(async (batch) => {
            while (!go) {
              await batch.heartbeat();
              await sleep(20);
            }
            await handler(batch);
          }),
        stop: () => inner.stop(),
      };
    },
  };
  const consumer = new KafkaIngestConsumer({ transport, pipeline: counted, durable, log, topic: job.topic, dlqTopic: job.dlqTopic, groupId: job.groupId, ...(FLUSH_EVERY ? { flushEvery: FLUSH_EVERY } : {}) });
  const assignments: ConsumerReport['assignments'] = [];
  const watch = setInterval(() => {
    const p = consumer.health().partitions;
    const last = assignments.at(-1);
    if (p.length > 0 && last?.partitions.join() !== p.join()) {
      assignments.push({ at: firstAt > 0 ? (now() - firstAt) / 1000 : 0, partitions: p });
      port.postMessage({ assigned: p });
    }
  }, 10);
  port.postMessage({ ready: true });
  port.on('message', (cmd: 'start' | 'go' | 'stop') => {
    if (cmd === 'start') {
      consumer.start().catch((err: unknown) => port.postMessage({ error: String(err) }));
      return;
    }
    if (cmd === 'go') {
      go = true;
      return;
    }
    void (async () => {
      clearInterval(watch);
      const health = consumer.health();
      await consumer.stop();
      await close();
      const report: ConsumerReport = {
        name: job.name,
        handled,
        committed: health.committed,
        rejected: Object.values(health.rejected).reduce((n, k) => n + (k ?? 0), 0),
        firstAt,
        lastFlushAt,
        elu,
        assignments,
        crashes: health.crashes,
        failedBatches: health.failedBatches,
      };
      port.postMessage({ report });
    })();
  });
}

// ---------------------------------------------------------------------------------------------
// The orchestrator (main thread)

/** Resolves with the worker's first message of the given shape; rejects on a worker error. */
function nextMessage<T>(worker: Worker, key: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Record<string, unknown>): void => {
      if ('error' in m) {
        cleanup();
        reject(new Error(String(m.error)));
      } else if (key in m) {
        cleanup();
        resolve(m[key] as T);
      }
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
  });
}

/** Whole-machine CPU use between two calls (all cores), and this process's share of one core. */
function cpuMeter(): () => { machine: number; process: number } {
  const snap = (): { busy: number; total: number } =>
    os.cpus().reduce((acc, c) => {
      const total = c.times.user + c.times.nice + c.times.sys + c.times.idle + c.times.irq;
      return { busy: acc.busy + total - c.times.idle, total: acc.total + total };
    }, { busy: 0, total: 0 });
  const m0 = snap();
  const p0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const m1 = snap();
    const p = process.cpuUsage(p0);
    return { machine: (m1.busy - m0.busy) / Math.max(1, m1.total - m0.total), process: (p.user + p.system) / 1000 / Math.max(1, performance.now() - t0) };
  };
}

interface Row {
  kind: 'embedded-open' | 'embedded-saturation' | 'kafka-open' | 'kafka-saturation' | 'consumer';
  instances?: number;
  measurement: string;
  messages: number;
  seconds: number;
  rate: number;
  latency?: { p50: number; p99: number; max: number };
  busy: string;
  target: string;
}
const rows: Row[] = [];
const notes: string[] = [];
const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(v < 10 ? 2 : 1) : '–');
const pct = (v: number): string => `${Math.round(v * 100)} %`;

function printRow(r: Row): void {
  const l = r.latency;
  console.log(`| ${r.measurement} | ${r.messages} | ${r.seconds.toFixed(2)} | ${Math.round(r.rate)} | ${l ? ms(l.p50) : '–'} | ${l ? ms(l.p99) : '–'} | ${l ? ms(l.max) : '–'} | ${r.busy} | ${r.target} |`);
}

/** The targets, against the figures of this run. */
function printTargets(): void {
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
  console.log('');
  console.log('targets:');
  const sat = rows.filter((r) => r.kind === 'embedded-saturation').sort((a, b) => b.rate - a.rate)[0];
  if (sat) console.log(`- MLLP embedded, acknowledged messages/s at saturation >= 5,000: best ${Math.round(sat.rate)} (${sat.measurement}) -> ${verdict(sat.rate >= 5000)}`);
  const open = rows.find((r) => r.kind === 'embedded-open');
  if (open?.latency) console.log(`- MLLP embedded, ACK p99 at ${RATE} msg/s < 20 ms: ${ms(open.latency.p99)} ms -> ${verdict(open.latency.p99 < 20)}`);
  for (const r of rows.filter((x) => x.kind === 'consumer')) {
    const per = r.rate / (r.instances ?? 1);
    console.log(`- Kafka consumer >= 10,000 msg/s per instance: ${Math.round(per)} (${r.measurement}) -> ${verdict(per >= 10_000)}`);
  }
}

class LoadClient {
  private constructor(private readonly worker: Worker, readonly frames: number) {}

  static async start(): Promise<LoadClient> {
    const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'client' } });
    const frames = await nextMessage<number>(worker, 'ready');
    return new LoadClient(worker, frames);
  }

  run(run: ClientRun): Promise<LoadResult> {
    const result = nextMessage<LoadResult>(this.worker, 'result');
    this.worker.postMessage(run);
    return result;
  }

  private closed = false;

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.worker.terminate();
  }
}

/** An MLLP listener in front of `handler`, built as startService builds it. */
async function listen(handler: MllpHandler): Promise<{ port: number; listener: MllpListener }> {
  const listener = new MllpListener({ host: '127.0.0.1', port: 0, maxConnections: 256, maxConnectionsPerPeer: 0, idleTimeoutMs: 0, shutdownTimeoutMs: 10_000 }, handler, log);
  const { port } = await listener.start();
  return { port, listener };
}

/** Runs the open-loop and the saturation measurements against one kind of server. */
interface Server {
  port: number;
  close: () => Promise<void>;
  /** durations of the durable commits (SQLite COMMIT, an fsync with synchronous=FULL), ms */
  commitMs?: number[];
}

/** Where a latency tail comes from on the server thread: event-loop stalls, GC pauses, commits. */
function stallMeter(): () => string {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const gc: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gc.push(e.duration);
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    delay.disable();
    observer.disconnect();
    const gcMax = gc.length > 0 ? Math.max(...gc) : 0;
    return `event-loop delay p99 ${ms(delay.percentile(99) / 1e6)} ms, max ${ms(delay.max / 1e6)} ms; GC ${gc.length} pauses, max ${ms(gcMax)} ms, ${ms(gc.reduce((a, b) => a + b, 0))} ms in all`;
  };
}

async function mllpMeasurements(client: LoadClient, label: string, server: () => Promise<Server>): Promise<void> {
  const runs: ClientRun[] = [
    { kind: 'open', port: 0, connections: OPEN_CONNECTIONS, rate: RATE, seconds: OPEN_SECONDS },
    ...SATURATION_CONNECTIONS.map((connections): ClosedLoopRun => ({ kind: 'closed', port: 0, connections, seconds: SATURATION_SECONDS, warmupSeconds: WARMUP_SECONDS })),
  ];
  // warm-up, not reported: JIT-compiles the server's and the client's paths on a throwaway server
  const warm = await server();
  await client.run({ kind: 'closed', port: warm.port, connections: 8, seconds: 1, warmupSeconds: 1 });
  await warm.close();
  for (const run of runs) {
    await sleep(PAUSE_MS);
    const s = await server();
    const elu0 = performance.eventLoopUtilization();
    const cpu = cpuMeter();
    const stalls = stallMeter();
    const r = await client.run({ ...run, port: s.port });
    const elu = performance.eventLoopUtilization(elu0).utilization;
    const c = cpu();
    const stalled = stalls();
    await s.close();
    const what = run.kind === 'open' ? `${label}: ${RATE} msg/s offered, open loop, ${run.connections} conns` : `${label}: saturation, ${run.connections} conn${run.connections > 1 ? 's' : ''}`;
    // one connection keeps one message in flight: latency-bound, not a saturation figure
    const target = !label.startsWith('MLLP embedded')
      ? '–'
      : run.kind === 'open'
        ? `p99 < 20 ms: ${r.latenciesMs.p99 < 20 ? 'met' : 'MISSED'}`
        : run.connections === 1
          ? '– (1 in flight)'
          : `≥ 5,000 msg/s: ${r.acked / r.seconds >= 5000 ? 'met' : 'MISSED'}`;
    const kind = `${label.startsWith('MLLP embedded') ? 'embedded' : 'kafka'}-${run.kind === 'open' ? 'open' : 'saturation'}` as const;
    const row: Row = { kind, measurement: what, messages: r.acked, seconds: r.seconds, rate: r.acked / r.seconds, latency: r.latenciesMs, busy: `server ${pct(elu)}, process ${pct(c.process)}, machine ${pct(c.machine)}`, target };
    rows.push(row);
    printRow(row);
    if (r.notAa > 0) notes.push(`${what}: ${r.notAa} ACKs were not AA`);
    if (r.mismatched > 0) notes.push(`${what}: ${r.mismatched} ACKs named another message (MSA-2)`);
    if (r.exhausted) notes.push(`${what}: the client's feed (${client.frames} messages) ran out`);
    if (run.kind === 'open' && r.acked < r.sent) notes.push(`${what}: only ${r.acked} of ${r.sent} messages acknowledged within 60 s`);
    if (run.kind === 'open' || r.latenciesMs.max > 50) {
      const commits = s.commitMs && s.commitMs.length > 0
        ? `; ${s.commitMs.length} commits, p99 ${ms(percentiles(s.commitMs).p99)} ms, max ${ms(percentiles(s.commitMs).max)} ms`
        : '';
      notes.push(`${what}: server thread: ${stalled}${commits}`);
    }
    if (run.kind === 'open' && r.maxSendLagMs > 5) notes.push(`${what}: the client sent up to ${ms(r.maxSendLagMs)} ms behind schedule (charged to the latency)`);
  }
}

async function embeddedServer(dir: string): Promise<Server> {
  const app = startEmbedded({ dbPath: join(dir, `mllp-${randomUUID()}.db`), profile: DEFAULT_PROFILE, log, synchronous: SYNCHRONOUS });
  const commitMs: number[] = [];
  // the same Durable, timed: a flush with an open transaction is a COMMIT (fsync at FULL)
  const timed: Durable = {
    flush: async () => {
      const writing = app.db.db.inTransaction;
      const t = performance.now();
      await app.db.flush();
      if (writing) commitMs.push(performance.now() - t);
    },
    close: () => app.db.close(),
  };
  const { port, listener } = await listen(pipelineMllpHandler(app.pipeline, timed));
  return {
    port,
    commitMs,
    close: async () => {
      await listener.stop();
      await app.stop();
    },
  };
}

async function kafkaAvailable(): Promise<boolean> {
  const [host = '127.0.0.1', p = '9092'] = (BROKERS[0] ?? '').split(':');
  return new Promise((resolve) => {
    const socket = net.createConnection({ host, port: Number(p) });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** The consumer's input: a fresh 4-partition topic holding the generated feed, keyed by patient. */
async function publishFeed(transport: KafkaTransport, admin: IngressAdmin, topic: string): Promise<number> {
  await admin.ensureTopics([topic], PARTITIONS);
  const producer = await transport.producer();
  let n = 0;
  let chunk: OutboundRecord[] = [];
  const t0 = performance.now();
  try {
    for (const m of generateFeed({ patients: CONSUMER_PATIENTS, seed: 23 })) {
      const { record } = ingressRecord({ text: m.text, bytes: Buffer.from(m.text, 'utf8'), origin: 'bench', receivedAt: new Date(m.arrivalMs).toISOString() });
      chunk.push(record);
      n += 1;
      if (chunk.length === 500) {
        await producer.send(topic, chunk);
        chunk = [];
      }
    }
    await producer.send(topic, chunk);
  } finally {
    await producer.close();
  }
  console.log(`published ${n} messages to a ${PARTITIONS}-partition topic in ${((performance.now() - t0) / 1000).toFixed(1)} s (batches of 500, acks=all)`);
  return n;
}

async function caughtUp(admin: IngressAdmin, groupId: string, topic: string): Promise<boolean> {
  const [ends, committed] = await Promise.all([admin.topicOffsets(topic), admin.committedOffsets(groupId, topic)]);
  return ends.every((e) => committed.find((c) => c.partition === e.partition)?.offset === e.high);
}

/** CPU seconds (user + sys) the Redis server has used since it started. */
async function redisCounters(): Promise<{ cpu: number }> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  try {
    const info = await redis.info('cpu');
    const get = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
    return { cpu: get('used_cpu_user') + get('used_cpu_sys') };
  } finally {
    await redis.quit();
  }
}

async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

async function consumerMeasurement(admin: IngressAdmin, dir: string, topic: string, dlqTopic: string, total: number, instances: number, kind: 'sqlite' | 'redis'): Promise<void> {
  const groupId = `bench-live-${randomUUID()}`;
  const prefix = `bench-live-${randomUUID()}:`;
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < instances; i++) {
      const state: ConsumerState = kind === 'sqlite' ? { kind, dbPath: join(dir, `consumer-${groupId}-${i}.db`) } : { kind, url: REDIS_URL, prefix };
      const job: ConsumerJob = { role: 'consumer', name: `c${i}`, brokers: BROKERS, topic, dlqTopic, groupId, state };
      const worker = new Worker(new URL(import.meta.url), { workerData: job });
      workers.push(worker);
    }
    await Promise.all(workers.map((w) => nextMessage<boolean>(w, 'ready')));
    const assigned: number[][] = workers.map(() => []);
    workers.forEach((w, i) => w.on('message', (m: { assigned?: number[] }) => {
      if (m.assigned) assigned[i] = m.assigned;
    }));
    for (const w of workers) w.postMessage('start');
    const joinDeadline = Date.now() + 120_000;
    // every instance holds partitions and together they hold each partition once: the group is stable
    while (!(assigned.every((a) => a.length > 0) && new Set(assigned.flat()).size === PARTITIONS && assigned.flat().length === PARTITIONS)) {
      if (Date.now() > joinDeadline) throw new Error(`the group did not settle within 120 s: ${JSON.stringify(assigned)}`);
      await sleep(20);
    }
    const redis0 = kind === 'redis' ? await redisCounters() : { cpu: 0 };
    const cpu = cpuMeter();
    const t0 = now();
    for (const w of workers) w.postMessage('go');
    const deadline = Date.now() + 600_000;
    while (!(await caughtUp(admin, groupId, topic).catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`consumer group did not catch up within 600 s (${instances} × ${kind})`);
      await sleep(50);
    }
    const c = cpu();
    const redis1 = kind === 'redis' ? await redisCounters() : redis0;
    const wall = (now() - t0) / 1000;
    const reports = await Promise.all(workers.map((w) => {
      const r = nextMessage<ConsumerReport>(w, 'report');
      w.postMessage('stop');
      return r;
    }));
    const active = reports.filter((r) => r.handled > 0);
    const first = Math.min(...active.map((r) => r.firstAt));
    const last = Math.max(...active.map((r) => r.lastFlushAt));
    const seconds = (last - first) / 1000;
    const handled = reports.reduce((n, r) => n + r.handled, 0);
    const rate = total / seconds;
    const perInstance = reports.map((r) => `${r.name}: ${r.handled} msgs, ${Math.round(r.handled / Math.max(1e-9, (r.lastFlushAt - r.firstAt) / 1000))} msg/s, busy ${pct(r.elu)}`).join('; ');
    const state = kind === 'sqlite' ? `SQLite ${SYNCHRONOUS}${instances > 1 ? ', one file per instance' : ''}` : 'shared Redis';
    const row: Row = {
      kind: 'consumer',
      instances,
      measurement: `Kafka consumer: ${instances} instance${instances > 1 ? 's' : ''}, ${state}`,
      messages: total,
      seconds,
      rate,
      busy: `${perInstance}; ${kind === 'redis' ? `redis-server ${pct((redis1.cpu - redis0.cpu) / wall)}, ` : ''}machine ${pct(c.machine)}`,
      target: `≥ 10,000 msg/s per instance: ${rate / instances >= 10_000 ? 'met' : 'missed'} (${Math.round(rate / instances)})`,
    };
    rows.push(row);
    printRow(row);
    if (handled > total) notes.push(`${row.measurement}: ${handled - total} records handled twice (at least once across the rebalance)`);
    for (const r of reports) {
      if (r.crashes + r.failedBatches > 0) notes.push(`${row.measurement}: ${r.name} crashed ${r.crashes} times, ${r.failedBatches} failed batches`);
    }
    if (instances > 1) {
      const history = reports.map((r) => `${r.name} ${r.assignments.map((a) => `[${a.partitions.join(',')}]@${a.at.toFixed(2)}s`).join(' → ')}`).join('; ');
      notes.push(`${row.measurement}: assignments (s after the instance's first record) ${history}`);
    }
    const rejected = reports.reduce((n, r) => n + r.rejected, 0);
    if (rejected > 0) notes.push(`${row.measurement}: ${rejected} records rejected`);
    const joining = (first - t0) / 1000;
    notes.push(`${row.measurement}: first record ${(joining * 1000).toFixed(0)} ms after the starting gate opened (the group had settled: join time not counted)`);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await admin.deleteGroups([groupId]).catch(() => undefined);
    if (kind === 'redis') await deleteRedisPrefix(prefix).catch((err: unknown) => notes.push(`could not delete the Redis keys ${prefix}*: ${String(err)}`));
  }
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  const load0 = os.loadavg();
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}; node ${process.version}`);
  console.log(`load average at start: ${load0.map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`);
  console.log(`SQLite synchronous=${SYNCHRONOUS}; the server runs on the main thread, the MLLP client and each consumer instance in worker threads`);
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-live-bench-'));
  const client = await LoadClient.start();
  console.log('');
  console.log('| measurement | messages | seconds | messages/s | ACK p50 (ms) | ACK p99 (ms) | ACK max (ms) | CPU busy | target |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  try {
    if (ONLY.has('embedded')) await mllpMeasurements(client, 'MLLP embedded (SQLite)', () => embeddedServer(dir));

    if (!(await kafkaAvailable())) {
      console.log(`| MLLP → Kafka | skipped: no broker at ${BROKERS.join(',')} | | | | | | | |`);
      console.log(`| Kafka consumer | skipped: no broker at ${BROKERS.join(',')} | | | | | | | |`);
      return;
    }
    const transport = createKafkajsTransport({ brokers: BROKERS, log, clientId: 'bench-live' });
    const admin = await transport.admin();
    const topics: string[] = [];
    try {
      const producer = await transport.producer();
      try {
        if (ONLY.has('kafka-mllp')) {
          await mllpMeasurements(client, 'MLLP → Kafka (acks=all)', async () => {
            const topic = `bench-live-mllp-${randomUUID()}`;
            topics.push(topic);
            await admin.ensureTopics([topic], PARTITIONS);
            // as service.ts builds it: concurrent connections share produce requests
            const { port, listener } = await listen(kafkaMllpHandler(new CoalescingProducer(producer), topic));
            return { port, close: () => listener.stop() };
          });
        }
      } finally {
        await producer.close();
      }
      await client.close();
      if (!ONLY.has('consumer')) return;

      const topic = `bench-live-feed-${randomUUID()}`;
      const dlqTopic = `bench-live-dlq-${randomUUID()}`;
      topics.push(topic, dlqTopic);
      await admin.ensureTopics([dlqTopic], 1);
      const total = await publishFeed(transport, admin, topic);
      const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null });
      const redisUp = await probe.connect().then(() => true, () => false);
      probe.disconnect();
      for (const kind of ['sqlite', 'redis'] as const) {
        for (const instances of [1, 2]) {
          if (kind === 'redis' && !redisUp) {
            console.log(`| Kafka consumer: ${instances} instance(s), shared Redis | skipped: no Redis at ${REDIS_URL} | | | | | | | |`);
            continue;
          }
          await sleep(PAUSE_MS * 2);
          await consumerMeasurement(admin, dir, topic, dlqTopic, total, instances, kind);
        }
      }
    } finally {
      await admin.deleteTopics(topics).catch(() => undefined);
      await admin.close();
    }
  } finally {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
    console.log('');
    const load1 = os.loadavg();
    console.log(`load average at end: ${load1.map((l) => l.toFixed(2)).join(' ')} (1/5/15 min); the Kafka broker and Redis run on the same machine`);
    console.log('CPU busy: "server" = event-loop utilisation of the listener thread; "process" = CPU time of this process (all threads) per wall second (100 % = one core); "machine" = all cores, every process; per consumer instance, "busy" = its thread\'s event-loop utilisation.');
    for (const n of notes) console.log(`- ${n}`);
    printTargets();
  }
}

// ---------------------------------------------------------------------------------------------

const data = workerData as { role?: string } | null;
if (isMainThread) await main();
else if (data?.role === 'client') await clientWorker();
else if (data?.role === 'consumer') await consumerWorker(data as ConsumerJob);
