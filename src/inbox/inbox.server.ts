import { randomUUID } from 'node:crypto';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AlertStore } from '../store/timeline-store.js';
import { RULE_ID } from '../rules/poems.rule.js';
import { AlertActionService } from './actions/alert-action.service.js';
import { AlertAccess } from './alert-access.js';
import { apiRoutes } from './api/api.routes.js';
import { AuthConfig } from './auth/auth.config.js';
import { AuthService } from './auth/auth.service.js';
import type { CdsHooksConfig } from './cds-hooks/cds-hooks.config.js';
import { cdsHooksPlugin } from './cds-hooks/cds-hooks.plugin.js';
import { actionFeedbackRecorder } from './cds-hooks/feedback-recorder.js';
import { InboxProblem, problem, sendProblem, type Problem } from './http/problem.js';
import { RequestAuth } from './http/request-auth.js';
import { addSecurityHeaders } from './http/security-headers.js';
import type { ExplainLookup, InboxRouteDeps } from './inbox.deps.js';
import type { InboxMetrics } from './metrics.js';
import type { InboxStores } from './store/inbox-stores.js';
import { errorPage } from './web/views/error.view.js';
import { webRoutes } from './web/web.routes.js';

export interface InboxServerOptions {
  alerts: AlertStore;
  /** users, sessions, tokens, audit and inbox items (SQLite or PostgreSQL) */
  inboxStore: Pick<InboxStores, 'users' | 'sessions' | 'tokens' | 'audit' | 'items'>;
  log: Logger;
  /** sessions and login throttling (defaults in auth.config.ts) */
  auth?: Partial<AuthConfig>;
  metrics?: InboxMetrics;
  /** the `alerts explain` view on the alert page and in the API */
  explain?: ExplainLookup;
  /** commits the alert store before an action is answered (embedded SQLite group commit) */
  flushAlerts?: () => Promise<void>;
  /** serve the CDS Hooks service beside the inbox; its feedback goes through the same action service */
  cdsHooks?: { config: CdsHooksConfig; authenticate?: (req: FastifyRequest, audiences: readonly string[]) => Promise<boolean> };
  /** TLS, with the same key and certificate options as the MLLP listener */
  https?: { key: string | Buffer; cert: string | Buffer; ca?: string | Buffer };
  /** `Secure` cookies without our own TLS (a TLS-terminating proxy in front); on by itself with `https` */
  secureCookies?: boolean;
  /** trust X-Forwarded-For from a proxy in front (the audit's "from where" is then the client's address) */
  trustProxy?: boolean | string | string[];
  clock?: () => Date;
}

/** Sessions past their end are swept this often (they are refused when read anyway). */
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * The clinician inbox: server-rendered pages (plain forms, no script), the JSON API under /api
 * with its OpenAPI document, and optionally the CDS Hooks service. Returns a fastify instance
 * the caller listens on (`app.listen({ host: '127.0.0.1', port })`) or injects into (tests).
 */
export async function buildInboxServer(opts: InboxServerOptions): Promise<FastifyInstance> {
  const clock = opts.clock ?? (() => new Date());
  const authConfig = AuthConfig.parse(opts.auth ?? {});
  const tls = opts.https !== undefined;
  const secureCookies = opts.secureCookies ?? tls;
  const app = Fastify({
    loggerInstance: opts.log.child({ component: 'inbox' }),
    bodyLimit: 64 * 1024,
    trustProxy: opts.trustProxy ?? false,
    // request ids appear in problem details and logs; they reveal nothing
    genReqId: () => randomUUID(),
    ...(opts.https ? { https: opts.https } : {}),
  }) as unknown as FastifyInstance;

  const store = opts.inboxStore;
  const auth = new AuthService({ users: store.users, sessions: store.sessions, tokens: store.tokens, audit: store.audit, config: authConfig, clock, ...(opts.metrics ? { metrics: opts.metrics } : {}) });
  const actions = new AlertActionService({ alerts: opts.alerts, audit: store.audit, clock, ...(opts.metrics ? { metrics: opts.metrics } : {}), ...(opts.flushAlerts ? { flush: opts.flushAlerts } : {}) });
  const deps: InboxRouteDeps = {
    access: new AlertAccess({ alerts: opts.alerts, items: store.items, clock }),
    actions,
    auth,
    requestAuth: new RequestAuth(auth, { secureCookies, sessionMaxHours: authConfig.sessionMaxHours }),
    audit: store.audit,
    explain: opts.explain,
    clock,
  };

  await app.register(formbody, { bodyLimit: 64 * 1024 });
  addSecurityHeaders(app, { tls });
  app.setErrorHandler((err: FastifyError | InboxProblem, req, reply) => answerProblem(req, reply, toProblem(err, req)));
  app.setNotFoundHandler((req, reply) => answerProblem(req, reply, problem('INBOX_NOT_FOUND', 'no such page')));

  await webRoutes(app, deps, { secureCookies });
  await apiRoutes(app, deps);
  if (opts.cdsHooks) {
    await app.register(cdsHooksPlugin, {
      config: opts.cdsHooks.config,
      alerts: {
        // the EHR showing a card is a view of the alert: audited like one (CDS Hooks names no user)
        getAlertForPatient: async (patientKey) => {
          const alert = await opts.alerts.get(patientKey, RULE_ID);
          if (alert) await store.audit.append({ at: clock().toISOString(), actor: 'cds-hooks', role: null, action: 'view-alert', outcome: 'ok', alertId: alert.id, alertVersion: alert.version, ip: null, via: 'cds-hooks', detail: 'patient-view lookup' });
          return alert;
        },
      },
      feedback: actionFeedbackRecorder(actions),
      clock,
      ...(opts.cdsHooks.authenticate ? { authenticate: opts.cdsHooks.authenticate } : {}),
    });
  }

  const purge = setInterval(() => {
    auth.purgeSessions().catch((err: unknown) => app.log.warn({ err }, 'session purge failed'));
  }, PURGE_EVERY_MS);
  purge.unref();
  app.addHook('onClose', async () => clearInterval(purge));
  return app;
}

function toProblem(err: FastifyError | InboxProblem, req: FastifyRequest): Problem {
  if (err instanceof InboxProblem) return err.problem;
  const status = err.statusCode ?? 500;
  if (status >= 500) {
    req.log.error({ err }, 'inbox request failed');
    return problem('INBOX_INTERNAL', 'the inbox could not answer; the error is logged with this request id', { instance: String(req.id) });
  }
  // fastify's own 4xx (body too large, bad JSON, unsupported media type): its message, our code
  return problem('INBOX_BAD_REQUEST', err.message, { status });
}

/** JSON problem details for the API (and any client that asks for JSON), a page for a browser. */
function answerProblem(req: FastifyRequest, reply: FastifyReply, p: Problem): FastifyReply {
  const wantsJson = req.url.startsWith('/api/') || !(req.headers.accept ?? '').includes('text/html');
  if (wantsJson) return sendProblem(reply, p);
  return reply.code(p.status).type('text/html; charset=utf-8').send(errorPage(p, {}));
}
