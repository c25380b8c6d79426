import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Tier } from '../../domain/tier.js';
import { AlertAction } from '../actions/alert-action.js';
import { ListFilter } from '../alert-access.js';
import { auditCsv } from '../audit-export.js';
import { AuditFilter, auditQueryOf } from '../audit-query.js';
import type { Principal } from '../auth/auth.service.js';
import { can, type Permission } from '../auth/role.js';
import type { InboxRouteDeps } from '../inbox.deps.js';
import { parseOr400 } from '../http/parse.js';
import { InboxProblem } from '../http/problem.js';
import type { AuditAction } from '../store/audit.store.js';
import { openApiDocument } from './openapi.js';

const ListQuery = z.object({ status: ListFilter.default('needs-action'), tier: Tier.optional() });
const IdParams = z.object({ id: z.string().min(1).max(200) });
const ActionBody = z.intersection(z.object({ version: z.coerce.number().int().positive() }), AlertAction);

/**
 * The JSON API under /api (openapi.ts documents it). Every read of alerts and every action is
 * audited with `via` = api (token) or web (a browser session calling the API).
 */
export async function apiRoutes(app: FastifyInstance, deps: InboxRouteDeps): Promise<void> {
  const { requestAuth, access, audit, clock } = deps;
  const document = openApiDocument();
  const signedIn = { preHandler: requestAuth.require('api') };

  const record = async (req: FastifyRequest, p: Principal, action: AuditAction, outcome: 'ok' | 'denied' | 'failed', alert: { id: string; version: number | null } | null, detail = ''): Promise<void> => {
    await audit.append({ at: clock().toISOString(), actor: p.user.username, role: p.user.role, action, outcome, alertId: alert?.id ?? null, alertVersion: alert?.version ?? null, ip: req.ip, via: p.via, detail });
  };
  const allow = async (req: FastifyRequest, p: Principal, permission: Permission, action: AuditAction, alert: { id: string; version: number | null } | null = null): Promise<void> => {
    if (can(p.user.role, permission)) return;
    await record(req, p, action, 'denied', alert, `role ${p.user.role} lacks ${permission}`);
    throw new InboxProblem('INBOX_FORBIDDEN', `the ${p.user.role} role may not do this`);
  };

  app.get('/api/openapi.json', async (_req, reply) => reply.header('cache-control', 'no-cache').send(document));

  app.get('/api/me', signedIn, async (req) => {
    const p = requestAuth.principal(req);
    return { username: p.user.username, displayName: p.user.displayName, role: p.user.role, via: p.via };
  });

  app.get('/api/alerts', signedIn, async (req) => {
    const p = requestAuth.principal(req);
    await allow(req, p, 'alerts:read-routed', 'list-alerts');
    const q = parseOr400(ListQuery, req.query);
    const rows = await access.list(p, q.status, q.tier);
    await record(req, p, 'list-alerts', 'ok', null, `status=${q.status}${q.tier ? ` tier=${q.tier}` : ''} shown=${rows.length}`);
    return { alerts: rows };
  });

  app.get('/api/alerts/:id', signedIn, async (req) => {
    const p = requestAuth.principal(req);
    const { id } = parseOr400(IdParams, req.params);
    await allow(req, p, 'alerts:read-routed', 'view-alert', { id, version: null });
    const r = await access.read(p, id);
    if (!r.ok) {
      if (r.why === 'forbidden') await record(req, p, 'view-alert', 'denied', { id, version: null }, 'not routed to this account');
      throw new InboxProblem(r.why === 'forbidden' ? 'INBOX_FORBIDDEN' : 'INBOX_NOT_FOUND', r.why === 'forbidden' ? 'this alert is not routed to you' : 'no such alert');
    }
    await record(req, p, 'view-alert', 'ok', r.alert);
    const explanation = deps.explain ? await deps.explain(r.alert) : null;
    return { alert: r.alert, status: r.status, recipients: r.recipients, explanation };
  });

  app.post('/api/alerts/:id/actions', signedIn, async (req, reply) => {
    const p = requestAuth.principal(req);
    const { id } = parseOr400(IdParams, req.params);
    const kind = (req.body as { kind?: unknown } | undefined)?.kind;
    const auditKind: AuditAction = kind === 'dismiss' || kind === 'snooze' ? kind : 'acknowledge';
    if (!requestAuth.csrfHolds(req, p)) {
      await record(req, p, auditKind, 'denied', { id, version: null }, 'CSRF token missing or wrong');
      throw new InboxProblem('INBOX_CSRF', 'send the session\'s CSRF token in X-CSRF-Token');
    }
    await allow(req, p, 'alerts:act', auditKind, { id, version: null });
    const body = parseOr400(ActionBody, req.body);
    const readable = await access.read(p, id);
    if (!readable.ok) {
      if (readable.why === 'forbidden') await record(req, p, auditKind, 'denied', { id, version: body.version }, 'not routed to this account');
      throw new InboxProblem(readable.why === 'forbidden' ? 'INBOX_FORBIDDEN' : 'INBOX_NOT_FOUND', readable.why === 'forbidden' ? 'this alert is not routed to you' : 'no such alert');
    }
    const out = await deps.actions.act(id, body, { name: p.user.username, role: p.user.role, ip: req.ip, via: p.via }, body.version);
    if (out.ok) return reply.send({ alert: out.alert, dwellSeconds: out.dwellSeconds });
    switch (out.problem) {
      case 'not-found':
        throw new InboxProblem('INBOX_NOT_FOUND', 'no such alert');
      case 'version-conflict':
        throw new InboxProblem('INBOX_ALERT_CHANGED', `the alert is at version ${out.current.version} now; read it again, then act`);
      case 'invalid':
        throw new InboxProblem('INBOX_BAD_REQUEST', out.detail);
    }
  });

  app.get('/api/audit', signedIn, async (req, reply) => {
    const p = requestAuth.principal(req);
    await allow(req, p, 'audit:read', 'export-audit');
    const f = parseOr400(AuditFilter, req.query);
    const entries = await audit.list(auditQueryOf(f));
    await record(req, p, 'export-audit', 'ok', null, `format=${f.format} entries=${entries.length}`);
    if (f.format === 'csv') {
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="poems-sentinel-audit.csv"').send(auditCsv(entries));
    }
    const last = entries.at(-1);
    return { entries, nextAfterSeq: entries.length === f.limit && last ? last.seq : null };
  });
}
