import { z } from 'zod';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * Dead-letter quotas: each limit defined here once, with its default; the service configuration
 * (`deadLetter*` keys) takes these fields as they are. Dead letters are kept for an operator to
 * read, so they must not be the way an unauthenticated peer fills the disk: a rejected message is
 * kept up to `keepBytes` (plus its SHA-256 and length), a peer's letters up to `maxBytesPerPeer`,
 * all letters up to `maxBytes`; over a quota the oldest letters go first, counted.
 */
export const DeadLetterLimits = z
  .strictObject({
    /** all dead letters together (raw bytes kept, detail and origin) */
    maxBytes: z.number().int().positive().default(256 * MiB),
    /** the letters of one peer: an MLLP peer address, a Kafka topic, a file */
    maxBytesPerPeer: z.number().int().positive().default(32 * MiB),
    /** a rejected message larger than this is kept as its first `keepBytes` bytes, its length and its SHA-256 */
    keepBytes: z.number().int().positive().default(64 * KiB),
    /** /readyz fails while the total quota has dropped letters within this long (a peer's quota only warns) */
    alarmMs: z.number().int().positive().default(60_000),
  })
  .refine((l) => l.keepBytes < l.maxBytesPerPeer && l.maxBytesPerPeer <= l.maxBytes, {
    message: 'needs keepBytes < maxBytesPerPeer <= maxBytes',
  });
export type DeadLetterLimits = z.output<typeof DeadLetterLimits>;
