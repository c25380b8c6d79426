import { Notification } from '../domain/alert.js';
import type { SqliteDatabase } from '../store/sqlite-database.js';
import { PermanentDeliveryError, type AlertQueue } from './alert-queue.js';

/** Attempts before a notification is dead: with the back-off below (2, 4 … 128 s), about 4 minutes in all. */
const MAX_ATTEMPTS = 8;
const backoffMs = (attempt: number): number => 2 ** attempt * 1000;

/** The embedded AlertQueue: an outbox table in the same SQLite file as the alerts. */
export class LocalAlertQueue implements AlertQueue {
  constructor(private readonly sql: SqliteDatabase, private readonly clock: () => Date = () => new Date()) {}

  async enqueue(n: Notification): Promise<void> {
    this.sql.write();
    this.sql.db
      .prepare("INSERT OR IGNORE INTO outbox (key, body, status, created_at, next_attempt_at) VALUES (?, ?, 'pending', ?, ?)")
      .run(n.key, JSON.stringify(n), n.createdAt, n.createdAt);
  }

  async drain(deliver: (n: Notification) => Promise<void>): Promise<number> {
    const now = this.clock().toISOString();
    const due = this.sql.db
      .prepare("SELECT key, body, attempts FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY created_at")
      .all(now) as { key: string; body: string; attempts: number }[];
    let delivered = 0;
    for (const row of due) {
      const n = Notification.parse(JSON.parse(row.body));
      try {
        await deliver(n);
        this.mark(row.key, 'delivered', row.attempts + 1, now, null);
        delivered += 1;
      } catch (err) {
        const attempts = row.attempts + 1;
        const dead = err instanceof PermanentDeliveryError || attempts >= MAX_ATTEMPTS;
        const next = new Date(this.clock().getTime() + backoffMs(attempts)).toISOString();
        this.mark(row.key, dead ? 'dead' : 'pending', attempts, next, String(err));
      }
    }
    await this.sql.flush();
    return delivered;
  }

  private mark(key: string, status: string, attempts: number, next: string, error: string | null): void {
    this.sql.write();
    this.sql.db.prepare('UPDATE outbox SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE key = ?').run(status, attempts, next, error, key);
  }

  async counts(): Promise<{ pending: number; delivered: number; dead: number }> {
    const rows = this.sql.db.prepare('SELECT status, COUNT(*) AS n FROM outbox GROUP BY status').all() as { status: string; n: number }[];
    const get = (s: string): number => rows.find((r) => r.status === s)?.n ?? 0;
    return { pending: get('pending'), delivered: get('delivered'), dead: get('dead') };
  }
}
