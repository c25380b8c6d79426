import type { InboxMetrics } from '../metrics.js';
import { RateLimiter } from '../http/rate-limiter.js';
import type { AuditLog, AuditVia } from '../store/audit.store.js';
import type { Session, SessionStore } from '../store/session.store.js';
import type { TokenStore } from '../store/token.store.js';
import { Username, type User, type UserStore } from '../store/user.store.js';
import type { AuthConfig } from './auth.config.js';
import { hashPassword, verifyPassword } from './password.js';
import { randomSecret, sameSecret, secretDigest } from './secrets.js';

/** Who is calling: a signed-in person (web, with a session) or a machine (API token). */
export interface Principal {
  user: User;
  via: Extract<AuditVia, 'web' | 'api'>;
  session?: Session;
  tokenId?: string;
}

export type LoginResult =
  | { ok: true; sessionId: string; session: Session; user: User }
  | { ok: false; code: 'INBOX_LOGIN_FAILED' }
  | { ok: false; code: 'INBOX_RATE_LIMITED'; retryAfterSeconds: number };

export interface AuthServiceDeps {
  users: UserStore;
  sessions: SessionStore;
  tokens: TokenStore;
  audit: AuditLog;
  metrics?: InboxMetrics;
  config: AuthConfig;
  clock: () => Date;
}

