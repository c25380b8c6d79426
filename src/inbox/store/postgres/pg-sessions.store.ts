import type { Pool } from 'pg';
import type { Session, SessionStore } from '../session.store.js';
import { sessionOfRow, type SessionRow } from '../rows.js';


export class PgSessionStore implements SessionStore {
  constructor(private readonly pool: Pool, private readonly s: string) {}

  async create(x: Session): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.s}.inbox_sessions VALUES ($1, $2, $3, $4, $5, $6, $7)`, [x.idDigest, x.username, x.csrfToken, x.createdAt, x.lastSeenAt, x.expiresAt, x.ip]);
  }

  async get(idDigest: string): Promise<Session | null> {
    const r = (await this.pool.query<SessionRow>(`SELECT * FROM ${this.s}.inbox_sessions WHERE id_digest = $1`, [idDigest])).rows[0];
    return r ? sessionOfRow(r) : null;
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
