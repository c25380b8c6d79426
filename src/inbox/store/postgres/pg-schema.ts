import type { PoolClient } from 'pg';

/** A schema name we put into SQL text: plain identifiers only. */
export function schemaName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain PostgreSQL schema name: ${name}`);
  return name;
}

/**
 * The inbox's tables (idempotent). Several instances may start at once: an advisory lock makes
 * them create the schema one after the other (CREATE ... IF NOT EXISTS alone races on the
 * catalogue). The audit trail refuses UPDATE, DELETE and TRUNCATE in a trigger; a site can also
 * REVOKE those rights from the service's role (docs/inbox.md).
 */
export async function migrate(client: PoolClient, schema: string): Promise<void> {
  const s = schemaName(schema);
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('poems-sentinel:inbox-schema'))");
    await client.query(`
      CREATE SCHEMA IF NOT EXISTS ${s};
      CREATE TABLE IF NOT EXISTS ${s}.inbox_users (
        username TEXT PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL,
        provider_ids JSONB NOT NULL, pools JSONB NOT NULL, disabled BOOLEAN NOT NULL DEFAULT FALSE,
        password_hash TEXT, created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL);
      CREATE TABLE IF NOT EXISTS ${s}.inbox_sessions (
        id_digest TEXT PRIMARY KEY, username TEXT NOT NULL, csrf_token TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL, last_seen_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL, ip TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS inbox_sessions_user ON ${s}.inbox_sessions (username);
      CREATE TABLE IF NOT EXISTS ${s}.inbox_tokens (
        id TEXT PRIMARY KEY, username TEXT NOT NULL, label TEXT NOT NULL, digest TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ, revoked_at TIMESTAMPTZ, last_used_at TIMESTAMPTZ);
      CREATE TABLE IF NOT EXISTS ${s}.inbox_audit (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at TIMESTAMPTZ NOT NULL, actor TEXT NOT NULL, role TEXT,
        action TEXT NOT NULL, outcome TEXT NOT NULL, alert_id TEXT, alert_version INTEGER,
        ip TEXT, via TEXT NOT NULL, detail TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS inbox_audit_alert ON ${s}.inbox_audit (alert_id, seq);
      CREATE INDEX IF NOT EXISTS inbox_audit_at ON ${s}.inbox_audit (at);
      CREATE OR REPLACE FUNCTION ${s}.inbox_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
      DROP TRIGGER IF EXISTS inbox_audit_no_change ON ${s}.inbox_audit;
      CREATE TRIGGER inbox_audit_no_change BEFORE UPDATE OR DELETE ON ${s}.inbox_audit
        FOR EACH ROW EXECUTE FUNCTION ${s}.inbox_audit_append_only();
      DROP TRIGGER IF EXISTS inbox_audit_no_truncate ON ${s}.inbox_audit;
      CREATE TRIGGER inbox_audit_no_truncate BEFORE TRUNCATE ON ${s}.inbox_audit
        FOR EACH STATEMENT EXECUTE FUNCTION ${s}.inbox_audit_append_only();
      CREATE TABLE IF NOT EXISTS ${s}.inbox_items (
        alert_id TEXT NOT NULL, recipient_key TEXT NOT NULL, recipient JSONB NOT NULL,
        notification_key TEXT NOT NULL, tier TEXT NOT NULL,
        first_delivered_at TIMESTAMPTZ NOT NULL, last_delivered_at TIMESTAMPTZ NOT NULL,
        PRIMARY KEY (alert_id, recipient_key));
      CREATE INDEX IF NOT EXISTS inbox_items_recipient ON ${s}.inbox_items (recipient_key, alert_id);
    `);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}
