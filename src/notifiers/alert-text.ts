import type { Alert, AlertEvent } from '../domain/alert.js';
import type { Finding, FindingKind } from '../domain/finding.js';
import type { Tier } from '../domain/tier.js';
import { CRITERION_OF_KIND, LABEL } from '../rules/criteria.js';

/**
 * How an alert reads to a clinician outside the inbox (FHIR resources, CDS Hooks cards): the same
 * words on every channel, so an EHR card and a FHIR DetectedIssue never disagree.
 */

/** Short tier names, as shown next to a patient's name. */
export const TIER_TITLE: Record<Tier, string> = {
  'criteria-met': 'POEMS criteria met',
  'workup-recommended': 'POEMS work-up recommended',
  'screening-gap': 'POEMS screening gap',
};

/** One sentence per tier, each under 140 characters (the CDS Hooks summary limit). */
export const TIER_SUMMARY: Record<Tier, string> = {
  'criteria-met': 'Possible POEMS syndrome: the record matches the Mayo criteria pattern. Urgent haematology review.',
  'workup-recommended': 'POEMS syndrome should be excluded in this neuropathy: work-up recommended.',
  'screening-gap': 'Neuropathy with a POEMS minor criterion and no immunofixation on record: paraprotein work-up missing.',
};

const KIND_LABEL: Record<FindingKind, string> = {
  neuropathy: 'polyneuropathy',
  clone: 'monoclonal protein',
  ifeDone: 'immunofixation performed',
  vegfHigh: 'VEGF elevation',
  scleroticBone: 'sclerotic bone lesion',
  castleman: 'Castleman disease',
  thrombocytosis: 'thrombocytosis',
  polycythemia: 'polycythaemia',
  organomegaly: 'organomegaly',
  volumeOverload: 'extravascular volume overload',
  endocrinopathy: 'endocrinopathy',
  skinChanges: 'skin changes',
  papilledema: 'papilloedema',
  poemsKnown: 'POEMS syndrome diagnosed',
};

/** The Mayo criterion a finding is evidence for, or what it is when it is none (IFE done). */
export function criterionLabel(f: Finding): string {
  const criterion = CRITERION_OF_KIND[f.kind];
  return criterion ? LABEL[criterion] : KIND_LABEL[f.kind];
}

export function kindLabel(kind: FindingKind): string {
  return KIND_LABEL[kind];
}

const CHAIN: Record<string, string> = { lambda: 'λ', kappa: 'κ' };

/**
 * What was found, without the unit: "850", "IgA λ (ife)", "CIDP", or the phrase or code that
 * produced it (trimmed: a report sentence can be long).
 */
export function findingValue(f: Finding): string {
  if (f.value !== undefined) return String(f.value);
  const q = f.qualifiers;
  if (f.kind === 'clone') {
    const heavy = q.heavyChain && q.heavyChain !== 'unknown' ? q.heavyChain : '';
    const light = q.lightChain ? (CHAIN[q.lightChain] ?? 'light chain unknown') : '';
    const typed = [heavy, light].filter(Boolean).join(' ');
    return [typed, q.method ? `(${q.method})` : ''].filter(Boolean).join(' ') || clip(q.matched ?? '');
  }
  if (f.kind === 'neuropathy' && q.cidp) return 'CIDP';
  return clip(q.matched ?? '');
}

/** The source message, as a lab or interface analyst would look it up. */
export function findingSource(f: Finding): string {
  return `${f.source.sendingFacility} ${f.source.messageControlId} ${f.source.segment}`;
}

/** "2025-03-04": the calendar date of the observation (an instant's first ten characters). */
export function findingDate(f: Finding): string {
  return f.observedAt.slice(0, 10);
}

/** One line, named by the finding's kind: "VEGF elevation: 850 pg/mL on 2025-03-04 (possible)". */
export function findingLine(f: Finding): string {
  const value = [findingValue(f), f.unit ?? ''].filter(Boolean).join(' ');
  const possible = f.certainty === 'possible' ? ' (possible)' : '';
  return `${KIND_LABEL[f.kind]}${value ? `: ${value}` : ''} on ${findingDate(f)}${possible}`;
}

function clip(text: string, max = 80): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

/**
 * The history of the alert's current episode: everything after its last `created` or `reopened`
 * event. A FHIR resource describes one episode; the actions of an earlier one belong to it.
 */
export function currentEpisodeEvents(alert: Alert): { start: string; events: AlertEvent[] } {
  let startIndex = -1;
  alert.history.forEach((e, i) => {
    if (e.event === 'created' || e.event === 'reopened') startIndex = i;
  });
  const start = alert.history[startIndex]?.at ?? alert.createdAt;
  return { start, events: alert.history.slice(startIndex + 1) };
}
