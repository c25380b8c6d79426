/**
 * One retry policy for both queues (the SQLite outbox and BullMQ): a notification is attempted
 * `attempts` times, the k-th retry waiting `backoffMs * 2^(k-1)`. With the defaults (16 attempts
 * from 1 s) the waits are 1, 2, 4 … 16 384 s: retried for about 9 hours (32 767 s) before it is
 * dead, which outlasts a night's EHR maintenance window without hammering a peer that is down.
 * A PermanentDeliveryError skips the retries.
 */
export interface RetryPolicy {
  attempts: number;
  backoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 16, backoffMs: 1000 };

/** The wait after failed attempt `attempt` (1-based): what BullMQ's exponential back-off computes. */
export function backoffAfter(attempt: number, policy: RetryPolicy): number {
  return policy.backoffMs * 2 ** Math.max(0, attempt - 1);
}
