/**
 * A server-side session. The browser holds the session id; the store holds only its digest
 * (auth/secrets.ts), so a copy of the database signs nobody in.
 */
export interface Session {
  idDigest: string;
  username: string;
  /** the synchronizer token every form and every cookie-authenticated API write must carry */
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  /** absolute end, whatever the activity */
  expiresAt: string;
  /** where the login came from */
  ip: string;
}

export interface SessionStore {
  create(session: Session): Promise<void>;
  get(idDigest: string): Promise<Session | null>;
  /** records activity (the idle timeout counts from it) */
  touch(idDigest: string, at: string): Promise<void>;
  delete(idDigest: string): Promise<void>;
  /** every session of an account (it was disabled or its password changed) */
  deleteForUser(username: string): Promise<number>;
  /** sessions past their absolute end or idle since before `idleBefore` */
  purge(now: string, idleBefore: string): Promise<number>;
}
