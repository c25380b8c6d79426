import { z } from 'zod';

/**
 * The MLLP listener's limits: each one defined here once, with its default. The listener's option
 * schema and the service configuration (`mllp*` keys) both take these fields as they are, so a
 * default cannot be restated in two places and drift. A timeout of 0 is no timeout.
 *
 * The connection policy is the one nginx and HAProxy use against slow and idle clients: a
 * deadline for a new connection's first frame, a deadline for a frame once it started, a minimum
 * receive rate, a per-peer limit beside the global one, and, when a new connection needs a slot,
 * eviction of a connection that is not making progress instead of refusing the newcomer.
 */
export const MllpLimits = z.strictObject({
  /** content bytes between VT and FS; a larger frame is answered AR HL7_FRAME_TOO_LARGE */
  maxFrameBytes: z.number().int().positive().default(1024 * 1024),
  /** connection slots; when all are taken, a new connection evicts one that is not making progress, else it is refused */
  maxConnections: z.number().int().positive().default(64),
  /** connections from one peer address (0 = no per-peer limit; set 0 behind a NAT or a TCP load balancer) */
  maxConnectionsPerPeer: z.number().int().min(0).default(16),
  /** a new connection must start its first frame (VT) within this long (TLS: handshake included) */
  firstByteTimeoutMs: z.number().int().min(0).default(10_000),
  /** a connection with no frame in progress is closed this long after its last acknowledgement */
  idleTimeoutMs: z.number().int().min(0).default(120_000),
  /** a frame must be complete (FS) this long after its first byte (VT) */
  frameTimeoutMs: z.number().int().min(0).default(60_000),
  /** a frame still incomplete after `minRateGraceMs` must have averaged at least this many bytes a second (0 = off) */
  minBytesPerSecond: z.number().int().min(0).default(4096),
  minRateGraceMs: z.number().int().min(0).default(5_000),
  /** /readyz fails once messages have been answered only AE (store or Kafka refusing writes) for this long */
  unreadyAfterFailingMs: z.number().int().positive().default(10_000),
});
export type MllpLimits = z.output<typeof MllpLimits>;
