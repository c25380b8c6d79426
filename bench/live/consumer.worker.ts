/**
 * One Kafka consumer instance of `npm run bench:live`, in a worker thread (an instance = an event
 * loop, as a process would be), composed from the same parts as `poems-sentinel run` with Kafka:
 * the state factory and the pipeline of src/app/, the ingest consumer of src/consumers/kafka/.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { buildPipeline } from '../../src/app/pipeline.js';
import { openState } from '../../src/app/state.js';
import { DEFAULT_PROFILE } from '../../src/config/default-profile.js';
import { KafkaIngestConsumer, type IngestPipeline } from '../../src/consumers/kafka/kafka.consumer.js';
import { createKafkajsTransport } from '../../src/consumers/kafka/kafkajs.transport.js';
import type { KafkaTransport } from '../../src/consumers/kafka/transport.js';
import { rejectedTotal } from '../../src/pipeline/outcome-counts.js';
import type { ConsumerJob, ConsumerReport } from './messages.js';
import { FLUSH_EVERY, log, now, sleep, SYNCHRONOUS } from './settings.js';

const port = parentPort!;
const job = workerData as ConsumerJob;
const state = await openState(
  job.state.kind === 'sqlite'
    ? { dbPath: job.state.dbPath, redisPrefix: '', synchronous: SYNCHRONOUS }
    : { dbPath: '', redisUrl: job.state.url, redisPrefix: job.state.prefix },
);
const pipeline = buildPipeline(state, DEFAULT_PROFILE, log);
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
    await state.durable.flush();
    lastFlushAt = now();
    if (eluStart) elu = performance.eventLoopUtilization(eluStart).utilization;
  },
  close: () => state.durable.close(),
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
    await state.close();
    const report: ConsumerReport = {
      name: job.name,
      handled,
      committed: health.committed,
      rejected: rejectedTotal(health),
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
