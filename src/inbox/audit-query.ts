import { z } from 'zod';
import { isoInstant } from './http/parse.js';
import type { AuditQuery } from './store/audit.store.js';

const instant = z.string().trim().transform((s, ctx) => {
  if (s === '') return undefined;
  const iso = isoInstant(s);
  if (iso === null) ctx.addIssue({ code: 'custom', message: 'an ISO date or date-time' });
  return iso ?? undefined;
});
const text = z.string().trim().max(200).transform((s) => (s === '' ? undefined : s));

/** The audit filter of the page and the export, from a query string. */
export const AuditFilter = z.object({
  from: instant.optional(),
  to: instant.optional(),
  alertId: text.optional(),
  actor: text.optional(),
  afterSeq: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1_000),
  format: z.enum(['json', 'csv']).default('json'),
});
export type AuditFilter = z.infer<typeof AuditFilter>;

export function auditQueryOf(f: AuditFilter): AuditQuery {
  return {
    limit: f.limit,
    ...(f.afterSeq !== undefined ? { afterSeq: f.afterSeq } : {}),
    ...(f.alertId ? { alertId: f.alertId } : {}),
    ...(f.actor ? { actor: f.actor } : {}),
    ...(f.from ? { from: f.from } : {}),
    ...(f.to ? { to: f.to } : {}),
  };
}
