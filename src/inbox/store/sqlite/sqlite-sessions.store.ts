import type { Session, SessionStore } from '../session.store.js';
import { committed, type SqliteHandle } from './sqlite-handle.js';

interface Row {
  id_digest: string;
  username: string;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string;
}

export class SqliteSessionStore implements SessionStore {
  constructor(private readonly sql: SqliteHandle) {}

  async create(s: Session): Promise<void> {
    await committed(this.sql, () => this.sql.db
      .prepare('INSERT INTO inbox_sessions VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(s.idDigest, s.username, s.csrfToken, s.createdAt, s.lastSeenAt, s.expiresAt, s.ip));
  }

  async get(idDigest: string): Promise<Session | null> {
    const r = this.sql.db.prepare('SELECT * FROM inbox_sessions WHERE id_digest = ?').get(idDigest) as Row | undefined;
    return r ? { idDigest: r.id_digest, username: r.username, csrfToken: r.csrf_token, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at, ip: r.ip } : null;
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
