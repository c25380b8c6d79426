import type { Notification } from '../domain/alert.js';

/**
 * Notifications to deliver at least once. `enqueue` is idempotent on `notification.key`
 * (a key already queued or delivered is ignored), so a re-evaluation never double-notifies.
 * Implementations: local.queue.ts (SQLite, embedded) and BullMQ (distributed).
 */
export interface AlertQueue {
  enqueue(notification: Notification): Promise<void>;
  /** delivers pending notifications through `deliver`; returns how many were delivered */
  drain(deliver: (n: Notification) => Promise<void>): Promise<number>;
  counts(): Promise<{ pending: number; delivered: number; dead: number }>;
}

/** A delivery failure that retrying cannot fix (bad address, rejected payload). */
export class PermanentDeliveryError extends Error {}
