import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { SiteProfile } from '../config/profile.schema.js';
import { deadLetterLimits, type ServiceConfig } from '../config/service.schema.js';
import { CoalescingProducer } from '../consumers/kafka/coalescing.producer.js';
import { createKafkajsTransport } from '../consumers/kafka/kafkajs.transport.js';
import { KafkaIngestConsumer } from '../consumers/kafka/kafka.consumer.js';
import type { IngressProducer } from '../consumers/kafka/transport.js';
import { BUSY_RETRY_MS, groupCommit, kafkaMllpHandler, pipelineMllpHandler } from '../consumers/mllp-handler.js';
import { retryWhileBusy } from '../store/sqlite-busy.js';
import { MllpListener, type OnMllpReject } from '../consumers/mllp.consumer.js';
import { QuotaDeadLetterStore } from '../deadletters/dead-letter-quota.js';
import { ERROR_CODES } from '../errors.js';
import { compileProfile } from '../extract/compiled-profile.js';
import { loadChannels } from '../notifiers/channels.config.js';
import { createMetricsRegistry } from '../observability/metrics.js';
import { alertAdmin, newAdminToken, removeAdminFile, writeAdminFile } from './admin-endpoint.js';
import { deadLetterMetrics } from './dead-letter-metrics.js';
import { buildDelivery } from './delivery.js';
import { startInbox, type RunningInbox } from './inbox.js';
import { buildPipeline } from './pipeline.js';
import { HealthServer } from './health.server.js';
import { mllpMetrics } from './mllp-metrics.js';
import { redisState, serviceSqliteState, type ServiceState } from './state.js';
import { watchedDurable } from './watched-durable.js';

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
  const sqlite = config.redisUrl ? null : serviceSqliteState(config.dbPath, clock);
  const state: ServiceState = sqlite ?? (await redisState(config));
  const registry = createMetricsRegistry();
  // every dead letter (the pipeline's and the listener's own rejects) within its quotas
  const deadLetters = await QuotaDeadLetterStore.open(state.deadLetters, deadLetterLimits(config), log);
  const durable = watchedDurable(state.durable, config.mllpUnreadyAfterFailingMs);
  const pipeline = buildPipeline({ ...state, deadLetters }, profile, log, clock);
  // one group commit for the MLLP messages and the listener's dead letters
  const commit = groupCommit(() => durable.flush(), durable.concurrentFlushes ?? 1);
  const keepReject: OnMllpReject = (origin, code, head, size, sha256) =>
    retryWhileBusy(async () => {
      await deadLetters.addPrefix({ receivedAt: new Date().toISOString(), origin, code, detail: ERROR_CODES[code].summary, bytes: head }, { size, sha256 });
      await commit();
    }, BUSY_RETRY_MS);

  // the distributed mode keeps users, sessions and the audit trail in PostgreSQL, not in Redis
  let inbox: RunningInbox | undefined;
  // the inbox's writes share the database's connection and its durable commit (the WAL's fdatasync)
  const inboxSqlite = sqlite ? { db: sqlite.db.db, write: () => sqlite.db.write(), flush: () => sqlite.durable.flush() } : null;
  if (config.inbox && (sqlite || config.databaseUrl)) inbox = await startInbox({ config, state, sqlite: inboxSqlite, profile, log, clock, registry });
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
    consumer = new KafkaIngestConsumer({ transport, pipeline, durable, log, topic: config.kafkaTopic, dlqTopic: config.kafkaDlqTopic, groupId: config.kafkaGroupId });
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
      rejectHeadBytes: config.deadLetterKeepBytes,
      ...(config.tlsKey && config.tlsCert
        ? { tls: { key: readFileSync(config.tlsKey), cert: readFileSync(config.tlsCert), ...(config.tlsCa ? { ca: readFileSync(config.tlsCa) } : {}), requestCert: config.tlsRequestCert } }
        : {}),
    },
    producer ? kafkaMllpHandler(producer, config.kafkaTopic, compileProfile(profile)) : pipelineMllpHandler(pipeline, commit),
    log,
    keepReject,
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

  let stopping: Promise<void> | undefined;
  const adminToken = newAdminToken();
  const health = new HealthServer(
    [
      { name: 'state', ready: async () => {
        const answers = await state.ready();
        return answers === true ? (durable.failing() ?? true) : answers;
      } },
      { name: 'mllp', ready: async () => listener.readiness() },
      ...(inbox ? [{ name: 'inbox', ready: () => inbox.ready() }] : []),
      {
        name: 'dead-letters',
        ready: async () => deadLetters.alarm() ?? true,
        warnings: () => deadLetters.peersOverQuota().map((peer) => `peer ${peer.replace(/[:#/]$/, '')} is over its dead-letter quota (${config.deadLetterMaxBytesPerPeer} bytes): its oldest letters are deleted`),
      },
      ...(consumer ? [{ name: 'kafka', ready: async () => (consumer?.health().status === 'running' ? true : `Kafka consumer ${consumer?.health().status}`) }] : []),
    ],
    config.healthHost,
    config.healthPort,
    () => [...mllpMetrics(listener.health()), ...deadLetterMetrics(deadLetters.stats())],
    () => registry.metrics(),
    // once shutdown begins the CLI is told to write directly (the state closes under the endpoint)
    alertAdmin({ alerts: state.alerts, audit: () => inbox?.stores.audit, commit, token: adminToken, clock, open: () => stopping === undefined }),
  );
  const { port: healthPort } = await health.start();
  // embedded: the CLI's alert actions find the service here and go through it (admin-endpoint.ts)
  if (state.mode === 'sqlite') {
    const host = config.healthHost === '0.0.0.0' || config.healthHost === '::' ? '127.0.0.1' : config.healthHost;
    writeAdminFile(config.dbPath, { url: `http://${host.includes(':') ? `[${host}]` : host}:${healthPort}`, token: adminToken, pid: process.pid });
  }
  log.info({ mllpPort, healthPort, state: state.mode, kafka: Boolean(producer) }, 'poems-sentinel running');

  return {
    mode: { state: state.mode, ingress: producer ? 'mllp+kafka' : 'mllp' },
    mllpPort,
    healthPort,
    ...(inbox ? { inbox: { url: inbox.url, port: inbox.port } } : {}),
    stop: () =>
      (stopping ??= (async () => {
        health.drain(); // readiness fails first, so no new traffic is routed here
        if (state.mode === 'sqlite') removeAdminFile(config.dbPath, process.pid); // operators write directly from now on
        await listener.stop(); // in-flight messages finish and are acknowledged
        await producer?.close();
        await consumer?.stop(); // finishes its batch, flushes, commits offsets
        await consumerStarted;
        deadLetters.flushLog();
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
