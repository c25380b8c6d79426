/**
 * The inbox's tables in the service's SQLite file. The audit trail refuses UPDATE and DELETE in
 * the database itself (triggers), so no code path, ours or a maintenance script's, rewrites it.
 */
export const INBOX_SQLITE_SCHEMA = `
CREATE TABLE IF NOT EXISTS inbox_users (
  username TEXT PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL,
  provider_ids TEXT NOT NULL, pools TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS inbox_sessions (
  id_digest TEXT PRIMARY KEY, username TEXT NOT NULL, csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL, last_seen_at TEXT NOT NULL, expires_at TEXT NOT NULL, ip TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS inbox_sessions_user ON inbox_sessions (username);
CREATE TABLE IF NOT EXISTS inbox_tokens (
  id TEXT PRIMARY KEY, username TEXT NOT NULL, label TEXT NOT NULL, digest TEXT NOT NULL,
  created_at TEXT NOT NULL, expires_at TEXT, revoked_at TEXT, last_used_at TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS inbox_audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, role TEXT,
  action TEXT NOT NULL, outcome TEXT NOT NULL, alert_id TEXT, alert_version INTEGER,
  ip TEXT, via TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS inbox_audit_alert ON inbox_audit (alert_id, seq);
CREATE INDEX IF NOT EXISTS inbox_audit_at ON inbox_audit (at);
CREATE TRIGGER IF NOT EXISTS inbox_audit_no_update BEFORE UPDATE ON inbox_audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS inbox_audit_no_delete BEFORE DELETE ON inbox_audit
  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TABLE IF NOT EXISTS inbox_items (
  alert_id TEXT NOT NULL, recipient_key TEXT NOT NULL, recipient TEXT NOT NULL,
  notification_key TEXT NOT NULL, tier TEXT NOT NULL,
  first_delivered_at TEXT NOT NULL, last_delivered_at TEXT NOT NULL,
  PRIMARY KEY (alert_id, recipient_key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS inbox_items_recipient ON inbox_items (recipient_key, alert_id);
`;
