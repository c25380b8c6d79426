/**
 * `npm run bench:live`: the live service's figures, measured in-process against real sockets,
 * a real SQLite file (synchronous=FULL), a real Kafka broker and a real Redis.
 *
 *  (0) the load client's floor: the same runs against a do-nothing MLLP server (null-server.ts).
 *  (a) MLLP → pipeline → SQLite (the embedded `poems-sentinel run`) at a fixed offered rate:
 *      an open-loop schedule (send times fixed in advance, whatever the ACKs do); latency runs
 *      from the *scheduled* send time to the ACK, so a stalled server is charged for the wait.
 *  (b) the same at saturation: N connections, each sending its next message when its ACK arrives.
 *  (c) (a) and (b) with the MLLP → Kafka edge (`kafkaMllpHandler`, acks=all), when a broker answers.
 *  (d) the ingest consumer: messages/s to drain a 4-partition topic of 50,000+ generated
 *      messages, with 1 and 2 instances in one group, on embedded SQLite and on shared Redis.
 *
 * Threads, not processes, one file per role (bench/live/): this orchestrator and the servers it
 * measures run on the main thread (mllp-measurements.ts, consumer-measurements.ts); the MLLP load
 * generator runs in a worker thread (load-client.worker.ts) so that it does not take the server's
 * event loop; each consumer instance runs in its own worker thread (consumer.worker.ts: an
 * instance = an event loop, as a process would be). Settings: bench/live/settings.ts. Prints
 * figures; asserts nothing (the machines are shared and noisy).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { DEFAULT_PROFILE } from '../src/config/default-profile.js';
import { CoalescingProducer } from '../src/consumers/kafka/coalescing.producer.js';
import { createKafkajsTransport } from '../src/consumers/kafka/kafkajs.transport.js';
import { kafkaMllpHandler } from '../src/consumers/mllp-handler.js';
import { compileProfile } from '../src/extract/compiled-profile.js';
import { answers } from '../testkit/ports.js';
import { consumerMeasurement, publishFeed } from './live/consumer-measurements.js';
import { embeddedServer, listen, LoadClient, mllpMeasurements } from './live/mllp-measurements.js';
import { nullServer } from './live/null-server.js';
import { fdatasyncLatency } from './live/disk-probe.js';
import { ms } from './live/meters.js';
import { disk, notes, printTargets } from './live/report.js';
import { BROKERS, log, ONLY, PARTITIONS, PAUSE_MS, REDIS_URL, sleep, SYNCHRONOUS } from './live/settings.js';

function kafkaAvailable(): Promise<boolean> {
  const [host = '127.0.0.1', port = '9092'] = (BROKERS[0] ?? '').split(':');
  return answers(host, Number(port), 1000);
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  const load0 = os.loadavg();
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}; node ${process.version}`);
  console.log(`load average at start: ${load0.map((l) => l.toFixed(2)).join(' ')} (1/5/15 min)`);
  console.log(`SQLite synchronous=${SYNCHRONOUS}; the server runs on the main thread, the MLLP client and each consumer instance in worker threads`);
  const dir = mkdtempSync(join(tmpdir(), 'sentinel-live-bench-'));
  const client = await LoadClient.start();
  const sync = await fdatasyncLatency(dir);
  disk.fdatasync = sync;
  console.log(`disk: fdatasync of 8 KiB where the databases live: p50 ${ms(sync.p50)} ms, p99 ${ms(sync.p99)} ms, max ${ms(sync.max)} ms (200 samples)`);
  console.log('');
  console.log('| measurement | messages | seconds | messages/s | ACK p50 (ms) | ACK p99 (ms) | ACK max (ms) | CPU busy | target |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  try {
    if (ONLY.has('floor')) await mllpMeasurements(client, 'floor: do-nothing MLLP server', () => nullServer(), 'floor');
    if (ONLY.has('before')) await mllpMeasurements(client, 'before: MLLP embedded, fsync inside COMMIT', () => embeddedServer(dir, 'inline'), 'before');
    if (ONLY.has('embedded')) await mllpMeasurements(client, 'MLLP embedded (SQLite)', () => embeddedServer(dir), 'embedded');

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
            const { port, listener } = await listen(kafkaMllpHandler(new CoalescingProducer(producer), topic, compileProfile(DEFAULT_PROFILE)));
            return { port, close: () => listener.stop() };
          }, 'kafka');
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

await main();
