import type { Session, SessionStore } from '../session.store.js';
import { sessionOfRow, type SessionRow } from '../rows.js';
import { committed, type SqliteHandle } from './sqlite-handle.js';


export class SqliteSessionStore implements SessionStore {
  constructor(private readonly sql: SqliteHandle) {}

  async create(s: Session): Promise<void> {
    await committed(this.sql, () => this.sql.db
      .prepare('INSERT INTO inbox_sessions VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(s.idDigest, s.username, s.csrfToken, s.createdAt, s.lastSeenAt, s.expiresAt, s.ip));
  }

  async get(idDigest: string): Promise<Session | null> {
    const r = this.sql.db.prepare('SELECT * FROM inbox_sessions WHERE id_digest = ?').get(idDigest) as SessionRow | undefined;
    return r ? sessionOfRow(r) : null;
  }

  async touch(idDigest: string, at: string): Promise<void> {
    await committed(this.sql, () => this.sql.db.prepare('UPDATE inbox_sessions SET last_seen_at = ? WHERE id_digest = ?').run(at, idDigest));
  }

  async delete(idDigest: string): Promise<void> {
    await committed(this.sql, () => this.sql.db.prepare('DELETE FROM inbox_sessions WHERE id_digest = ?').run(idDigest));
  }

  async deleteForUser(username: string): Promise<number> {
    return committed(this.sql, () => this.sql.db.prepare('DELETE FROM inbox_sessions WHERE username = ?').run(username).changes);
  }

  async purge(now: string, idleBefore: string): Promise<number> {
    return committed(this.sql, () => this.sql.db.prepare('DELETE FROM inbox_sessions WHERE expires_at <= ? OR last_seen_at < ?').run(now, idleBefore).changes);
  }
}
