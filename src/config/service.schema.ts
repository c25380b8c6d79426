import { z } from 'zod';
import { KafkaNameFields } from './kafka-names.schema.js';
import { KafkaSessionFields } from './kafka-session.schema.js';
import { DeadLetterLimits } from './dead-letter.schema.js';
import { MllpLimits } from './mllp.schema.js';
import { StateFields } from './state.schema.js';

/** the MLLP limits as they are, with their defaults (config/mllp.schema.ts) */
const mllp = MllpLimits.shape;
/** the dead-letter quotas, with their defaults (config/dead-letter.schema.ts) */
const deadLetter = DeadLetterLimits.shape;

/**
 * The `poems-sentinel run` configuration: one schema, parsed once at start, every problem
 * reported at once, frozen. README's configuration table lists every key (a test keeps them equal).
 */
export const ServiceConfig = z.object({
  /** MLLP listener bind address: loopback unless the site opens it on purpose */
  mllpHost: z.string().default('127.0.0.1'),
  /** 0 picks a free port (tests) */
  mllpPort: z.number().int().min(0).max(65535).default(2575),
  mllpMaxFrameBytes: mllp.maxFrameBytes,
  mllpMaxConnections: mllp.maxConnections,
  mllpMaxConnectionsPerPeer: mllp.maxConnectionsPerPeer,
  mllpFirstByteTimeoutMs: mllp.firstByteTimeoutMs,
  mllpIdleTimeoutMs: mllp.idleTimeoutMs,
  mllpFrameTimeoutMs: mllp.frameTimeoutMs,
  mllpMinBytesPerSecond: mllp.minBytesPerSecond,
  mllpMinRateGraceMs: mllp.minRateGraceMs,
  mllpUnreadyAfterFailingMs: mllp.unreadyAfterFailingMs,
  deadLetterMaxBytes: deadLetter.maxBytes,
  deadLetterMaxBytesPerPeer: deadLetter.maxBytesPerPeer,
  deadLetterKeepBytes: deadLetter.keepBytes,
  deadLetterAlarmMs: deadLetter.alarmMs,
  /** PEM files; with tlsKey and tlsCert the listener speaks TLS, with tlsCa + tlsRequestCert mutual TLS */
  tlsKey: z.string().optional(),
  tlsCert: z.string().optional(),
  tlsCa: z.string().optional(),
  tlsRequestCert: z.boolean().default(false),
  healthHost: z.string().default('127.0.0.1'),
  /** health and readiness endpoints: GET /healthz, GET /readyz; 0 picks a free port */
  healthPort: z.number().int().min(0).max(65535).default(8080),
  ...StateFields,
  /** host:port list; empty = no Kafka (MLLP messages go straight to the pipeline) */
  kafkaBrokers: z.array(z.string().regex(/^[^:,\s]+:\d+$/, 'host:port')).default([]),
  ...KafkaNameFields,
  ...KafkaSessionFields,
  profilePath: z.string().optional(),
  /** where the notification channels deliver (FHIR server, webhook, HL7 v2 peer), JSON or YAML; none = the inbox only */
  channelsPath: z.string().optional(),
  /** the clinician inbox and CDS Hooks (HTTP; TLS with tlsKey/tlsCert): loopback unless opened on purpose */
  inbox: z.boolean().default(true),
  inboxHost: z.string().default('127.0.0.1'),
  /** 0 picks a free port */
  inboxPort: z.number().int().min(0).max(65535).default(8088),
  /** a proxy in front sets X-Forwarded-For (the audit then records the client, not the proxy) */
  inboxTrustProxy: z.boolean().default(false),
  /** postgres://…: the inbox's users, sessions, audit and items and the delivery ledger in the distributed mode (required with redisUrl) */
  databaseUrl: z.string().url().optional(),
  databaseSchema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a plain schema name').default('poems_sentinel'),
  /** a JSON or YAML file with the CDS Hooks service settings (inbox/cds-hooks/cds-hooks.config.ts); absent = no CDS Hooks */
  cdsHooksConfig: z.string().optional(),
  /** how long SIGTERM waits for in-flight work before it gives up */
  shutdownTimeoutMs: z.number().int().positive().default(15_000),
}).strict().refine((c) => c.deadLetterKeepBytes < c.deadLetterMaxBytesPerPeer && c.deadLetterMaxBytesPerPeer <= c.deadLetterMaxBytes, {
  message: 'needs deadLetterKeepBytes < deadLetterMaxBytesPerPeer <= deadLetterMaxBytes',
  path: ['deadLetterMaxBytesPerPeer'],
}).refine((c) => c.kafkaHeartbeatIntervalMs < c.kafkaSessionTimeoutMs, {
  message: 'must be shorter than kafkaSessionTimeoutMs (a third of it at most is the usual choice)',
  path: ['kafkaHeartbeatIntervalMs'],
});
export type ServiceConfig = z.infer<typeof ServiceConfig>;

/** The dead-letter quotas of a service configuration. */
export function deadLetterLimits(c: { deadLetterMaxBytes: number; deadLetterMaxBytesPerPeer: number; deadLetterKeepBytes: number; deadLetterAlarmMs: number }): DeadLetterLimits {
  return { maxBytes: c.deadLetterMaxBytes, maxBytesPerPeer: c.deadLetterMaxBytesPerPeer, keepBytes: c.deadLetterKeepBytes, alarmMs: c.deadLetterAlarmMs };
}
