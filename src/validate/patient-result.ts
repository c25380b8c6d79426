/**
 * What a validation needs from one replay: per patient with an alert, its final state and how its
 * tier moved over feed time. Patients without an alert are simply absent (negative).
 */
import { z } from 'zod';
import { AlertStatus, type Alert } from '../domain/alert.js';
import { Tier } from '../domain/tier.js';

export const TierChange = z.object({
  /** ISO instant, feed time (see run.ts: the replay clock follows the messages' MSH-7) */
  at: z.string(),
  /** the tier holding from `at` on; null once the alert is withdrawn */
  tier: Tier.nullable(),
});
export type TierChange = z.infer<typeof TierChange>;

export const PatientResult = z.object({
  patientKey: z.string(),
  /** the tier holding at the end of the feed; null when the alert was withdrawn */
  tier: Tier.nullable(),
  status: AlertStatus,
  alertCreatedAt: z.string().optional(),
  /** the earliest `observedAt` among the alert's evidence: the first finding that counts towards it */
  firstQualifyingAt: z.string().optional(),
  ruleVersion: z.string(),
  profileVersion: z.string(),
  tierHistory: z.array(TierChange),
});
export type PatientResult = z.infer<typeof PatientResult>;

/** One replay of the feed under one rule and profile version. */
export const RunResult = z.object({
  ruleVersion: z.string(),
  profileVersion: z.string(),
  /** first and last message time (MSH-7) of the feed: the span that rates per week are over */
  feedFrom: z.string(),
  feedTo: z.string(),
  /**
   * days the original feed spans, from timing sidecars (a de-identified copy): its dates are
   * moved by per-patient offsets, so first to last MSH-7 spans up to a year more than the feed
   */
  feedDays: z.number().nonnegative().optional(),
  patients: z.array(PatientResult),
});
export type RunResult = z.infer<typeof RunResult>;

/** From the alert contract (src/domain/alert.ts): `history`, `createdAt`, `evidence[].observedAt`. */
export function patientResultOf(alert: Alert): PatientResult {
  const tierHistory: TierChange[] = [];
  for (const e of alert.history) {
    // A withdrawn alert keeps its last tier in the JSON; for the timeline it holds no tier.
    const tier = e.status === 'withdrawn' ? null : e.tier;
    if (tierHistory[tierHistory.length - 1]?.tier !== tier || tierHistory.length === 0) tierHistory.push({ at: e.at, tier });
  }
  const observed = alert.evidence.map((f) => f.observedAt).filter((t) => !Number.isNaN(Date.parse(t))).sort((a, b) => Date.parse(a) - Date.parse(b));
  return {
    patientKey: alert.patientKey,
    tier: alert.status === 'withdrawn' ? null : alert.tier,
    status: alert.status,
    alertCreatedAt: alert.createdAt,
    ...(observed[0] !== undefined ? { firstQualifyingAt: observed[0] } : {}),
    ruleVersion: alert.ruleVersion,
    profileVersion: alert.profileVersion,
    tierHistory,
  };
}
