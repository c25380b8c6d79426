/**
 * The validation report as a JSON document (`validate --json`): the one model that the terminal
 * table and the HTML report are both rendered from. docs/validation.md describes every field.
 */
import { z } from 'zod';
import { Tier } from '../domain/tier.js';
import { Outcome } from './labels.js';

export const REPORT_SCHEMA_ID = 'poems-sentinel/validation-report@1';

const Proportion = z.object({
  x: z.number().int().nonnegative(),
  n: z.number().int().nonnegative(),
  value: z.number().nullable(),
  /** Wilson score 95 % interval */
  low: z.number().nullable(),
  high: z.number().nullable(),
});

const Distribution = z.object({
  n: z.number().int().nonnegative(),
  min: z.number().nullable(),
  q1: z.number().nullable(),
  median: z.number().nullable(),
  q3: z.number().nullable(),
  max: z.number().nullable(),
  values: z.array(z.number()),
});

const McNemar = z.object({
  b: z.number().int().nonnegative(),
  c: z.number().int().nonnegative(),
  method: z.enum(['exact binomial', 'chi-square, continuity-corrected', 'no discordant pairs']),
  statistic: z.number().nullable(),
  p: z.number().min(0).max(1),
});

/** "alerted" at a threshold = an alert of this tier or a higher one holds at the end of the feed. */
export const Threshold = Tier;

export const ThresholdResult = z.object({
  threshold: Threshold,
  table: z.object({ tp: z.number().int(), fp: z.number().int(), fn: z.number().int(), tn: z.number().int() }),
  sensitivity: Proportion,
  specificity: Proportion,
  ppv: Proportion,
  npv: Proportion,
  burden: z.object({
    /** cohort patients whose alert reached this tier at any time (withdrawn ones too: they were notified) */
    alerts: z.number().int().nonnegative(),
    /** null without a neuropathy column or with no neuropathy patient */
    per1000Neuropathy: z.number().nullable(),
    /** mean over labelled clinicians; null without a clinician column */
    perClinicianWeek: z.number().nullable(),
    maxClinicianWeek: z.number().nullable(),
  }),
  leadTimeDays: z.object({
    /** alerted patients: first qualifying finding → first alert at this tier */
    findingToAlert: Distribution,
    /** true positives with a diagnosis date: first alert at this tier → reference diagnosis (positive = alert first) */
    alertToDiagnosis: Distribution,
  }),
});
export type ThresholdResult = z.infer<typeof ThresholdResult>;

export const TierPoint = z.object({
  at: z.string(),
  'screening-gap': z.number().int().nonnegative(),
  'workup-recommended': z.number().int().nonnegative(),
  'criteria-met': z.number().int().nonnegative(),
});
export type TierPoint = z.infer<typeof TierPoint>;

export const RunReport = z.object({
  /** "A", or "A"/"B" with --compare */
  id: z.string(),
  ruleVersion: z.string(),
  profileVersion: z.string(),
  /** rule and profile versions the alerts themselves carry, with counts (one pair unless mixed) */
  alertVersions: z.array(z.object({ ruleVersion: z.string(), profileVersion: z.string(), alerts: z.number().int() })),
  /** `days`: first to last MSH-7, or (`daysFrom: timing-sidecar`) the original span of a de-identified copy, whose dates are shifted per patient */
  feed: z.object({ from: z.string(), to: z.string(), days: z.number().nonnegative(), daysFrom: z.literal('timing-sidecar').optional() }),
  alerts: z.object({
    /** cohort patients with an alert at any time */
    raised: z.number().int().nonnegative(),
    /** …of which the alert holds at the end */
    holding: z.number().int().nonnegative(),
    withdrawn: z.number().int().nonnegative(),
    /** alerts for patient keys missing from the labels: counted here only */
    unlabelled: z.number().int().nonnegative(),
  }),
  thresholds: z.array(ThresholdResult),
  /** patients at each tier over feed time, every patient of the feed (step function) */
  tierSeries: z.array(TierPoint),
});
export type RunReport = z.infer<typeof RunReport>;

export const TierState = Tier.nullable();

export const ChangedPatient = z.object({
  patientKey: z.string(),
  reference: z.union([Outcome, z.literal('unlabelled')]),
  a: TierState,
  b: TierState,
  effect: z.enum(['true positive gained', 'true positive lost', 'false positive added', 'false positive removed', 'tier changed', 'alert gained', 'alert lost']),
});
export type ChangedPatient = z.infer<typeof ChangedPatient>;

export const Comparison = z.object({
  /** McNemar per threshold: among POEMS patients (sensitivity) and among the others (specificity) */
  thresholds: z.array(z.object({ threshold: Threshold, poems: McNemar, notPoems: McNemar })),
  /** every patient whose final tier differs between A and B */
  changed: z.array(ChangedPatient),
});
export type Comparison = z.infer<typeof Comparison>;

export const ValidationReport = z.object({
  schema: z.literal(REPORT_SCHEMA_ID),
  generatedAt: z.string(),
  cohort: z.object({
    patients: z.number().int().nonnegative(),
    poems: z.number().int().nonnegative(),
    notPoems: z.number().int().nonnegative(),
    excluded: z.number().int().nonnegative(),
    /** null when the label file has no neuropathy column */
    neuropathy: z.number().int().nonnegative().nullable(),
    /** null when the label file has no clinician column */
    clinicians: z.number().int().nonnegative().nullable(),
    poemsWithDiagnosisDate: z.number().int().nonnegative(),
  }),
  runs: z.array(RunReport).min(1).max(2),
  comparison: Comparison.optional(),
});
export type ValidationReport = z.infer<typeof ValidationReport>;
