import { z } from 'zod';
import { Alert, AlertStatus } from '../../domain/alert.js';
import { Tier } from '../../domain/tier.js';
import { AlertAction } from '../actions/alert-action.js';
import { ListFilter } from '../alert-access.js';
import { Role } from '../auth/role.js';
import { AuditEntry } from '../store/audit.store.js';
import { ERROR_CODES } from '../../errors.js';

const schema = (s: z.ZodType): Record<string, unknown> => {
  const { $schema: _s, ...rest } = z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const ActionRequest = z.intersection(z.object({ version: z.number().int().positive() }), AlertAction);

const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.enum(Object.keys(ERROR_CODES).filter((c) => c.startsWith('INBOX_')) as [string, ...string[]]),
  detail: z.string(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

const problems = (...statuses: number[]): Record<string, unknown> => Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/Problem${s}` }]));
const json = (ref: string): Record<string, unknown> => ({ content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } });
const alertId = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const query = (name: string, s: Record<string, unknown>, description: string): Record<string, unknown> => ({ name, in: 'query', required: false, schema: s, description });

/**
 * The inbox API as OpenAPI 3.1, served at /api/openapi.json. The schemas come from the same zod
 * schemas that validate the requests and describe the alert contract, so the document cannot
 * drift from the code.
 */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'POEMS Sentinel inbox API',
      version: '1.0.0',
      description: 'Alerts for the signed-in clinician (or every alert for reviewers and admins), clinician actions, and the audit trail for auditors. Machines use an API token (`poems-sentinel users token`); a browser session works too, with the session\'s CSRF token in `X-CSRF-Token` on writes. Errors are RFC 9457 problem details with a stable `code` (docs/error-codes.md).',
    },
    security: [{ bearerToken: [] }, { session: [] }],
    paths: {
      '/api/me': { get: { summary: 'Who am I', operationId: 'me', responses: { 200: json('Me'), ...problems(401) } } },
      '/api/alerts': {
        get: {
          summary: 'Alerts visible to the caller, strongest tier first, longest waiting first',
          operationId: 'listAlerts',
          parameters: [
            query('status', { type: 'string', enum: ListFilter.options, default: 'needs-action' }, '`needs-action` = open (a snooze that ran out is open again)'),
            query('tier', { type: 'string', enum: Tier.options }, 'only this tier'),
          ],
          responses: { 200: json('AlertList'), ...problems(400, 401, 403) },
        },
      },
      '/api/alerts/{id}': {
        get: {
          summary: 'One alert: evidence, missing criteria, work-up, history, recipients, and the `alerts explain` view',
          operationId: 'getAlert',
          parameters: [alertId],
          responses: { 200: json('AlertDetail'), ...problems(401, 403, 404) },
        },
      },
      '/api/alerts/{id}/actions': {
        post: {
          summary: 'Acknowledge, dismiss with a coded reason, or snooze until a date',
          description: '`version` is the alert version the caller read; when the rule changed the alert since, the answer is 409 `INBOX_ALERT_CHANGED` and nothing is recorded.',
          operationId: 'actOnAlert',
          parameters: [alertId, { name: 'X-CSRF-Token', in: 'header', required: false, schema: { type: 'string' }, description: 'required with a session cookie' }],
          requestBody: { required: true, ...json('ActionRequest') },
          responses: { 200: json('ActionResult'), ...problems(400, 401, 403, 404, 409) },
        },
      },
      '/api/audit': {
        get: {
          summary: 'Export the audit trail (auditors), oldest first; page with `afterSeq`',
          operationId: 'exportAudit',
          parameters: [
            query('format', { type: 'string', enum: ['json', 'csv'], default: 'json' }, 'JSON or CSV (RFC 4180)'),
            query('from', { type: 'string', format: 'date-time' }, 'entries at or after (a date or an instant)'),
            query('to', { type: 'string', format: 'date-time' }, 'entries before'),
            query('alertId', { type: 'string' }, 'entries about this alert'),
            query('actor', { type: 'string' }, 'entries by this account'),
            query('afterSeq', { type: 'integer', minimum: 0 }, 'entries after this sequence number'),
            query('limit', { type: 'integer', minimum: 1, maximum: 10_000, default: 1_000 }, 'at most this many'),
          ],
          responses: {
            200: { content: { 'application/json': { schema: { $ref: '#/components/schemas/AuditExport' } }, 'text/csv': { schema: { type: 'string' } } } },
            ...problems(400, 401, 403),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'an API token `pst_<id>_<secret>`' },
        session: { type: 'apiKey', in: 'cookie', name: 'sentinel_session', description: '`__Host-sentinel_session` with TLS' },
      },
      schemas: {
        Alert: schema(Alert),
        AlertStatus: schema(AlertStatus),
        Role: schema(Role),
        AuditEntry: schema(AuditEntry),
        ActionRequest: schema(ActionRequest),
        Problem: schema(Problem),
        Me: { type: 'object', required: ['username', 'displayName', 'role', 'via'], properties: { username: { type: 'string' }, displayName: { type: 'string' }, role: { $ref: '#/components/schemas/Role' }, via: { enum: ['web', 'api'] } } },
        AlertList: {
          type: 'object',
          required: ['alerts'],
          properties: { alerts: { type: 'array', items: { type: 'object', required: ['alert', 'status', 'waitingSince'], properties: { alert: { $ref: '#/components/schemas/Alert' }, status: { $ref: '#/components/schemas/AlertStatus' }, waitingSince: { type: 'string', format: 'date-time' } } } } },
        },
        AlertDetail: {
          type: 'object',
          required: ['alert', 'status', 'recipients', 'explanation'],
          properties: {
            alert: { $ref: '#/components/schemas/Alert' },
            status: { $ref: '#/components/schemas/AlertStatus' },
            recipients: { type: 'array', items: { type: 'object' } },
            explanation: { description: 'the `alerts explain` view (rules/explain.ts), or null when the server has no timeline to read', type: ['object', 'null'] },
          },
        },
        ActionResult: { type: 'object', required: ['alert', 'dwellSeconds'], properties: { alert: { $ref: '#/components/schemas/Alert' }, dwellSeconds: { type: ['integer', 'null'] } } },
        AuditExport: { type: 'object', required: ['entries'], properties: { entries: { type: 'array', items: { $ref: '#/components/schemas/AuditEntry' } }, nextAfterSeq: { type: ['integer', 'null'] } } },
      },
      responses: Object.fromEntries([400, 401, 403, 404, 409, 429].map((s) => [`Problem${s}`, { description: `problem details (${s})`, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } }])),
    },
  };
}
