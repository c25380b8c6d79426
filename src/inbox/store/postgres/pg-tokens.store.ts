import type { Pool } from 'pg';
import type { ApiToken, TokenStore } from '../token.store.js';
import { tokenOfRow, type TokenRow } from '../rows.js';


export class PgTokenStore implements TokenStore {
  constructor(private readonly pool: Pool, private readonly s: string) {}

  async add(t: ApiToken): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.s}.inbox_tokens VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [t.id, t.username, t.label, t.digest, t.createdAt, t.expiresAt, t.revokedAt, t.lastUsedAt]);
  }

  async get(id: string): Promise<ApiToken | null> {
    const r = (await this.pool.query<TokenRow>(`SELECT * FROM ${this.s}.inbox_tokens WHERE id = $1`, [id])).rows[0];
    return r ? tokenOfRow(r) : null;
  }

  async list(username?: string): Promise<ApiToken[]> {
    const r = await this.pool.query<TokenRow>(`SELECT * FROM ${this.s}.inbox_tokens WHERE ($1::text IS NULL OR username = $1) ORDER BY created_at, id`, [username ?? null]);
    return r.rows.map(tokenOfRow);
  }

  async revoke(id: string, at: string): Promise<boolean> {
    return (await this.pool.query(`UPDATE ${this.s}.inbox_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, [at, id])).rowCount === 1;
  }

  async touch(id: string, at: string): Promise<void> {
    await this.pool.query(`UPDATE ${this.s}.inbox_tokens SET last_used_at = $1 WHERE id = $2`, [at, id]);
  }
}
