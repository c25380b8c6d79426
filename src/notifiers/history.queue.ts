import type { Notification } from '../domain/alert.js';
import type { AlertQueue } from './alert-queue.js';

/**
 * The queue of a replay: it counts the notifications the pipeline makes and delivers none. A
 * replay rebuilds state from history (its alerts get new ids), so telling anyone would repeat old
 * news; and it must not touch a live service's queue (a drain with a do-nothing handler on a
 * shared BullMQ queue would swallow the live notifications). The alerts keep their notified tiers,
 * so a later `run` notifies only what is new.
 */
export class HistoryQueue implements Pick<AlertQueue, 'enqueue'> {
  private readonly keys = new Set<string>();

  async enqueue(n: Notification): Promise<void> {
    this.keys.add(n.key);
  }

  /** distinct notifications made so far */
  get count(): number {
    return this.keys.size;
  }
}
