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

export const LightChain = z.enum(['lambda', 'kappa', 'unknown']);
export type LightChain = z.infer<typeof LightChain>;
export const HeavyChain = z.enum(['IgA', 'IgG', 'IgM', 'unknown']);
export type HeavyChain = z.infer<typeof HeavyChain>;

export const Qualifiers = z.object({
  cidp: z.boolean().optional(),
  lightChain: LightChain.optional(),
  heavyChain: HeavyChain.optional(),
  specimen: z.enum(['plasma', 'serum', 'unknown']).optional(),
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
});
export type FindingSource = z.infer<typeof FindingSource>;

export const Finding = z.object({
  kind: FindingKind,
  /** ISO 8601 instant */
  observedAt: z.string(),
  value: z.number().optional(),
  unit: z.string().optional(),
  qualifiers: Qualifiers,
  source: FindingSource,
});
export type Finding = z.infer<typeof Finding>;
