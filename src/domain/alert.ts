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
  /** `snooze-ended`: the snooze date passed (a notification held back by it is released) */
  event: z.enum(['created', 'escalated', 'updated', 'downgraded', 'withdrawn', 'reopened', 'acknowledged', 'dismissed', 'snoozed', 'merged', 'snooze-ended']),
  /** who acted, for clinician actions ("" for the rule itself) */
  by: z.string().optional(),
  tier: Tier.nullable(),
  status: AlertStatus,
  /** why, in words the inbox shows ("platelet result corrected", "dismissed: poems-excluded — …") */
  reason: z.string(),
});
export type AlertEvent = z.infer<typeof AlertEvent>;

/** The alert contract of design/architecture.md ("Contracts at the edges"). */
export const Alert = z.object({
  /** stable across merges and rule/profile versions (spec §4): receivers key on it */
  id: z.string(),
  /** optimistic concurrency: every write increments it; a write names the version it read */
  version: z.number().int().positive(),
  /** 1 for the first episode; a withdrawn alert that qualifies again reopens as the next (spec §4) */
  episode: z.number().int().positive(),
  /** tiers already notified in this episode: the same tier is never notified twice in one episode */
  notifiedTiers: z.array(Tier),
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
  /** a snooze holds notifications back until this instant unless the tier rises above `snoozedTier` */
  snoozedUntil: z.string().optional(),
  snoozedTier: Tier.optional(),
  /** survives withdrawal: a reopened episode is notified only above the dismissed tier (spec §4) */
  dismissal: z.object({ reason: DismissReason, note: z.string(), tier: Tier, at: z.string(), by: z.string().optional() }).optional(),
  history: z.array(AlertEvent),
});
export type Alert = z.infer<typeof Alert>;

/** A notification to deliver at least once; receivers drop repeats by `key` (spec §4). */
export const Notification = z.object({
  key: z.string(),
  alertId: z.string(),
  episode: z.number().int().positive(),
  patientKey: z.string(),
  tier: Tier,
  /**
   * created, escalated, reopened: a tier to tell the recipients about. status: the alert's status
   * changed (withdrawn, acknowledged, dismissed, snoozed, open again) and channels that hold
   * state (FHIR Flag, DetectedIssue, Task) are brought up to date; nobody new is told.
   */
  event: z.enum(['created', 'escalated', 'reopened', 'status']),
  /** the alert's status, on `status` notifications */
  status: AlertStatus.optional(),
  /** the alert version the status change writes, on `status` notifications (delivered once the store has it) */
  alertVersion: z.number().int().positive().optional(),
  createdAt: z.string(),
});
export type Notification = z.infer<typeof Notification>;

/**
 * The idempotency key of spec §4: (alert id, episode, tier). The alert id survives merges and
 * rule/profile versions, so a new profile version does not re-notify every open alert, while a
 * reopened episode is a new key and is never swallowed.
 */
export function notificationKey(alertId: string, episode: number, tier: Tier): string {
  return `${alertId}|${episode}|${tier}`;
}
