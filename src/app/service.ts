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
import { loadChannels } from '../notifiers/channels.config.js';
import { createMetricsRegistry } from '../observability/metrics.js';
import { buildDelivery } from './delivery.js';
import { startInbox, type RunningInbox } from './inbox.js';
import { buildPipeline } from './pipeline.js';
import { HealthServer } from './health.server.js';
import { mllpMetrics } from './mllp-metrics.js';
import { redisState, sqliteState, type ServiceState } from './state.js';

export interface RunningService {
  mode: { state: ServiceState['mode']; ingress: 'mllp' | 'mllp+kafka' };
  mllpPort: number;
  healthPort: number;
  /** the clinician inbox (and CDS Hooks), when it runs */
  inbox?: { url: string; port: number };
  stop(): Promise<void>;
}

/** How often snoozed alerts whose date has passed are released (spec §4). */
const SWEEP_SNOOZES_EVERY_MS = 2_000;

/**
 * The composition root of `poems-sentinel run`: builds every adapter once, in order, and stops
 * them in reverse (stop taking messages, finish in-flight work, commit, close connections).
 * Without Kafka and Redis options it runs embedded: MLLP → pipeline → SQLite.
 */
export async function startService(config: ServiceConfig, profile: SiteProfile, log: Logger): Promise<RunningService> {
  const clock = (): Date => new Date();
  const sqlite = config.redisUrl ? null : sqliteState(config.dbPath, clock);
  const state: ServiceState = sqlite ?? (await redisState(config));
  const registry = createMetricsRegistry();
  const pipeline = buildPipeline(state, profile, log, clock);

  // the distributed mode keeps users, sessions and the audit trail in PostgreSQL, not in Redis
  let inbox: RunningInbox | undefined;
  if (config.inbox && (sqlite || config.databaseUrl)) inbox = await startInbox({ config, state, sqlite: sqlite?.db ?? null, profile, log, clock });
  else if (config.inbox) log.warn('inbox off: with --redis-url the inbox needs PostgreSQL for its users, sessions and audit trail (--database-url)');
  // the inbox channel writes into the inbox's own item store, so what it records is what it shows
  const delivery = await buildDelivery({
    state, profile, channels: loadChannels(config.channelsPath), databaseUrl: config.databaseUrl, databaseSchema: config.databaseSchema,
    registry, log, clock, ...(inbox ? { inboxItems: inbox.stores.items } : {}),
  });

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

  // one long-lived consumer of the notification queue (the outbox poller or the BullMQ worker)
  delivery.dispatcher?.start();
  let sweeping = Promise.resolve(0);
  const sweeper = setInterval(() => {
    // expired snoozes release the notifications they held back (spec §4)
    sweeping = sweeping.then(() => pipeline.sweepSnoozed()).catch((err: unknown) => {
      log.error({ err }, 'snooze sweep failed');
      return 0;
    });
  }, SWEEP_SNOOZES_EVERY_MS);

  const health = new HealthServer(
    [
      { name: 'state', ready: () => state.ready() },
      { name: 'mllp', ready: async () => listener.readiness() },
      ...(inbox ? [{ name: 'inbox', ready: () => inbox.ready() }] : []),
      ...(consumer ? [{ name: 'kafka', ready: async () => (consumer?.health().status === 'running' ? true : `Kafka consumer ${consumer?.health().status}`) }] : []),
    ],
    config.healthHost,
    config.healthPort,
    () => mllpMetrics(listener.health()),
    () => registry.metrics(),
  );
  const { port: healthPort } = await health.start();
  log.info({ mllpPort, healthPort, state: state.mode, kafka: Boolean(producer) }, 'poems-sentinel running');

  let stopping: Promise<void> | undefined;
  return {
    mode: { state: state.mode, ingress: producer ? 'mllp+kafka' : 'mllp' },
    mllpPort,
    healthPort,
    ...(inbox ? { inbox: { url: inbox.url, port: inbox.port } } : {}),
    stop: () =>
      (stopping ??= (async () => {
        health.drain(); // readiness fails first, so no new traffic is routed here
        await listener.stop(); // in-flight messages finish and are acknowledged
        await producer?.close();
        await consumer?.stop(); // finishes its batch, flushes, commits offsets
        await consumerStarted;
        clearInterval(sweeper);
        await sweeping;
        // the delivery in flight finishes; what is still queued waits for the next start or another instance
        await delivery.stop();
        await inbox?.stop(); // open requests finish; no action is taken after the state closes
        await state.close();
        await health.stop();
        log.info('poems-sentinel stopped');
      })()),
  };
}
