import type { Alert, AlertEvent, Notification } from '../domain/alert.js';
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

/**
 * The alert as lines of plain text, for channels that carry text (HL7 v2 TX observations): the
 * tier and its summary, why, the criteria met and missing, one line per piece of evidence with
 * its value, date and source, the suggested work-up, and the identifiers a receiver needs to
 * find the alert again.
 */
export function alertReportLines(notification: Notification, alert: Alert): string[] {
  const lines = [
    `${TIER_TITLE[alert.tier]}: ${TIER_SUMMARY[alert.tier]}`,
    `Why: ${alert.reason}`,
  ];
  if (alert.status === 'withdrawn') lines.push('Status: withdrawn (the evidence no longer supports a tier)');
  lines.push(`Criteria met: ${alert.criteriaMet.map((c) => LABEL[c]).join('; ') || 'none'}`);
  if (alert.criteriaMissing.length > 0) lines.push(`Criteria missing: ${alert.criteriaMissing.map((c) => LABEL[c]).join('; ')}`);
  lines.push('Evidence:');
  for (const f of alert.evidence) {
    const value = [findingValue(f), f.unit ?? ''].filter(Boolean).join(' ');
    const possible = f.certainty === 'possible' ? ' (possible)' : '';
    lines.push(`  ${criterionLabel(f)}: ${value || kindLabel(f.kind)}${possible} on ${findingDate(f)} (source ${findingSource(f)})`);
  }
  if (alert.suggestedWorkup.length > 0) {
    lines.push('Suggested work-up:');
    for (const w of alert.suggestedWorkup) lines.push(`  - ${w.text}`);
  }
  lines.push(`Alert ${alert.id}, episode ${notification.episode}, notification ${notification.key}; rule ${alert.ruleVersion}, profile ${alert.profileVersion}.`);
  return lines;
}
