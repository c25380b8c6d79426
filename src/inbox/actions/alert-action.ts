import { z } from 'zod';
import { DismissReason } from '../../domain/alert.js';

/**
 * A clinician's action, as the web form, the API and CDS Hooks feedback all bring it. The
 * dismissal reasons are the fixed list of spec §4; the note is free text kept in the alert's
 * history (never in the audit trail or a log).
 */
export const AlertAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('acknowledge') }),
  z.object({ kind: z.literal('dismiss'), reason: DismissReason, note: z.string().trim().max(2_000).default('') }),
  z.object({
    kind: z.literal('snooze'),
    /** an ISO date ("2025-03-01", the start of that day in UTC) or instant */
    until: z.string().refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), 'an ISO date or date-time'),
  }),
]);
export type AlertAction = z.infer<typeof AlertAction>;
export type AlertActionKind = AlertAction['kind'];

/** The longest snooze: a year; longer is a dismissal. */
export const MAX_SNOOZE_DAYS = 366;
