import { z } from 'zod';
import { Criterion, WorkupItem } from './assessment.js';
import { Finding } from './finding.js';
import { Tier } from './tier.js';

export const AlertStatus = z.enum(['open', 'acknowledged', 'dismissed', 'snoozed', 'withdrawn']);
export type AlertStatus = z.infer<typeof AlertStatus>;

/** The fixed list a clinician picks from when dismissing (spec §4), plus free text. */
export const DismissReason = z.enum([
  'poems-excluded',
  'already-under-haematology',
  'not-clinically-relevant',
  'wrong-patient',
  'other',
]);
export type DismissReason = z.infer<typeof DismissReason>;

export const AlertEvent = z.object({
  at: z.string(),
  event: z.enum(['created', 'escalated', 'updated', 'downgraded', 'withdrawn', 'reopened', 'acknowledged', 'dismissed', 'snoozed', 'merged']),
  tier: Tier.nullable(),
  status: AlertStatus,
  /** why, in words the inbox shows ("platelet result corrected", "dismissed: poems-excluded — …") */
  reason: z.string(),
});
export type AlertEvent = z.infer<typeof AlertEvent>;

/** The alert contract of design/architecture.md ("Contracts at the edges"). */
export const Alert = z.object({
  id: z.string(),
  patientKey: z.string(),
  rule: z.string(),
  tier: Tier,
  status: AlertStatus,
  reason: z.string(),
  ruleVersion: z.string(),
  profileVersion: z.string(),
  criteriaMet: z.array(Criterion),
  criteriaMissing: z.array(Criterion),
  evidence: z.array(Finding),
  suggestedWorkup: z.array(WorkupItem),
  createdAt: z.string(),
  updatedAt: z.string(),
  snoozedUntil: z.string().optional(),
  dismissal: z.object({ reason: DismissReason, note: z.string() }).optional(),
  history: z.array(AlertEvent),
});
export type Alert = z.infer<typeof Alert>;

/** A notification to deliver at least once; receivers drop repeats by `key` (spec §4). */
export const Notification = z.object({
  key: z.string(),
  alertId: z.string(),
  patientKey: z.string(),
  tier: Tier,
  event: z.enum(['created', 'escalated', 'reopened']),
  createdAt: z.string(),
});
export type Notification = z.infer<typeof Notification>;

export function notificationKey(patientKey: string, ruleVersion: string, tier: Tier): string {
  return `${patientKey}|${ruleVersion}|${tier}`;
}
