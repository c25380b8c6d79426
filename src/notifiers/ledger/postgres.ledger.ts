import type { Pool, PoolClient } from 'pg';
import type { Notification } from '../../domain/alert.js';
import type { Route } from '../routing.js';
import {
  LEDGER_COLUMNS, MAX_ERROR_CHARS, plannedRecord, recordFromRow, type LedgerRow,
  type AttemptOutcome, type DeliveryCount, type DeliveryFilter, type DeliveryLedger, type DeliveryRecord, type DeliveryStatus,
} from './delivery-ledger.js';

export interface PostgresLedgerOptions {
  /** the caller's pool (never ended here) */
  pool: Pool;
  /** the schema the table lives in; default `poems_sentinel` (created when missing) */
  schema?: string;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

type Row = LedgerRow;

const COLUMNS = LEDGER_COLUMNS;

/**
 * The delivery ledger in PostgreSQL (distributed mode): every instance writes the same table, so
 * `deliveries list` sees them all, and a hospital keeps a durable relational record of who was
 * told what and when (docs/decisions.md). Times are `timestamptz`; the recipient is `jsonb`.
 * Statements are single-row and idempotent: `ON CONFLICT DO NOTHING` for plans, a guard on
 * `status <> 'delivered'` for outcomes.
 */
export class PostgresDeliveryLedger implements DeliveryLedger {
  private readonly pool: Pool;
  private readonly table: string;
  private readonly schema: string;

  private constructor(options: PostgresLedgerOptions) {
    this.pool = options.pool;
    this.schema = options.schema ?? 'poems_sentinel';
    if (!IDENT.test(this.schema)) throw new Error(`ledger schema "${this.schema}": lower-case letters, digits and _ only`);
    this.table = `${this.schema}.deliveries`;
  }

  /** Opens the ledger, creating its schema and table when missing. */
  static async open(options: PostgresLedgerOptions): Promise<PostgresDeliveryLedger> {
    const ledger = new PostgresDeliveryLedger(options);
    await ledger.migrate();
    return ledger;
  }

  private async migrate(): Promise<void> {
    const t = this.table;
    // one statement batch; IF NOT EXISTS makes concurrent starts of several instances safe enough
    // (a lost race on CREATE SCHEMA raises unique_violation, retried once below)
    const ddl = `
      CREATE SCHEMA IF NOT EXISTS ${this.schema};
      CREATE TABLE IF NOT EXISTS ${t} (
        id text PRIMARY KEY, notification_key text NOT NULL, seq integer NOT NULL,
        alert_id text NOT NULL, episode integer NOT NULL, tier text NOT NULL, event text NOT NULL,
        channel text NOT NULL, recipient jsonb NOT NULL, status text NOT NULL
          CHECK (status IN ('pending', 'retrying', 'delivered', 'dead')),
        attempts integer NOT NULL, last_error_code text, last_error text, receipt text,
        created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, delivered_at timestamptz);
      CREATE INDEX IF NOT EXISTS deliveries_by_key ON ${t} (notification_key, seq);
      CREATE INDEX IF NOT EXISTS deliveries_by_episode ON ${t} (alert_id, episode);
      CREATE INDEX IF NOT EXISTS deliveries_by_status ON ${t} (status, updated_at);`;
    try {
      await this.pool.query(ddl);
    } catch (err) {
      if ((err as { code?: string }).code !== '23505') throw err;
      await this.pool.query(ddl);
    }
  }

  async plan(n: Notification, routes: readonly Route[], now: string): Promise<DeliveryRecord[]> {
    await this.inTransaction(async (c) => {
      const { rows } = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${this.table} WHERE notification_key = $1`, [n.key]);
      const existing = rows[0]?.n ?? 0;
      for (const [i, route] of routes.entries()) {
        const r = plannedRecord(n, route, now);
        await c.query(
          `INSERT INTO ${this.table} (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, NULL, NULL, $12, $12, NULL) ON CONFLICT (id) DO NOTHING`,
          [r.id, r.notificationKey, existing + i, r.alertId, r.episode, r.tier, r.event, r.channel, JSON.stringify(r.recipient), r.status, r.attempts, now],
        );
      }
    });
    return this.ofNotification(n.key);
  }

  async ofNotification(key: string): Promise<DeliveryRecord[]> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM ${this.table} WHERE notification_key = $1 ORDER BY seq`, [key]);
    return rows.map(recordFromRow);
  }

  async ofEpisode(alertId: string, episode: number): Promise<DeliveryRecord[]> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM ${this.table} WHERE alert_id = $1 AND episode = $2 ORDER BY created_at, notification_key, seq`, [alertId, episode]);
    return rows.map(recordFromRow);
  }

  async get(id: string): Promise<DeliveryRecord | null> {
    const { rows } = await this.pool.query<Row>(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1`, [id]);
    return rows[0] ? recordFromRow(rows[0]) : null;
  }

  async record(id: string, outcome: AttemptOutcome, now: string): Promise<boolean> {
    const res = outcome.status === 'delivered'
      ? await this.pool.query(`UPDATE ${this.table} SET status = 'delivered', attempts = attempts + 1, receipt = $1, updated_at = $2, delivered_at = $2 WHERE id = $3 AND status <> 'delivered'`, [outcome.receipt ?? null, now, id])
      : await this.pool.query(`UPDATE ${this.table} SET status = $1, attempts = attempts + 1, last_error_code = $2, last_error = $3, updated_at = $4 WHERE id = $5 AND status <> 'delivered'`, [outcome.status, outcome.errorCode, outcome.error.slice(0, MAX_ERROR_CHARS), now, id]);
    return (res.rowCount ?? 0) > 0;
  }

  async list(filter: DeliveryFilter = {}): Promise<DeliveryRecord[]> {
    const { rows } = await this.pool.query<Row>(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR channel = $2) ORDER BY updated_at DESC, id LIMIT $3`,
      [filter.status ?? null, filter.channel ?? null, filter.limit ?? 100],
    );
    return rows.map(recordFromRow);
  }

  async reopen(which: { ids: readonly string[] } | 'all-dead', now: string): Promise<DeliveryRecord[]> {
    const { rows } = which === 'all-dead'
      ? await this.pool.query<Row>(`UPDATE ${this.table} SET status = 'pending', updated_at = $1 WHERE status = 'dead' RETURNING ${COLUMNS}`, [now])
      : await this.pool.query<Row>(`UPDATE ${this.table} SET status = 'pending', updated_at = $1 WHERE status = 'dead' AND id = ANY($2::text[]) RETURNING ${COLUMNS}`, [now, [...which.ids]]);
    return rows.map(recordFromRow);
  }

  async counts(): Promise<DeliveryCount[]> {
    const { rows } = await this.pool.query<{ channel: string; status: string; n: number }>(`SELECT channel, status, count(*)::int AS n FROM ${this.table} GROUP BY channel, status ORDER BY channel, status`);
    return rows.map((r) => ({ channel: r.channel, status: r.status as DeliveryStatus, count: r.n }));
  }

  private async inTransaction(work: (c: PoolClient) => Promise<void>): Promise<void> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      await work(c);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }
}
