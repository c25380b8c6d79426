import type { AuditLog } from './audit.store.js';
import type { InboxItemStore } from './inbox-item.store.js';
import type { SessionStore } from './session.store.js';
import type { TokenStore } from './token.store.js';
import type { UserStore } from './user.store.js';

/**
 * The inbox's own state, from one adapter: SQLite in the embedded mode (the service's file),
 * PostgreSQL in the distributed mode (docs/decisions.md: why not Redis).
 */
export interface InboxStores {
  mode: 'sqlite' | 'postgres';
  users: UserStore;
  sessions: SessionStore;
  tokens: TokenStore;
  audit: AuditLog;
  items: InboxItemStore;
  ready(): Promise<true | string>;
  close(): Promise<void>;
}
