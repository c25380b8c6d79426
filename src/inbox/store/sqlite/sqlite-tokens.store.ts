import type { ApiToken, TokenStore } from '../token.store.js';
import { tokenOfRow, type TokenRow } from '../rows.js';
import { committed, type SqliteHandle } from './sqlite-handle.js';


export class SqliteTokenStore implements TokenStore {
  constructor(private readonly sql: SqliteHandle) {}

  async add(t: ApiToken): Promise<void> {
    await committed(this.sql, () => this.sql.db
      .prepare('INSERT INTO inbox_tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(t.id, t.username, t.label, t.digest, t.createdAt, t.expiresAt, t.revokedAt, t.lastUsedAt));
  }

  async get(id: string): Promise<ApiToken | null> {
    const r = this.sql.db.prepare('SELECT * FROM inbox_tokens WHERE id = ?').get(id) as TokenRow | undefined;
    return r ? tokenOfRow(r) : null;
  }

  async list(username?: string): Promise<ApiToken[]> {
    const rows = this.sql.db.prepare('SELECT * FROM inbox_tokens WHERE (@u IS NULL OR username = @u) ORDER BY created_at, id').all({ u: username ?? null }) as TokenRow[];
    return rows.map(tokenOfRow);
  }

  async revoke(id: string, at: string): Promise<boolean> {
    return committed(this.sql, () => this.sql.db.prepare('UPDATE inbox_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes === 1);
  }

  async touch(id: string, at: string): Promise<void> {
    await committed(this.sql, () => this.sql.db.prepare('UPDATE inbox_tokens SET last_used_at = ? WHERE id = ?').run(at, id));
  }
}
