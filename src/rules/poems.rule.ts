import type { SiteProfile } from '../config/profile.schema.js';
import { Criterion, MAJOR_CRITERIA, MINOR_CRITERIA, type Assessment } from '../domain/assessment.js';
import type { Finding, FindingKind } from '../domain/finding.js';
import type { Tier } from '../domain/tier.js';
import { suggestWorkup } from './workup.js';

/**
 * The POEMS work-up rule (spec/poems-rule.md §3). Pure: no clock, no I/O. The lookback is
 * anchored on the patient's newest finding, so the same timeline always yields the same answer.
 */
export const RULE_ID = 'poems-workup';
export const RULE_VERSION = '1.0.0';

/** Which Mayo criterion each finding kind is evidence for; kinds absent here count for none. */
const CRITERION_OF_KIND: Partial<Record<FindingKind, Criterion>> = {
  neuropathy: 'polyneuropathy',
  clone: 'monoclonalPlasmaCellDisorder',
  castleman: 'castleman',
  scleroticBone: 'scleroticBone',
  vegfHigh: 'vegfElevation',
  organomegaly: 'organomegaly',
  volumeOverload: 'volumeOverload',
  endocrinopathy: 'endocrinopathy',
  skinChanges: 'skinChanges',
  papilledema: 'papilledema',
  // Mayo counts thrombocytosis/polycythemia as one minor criterion, so both map to it.
  thrombocytosis: 'thrombocytosisOrPolycythemia',
  polycythemia: 'thrombocytosisOrPolycythemia',
};

const LABEL: Record<Criterion, string> = {
  polyneuropathy: 'polyneuropathy',
  monoclonalPlasmaCellDisorder: 'monoclonal protein',
  castleman: 'Castleman disease',
  scleroticBone: 'sclerotic bone lesion',
  vegfElevation: 'VEGF elevation',
  organomegaly: 'organomegaly',
  volumeOverload: 'extravascular volume overload',
  endocrinopathy: 'endocrinopathy',
  skinChanges: 'skin changes',
  papilledema: 'papilledema',
  thrombocytosisOrPolycythemia: 'thrombocytosis/polycythemia',
};

/** What the tier table needs to know about the patient's current findings. */
interface Facts {
  current: Finding[];
  met: Set<Criterion>;
  majors: Criterion[];
  minors: Criterion[];
  lambda: boolean;
  /** light chain `unknown` or not reported */
  untyped: boolean;
  kappa: boolean;
  cidp: boolean;
  immunofixationOnRecord: boolean;
  poemsKnown: boolean;
}

interface Decision {
  tier: Tier | null;
  reason: string;
}

export function evaluate(findings: readonly Finding[], profile: SiteProfile): Assessment {
  // A POEMS diagnosis does not expire: it suppresses whatever its age (no lookback).
  const poemsKnown = findings.some((f) => f.kind === 'poemsKnown');
  const facts = factsOf(withinLookback(findings, profile.lookbackMonths), poemsKnown);
  const { tier, reason } = decide(facts);
  const criteriaMet = Criterion.options.filter((c) => facts.met.has(c));
  return {
    tier,
    reason,
    criteriaMet,
    // Always the honest complement, also when no tier holds: a withdrawn alert can then show
    // what is still missing, and consumers never have to special-case null.
    criteriaMissing: Criterion.options.filter((c) => !facts.met.has(c)),
    evidence: tier === null ? [] : evidenceFor(facts.current, facts.met),
    suggestedWorkup: suggestWorkup(facts.current, tier),
    ruleVersion: RULE_VERSION,
    profileVersion: profile.profileVersion,
  };
}

// ---------------------------------------------------------------------------------------------
// Lookback

/**
 * Findings observed at most `months` calendar months before the newest one. A finding whose
 * observedAt does not parse cannot be placed in the window and is dropped.
 */
function withinLookback(findings: readonly Finding[], months: number): Finding[] {
  const dated = findings.filter((f) => !Number.isNaN(timeOf(f)));
  if (dated.length === 0) return [];
  const newest = Math.max(...dated.map(timeOf));
  const cutoff = monthsBefore(newest, months);
  return dated.filter((f) => timeOf(f) >= cutoff);
}

function timeOf(f: Finding): number {
  return Date.parse(f.observedAt);
}

/** Calendar months back in UTC, clamping the day so 31 May − 3 months is 28/29 Feb, not March. */
function monthsBefore(epochMs: number, months: number): number {
  const from = new Date(epochMs);
  const target = new Date(epochMs);
  target.setUTCDate(1);
  target.setUTCMonth(from.getUTCMonth() - months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(from.getUTCDate(), lastDay));
  return target.getTime();
}

