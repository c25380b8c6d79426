import { z } from 'zod';
import { FindingKind, FindingSource } from './finding.js';

/**
 * Why a value or phrase that was seen did not become a finding (spec §5: "every value or phrase
 * seen but not used … can be listed for a patient"). The first three are value reasons the
 * replay summary counts (spec §1.1); the rest come from report text, the store or the rule.
 */
export const UnreadReason = z.enum([
  'UNIT_UNKNOWN',
  'VALUE_UNREADABLE',
  'VALUE_IMPLAUSIBLE',
  /** a negation trigger, a "Label: none" line, resolution */
  'NEGATED',
  /** "rule out", "evaluate for", "assess for": not found */
  'HYPOTHETICAL',
  /** "history of" on a kind that is not chronic */
  'HISTORY_ONLY',
  /** "family history of", a relative */
  'FAMILY',
  /** a bone-island-like mimic explains the lesion */
  'MIMIC',
  /** indication / reason for exam / clinical history: only neuropathy is read there */
  'INDICATION_SECTION',
  /** a diagnosis that cannot suppress (working/admitting, not final, negated or hedged POEMS) */
  'NOT_AFFIRMED',
  /** a later version of the same result replaced it (store) */
  'SUPERSEDED',
  /** outside the lookback window (rule) */
  'AGED_OUT',
]);
export type UnreadReason = z.infer<typeof UnreadReason>;

/** Value reasons counted in the replay summary and metrics. */
export const VALUE_REASONS = ['UNIT_UNKNOWN', 'VALUE_UNREADABLE', 'VALUE_IMPLAUSIBLE'] as const satisfies readonly UnreadReason[];

export const UnreadNote = z.object({
  reason: UnreadReason,
  /** the kind it would have been evidence for, when known */
  kind: FindingKind.optional(),
  /** the value or phrase as written (at most 160 characters; never identifiers) */
  text: z.string(),
  /** a short why in words ("unit 'mg/L' not known for platelets", "negated by 'no evidence of'") */
  detail: z.string().optional(),
  observedAt: z.string(),
  source: FindingSource,
});
export type UnreadNote = z.infer<typeof UnreadNote>;
