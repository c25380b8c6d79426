import type { Notification } from '../domain/alert.js';

/** Which attempt of a notification this is (1-based), and whether the queue will try again after it. */
export interface QueueAttempt {
  attempt: number;
  final: boolean;
}

/**
 * Handles one notification. Resolves when it is done; throws `PermanentDeliveryError` when
 * retrying cannot help (the notification is dead at once) and any other error when it can (it is
 * retried with back-off, dead after the last attempt).
 */
export type NotificationHandler = (n: Notification, attempt: QueueAttempt) => Promise<void>;

/**
 * Notifications to deliver at least once. `enqueue` is idempotent on `notification.key`
 * (a key already queued or delivered is ignored), so a re-evaluation never double-notifies.
 * Implementations: local.queue.ts (SQLite outbox, embedded; polls) and bullmq.queue.ts (one
 * long-lived BullMQ Worker, distributed). Both follow retry-policy.ts.
 */
export interface AlertQueue {
  enqueue(notification: Notification): Promise<void>;
  /**
   * Starts the long-lived consumer (the outbox poller, the BullMQ worker); `stop` ends it.
   * `onError` hears what fails outside a notification's handling (a poll, the Redis connection).
   */
  start(handle: NotificationHandler, onError?: (err: unknown) => void): void;
  /**
   * Delivers what is due now through `handle` and resolves once nothing due is left; returns how
   * many notifications were done. Replays, tests and the last pass before shutdown use it.
   */
  drain(handle: NotificationHandler): Promise<number>;
  /** Stops consuming; a notification in flight finishes first. */
  stop(): Promise<void>;
  counts(): Promise<{ pending: number; delivered: number; dead: number }>;
  /** A dead notification back to pending with its attempts renewed (`deliveries retry`); false when the key is not dead. */
  requeue(key: string): Promise<boolean>;
}

/** A delivery failure that retrying cannot fix (bad address, rejected payload). */
export class PermanentDeliveryError extends Error {}
