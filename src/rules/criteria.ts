import { MAJOR_CRITERIA, MINOR_CRITERIA, type Criterion } from '../domain/assessment.js';
import type { Finding, FindingKind } from '../domain/finding.js';

export type MajorCriterion = (typeof MAJOR_CRITERIA)[number];
export type MinorCriterion = (typeof MINOR_CRITERIA)[number];

/** Which Mayo criterion each finding kind is evidence for; kinds absent here are flags or nothing. */
export const CRITERION_OF_KIND: Partial<Record<FindingKind, Criterion>> = {
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

/**
 * Spec §3: the minors that are rare outside POEMS in a neuropathy patient. Organomegaly, volume
 * overload and endocrinopathy are common (cirrhosis, heart failure, diabetes) and need company.
 */
export const SPECIFIC_MINORS: ReadonlySet<MinorCriterion> = new Set<MinorCriterion>(['thrombocytosisOrPolycythemia', 'papilledema', 'skinChanges']);

/** Minors that do not lift an untyped clone: a cirrhotic's liver and ascites are not POEMS clues. */
const NON_SUPPORTING_FOR_UNTYPED: ReadonlySet<MinorCriterion> = new Set<MinorCriterion>(['organomegaly', 'volumeOverload']);

export const LABEL: Record<Criterion, string> = {
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

/** What the tier table needs to know about one set of findings (all, or the definite ones). */
export interface Facts {
  neuropathy: boolean;
  cidp: boolean;
  /** any clone, whatever its light chain */
  clone: boolean;
  lambda: boolean;
  kappa: boolean;
  /** a clone of unknown light chain, and no definite typed clone on record (spec §3) */
  untyped: boolean;
  majors: MajorCriterion[];
  minors: MinorCriterion[];
}

/**
 * `definiteTypedOnRecord` is judged over every current clone, whatever set is being read: an
 * SPEP spike or a D47.2 code next to a definite IgM-κ IFE is that κ clone, not a second,
 * untyped one.
 */
export function factsOf(findings: readonly Finding[], definiteTypedOnRecord: boolean): Facts {
  const kinds = new Set(findings.map((f) => f.kind));
  const clones = findings.filter((f) => f.kind === 'clone');
  const chain = (f: Finding): string => f.qualifiers.lightChain ?? 'unknown';
  return {
    neuropathy: kinds.has('neuropathy'),
    cidp: findings.some((f) => f.kind === 'neuropathy' && f.qualifiers.cidp === true),
    clone: clones.length > 0,
    lambda: clones.some((f) => chain(f) === 'lambda'),
    kappa: clones.some((f) => chain(f) === 'kappa'),
    untyped: !definiteTypedOnRecord && clones.some((f) => chain(f) === 'unknown'),
    majors: MAJOR_CRITERIA.filter((c) => findings.some((f) => CRITERION_OF_KIND[f.kind] === c)),
    minors: MINOR_CRITERIA.filter((c) => findings.some((f) => CRITERION_OF_KIND[f.kind] === c)),
  };
}

export function hasDefiniteTypedClone(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.kind === 'clone' && f.certainty === 'definite' && (f.qualifiers.lightChain === 'lambda' || f.qualifiers.lightChain === 'kappa'));
}

/** The minors that lift an untyped clone to a work-up (spec §3). */
export function minorsSupportingUntyped(facts: Facts): MinorCriterion[] {
  return facts.minors.filter((m) => !NON_SUPPORTING_FOR_UNTYPED.has(m));
}

/** The criteria the findings support, in the catalogue's order. */
export function criteriaOf(facts: Facts): Criterion[] {
  return [
    ...(facts.neuropathy ? (['polyneuropathy'] as const) : []),
    ...(facts.clone ? (['monoclonalPlasmaCellDisorder'] as const) : []),
    ...facts.majors,
    ...facts.minors,
  ];
}

export function labels(criteria: readonly Criterion[]): string[] {
  return criteria.map((c) => LABEL[c]);
}

export function joinAnd(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** λ wins over untyped over κ: the strongest POEMS signal names the clone. */
export function cloneLabel(facts: Facts): string {
  if (facts.lambda) return 'λ monoclonal protein';
  if (facts.untyped || !facts.kappa) return 'monoclonal protein (light chain unknown)';
  return 'κ monoclonal protein';
}
