import { z } from 'zod';

/** The evidence kinds of the spec, §1. `ifeDone` records that immunofixation was performed. */
export const FindingKind = z.enum([
  'neuropathy',
  'clone',
  'ifeDone',
  'vegfHigh',
  'scleroticBone',
  'castleman',
  'thrombocytosis',
  'polycythemia',
  'organomegaly',
  'volumeOverload',
  'endocrinopathy',
  'skinChanges',
  'papilledema',
  'poemsKnown',
]);
export type FindingKind = z.infer<typeof FindingKind>;

/**
 * Kinds that never age out of the lookback (spec §2 "Chronic kinds never age out"): a CIDP
 * diagnosis with a 2021 onset still gates a 2025 evaluation.
 */
export const CHRONIC_KINDS: ReadonlySet<FindingKind> = new Set<FindingKind>([
  'neuropathy', 'clone', 'ifeDone', 'castleman', 'scleroticBone', 'endocrinopathy', 'skinChanges', 'poemsKnown',
]);

export const LightChain = z.enum(['lambda', 'kappa', 'unknown']);
export type LightChain = z.infer<typeof LightChain>;
export const HeavyChain = z.enum(['IgA', 'IgG', 'IgM', 'unknown']);
export type HeavyChain = z.infer<typeof HeavyChain>;

/** How a clone was found (spec §1 `clone` qualifiers). */
export const CloneMethod = z.enum(['ife', 'spep', 'flc', 'pathology', 'diagnosis']);
export type CloneMethod = z.infer<typeof CloneMethod>;

/**
 * `possible`: hedged text ("possible", "suspicious for", "?"), a preliminary result, an FLC
 * ratio, a metastasis-like bone lesion, an unknown-specimen VEGF (spec §1.2, §2). A possible
 * finding counts for workup-recommended and screening-gap, never for criteria-met (spec §3).
 */
export const Certainty = z.enum(['definite', 'possible']);
export type Certainty = z.infer<typeof Certainty>;

/** Result status class of the version a finding came from (spec §2). */
export const StatusClass = z.enum(['final', 'preliminary']);
export type StatusClass = z.infer<typeof StatusClass>;

export const Qualifiers = z.object({
  cidp: z.boolean().optional(),
  lightChain: LightChain.optional(),
  heavyChain: HeavyChain.optional(),
  method: CloneMethod.optional(),
  specimen: z.enum(['plasma', 'serum', 'unknown']).optional(),
  /** diagnoses: DG1-5 / PRB onset as ISO, kept apart from observedAt (spec §2 "Time") */
  onset: z.string().optional(),
  /** the phrase or code that produced the finding, for the clinician reading the evidence */
  matched: z.string().optional(),
});
export type Qualifiers = z.infer<typeof Qualifiers>;

export const FindingSource = z.object({
  messageControlId: z.string(),
  sendingFacility: z.string(),
  /** segment and position, e.g. "OBX[3]" or "DG1[1]" (1-based occurrence in the message) */
  segment: z.string(),
  resultKey: z.string(),
  /**
   * OBR-16 of the order the finding came from, and PV1-7 of its message: "<XCN-9 authority>|<XCN-1>"
   * (extract/providers.ts). Who routing sends the alert to (domain/recipient.ts careTeamOf).
   */
  orderingProvider: z.string().optional(),
  attending: z.string().optional(),
});
export type FindingSource = z.infer<typeof FindingSource>;

export const Finding = z.object({
  kind: FindingKind,
  /** ISO 8601 instant: when first observed (a finding seen again keeps it, spec §2) */
  observedAt: z.string(),
  /** ISO 8601 instant: when last observed; ageing of non-chronic kinds uses it. Absent = observedAt */
  lastObservedAt: z.string().optional(),
  value: z.number().optional(),
  unit: z.string().optional(),
  qualifiers: Qualifiers,
  certainty: Certainty,
  /** class of the result version it came from; absent = final */
  status: StatusClass.optional(),
  source: FindingSource,
});
export type Finding = z.infer<typeof Finding>;

/** The instant ageing compares (spec §2: non-chronic kinds count by `lastObservedAt`). */
export function lastSeen(f: Finding): string {
  return f.lastObservedAt ?? f.observedAt;
}
