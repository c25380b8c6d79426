import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { cardOf, showsOnChart } from './card.js';
import type { CdsHooksConfig } from './cds-hooks.config.js';
import { createClientJwtVerifier } from './client-jwt.js';
import { PATIENT_PREFETCH, PatientLookupError, patientKeysFor } from './patient-lookup.js';
import type { CdsAlertLookup, CdsFeedbackRecorder, OverrideReason } from './ports.js';
import { FeedbackRequest, PatientViewRequest, type FeedbackItem } from './schemas.js';
import { DismissReason } from '../../domain/alert.js';
import { CODE_SYSTEM } from '../../notifiers/fhir/code-systems.js';

export const CDS_SERVICE_ID = 'poems-sentinel-patient-view';

export const DISCOVERY = {
  services: [{
    hook: 'patient-view',
    id: CDS_SERVICE_ID,
    title: 'POEMS syndrome surveillance',
    description: 'Shows the open POEMS syndrome alert of the patient whose chart is opened: tier, evidence with its source results, and the suggested work-up.',
    prefetch: PATIENT_PREFETCH,
  }],
} as const;

export interface CdsHooksOptions {
  config: CdsHooksConfig;
  alerts: CdsAlertLookup;
  feedback: CdsFeedbackRecorder;
  /**
   * Replaces the JWT check built from `config.trustedClients` (a host with its own client
   * authentication). `audiences` are the endpoint URLs a token for this call may name.
   */
  authenticate?: (req: FastifyRequest, audiences: readonly string[]) => Promise<boolean>;
  clock?: () => Date;
}

/**
 * CDS Hooks 2.0 service (a fastify plugin; the inbox server registers it, optionally under a
 * prefix that `config.publicBaseUrl` then includes):
 * - `GET /cds-services`: discovery, one `patient-view` service asking for the Patient;
 * - `POST /cds-services/poems-sentinel-patient-view`: the patient's open alert as one card, or
 *   `{ cards: [] }`;
 * - `POST /cds-services/poems-sentinel-patient-view/feedback`: `accepted` / `overridden`, recorded
 *   as the inbox records an acknowledgement / dismissal;
 * - CORS on every route, preflight included. Every other call needs a trusted client's JWT.
 * Bodies are validated (400 with the failing paths); errors never carry a stack trace.
 */
