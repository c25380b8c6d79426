import type { Statement } from 'better-sqlite3';
import type { Notification } from '../../domain/alert.js';
import type { SqliteDatabase } from '../../store/sqlite-database.js';
import type { Route } from '../routing.js';
import {
  LEDGER_COLUMNS, MAX_ERROR_CHARS, plannedRecord, recordFromRow, type LedgerRow,
  type AttemptOutcome, type DeliveryCount, type DeliveryFilter, type DeliveryLedger, type DeliveryRecord, type DeliveryStatus,
} from './delivery-ledger.js';

/**
 * The ledger's table in the service's SQLite file. Created here, not in the store's schema: the
 * ledger belongs to delivery, and its writes join the same group transaction as the outbox, so a
 * delivery and its outbox row are committed together.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS deliveries (
  id TEXT PRIMARY KEY, notification_key TEXT NOT NULL, seq INTEGER NOT NULL,
  alert_id TEXT NOT NULL, episode INTEGER NOT NULL, tier TEXT NOT NULL, event TEXT NOT NULL,
  channel TEXT NOT NULL, recipient TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
  last_error_code TEXT, last_error TEXT, receipt TEXT,
  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, delivered_at TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_by_key ON deliveries (notification_key, seq);
CREATE INDEX IF NOT EXISTS deliveries_by_episode ON deliveries (alert_id, episode);
CREATE INDEX IF NOT EXISTS deliveries_by_status ON deliveries (status, updated_at);
`;

type Row = LedgerRow & { recipient: string; created_at: string; updated_at: string; delivered_at: string | null };

const COLUMNS = LEDGER_COLUMNS;

export class SqliteDeliveryLedger implements DeliveryLedger {
  private readonly q: Record<'insert' | 'byKey' | 'byEpisode' | 'byId' | 'delivered' | 'failed', Statement>;

  constructor(private readonly sql: SqliteDatabase) {
    sql.db.exec(SCHEMA);
    const db = sql.db;
    this.q = {
      insert: db.prepare(`INSERT OR IGNORE INTO deliveries (${COLUMNS}) VALUES (@id, @notification_key, @seq, @alert_id, @episode, @tier, @event, @channel, @recipient, @status, @attempts, NULL, NULL, NULL, @created_at, @updated_at, NULL)`),
      byKey: db.prepare(`SELECT ${COLUMNS} FROM deliveries WHERE notification_key = ? ORDER BY seq`),
      byEpisode: db.prepare(`SELECT ${COLUMNS} FROM deliveries WHERE alert_id = ? AND episode = ? ORDER BY created_at, notification_key, seq`),
      byId: db.prepare(`SELECT ${COLUMNS} FROM deliveries WHERE id = ?`),
      delivered: db.prepare("UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, receipt = ?, updated_at = ?, delivered_at = ? WHERE id = ? AND status <> 'delivered'"),
      failed: db.prepare("UPDATE deliveries SET status = ?, attempts = attempts + 1, last_error_code = ?, last_error = ?, updated_at = ? WHERE id = ? AND status <> 'delivered'"),
    };
  }

  async plan(n: Notification, routes: readonly Route[], now: string): Promise<DeliveryRecord[]> {
    this.sql.write();
    const existing = (this.q.byKey.all(n.key) as Row[]).length;
    routes.forEach((route, i) => {
      const r = plannedRecord(n, route, now);
      this.q.insert.run({ ...toRow(r), seq: existing + i });
    });
    return this.ofNotification(n.key);
  }

  async ofNotification(key: string): Promise<DeliveryRecord[]> {
    return (this.q.byKey.all(key) as Row[]).map(recordFromRow);
  }

  async ofEpisode(alertId: string, episode: number): Promise<DeliveryRecord[]> {
    return (this.q.byEpisode.all(alertId, episode) as Row[]).map(recordFromRow);
  }

  async get(id: string): Promise<DeliveryRecord | null> {
    const row = this.q.byId.get(id) as Row | undefined;
    return row ? recordFromRow(row) : null;
  }

  async record(id: string, outcome: AttemptOutcome, now: string): Promise<boolean> {
    this.sql.write();
    const res = outcome.status === 'delivered'
      ? this.q.delivered.run(outcome.receipt ?? null, now, now, id)
      : this.q.failed.run(outcome.status, outcome.errorCode, outcome.error.slice(0, MAX_ERROR_CHARS), now, id);
    return res.changes > 0;
  }

  async list(filter: DeliveryFilter = {}): Promise<DeliveryRecord[]> {
    const rows = this.sql.db
      .prepare(`SELECT ${COLUMNS} FROM deliveries WHERE (@status IS NULL OR status = @status) AND (@channel IS NULL OR channel = @channel) ORDER BY updated_at DESC, id LIMIT @limit`)
      .all({ status: filter.status ?? null, channel: filter.channel ?? null, limit: filter.limit ?? 100 }) as Row[];
    return rows.map(recordFromRow);
  }

  async reopen(which: { ids: readonly string[] } | 'all-dead', now: string): Promise<DeliveryRecord[]> {
    this.sql.write();
    const db = this.sql.db;
    const ids = which === 'all-dead'
      ? (db.prepare("SELECT id FROM deliveries WHERE status = 'dead'").all() as { id: string }[]).map((r) => r.id)
      : which.ids;
    const reopen = db.prepare("UPDATE deliveries SET status = 'pending', updated_at = ? WHERE id = ? AND status = 'dead'");
    const reopened = ids.filter((id) => reopen.run(now, id).changes > 0);
    return (await Promise.all(reopened.map((id) => this.get(id)))).filter((r): r is DeliveryRecord => r !== null);
  }

  async counts(): Promise<DeliveryCount[]> {
    const rows = this.sql.db.prepare('SELECT channel, status, COUNT(*) AS n FROM deliveries GROUP BY channel, status ORDER BY channel, status').all() as { channel: string; status: string; n: number }[];
    return rows.map((r) => ({ channel: r.channel, status: r.status as DeliveryStatus, count: r.n }));
  }
}

function toRow(r: DeliveryRecord): Omit<Row, 'seq'> {
  return {
    id: r.id, notification_key: r.notificationKey, alert_id: r.alertId, episode: r.episode, tier: r.tier, event: r.event,
    channel: r.channel, recipient: JSON.stringify(r.recipient), status: r.status, attempts: r.attempts,
    last_error_code: r.lastErrorCode, last_error: r.lastError, receipt: r.receipt, created_at: r.createdAt, updated_at: r.updatedAt, delivered_at: r.deliveredAt,
  };
}
