import type { Tier } from '../domain/tier.js';
import { cloneLabel, joinAnd, LABEL, labels, minorsSupportingUntyped, SPECIFIC_MINORS, type Facts } from './criteria.js';
import type { Persistence } from './persistence.js';

/** Everything the tier table of spec §3 reads. */
export interface TierInput {
  /** facts from every current finding, possible ones included (workup-recommended, screening-gap) */
  all: Facts;
  /** facts from the definite current findings only (criteria-met) */
  definite: Facts;
  ifeDone: boolean;
  poemsKnown: boolean;
  /** thrombocytosis and polycythemia, each judged on its own results (spec §2) */
  persistence: readonly Persistence[];
}

export interface TierDecision {
  tier: Tier | null;
  reason: string;
}

/** Spec §3, the first row that holds. No alert without a definite neuropathy, none if POEMS is known. */
export function tierOf(input: TierInput): TierDecision {
  if (input.poemsKnown) return { tier: null, reason: 'POEMS syndrome already diagnosed' };
  if (!input.definite.neuropathy) {
    return { tier: null, reason: input.all.neuropathy ? 'no definite neuropathy on record (only a possible one)' : 'no neuropathy on record' };
  }
  return criteriaMet(input.definite) ?? workupRecommended(input) ?? screeningGap(input) ?? noTier(input);
}

function criteriaMet(d: Facts): TierDecision | null {
  if (!d.clone || d.majors.length === 0 || d.minors.length === 0) return null;
  const parts = ['polyneuropathy', cloneLabel(d), ...labels(d.majors), ...labels(d.minors)];
  return { tier: 'criteria-met', reason: `Mayo criteria met: ${parts.join(', ')}` };
}

function workupRecommended(input: TierInput): TierDecision | null {
  const because = workupTriggers(input);
  return because.length === 0 ? null : { tier: 'workup-recommended', reason: `${because.join('; ')} with ${neuropathyWord(input.all)}` };
}

/** Every workup-recommended condition that holds, in the table's order, phrased for the reason. */
export function workupTriggers({ all, persistence }: TierInput): string[] {
  const out: string[] = [];
  if (all.lambda) out.push('λ monoclonal protein');
  if (all.majors.length > 0) out.push(joinAnd(labels(all.majors)));
  const supporting = minorsSupportingUntyped(all);
  if (all.untyped && supporting.length > 0) out.push(`monoclonal protein (light chain unknown) and ${joinAnd(labels(supporting))}`);
  const persistent = persistence.filter((p) => p.persistent);
  if (all.cidp && persistent.length > 0) out.push(`persistent ${persistent.map((p) => `${p.kind} (${p.detail})`).join(' and ')}`);
  if (all.minors.length >= 2 && all.minors.some((m) => SPECIFIC_MINORS.has(m))) out.push(joinAnd(labels(all.minors)));
  return out;
}

function screeningGap({ all, ifeDone }: TierInput): TierDecision | null {
  if (!all.cidp || all.minors.length === 0 || ifeDone) return null;
  return { tier: 'screening-gap', reason: `CIDP with ${joinAnd(labels(all.minors))} and no immunofixation on record` };
}

function noTier({ all, ifeDone }: TierInput): TierDecision {
  const others = [...(all.clone ? [cloneLabel(all)] : []), ...labels(all.minors)];
  const found = others.length === 0 ? `${neuropathyWord(all)} alone` : `${neuropathyWord(all)} with ${joinAnd(others)} only`;
  const why = all.cidp && all.minors.length > 0 && ifeDone ? 'immunofixation already done, no alert pattern' : 'no alert pattern';
  return { tier: null, reason: `${found}: ${why}` };
}

function neuropathyWord(all: Facts): string {
  return all.cidp ? 'CIDP' : LABEL.polyneuropathy;
}
