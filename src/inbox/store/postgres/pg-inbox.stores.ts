import pg from 'pg';
import type { InboxStores } from '../inbox-stores.js';
import { PgAuditLog } from './pg-audit.store.js';
import { PgInboxItemStore } from './pg-items.store.js';
import { migrate, schemaName } from './pg-schema.js';
import { PgSessionStore } from './pg-sessions.store.js';
import { PgTokenStore } from './pg-tokens.store.js';
import { PgUserStore } from './pg-users.store.js';

export interface PgInboxOptions {
  connectionString: string;
  /** the PostgreSQL schema holding the inbox tables (tests use one of their own) */
  schema?: string;
  /** pool size per instance; the inbox is light (a page view is a few queries) */
  maxConnections?: number;
}

/** The distributed inbox state: PostgreSQL shared by every instance. */
export async function postgresInboxStores(opts: PgInboxOptions): Promise<InboxStores> {
  const schema = schemaName(opts.schema ?? 'poems_sentinel');
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.maxConnections ?? 5, connectionTimeoutMillis: 5_000 });
  // an idle client's error (the server restarted) must not crash the process; the next query reconnects
  pool.on('error', () => {});
  const client = await pool.connect().catch(async (err: unknown) => {
    await pool.end();
    throw err;
  });
  try {
    await migrate(client, schema);
  } finally {
    client.release();
  }
  return {
    mode: 'postgres',
    users: new PgUserStore(pool, schema),
    sessions: new PgSessionStore(pool, schema),
    tokens: new PgTokenStore(pool, schema),
    audit: new PgAuditLog(pool, schema),
    items: new PgInboxItemStore(pool, schema),
    ready: async () => {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return 'PostgreSQL does not answer';
      }
    },
    close: () => pool.end(),
  };
}
