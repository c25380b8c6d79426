import type { Pool } from 'pg';
import type { ApiToken, TokenStore } from '../token.store.js';
import { iso, isoOf } from './pg-schema.js';

interface Row {
  id: string;
  username: string;
  label: string;
  digest: string;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export class PgTokenStore implements TokenStore {
  constructor(private readonly pool: Pool, private readonly s: string) {}

  async add(t: ApiToken): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.s}.inbox_tokens VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [t.id, t.username, t.label, t.digest, t.createdAt, t.expiresAt, t.revokedAt, t.lastUsedAt]);
  }

  async get(id: string): Promise<ApiToken | null> {
    const r = (await this.pool.query<Row>(`SELECT * FROM ${this.s}.inbox_tokens WHERE id = $1`, [id])).rows[0];
    return r ? tokenOf(r) : null;
  }

  async list(username?: string): Promise<ApiToken[]> {
    const r = await this.pool.query<Row>(`SELECT * FROM ${this.s}.inbox_tokens WHERE ($1::text IS NULL OR username = $1) ORDER BY created_at, id`, [username ?? null]);
    return r.rows.map(tokenOf);
  }

  async revoke(id: string, at: string): Promise<boolean> {
    return (await this.pool.query(`UPDATE ${this.s}.inbox_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, [at, id])).rowCount === 1;
  }

  async touch(id: string, at: string): Promise<void> {
    await this.pool.query(`UPDATE ${this.s}.inbox_tokens SET last_used_at = $1 WHERE id = $2`, [at, id]);
  }
}

function tokenOf(r: Row): ApiToken {
  return { id: r.id, username: r.username, label: r.label, digest: r.digest, createdAt: isoOf(r.created_at), expiresAt: iso(r.expires_at), revokedAt: iso(r.revoked_at), lastUsedAt: iso(r.last_used_at) };
}