export const cdsHooksPlugin: FastifyPluginAsync<CdsHooksOptions> = async (app, opts) => {
  const { config } = opts;
  const clock = opts.clock ?? (() => new Date());
  const base = `${config.publicBaseUrl.replace(/\/+$/, '')}/cds-services`;
  const verifyJwt = createClientJwtVerifier({ clients: config.trustedClients, maxLifetimeSeconds: config.jwtMaxLifetimeSeconds, clock });
  const authenticate = opts.authenticate ?? (async (req: FastifyRequest, audiences: readonly string[]) => {
    const check = verifyJwt(req.headers.authorization, audiences);
    if (!check.ok) req.log.warn({ reason: check.reason }, 'CDS Hooks call refused');
    return check.ok;
  });
  if (!opts.authenticate && config.trustedClients.length === 0) app.log.warn('CDS Hooks: no trusted clients configured, every call will be refused');

  const guard = (audiences: (req: FastifyRequest) => string[]) => async (req: FastifyRequest, reply: FastifyReply) => {
    if (!(await authenticate(req, audiences(req)))) return reply.code(401).send({ error: 'unauthorized' });
    return undefined;
  };
  const serviceUrl = (req: FastifyRequest): string => `${base}/${encodeURIComponent((req.params as { id: string }).id)}`;

  app.addHook('onRequest', async (req, reply) => {
    corsHeaders(req, reply, config.corsOrigins);
  });
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const status = err.statusCode ?? 500;
    if (status >= 500) {
      req.log.error({ err }, 'CDS Hooks request failed');
      return reply.code(status).send({ error: 'internal error' });
    }
    return reply.code(status).send({ error: err.message });
  });

  for (const url of ['/cds-services', '/cds-services/*']) {
    app.options(url, async (_req, reply) => reply.code(204).header('access-control-max-age', '600').send());
  }

  app.get('/cds-services', { onRequest: guard(() => [base]) }, async () => DISCOVERY);

  app.post('/cds-services/:id', { onRequest: guard((req) => [serviceUrl(req)]) }, async (req, reply) => {
    if ((req.params as { id: string }).id !== CDS_SERVICE_ID) return reply.code(404).send({ error: 'no such CDS service' });
    const body = PatientViewRequest.safeParse(req.body);
    if (!body.success) return reply.code(400).send(invalid(body.error));
    let keys: string[];
    try {
      keys = await patientKeysFor(body.data, config);
    } catch (err) {
      if (err instanceof PatientLookupError) return reply.code(err.status).send({ error: err.message });
      throw err;
    }
    const now = clock();
    for (const key of keys) {
      const alert = await opts.alerts.getAlertForPatient(key);
      if (alert && showsOnChart(alert, now)) return { cards: [cardOf(alert, config)] };
    }
    return { cards: [] };
  });

  app.post('/cds-services/:id/feedback', { onRequest: guard((req) => [serviceUrl(req), `${serviceUrl(req)}/feedback`]) }, async (req, reply) => {
    if ((req.params as { id: string }).id !== CDS_SERVICE_ID) return reply.code(404).send({ error: 'no such CDS service' });
    const body = FeedbackRequest.safeParse(req.body);
    if (!body.success) return reply.code(400).send(invalid(body.error));
    let unknown = 0;
    for (const item of body.data.feedback) {
      const reason = item.outcome === 'overridden' ? overrideReasonOf(item) : undefined;
      if (!(await opts.feedback.recordFeedback(item.card, item.outcome, reason, item.outcomeTimestamp))) unknown += 1;
    }
    // the card ids are alert ids, not patient identifiers
    if (unknown > 0) req.log.warn({ unknown }, 'CDS Hooks feedback for cards with no alert');
    return {};
  });
};

/**
 * One of our reasons when the EHR sent one of ours; otherwise `other`, keeping the EHR's own
 * reason (a client MAY add reasons of its own) and the clinician's comment in words.
 */
export function overrideReasonOf(item: FeedbackItem): OverrideReason | undefined {
  const given = item.overrideReason;
  if (!given) return undefined;
  const comment = given.userComment?.trim() ?? '';
  const coding = given.reason;
  const ours = coding?.system === CODE_SYSTEM.dismissReason ? DismissReason.safeParse(coding.code) : undefined;
  if (ours?.success) return { reason: ours.data, comment };
  const foreign = coding ? `${coding.display ?? coding.code} (${coding.system ?? 'no system'}|${coding.code})` : '';
  return { reason: 'other', comment: [foreign, comment].filter(Boolean).join(': ') };
}

/**
 * CORS for browser-based CDS clients: the allowed origin (or `*`), the methods and headers a call
 * uses, the headers the spec lists as exposed. No credentials: the service reads bearer tokens,
 * never cookies.
 */
function corsHeaders(req: FastifyRequest, reply: FastifyReply, origins: readonly string[]): void {
  const origin = req.headers.origin;
  if (origins.includes('*')) reply.header('access-control-allow-origin', '*');
  else if (origin !== undefined && origins.includes(origin)) reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
  reply
    .header('access-control-allow-methods', 'GET, POST, OPTIONS')
    .header('access-control-allow-headers', 'Authorization, Content-Type')
    .header('access-control-expose-headers', 'Origin, Accept, Content-Location, Location, X-Requested-With');
}

/** Where the body is wrong, never what it held (it may hold patient data). */
function invalid(error: z.ZodError): { error: string; issues: { path: string; message: string }[] } {
  return { error: 'invalid request', issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
}