/** `pst_<id>_<secret>`: the id finds the record, the secret is checked against its digest. */
const TOKEN = /^pst_([A-Za-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
/** A session's activity is written at most this often (a page view is not a database write). */
const TOUCH_EVERY_MS = 60_000;

/**
 * Password logins with server-side sessions, and API tokens. Login throttling counts failures
 * per account and per client address, and refuses before any password is hashed (scrypt is the
 * costly step an attacker would otherwise make us repeat). Every login attempt is audited.
 */
export class AuthService {
  private readonly perAccount: RateLimiter;
  private readonly perAddress: RateLimiter;
  private decoy: Promise<string> | undefined;

  constructor(private readonly deps: AuthServiceDeps) {
    const { perAccount, perAddress } = deps.config;
    this.perAccount = new RateLimiter({ limit: perAccount.limit, windowMs: perAccount.windowMinutes * 60_000 });
    this.perAddress = new RateLimiter({ limit: perAddress.limit, windowMs: perAddress.windowMinutes * 60_000 });
  }

  async login(name: string, password: string, ip: string): Promise<LoginResult> {
    const now = this.deps.clock();
    const parsed = Username.safeParse(name);
    const username = parsed.success ? parsed.data : name.trim().toLowerCase().slice(0, 64);
    const wait = Math.max(this.perAccount.blockedFor(username, now.getTime()), this.perAddress.blockedFor(ip, now.getTime()));
    if (wait > 0) {
      await this.auditLogin(username, null, ip, now, 'denied', 'throttled');
      this.deps.metrics?.logins.inc({ outcome: 'throttled' });
      return { ok: false, code: 'INBOX_RATE_LIMITED', retryAfterSeconds: Math.ceil(wait / 1000) };
    }
    const user = parsed.success ? await this.deps.users.get(username) : null;
    // an unknown name costs as much as a wrong password: the answer time tells no account names
    const matches = await verifyPassword(password, user?.passwordHash ?? (await this.decoyHash()));
    if (!user || !user.passwordHash || !matches || user.disabled) {
      this.perAccount.hit(username, now.getTime());
      this.perAddress.hit(ip, now.getTime());
      const why = !user ? 'unknown account' : user.disabled ? 'account disabled' : 'wrong password';
      await this.auditLogin(username, user?.role ?? null, ip, now, 'failed', why);
      this.deps.metrics?.logins.inc({ outcome: user?.disabled ? 'disabled' : 'bad-credentials' });
      return { ok: false, code: 'INBOX_LOGIN_FAILED' };
    }
    this.perAccount.reset(username);
    const sessionId = randomSecret();
    const at = now.toISOString();
    const session: Session = {
      idDigest: secretDigest(sessionId),
      username,
      csrfToken: randomSecret(),
      createdAt: at,
      lastSeenAt: at,
      expiresAt: new Date(now.getTime() + this.deps.config.sessionMaxHours * 3_600_000).toISOString(),
      ip,
    };
    await this.deps.sessions.create(session);
    await this.auditLogin(username, user.role, ip, now, 'ok', '');
    this.deps.metrics?.logins.inc({ outcome: 'ok' });
    const { passwordHash: _p, ...shown } = user;
    return { ok: true, sessionId, session, user: shown };
  }

  /** The session's principal, or null when it is unknown, expired, idle too long or its account disabled. */
  async session(sessionId: string | undefined): Promise<Principal | null> {
    if (!sessionId || sessionId.length > 128) return null;
    const digest = secretDigest(sessionId);
    const session = await this.deps.sessions.get(digest);
    if (!session) return null;
    const now = this.deps.clock().getTime();
    const idleLimit = this.deps.config.sessionIdleMinutes * 60_000;
    if (Date.parse(session.expiresAt) <= now || now - Date.parse(session.lastSeenAt) > idleLimit) {
      await this.deps.sessions.delete(digest);
      return null;
    }
    const user = await this.activeUser(session.username);
    if (!user) return null;
    if (now - Date.parse(session.lastSeenAt) > TOUCH_EVERY_MS) {
      const at = new Date(now).toISOString();
      await this.deps.sessions.touch(digest, at);
      session.lastSeenAt = at;
    }
    return { user, via: 'web', session };
  }

  /** The `Authorization: Bearer pst_…` principal, or null. */
  async token(authorization: string | undefined): Promise<Principal | null> {
    const m = TOKEN.exec(/^Bearer (\S+)$/i.exec(authorization ?? '')?.[1] ?? '');
    if (!m) return null;
    const [, id = '', secret = ''] = m;
    const record = await this.deps.tokens.get(id);
    if (!record || record.revokedAt !== null) return null;
    if (!sameSecret(record.digest, secretDigest(secret))) return null;
    const now = this.deps.clock();
    if (record.expiresAt !== null && Date.parse(record.expiresAt) <= now.getTime()) return null;
    const user = await this.activeUser(record.username);
    if (!user) return null;
    if (record.lastUsedAt === null || now.getTime() - Date.parse(record.lastUsedAt) > TOUCH_EVERY_MS) await this.deps.tokens.touch(id, now.toISOString());
    return { user, via: 'api', tokenId: id };
  }

  async logout(principal: Principal, ip: string): Promise<void> {
    if (principal.session) await this.deps.sessions.delete(principal.session.idDigest);
    await this.deps.audit.append({ at: this.deps.clock().toISOString(), actor: principal.user.username, role: principal.user.role, action: 'logout', outcome: 'ok', alertId: null, alertVersion: null, ip, via: 'web', detail: '' });
  }

  /** Drops sessions past their end or idle too long (the server calls it now and then). */
  async purgeSessions(): Promise<number> {
    const now = this.deps.clock();
    return this.deps.sessions.purge(now.toISOString(), new Date(now.getTime() - this.deps.config.sessionIdleMinutes * 60_000).toISOString());
  }

  private async activeUser(username: string): Promise<User | null> {
    const record = await this.deps.users.get(username);
    if (!record || record.disabled) return null;
    const { passwordHash: _p, ...user } = record;
    return user;
  }

  private decoyHash(): Promise<string> {
    this.decoy ??= hashPassword(randomSecret());
    return this.decoy;
  }

  private async auditLogin(actor: string, role: User['role'] | null, ip: string, now: Date, outcome: 'ok' | 'failed' | 'denied', detail: string): Promise<void> {
    await this.deps.audit.append({ at: now.toISOString(), actor, role, action: 'login', outcome, alertId: null, alertVersion: null, ip, via: 'web', detail });
  }
}
