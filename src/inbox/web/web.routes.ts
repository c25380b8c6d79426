import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AlertAction, type AlertActionKind } from '../actions/alert-action.js';
import { ListFilter, type Readable } from '../alert-access.js';
import { AuditFilter, auditQueryOf } from '../audit-query.js';
import type { Principal } from '../auth/auth.service.js';
import { can, readsAlerts, type Permission } from '../auth/role.js';
import { randomSecret, sameSecret } from '../auth/secrets.js';
import { parseCookies, setCookie } from '../http/cookies.js';
import { InboxProblem } from '../http/problem.js';
import type { InboxRouteDeps } from '../inbox.deps.js';
import type { AuditAction } from '../store/audit.store.js';
import { FAVICON_SVG, INBOX_CSS } from './inbox.css.js';
import { alertListPage } from './views/alert-list.view.js';
import { alertPage } from './views/alert.view.js';
import { auditPage } from './views/audit.view.js';
import { loginPage } from './views/login.view.js';

/** Before a session exists, the login form's CSRF token is a double-submit cookie (path /login only). */
const LOGIN_CSRF_COOKIE = 'sentinel_login';
const LoginBody = z.object({ username: z.string().max(200), password: z.string().max(1024), _csrf: z.string().max(200).optional(), next: z.string().max(2_000).optional() });
const ActionForm = z.intersection(z.object({ version: z.coerce.number().int().positive() }), AlertAction);
const DONE: Record<AlertActionKind, string> = { acknowledge: 'Acknowledged.', dismiss: 'Dismissed.', snooze: 'Snoozed.' };
const AUDIT_PAGE_LIMIT = 200;

