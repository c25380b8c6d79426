import type { User, UserRecord, UserStore } from '../user.store.js';
import { userOfRow, type UserRow } from '../rows.js';
import { committed, type SqliteHandle } from './sqlite-handle.js';


export class SqliteUserStore implements UserStore {
  constructor(private readonly sql: SqliteHandle) {}

  async add(u: UserRecord): Promise<boolean> {
    return committed(this.sql, () => this.sql.db
      .prepare('INSERT OR IGNORE INTO inbox_users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(u.username, u.displayName, u.role, JSON.stringify(u.providerIds), JSON.stringify(u.pools), u.disabled ? 1 : 0, u.passwordHash, u.createdAt, u.updatedAt).changes === 1);
  }

  async get(username: string): Promise<UserRecord | null> {
    const row = this.sql.db.prepare('SELECT * FROM inbox_users WHERE username = ?').get(username) as UserRow | undefined;
    return row ? userOfRow(row) : null;
  }

  async list(): Promise<User[]> {
    const rows = this.sql.db.prepare('SELECT * FROM inbox_users ORDER BY username').all() as UserRow[];
    return rows.map((r) => {
      const { passwordHash: _p, ...user } = userOfRow(r);
      return user;
    });
  }

  async setDisabled(username: string, disabled: boolean, at: string): Promise<boolean> {
    return committed(this.sql, () => this.sql.db.prepare('UPDATE inbox_users SET disabled = ?, updated_at = ? WHERE username = ?').run(disabled ? 1 : 0, at, username).changes === 1);
  }

  async setPassword(username: string, passwordHash: string, at: string): Promise<boolean> {
    return committed(this.sql, () => this.sql.db.prepare('UPDATE inbox_users SET password_hash = ?, updated_at = ? WHERE username = ?').run(passwordHash, at, username).changes === 1);
  }
}
