import type { Pool } from 'pg';
import type { User, UserRecord, UserStore } from '../user.store.js';
import { userOfRow, type UserRow } from '../rows.js';


export class PgUserStore implements UserStore {
  constructor(private readonly pool: Pool, private readonly s: string) {}

  async add(u: UserRecord): Promise<boolean> {
    const r = await this.pool.query(
      `INSERT INTO ${this.s}.inbox_users VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (username) DO NOTHING`,
      [u.username, u.displayName, u.role, JSON.stringify(u.providerIds), JSON.stringify(u.pools), u.disabled, u.passwordHash, u.createdAt, u.updatedAt],
    );
    return r.rowCount === 1;
  }

  async get(username: string): Promise<UserRecord | null> {
    const r = await this.pool.query<UserRow>(`SELECT * FROM ${this.s}.inbox_users WHERE username = $1`, [username]);
    const row = r.rows[0];
    return row ? userOfRow(row) : null;
  }

  async list(): Promise<User[]> {
    const r = await this.pool.query<UserRow>(`SELECT * FROM ${this.s}.inbox_users ORDER BY username`);
    return r.rows.map((row) => {
      const { passwordHash: _p, ...user } = userOfRow(row);
      return user;
    });
  }

  async setDisabled(username: string, disabled: boolean, at: string): Promise<boolean> {
    const r = await this.pool.query(`UPDATE ${this.s}.inbox_users SET disabled = $1, updated_at = $2 WHERE username = $3`, [disabled, at, username]);
    return r.rowCount === 1;
  }

  async setPassword(username: string, passwordHash: string, at: string): Promise<boolean> {
    const r = await this.pool.query(`UPDATE ${this.s}.inbox_users SET password_hash = $1, updated_at = $2 WHERE username = $3`, [passwordHash, at, username]);
    return r.rowCount === 1;
  }
}
