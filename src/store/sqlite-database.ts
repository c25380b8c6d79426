import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Durable } from './ports/durable.port.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS messages (
  facility TEXT NOT NULL, control_id TEXT NOT NULL, patient_key TEXT, applied_seq INTEGER NOT NULL,
  content_hash TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (facility, control_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS message_reuses (
  facility TEXT NOT NULL, control_id TEXT NOT NULL, content_hash TEXT NOT NULL,
  PRIMARY KEY (facility, control_id, content_hash)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS results (
  patient_key TEXT NOT NULL, result_key TEXT NOT NULL, status TEXT NOT NULL,
  message_time TEXT NOT NULL, seq INTEGER NOT NULL, findings TEXT NOT NULL,
  status_class TEXT NOT NULL DEFAULT 'final', observed_at TEXT NOT NULL DEFAULT '',
  notes TEXT NOT NULL DEFAULT '[]', measurement TEXT, first_seen TEXT NOT NULL DEFAULT '{}',
  m_kind TEXT, m_value REAL, m_abnormal INTEGER, m_unit TEXT, m_observed_at TEXT, superseded TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (patient_key, result_key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS patient_findings (
  patient_key TEXT PRIMARY KEY, rows INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS merges (prior TEXT PRIMARY KEY, survivor TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY, patient_key TEXT NOT NULL, rule_id TEXT NOT NULL, status TEXT NOT NULL,
  tier TEXT NOT NULL, updated_at TEXT NOT NULL, body TEXT NOT NULL, version INTEGER);
CREATE UNIQUE INDEX IF NOT EXISTS alerts_patient_rule ON alerts (patient_key, rule_id);
CREATE TABLE IF NOT EXISTS dead_letters (
  id INTEGER PRIMARY KEY, received_at TEXT NOT NULL, origin TEXT NOT NULL, code TEXT NOT NULL,
  detail TEXT NOT NULL, bytes BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
  key TEXT PRIMARY KEY, body TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL, next_attempt_at TEXT NOT NULL, last_error TEXT) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (status, next_attempt_at);
`;

/**
 * One SQLite file (WAL) holding every embedded table. Writes join one open transaction that
 * `flush` commits (group commit): consumers acknowledge messages only after `flush` resolves.
 */
export class SqliteDatabase implements Durable {
  readonly db: Database.Database;
  /**
   * The run can be repeated whole (synchronous NORMAL: replays from files or from a topic, which
   * commit in groups and are re-run after a failure). A message then needs no savepoint of its
   * own: a failure part-way abandons the whole open group (`abandon`) and the run fails.
   */
  readonly retriable: boolean;

  /**
   * `busyTimeoutMs`: how long a statement waits for another process's write lock, blocking the
   * thread (5 s: the CLI; the service sets less and retries asynchronously, see mllp-handler.ts).
   */
  constructor(path: string, opts: { synchronous?: 'FULL' | 'NORMAL'; busyTimeoutMs?: number; retriable?: boolean } = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // FULL: a committed (acknowledged) message survives power loss, not only a process crash.
    this.db.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
    this.retriable = opts.retriable ?? opts.synchronous === 'NORMAL';
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    // 32 MiB of page cache (default 2 MiB): a group of 2,000 messages dirties pages all over the
    // results table, and spilling them mid-transaction costs more than the memory
    this.db.pragma('cache_size = -32768');
    // the per-patient count of finding rows is derived: a file from before it is counted once
    const countMissing = this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'results'").get() !== undefined && this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'patient_findings'").get() === undefined;
    this.db.exec(SCHEMA);
    this.migrate(countMissing);
  }

  /**
   * Files written before rule version 2 lack the lifecycle columns: add them with the defaults
   * an old row means (final class, no observation time, no notes or measurement). Old rows keep
   * their v1 meaning until a new version of their result replaces them.
   */
  private migrate(countMissing: boolean): void {
    const columns = (table: string): Set<string> => new Set((this.db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
    const add = (table: string, missing: Record<string, string>): void => {
      const have = columns(table);
      for (const [name, decl] of Object.entries(missing)) if (!have.has(name)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${decl}`);
    };
    add('messages', { content_hash: "TEXT NOT NULL DEFAULT ''" });
    // NULL for alerts written before the column: their version is read from the body
    add('alerts', { version: 'INTEGER' });
    add('results', {
      status_class: "TEXT NOT NULL DEFAULT 'final'",
      observed_at: "TEXT NOT NULL DEFAULT ''",
      notes: "TEXT NOT NULL DEFAULT '[]'",
      measurement: 'TEXT',
      first_seen: "TEXT NOT NULL DEFAULT '{}'",
      m_kind: 'TEXT',
      m_value: 'REAL',
      m_abnormal: 'INTEGER',
      m_unit: 'TEXT',
      m_observed_at: 'TEXT',
      superseded: "TEXT NOT NULL DEFAULT '[]'",
    });
    if (countMissing) this.db.exec("INSERT INTO patient_findings SELECT patient_key, COUNT(*) FROM results WHERE findings != '[]' GROUP BY patient_key");
  }

  /**
   * Opens the group transaction if none is open; every write calls this first. IMMEDIATE takes
   * the write lock at the start (waiting up to busy_timeout for another process, e.g. the CLI):
   * a deferred transaction that read first and then meets another process's commit fails at
   * once with SQLITE_BUSY (its snapshot is stale, the busy handler is not consulted).
   */
  write(): void {
    if (!this.db.inTransaction) this.db.exec('BEGIN IMMEDIATE');
  }

  /** Rolls the open group back (a retriable run failed part-way: it is re-run whole). */
  abandon(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
  }

  async flush(): Promise<void> {
    if (this.db.inTransaction) this.db.exec('COMMIT');
  }

  async close(): Promise<void> {
    await this.flush();
    this.db.close();
  }
}
