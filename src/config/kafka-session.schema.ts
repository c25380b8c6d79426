import { z } from 'zod';

/**
 * How fast a consumer group notices a dead member, defined once (the service configuration and
 * the kafkajs transport both read it). A member that stops heartbeating (kill -9, a frozen host)
 * keeps its partitions until its session times out; the survivors learn of the rebalance at their
 * next heartbeat. Fail-over therefore takes at most about session + heartbeat + a rejoin: 6.3-6.7 s
 * measured with these defaults (test/integration/failover.test.ts), 31.5 s with kafkajs's own.
 *
 * The trade-off: a live member whose event loop stalls longer than the session (a long GC pause, a
 * blocked disk) is also declared dead, its partitions move, and the records it had not committed
 * are processed again (idempotently) by their new owner. The broker refuses sessions shorter than
 * its group.min.session.timeout.ms (6 s by default).
 */
export const KAFKA_SESSION_DEFAULTS = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 1_000 } as const;

export const KafkaSessionFields = {
  kafkaSessionTimeoutMs: z.number().int().min(1_000).default(KAFKA_SESSION_DEFAULTS.sessionTimeoutMs),
  /** Kafka's rule of thumb: at most a third of the session timeout */
  kafkaHeartbeatIntervalMs: z.number().int().min(100).default(KAFKA_SESSION_DEFAULTS.heartbeatIntervalMs),
};
