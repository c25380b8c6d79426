/**
 * The Kafka consumer measurement of `npm run bench:live`: a topic holding the generated feed is
 * drained by 1 or 2 consumer instances (worker threads, consumer.worker.ts) in one group, on
 * SQLite or shared Redis; messages/s from the first record to the last durable flush.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { Redis } from 'ioredis';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { ingressRecord } from '../../src/consumers/kafka/ingress.js';
import type { IngressAdmin, KafkaTransport, OutboundRecord } from '../../src/consumers/kafka/transport.js';
import { compileProfile } from '../../src/extract/compiled-profile.js';
import { generateFeed } from '../../src/generate/synthetic-feed.js';
import { deleteByPrefix } from '../../testkit/redis.js';
import { nextMessage, type ConsumerJob, type ConsumerReport, type ConsumerState } from './messages.js';
import { cpuMeter, pct } from './meters.js';
import { notes, printRow, rows, type Row } from './report.js';
import { BROKERS, CONSUMER_PATIENTS, now, PARTITIONS, REDIS_URL, sleep, SYNCHRONOUS } from './settings.js';

/** The consumer's input: a fresh 4-partition topic holding the generated feed, keyed by patient. */
export async function publishFeed(transport: KafkaTransport, admin: IngressAdmin, topic: string): Promise<number> {
  await admin.ensureTopics([topic], PARTITIONS);
  const producer = await transport.producer();
  let n = 0;
  let chunk: OutboundRecord[] = [];
  const t0 = performance.now();
  const profile = compileProfile(DEFAULT_PROFILE);
  try {
    for (const m of generateFeed({ patients: CONSUMER_PATIENTS, seed: 23 })) {
      const { record } = ingressRecord({ text: m.text, bytes: Buffer.from(m.text, 'utf8'), origin: 'bench', receivedAt: new Date(m.arrivalMs).toISOString() }, profile);
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

export async function consumerMeasurement(admin: IngressAdmin, dir: string, topic: string, dlqTopic: string, total: number, instances: number, kind: 'sqlite' | 'redis'): Promise<void> {
  const groupId = `bench-live-${randomUUID()}`;
  const prefix = `bench-live-${randomUUID()}:`;
  const workers: Worker[] = [];
  try {
    for (let i = 0; i < instances; i++) {
      const state: ConsumerState = kind === 'sqlite' ? { kind, dbPath: join(dir, `consumer-${groupId}-${i}.db`) } : { kind, url: REDIS_URL, prefix };
      const job: ConsumerJob = { name: `c${i}`, brokers: BROKERS, topic, dlqTopic, groupId, state };
      const worker = new Worker(new URL('./consumer.worker.js', import.meta.url), { workerData: job });
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

async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  try {
    await deleteByPrefix(redis, prefix);
  } finally {
    await redis.quit();
  }
}
