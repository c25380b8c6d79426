import { existsSync } from 'node:fs';
import { SentinelError } from '../errors.js';
import type { InboxStores } from '../inbox/store/inbox-stores.js';
import { postgresInboxStores } from '../inbox/store/postgres/pg-inbox.stores.js';
import type { SqliteHandle } from '../inbox/store/sqlite/sqlite-handle.js';
import { sqliteInboxStores } from '../inbox/store/sqlite/sqlite-inbox.stores.js';
import { SqliteDatabase } from '../store/sqlite-database.js';

/** Where the inbox keeps users, sessions, API tokens, its audit trail and inbox items. */
export type InboxStateConfig =
  | { kind: 'sqlite'; dbPath: string }
  | { kind: 'postgres'; databaseUrl: string; schema: string };

/**
 * The inbox state of the service: in its own SQLite file when embedded (the same connection as
 * the alerts, see sqlite-handle.ts), in PostgreSQL when a database URL is given.
 */
export async function inboxStateFor(config: { databaseUrl?: string | undefined; databaseSchema: string }, sqlite: SqliteHandle | null): Promise<InboxStores> {
  if (config.databaseUrl) return openPostgres(config.databaseUrl, config.databaseSchema);
  if (!sqlite) throw new SentinelError('USAGE', 'the distributed mode (Redis) keeps users, sessions and the audit trail in PostgreSQL: give --database-url');
  return sqliteInboxStores(sqlite);
}

/** For commands (`users …`) run beside the service: open the store on its own; `close` closes it all. */
export async function openInboxState(config: InboxStateConfig): Promise<InboxStores> {
  if (config.kind === 'postgres') return openPostgres(config.databaseUrl, config.schema);
  // opening a missing file would create an empty database in the wrong place without a word
  if (!existsSync(config.dbPath)) throw new SentinelError('INPUT_UNREADABLE', `no state database at ${config.dbPath} (--db; \`poems-sentinel run\` creates it)`);
  const db = new SqliteDatabase(config.dbPath);
  const stores = sqliteInboxStores(db);
  return { ...stores, close: () => db.close() };
}

async function openPostgres(databaseUrl: string, schema: string): Promise<InboxStores> {
  try {
    return await postgresInboxStores({ connectionString: databaseUrl, schema });
  } catch (err) {
    throw new SentinelError('STORE_UNAVAILABLE', `PostgreSQL at the database URL did not answer: ${(err as Error).message}`, { cause: err });
  }
}
