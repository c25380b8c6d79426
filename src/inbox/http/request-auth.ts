import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthService, Principal } from '../auth/auth.service.js';
import { sameSecret } from '../auth/secrets.js';
import { parseCookies, setCookie } from './cookies.js';
import { InboxProblem } from './problem.js';

/**
 * Who a request comes from: an API token (`Authorization: Bearer pst_…`) or the session cookie.
 * With TLS the cookie is `__Host-` prefixed (Secure, host-only, Path=/): a sibling host or an
 * http:// page cannot set or shadow it.
 */
export class RequestAuth {
  readonly cookieName: string;
  private readonly principals = new WeakMap<FastifyRequest, Principal>();

  constructor(private readonly auth: AuthService, private readonly opts: { secureCookies: boolean; sessionMaxHours: number }) {
    this.cookieName = opts.secureCookies ? '__Host-sentinel_session' : 'sentinel_session';
  }

  async resolve(req: FastifyRequest): Promise<Principal | null> {
    const known = this.principals.get(req);
    if (known) return known;
    const p = req.headers.authorization !== undefined
      ? await this.auth.token(req.headers.authorization)
      : await this.auth.session(parseCookies(req.headers.cookie).get(this.cookieName));
    if (p) this.principals.set(req, p);
    return p;
  }

  /** The signed-in principal; a page request without one goes to the login form, an API call gets 401. */
  require(kind: 'web' | 'api') {
    return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
      if (await this.resolve(req)) return;
      if (kind === 'web' && req.method === 'GET') {
        await reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
        return;
      }
      reply.header('www-authenticate', 'Bearer realm="poems-sentinel"');
      throw new InboxProblem('INBOX_UNAUTHENTICATED');
    };
  }

  principal(req: FastifyRequest): Principal {
    const p = this.principals.get(req);
    if (!p) throw new InboxProblem('INBOX_UNAUTHENTICATED');
    return p;
  }

  /**
   * The synchronizer-token check for writes: a session-authenticated write carries the session's
   * CSRF token (form field `_csrf` or header `X-CSRF-Token`). A token-authenticated call has no
   * cookie a browser could send on its own, so it needs none.
   */
  csrfHolds(req: FastifyRequest, p: Principal): boolean {
    if (!p.session) return true;
    const given = (req.body as { _csrf?: unknown } | undefined)?._csrf ?? req.headers['x-csrf-token'];
    return typeof given === 'string' && sameSecret(given, p.session.csrfToken);
  }

  sessionCookie(sessionId: string): string {
    return setCookie(this.cookieName, sessionId, { path: '/', secure: this.opts.secureCookies, maxAge: Math.round(this.opts.sessionMaxHours * 3600) });
  }

  clearSessionCookie(): string {
    return setCookie(this.cookieName, '', { path: '/', secure: this.opts.secureCookies, maxAge: 0 });
  }
}
