import type { Pool } from 'pg';
import { Role } from '../../auth/role.js';
import type { User, UserRecord, UserStore } from '../user.store.js';
import { isoOf } from './pg-schema.js';

interface Row {
  username: string;
  display_name: string;
  role: string;
  provider_ids: string[];
  pools: string[];
  disabled: boolean;
  password_hash: string | null;
  created_at: Date;
  updated_at: Date;
}

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
    const r = await this.pool.query<Row>(`SELECT * FROM ${this.s}.inbox_users WHERE username = $1`, [username]);
    const row = r.rows[0];
    return row ? recordOf(row) : null;
  }

  async list(): Promise<User[]> {
    const r = await this.pool.query<Row>(`SELECT * FROM ${this.s}.inbox_users ORDER BY username`);
    return r.rows.map((row) => {
      const { passwordHash: _p, ...user } = recordOf(row);
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

function recordOf(r: Row): UserRecord {
  return {
    username: r.username,
    displayName: r.display_name,
    role: Role.parse(r.role),
    providerIds: r.provider_ids,
    pools: r.pools,
    disabled: r.disabled,
    passwordHash: r.password_hash,
    createdAt: isoOf(r.created_at),
    updatedAt: isoOf(r.updated_at),
  };
}
