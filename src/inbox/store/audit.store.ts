import { z } from 'zod';
import { Role } from '../auth/role.js';

export const AuditAction = z.enum([
  'login', 'logout', 'list-alerts', 'view-alert', 'acknowledge', 'dismiss', 'snooze',
  'view-audit', 'export-audit', 'cds-feedback',
  'user-add', 'user-disable', 'user-enable', 'password-set', 'token-create', 'token-revoke',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** `denied`: not allowed (role, CSRF, rate limit); `failed`: tried and did not happen (bad password, the alert changed meanwhile). */
export const AuditOutcome = z.enum(['ok', 'denied', 'failed']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

export const AuditVia = z.enum(['web', 'api', 'cds-hooks', 'cli']);
export type AuditVia = z.infer<typeof AuditVia>;

/**
 * One line of the append-only audit trail: who, what, which alert and version, when, from
 * where. `detail` is short and coded ("reason=poems-excluded dwell=3600s"): never a patient
 * identifier, never the free text of a note (the alert's history keeps that).
 */
export const AuditEntry = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  /** the account name, the EHR's issuer for CDS Hooks feedback, or a tried name on a failed login */
  actor: z.string(),
  role: Role.nullable(),
  action: AuditAction,
  outcome: AuditOutcome,
  alertId: z.string().nullable(),
  alertVersion: z.number().int().nullable(),
  /** the client address (the proxy's when `trustProxy` is off) */
  ip: z.string().nullable(),
  via: AuditVia,
  detail: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export type NewAuditEntry = Omit<AuditEntry, 'seq'>;

export interface AuditQuery {
  /** entries after this sequence number (paging) */
  afterSeq?: number;
  alertId?: string;
  actor?: string;
  /** ISO instants, inclusive from, exclusive to */
  from?: string;
  to?: string;
  limit: number;
  /** the newest `limit` entries, newest first (the audit page); default oldest first (exports, paging) */
  newestFirst?: boolean;
}

/** Append-only: the adapters refuse UPDATE and DELETE in the database itself, not only here. */
export interface AuditLog {
  append(entry: NewAuditEntry): Promise<AuditEntry>;
  /** oldest first unless `newestFirst` */
  list(query: AuditQuery): Promise<AuditEntry[]>;
}
