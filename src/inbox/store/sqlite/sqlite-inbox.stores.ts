import type { InboxStores } from '../inbox-stores.js';
import { INBOX_SQLITE_SCHEMA } from './inbox-schema.js';
import { SqliteAuditLog } from './sqlite-audit.store.js';
import type { SqliteHandle } from './sqlite-handle.js';
import { SqliteInboxItemStore } from './sqlite-items.store.js';
import { SqliteSessionStore } from './sqlite-sessions.store.js';
import { SqliteTokenStore } from './sqlite-tokens.store.js';
import { SqliteUserStore } from './sqlite-users.store.js';

/**
 * The embedded inbox state in the service's SQLite file. `close` leaves the file to its owner
 * (the composition root closes the database once, after everything that writes to it).
 */
export function sqliteInboxStores(sql: SqliteHandle): InboxStores {
  sql.db.exec(INBOX_SQLITE_SCHEMA);
  return {
    mode: 'sqlite',
    users: new SqliteUserStore(sql),
    sessions: new SqliteSessionStore(sql),
    tokens: new SqliteTokenStore(sql),
    audit: new SqliteAuditLog(sql),
    items: new SqliteInboxItemStore(sql),
    ready: async () => (sql.db.open ? true : 'SQLite closed'),
    close: async () => {},
  };
}