// ---------------------------------------------------------------------------------------------
// Facts

function factsOf(current: Finding[], poemsKnown: boolean): Facts {
  const met = new Set<Criterion>();
  for (const f of current) {
    const criterion = CRITERION_OF_KIND[f.kind];
    if (criterion !== undefined) met.add(criterion);
  }
  const clones = current.filter((f) => f.kind === 'clone');
  const lightChains = new Set(clones.map((f) => f.qualifiers.lightChain ?? 'unknown'));
  return {
    current,
    met,
    majors: MAJOR_CRITERIA.filter((c) => met.has(c)),
    minors: MINOR_CRITERIA.filter((c) => met.has(c)),
    lambda: lightChains.has('lambda'),
    untyped: lightChains.has('unknown'),
    kappa: lightChains.has('kappa'),
    cidp: current.some((f) => f.kind === 'neuropathy' && f.qualifiers.cidp === true),
    // extraction records `ifeDone` for every immunofixation result, positive or negative
    immunofixationOnRecord: current.some((f) => f.kind === 'ifeDone'),
    poemsKnown,
  };
}


// ---------------------------------------------------------------------------------------------
// Tier table, first row that holds wins

function decide(facts: Facts): Decision {
  if (facts.poemsKnown) return { tier: null, reason: 'POEMS syndrome already diagnosed' };
  if (!facts.met.has('polyneuropathy')) return { tier: null, reason: 'no neuropathy on record' };
  return criteriaMet(facts) ?? workupRecommended(facts) ?? screeningGap(facts) ?? noTier(facts);
}

function criteriaMet(facts: Facts): Decision | null {
  if (!facts.met.has('monoclonalPlasmaCellDisorder')) return null;
  if (facts.majors.length === 0 || facts.minors.length === 0) return null;
  const parts = ['polyneuropathy', cloneLabel(facts), ...labels(facts.majors), ...labels(facts.minors)];
  return { tier: 'criteria-met', reason: `Mayo criteria met: ${parts.join(', ')}` };
}

function workupRecommended(facts: Facts): Decision | null {
  const because = workupTrigger(facts);
  return because === null ? null : { tier: 'workup-recommended', reason: `${because} with polyneuropathy` };
}

/** The first workup-recommended condition that holds, phrased for the reason. */
function workupTrigger(facts: Facts): string | null {
  if (facts.lambda) return 'λ monoclonal protein';
  const supporting = [...facts.majors, ...facts.minors];
  if (facts.untyped && supporting.length > 0) {
    return `monoclonal protein (light chain unknown) and ${joinAnd(labels(supporting))}`;
  }
  const major = facts.majors[0];
  if (major !== undefined) return LABEL[major];
  if (facts.minors.length >= 2) return joinAnd(labels(facts.minors));
  return null;
}

function screeningGap(facts: Facts): Decision | null {
  if (!facts.cidp || facts.minors.length === 0 || facts.immunofixationOnRecord) return null;
  return {
    tier: 'screening-gap',
    reason: `CIDP with ${joinAnd(labels(facts.minors))} and no immunofixation on record`,
  };
}

function noTier(facts: Facts): Decision {
  const others = [
    ...(facts.met.has('monoclonalPlasmaCellDisorder') ? [cloneLabel(facts)] : []),
    ...labels(facts.minors),
  ];
  const found = others.length === 0 ? 'polyneuropathy alone' : `polyneuropathy with ${joinAnd(others)} only`;
  return { tier: null, reason: `${found}: no alert pattern` };
}

// ---------------------------------------------------------------------------------------------
// Evidence and wording

/** Every current finding of a kind behind a met criterion, oldest first (stable on ties). */
function evidenceFor(current: readonly Finding[], met: ReadonlySet<Criterion>): Finding[] {
  return current
    .filter((f) => {
      const criterion = CRITERION_OF_KIND[f.kind];
      return criterion !== undefined && met.has(criterion);
    })
    .sort((a, b) => timeOf(a) - timeOf(b));
}

/** λ wins over untyped over κ: the strongest POEMS signal names the clone. */
function cloneLabel(facts: Facts): string {
  if (facts.lambda) return 'λ monoclonal protein';
  if (facts.untyped) return 'monoclonal protein (light chain unknown)';
  return 'κ monoclonal protein';
}

function labels(criteria: readonly Criterion[]): string[] {
  return criteria.map((c) => LABEL[c]);
}

function joinAnd(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
