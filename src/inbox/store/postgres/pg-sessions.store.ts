import type { Pool } from 'pg';
import type { Session, SessionStore } from '../session.store.js';
import { isoOf } from './pg-schema.js';

interface Row {
  id_digest: string;
  username: string;
  csrf_token: string;
  created_at: Date;
  last_seen_at: Date;
  expires_at: Date;
  ip: string;
}

export class PgSessionStore implements SessionStore {
  constructor(private readonly pool: Pool, private readonly s: string) {}

  async create(x: Session): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.s}.inbox_sessions VALUES ($1, $2, $3, $4, $5, $6, $7)`, [x.idDigest, x.username, x.csrfToken, x.createdAt, x.lastSeenAt, x.expiresAt, x.ip]);
  }

  async get(idDigest: string): Promise<Session | null> {
    const r = (await this.pool.query<Row>(`SELECT * FROM ${this.s}.inbox_sessions WHERE id_digest = $1`, [idDigest])).rows[0];
    return r ? { idDigest: r.id_digest, username: r.username, csrfToken: r.csrf_token, createdAt: isoOf(r.created_at), lastSeenAt: isoOf(r.last_seen_at), expiresAt: isoOf(r.expires_at), ip: r.ip } : null;
  }

  async touch(idDigest: string, at: string): Promise<void> {
    await this.pool.query(`UPDATE ${this.s}.inbox_sessions SET last_seen_at = $1 WHERE id_digest = $2`, [at, idDigest]);
  }

  async delete(idDigest: string): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.s}.inbox_sessions WHERE id_digest = $1`, [idDigest]);
  }

  async deleteForUser(username: string): Promise<number> {
    return (await this.pool.query(`DELETE FROM ${this.s}.inbox_sessions WHERE username = $1`, [username])).rowCount ?? 0;
  }

  async purge(now: string, idleBefore: string): Promise<number> {
    return (await this.pool.query(`DELETE FROM ${this.s}.inbox_sessions WHERE expires_at <= $1 OR last_seen_at < $2`, [now, idleBefore])).rowCount ?? 0;
  }
}
