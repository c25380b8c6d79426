import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { SiteProfile } from '../config/profile.schema.js';
import type { ServiceConfig } from '../config/service.schema.js';
import { CoalescingProducer } from '../consumers/kafka/coalescing.producer.js';
import { createKafkajsTransport } from '../consumers/kafka/kafkajs.transport.js';
import { KafkaIngestConsumer } from '../consumers/kafka/kafka.consumer.js';
import type { IngressProducer } from '../consumers/kafka/transport.js';
import { kafkaMllpHandler, pipelineMllpHandler } from '../consumers/mllp-handler.js';
import { MllpListener } from '../consumers/mllp.consumer.js';
import { compileProfile } from '../extract/compiled-profile.js';
import { buildPipeline } from './pipeline.js';
import { HealthServer } from './health.server.js';
import { mllpMetrics } from './mllp-metrics.js';
import { redisState, sqliteState, type ServiceState } from './state.js';

export interface RunningService {
  mode: { state: ServiceState['mode']; ingress: 'mllp' | 'mllp+kafka' };
  mllpPort: number;
  healthPort: number;
  stop(): Promise<void>;
}

/** How often the notification outbox is drained (the inbox is the alert store itself). */
const NOTIFY_EVERY_MS = 2_000;

/**
 * The composition root of `poems-sentinel run`: builds every adapter once, in order, and stops
 * them in reverse (stop taking messages, finish in-flight work, commit, close connections).
 * Without Kafka and Redis options it runs embedded: MLLP → pipeline → SQLite.
 */
export async function startService(config: ServiceConfig, profile: SiteProfile, log: Logger): Promise<RunningService> {
  const clock = (): Date => new Date();
  const state = config.redisUrl ? await redisState(config) : sqliteState(config.dbPath, clock);
  const pipeline = buildPipeline(state, profile, log, clock);

  let producer: IngressProducer | undefined;
  let consumer: KafkaIngestConsumer | undefined;
  if (config.kafkaBrokers.length > 0) {
    const transport = createKafkajsTransport({ brokers: config.kafkaBrokers, log, sessionTimeoutMs: config.kafkaSessionTimeoutMs, heartbeatIntervalMs: config.kafkaHeartbeatIntervalMs });
    const admin = await transport.admin();
    await admin.ensureTopics([config.kafkaTopic, config.kafkaDlqTopic], config.kafkaPartitions);
    await admin.close();
    // concurrent MLLP connections share produce requests (each still waits for acks=all)
    producer = new CoalescingProducer(await transport.producer());
    consumer = new KafkaIngestConsumer({ transport, pipeline, durable: state.durable, log, topic: config.kafkaTopic, dlqTopic: config.kafkaDlqTopic, groupId: config.kafkaGroupId });
  }

  const listener = new MllpListener(
    {
      host: config.mllpHost,
      port: config.mllpPort,
      maxFrameBytes: config.mllpMaxFrameBytes,
      maxConnections: config.mllpMaxConnections,
      maxConnectionsPerPeer: config.mllpMaxConnectionsPerPeer,
      firstByteTimeoutMs: config.mllpFirstByteTimeoutMs,
      idleTimeoutMs: config.mllpIdleTimeoutMs,
      frameTimeoutMs: config.mllpFrameTimeoutMs,
      minBytesPerSecond: config.mllpMinBytesPerSecond,
      minRateGraceMs: config.mllpMinRateGraceMs,
      unreadyAfterFailingMs: config.mllpUnreadyAfterFailingMs,
      shutdownTimeoutMs: config.shutdownTimeoutMs,
      ...(config.tlsKey && config.tlsCert
        ? { tls: { key: readFileSync(config.tlsKey), cert: readFileSync(config.tlsCert), ...(config.tlsCa ? { ca: readFileSync(config.tlsCa) } : {}), requestCert: config.tlsRequestCert } }
        : {}),
    },
    producer ? kafkaMllpHandler(producer, config.kafkaTopic, compileProfile(profile)) : pipelineMllpHandler(pipeline, state.durable),
    log,
    // no onReject yet: the listener's own rejects (unframed bytes, HTTP, oversized and empty
    // frames) are counted in its health and metrics; a dead-letter store with quotas comes later
  );
  const { port: mllpPort } = await listener.start();
  // MLLP only needs the producer; joining the group may wait out a dead member's session
  // (kafkaSessionTimeoutMs after a crash), and /readyz reports the consumer until it runs.
  const consumerStarted = consumer?.start().catch((err: unknown) => log.error({ err }, 'Kafka consumer did not start'));

  let notifying = Promise.resolve(0);
  const notifier = setInterval(() => {
    // expired snoozes release the notifications they held back (spec §4), then the queue drains
    notifying = notifying.then(() => pipeline.sweepSnoozed()).then(() => state.queue.drain(async () => {})).catch((err: unknown) => {
      log.error({ err }, 'notification drain failed');
      return 0;
    });
  }, NOTIFY_EVERY_MS);

  const health = new HealthServer(
    [
      { name: 'state', ready: () => state.ready() },
      { name: 'mllp', ready: async () => listener.readiness() },
      ...(consumer ? [{ name: 'kafka', ready: async () => (consumer?.health().status === 'running' ? true : `Kafka consumer ${consumer?.health().status}`) }] : []),
    ],
    config.healthHost,
    config.healthPort,
    () => mllpMetrics(listener.health()),
  );
  const { port: healthPort } = await health.start();
  log.info({ mllpPort, healthPort, state: state.mode, kafka: Boolean(producer) }, 'poems-sentinel running');

  let stopping: Promise<void> | undefined;
  return {
    mode: { state: state.mode, ingress: producer ? 'mllp+kafka' : 'mllp' },
    mllpPort,
    healthPort,
    stop: () =>
      (stopping ??= (async () => {
        health.drain(); // readiness fails first, so no new traffic is routed here
        await listener.stop(); // in-flight messages finish and are acknowledged
        await producer?.close();
        await consumer?.stop(); // finishes its batch, flushes, commits offsets
        await consumerStarted;
        clearInterval(notifier);
        await notifying;
        await state.queue.drain(async () => {});
        await state.close();
        await health.stop();
        log.info('poems-sentinel stopped');
      })()),
  };
}
