import { Notification } from '../domain/alert.js';
import type { SqliteDatabase } from '../store/sqlite-database.js';
import { PermanentDeliveryError, type AlertQueue, type NotificationHandler } from './alert-queue.js';
import { backoffAfter, DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

export interface LocalAlertQueueOptions {
  retry?: RetryPolicy;
  /** how often the running poller looks for due notifications; default 1000 ms */
  pollMs?: number;
}

/**
 * The embedded AlertQueue: an outbox table in the same SQLite file as the alerts, so a
 * notification is committed with the alert that made it. `start` polls it; a failed attempt
 * waits its back-off in `next_attempt_at` (retry-policy.ts, the same as BullMQ's).
 */
export class LocalAlertQueue implements AlertQueue {
  private readonly retry: RetryPolicy;
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | undefined;
  /** passes run one at a time: the poller's and explicit drains never interleave */
  private passes: Promise<number> = Promise.resolve(0);
  private running = false;

  constructor(private readonly sql: SqliteDatabase, private readonly clock: () => Date = () => new Date(), options: LocalAlertQueueOptions = {}) {
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.pollMs = options.pollMs ?? 1000;
  }

  async enqueue(n: Notification): Promise<void> {
    this.sql.write();
    this.sql.db
      .prepare("INSERT OR IGNORE INTO outbox (key, body, status, created_at, next_attempt_at) VALUES (?, ?, 'pending', ?, ?)")
      .run(n.key, JSON.stringify(n), n.createdAt, n.createdAt);
  }

  start(handle: NotificationHandler, onError: (err: unknown) => void = () => {}): void {
    if (this.running) return;
    this.running = true;
    const tick = (): void => {
      void this.drain(handle)
        .catch((err: unknown) => onError(err)) // the database busy or closed: the next poll tries again
        .finally(() => {
          if (this.running) this.timer = setTimeout(tick, this.pollMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.passes.catch(() => 0);
  }

  drain(handle: NotificationHandler): Promise<number> {
    const pass = this.passes.catch(() => 0).then(() => this.pass(handle));
    this.passes = pass;
    return pass;
  }

  private async pass(handle: NotificationHandler): Promise<number> {
    const now = this.clock().toISOString();
    const due = this.sql.db
      .prepare("SELECT key, body, attempts FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY created_at, key")
      .all(now) as { key: string; body: string; attempts: number }[];
    let done = 0;
    for (const row of due) {
      const n = Notification.parse(JSON.parse(row.body));
      const attempt = row.attempts + 1;
      try {
        await handle(n, { attempt, final: attempt >= this.retry.attempts });
        this.mark(row.key, 'delivered', attempt, now, null);
        done += 1;
      } catch (err) {
        const dead = err instanceof PermanentDeliveryError || attempt >= this.retry.attempts;
        const next = new Date(this.clock().getTime() + backoffAfter(attempt, this.retry)).toISOString();
        this.mark(row.key, dead ? 'dead' : 'pending', attempt, next, String(err));
      }
      // each outcome is committed as it happens: a crash re-delivers at most the one in flight
      await this.sql.flush();
    }
    return done;
  }

  private mark(key: string, status: string, attempts: number, next: string, error: string | null): void {
    this.sql.write();
    this.sql.db.prepare('UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE key = ?').run(status, attempts, next, error, key);
  }

  async requeue(key: string): Promise<boolean> {
    this.sql.write();
    const changed = this.sql.db
      .prepare("UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, last_error = NULL WHERE key = ? AND status = 'dead'")
      .run(this.clock().toISOString(), key).changes > 0;
    await this.sql.flush();
    return changed;
  }

  async counts(): Promise<{ pending: number; delivered: number; dead: number }> {
    const rows = this.sql.db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all() as { status: string; n: number }[];
    const get = (s: string): number => rows.find((r) => r.status === s)?.n ?? 0;
    return { pending: get('pending'), delivered: get('delivered'), dead: get('dead') };
  }
}