/** Only a path on this site: `//evil.example` and `https://…` are not a place to go after login. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])/.test(next) ? next : '/';
}

/** Server-rendered pages: plain forms, no script; every write checks the session's CSRF token. */
export async function webRoutes(app: FastifyInstance, deps: InboxRouteDeps, opts: { secureCookies: boolean }): Promise<void> {
  const { requestAuth, access, audit, clock } = deps;
  const signedIn = { preHandler: requestAuth.require('web') };

  const record = async (req: FastifyRequest, p: Principal, action: AuditAction, outcome: 'ok' | 'denied' | 'failed', alert: { id: string; version: number | null } | null, detail = ''): Promise<void> => {
    await audit.append({ at: clock().toISOString(), actor: p.user.username, role: p.user.role, action, outcome, alertId: alert?.id ?? null, alertVersion: alert?.version ?? null, ip: req.ip, via: 'web', detail });
  };
  const allow = async (req: FastifyRequest, p: Principal, permission: Permission, action: AuditAction, alert: { id: string; version: number | null } | null = null): Promise<void> => {
    if (can(p.user.role, permission)) return;
    await record(req, p, action, 'denied', alert, `role ${p.user.role} lacks ${permission}`);
    throw new InboxProblem('INBOX_FORBIDDEN', `the ${p.user.role} role may not open this page`);
  };
  const readOrThrow = async (req: FastifyRequest, p: Principal, id: string, action: AuditAction): Promise<Extract<Readable, { ok: true }>> => {
    const r = await access.read(p, id);
    if (r.ok) return r;
    if (r.why === 'forbidden') {
      await record(req, p, action, 'denied', { id, version: null }, 'not routed to this account');
      throw new InboxProblem('INBOX_FORBIDDEN', 'this alert is not routed to you');
    }
    throw new InboxProblem('INBOX_NOT_FOUND', 'no such alert');
  };
  const html = (reply: FastifyReply, status: number, body: string): FastifyReply => reply.code(status).type('text/html; charset=utf-8').send(body);

  app.get('/assets/inbox.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(INBOX_CSS));
  app.get('/assets/favicon.svg', async (_req, reply) => reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON_SVG));

  const showLogin = (reply: FastifyReply, status: number, next: string, error?: string): FastifyReply => {
    const csrf = randomSecret();
    reply.header('set-cookie', setCookie(LOGIN_CSRF_COOKIE, csrf, { path: '/login', secure: opts.secureCookies, maxAge: 3_600 }));
    return html(reply, status, loginPage({ csrf, next, ...(error ? { error } : {}) }));
  };

  app.get('/login', async (req, reply) => {
    const next = safeNext((req.query as { next?: string }).next);
    if (await requestAuth.resolve(req)) return reply.redirect(next, 303);
    return showLogin(reply, 200, next);
  });

  app.post('/login', async (req, reply) => {
    const body = LoginBody.safeParse(req.body);
    const next = safeNext(body.success ? body.data.next : undefined);
    const cookie = parseCookies(req.headers.cookie).get(LOGIN_CSRF_COOKIE);
    if (!body.success || !cookie || !body.data._csrf || !sameSecret(cookie, body.data._csrf)) {
      return showLogin(reply, 403, next, 'The sign-in form expired. Please try again.');
    }
    const result = await deps.auth.login(body.data.username, body.data.password, req.ip);
    if (!result.ok) {
      if (result.code === 'INBOX_RATE_LIMITED') {
        reply.header('retry-after', String(result.retryAfterSeconds));
        return showLogin(reply, 429, next, `Too many attempts. Try again in ${Math.ceil(result.retryAfterSeconds / 60)} minute(s).`);
      }
      return showLogin(reply, 401, next, 'Wrong account name or password.');
    }
    reply.header('set-cookie', [requestAuth.sessionCookie(result.sessionId), setCookie(LOGIN_CSRF_COOKIE, '', { path: '/login', secure: opts.secureCookies, maxAge: 0 })]);
    return reply.redirect(next === '/' ? homeOf(result.user.role) : next, 303);
  });

  app.post('/logout', async (req, reply) => {
    const p = await requestAuth.resolve(req);
    if (p && requestAuth.csrfHolds(req, p)) await deps.auth.logout(p, req.ip);
    return reply.header('set-cookie', requestAuth.clearSessionCookie()).redirect('/login', 303);
  });

  app.get('/', signedIn, async (req, reply) => reply.redirect(homeOf(requestAuth.principal(req).user.role), 303));

  app.get('/alerts', signedIn, async (req, reply) => {
    const p = requestAuth.principal(req);
    await allow(req, p, 'alerts:read-routed', 'list-alerts');
    const status = ListFilter.catch('needs-action').parse((req.query as { status?: unknown }).status);
    const rows = await access.list(p, status);
    await record(req, p, 'list-alerts', 'ok', null, `status=${status} shown=${rows.length}`);
    const scope = access.scope(p) === 'all' ? 'all' : 'routed';
    return html(reply, 200, alertListPage({ principal: p, rows, filter: status, now: clock(), scope }));
  });

  const showAlert = async (req: FastifyRequest, reply: FastifyReply, p: Principal, r: Extract<Readable, { ok: true }>, status: number, extra: { notice?: string; error?: string }): Promise<FastifyReply> => {
    const explanation = deps.explain ? await deps.explain(r.alert) : null;
    return html(reply, status, alertPage({ principal: p, alert: r.alert, status: r.status, recipients: r.recipients, explanation, canAct: can(p.user.role, 'alerts:act'), now: clock(), ...extra }));
  };

  app.get('/alerts/:id', signedIn, async (req, reply) => {
    const p = requestAuth.principal(req);
    const id = (req.params as { id: string }).id;
    await allow(req, p, 'alerts:read-routed', 'view-alert', { id, version: null });
    const r = await readOrThrow(req, p, id, 'view-alert');
    await record(req, p, 'view-alert', 'ok', r.alert);
    const done = (req.query as { done?: string }).done;
    const notice = done === 'acknowledge' || done === 'dismiss' || done === 'snooze' ? DONE[done] : undefined;
    return showAlert(req, reply, p, r, 200, notice ? { notice } : {});
  });

  app.post('/alerts/:id/actions', signedIn, async (req, reply) => {
    const p = requestAuth.principal(req);
    const id = (req.params as { id: string }).id;
    const kind = (req.body as { kind?: unknown } | undefined)?.kind;
    const auditKind: AuditAction = kind === 'dismiss' || kind === 'snooze' ? kind : 'acknowledge';
    if (!requestAuth.csrfHolds(req, p)) {
      await record(req, p, auditKind, 'denied', { id, version: null }, 'CSRF token missing or wrong');
      throw new InboxProblem('INBOX_CSRF', 'The form expired. Open the alert again and repeat the action.');
    }
    await allow(req, p, 'alerts:act', auditKind, { id, version: null });
    const r = await readOrThrow(req, p, id, auditKind);
    const form = ActionForm.safeParse(req.body);
    if (!form.success) {
      const fields = [...new Set(form.error.issues.map((i) => i.path.join('.') || 'form'))].join(', ');
      return showAlert(req, reply, p, r, 400, { error: `Not recorded: check ${fields}.` });
    }
    const out = await deps.actions.act(id, form.data, { name: p.user.username, role: p.user.role, ip: req.ip, via: 'web' }, form.data.version);
    if (out.ok) return reply.redirect(`/alerts/${encodeURIComponent(id)}?done=${form.data.kind}`, 303);
    switch (out.problem) {
      case 'not-found':
        throw new InboxProblem('INBOX_NOT_FOUND', 'no such alert');
      case 'version-conflict':
        return showAlert(req, reply, p, { ...r, alert: out.current }, 409, { error: 'Not recorded: the alert changed since you opened it. Review it below, then act again.' });
      case 'invalid':
        return showAlert(req, reply, p, r, 400, { error: `Not recorded: ${out.detail}.` });
    }
  });

  app.get('/audit', signedIn, async (req, reply) => {
    const p = requestAuth.principal(req);
    await allow(req, p, 'audit:read', 'view-audit');
    const raw = req.query as Record<string, unknown>;
    const parsed = AuditFilter.safeParse({ ...raw, limit: AUDIT_PAGE_LIMIT, format: 'json' });
    const f = parsed.success ? parsed.data : AuditFilter.parse({ limit: AUDIT_PAGE_LIMIT });
    const entries = await audit.list({ ...auditQueryOf(f), newestFirst: true });
    await record(req, p, 'view-audit', 'ok', null, `shown=${entries.length}`);
    const shown = (k: string): string | undefined => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);
    const filter = Object.fromEntries((['from', 'to', 'alertId', 'actor'] as const).map((k) => [k, shown(k)]).filter(([, v]) => v !== undefined));
    return html(reply, 200, auditPage({ principal: p, entries, filter, limit: AUDIT_PAGE_LIMIT }));
  });
}

function homeOf(role: Principal['user']['role']): string {
  return readsAlerts(role) ? '/alerts' : '/audit';
}
