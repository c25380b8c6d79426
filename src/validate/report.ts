/**
 * Builds the validation report (report.schema.ts) from one or two replays and the reference
 * labels. Pure: no clock (the caller passes `generatedAt`), no I/O. The terminal table
 * (report-text.ts) and the HTML page (report-html.ts) render this one model.
 *
 * Definitions (docs/validation.md explains them for a reader of the report):
 * - the cohort is the label file; `excluded` rows stay out of the 2×2, alerts for keys that are
 *   not labelled are only counted;
 * - "alerted at threshold T" = an alert of tier T or higher holds at the end of the feed (a
 *   withdrawn alert is not a positive: the evidence that raised it was corrected or deleted);
 * - the alert burden counts every alert that reached T at any time, withdrawn ones included,
 *   because each was notified and read by someone.
 */
import { TIERS, tierRank, type Tier } from '../domain/tier.js';
import type { Label, LabelSet } from './labels.js';
import type { PatientResult, RunResult } from './patient-result.js';
import { REPORT_SCHEMA_ID, type ChangedPatient, type Comparison, type RunReport, type ThresholdResult, type TierPoint, type ValidationReport } from './report.schema.js';
import { accuracy, distribution, mcnemar, rate, twoByTwo } from './stats.js';

const DAY_MS = 86_400_000;
/** the widest threshold first: "any alert" is the headline */
export const THRESHOLDS: readonly Tier[] = TIERS;

export interface ReportInput {
  runs: readonly RunResult[];
  labels: LabelSet;
  generatedAt: string;
}

export function buildReport({ runs, labels, generatedAt }: ReportInput): ValidationReport {
  if (runs.length < 1 || runs.length > 2) throw new RangeError(`a report compares one or two runs, got ${runs.length}`);
  const rows = labels.labels;
  const report: ValidationReport = {
    schema: REPORT_SCHEMA_ID,
    generatedAt,
    cohort: {
      patients: rows.length,
      poems: rows.filter((l) => l.outcome === 'poems').length,
      notPoems: rows.filter((l) => l.outcome === 'not-poems').length,
      excluded: rows.filter((l) => l.outcome === 'excluded').length,
      neuropathy: labels.columns.has('neuropathy') ? rows.filter((l) => l.neuropathy === true).length : null,
      clinicians: labels.columns.has('clinician') ? clinicians(rows).size : null,
      poemsWithDiagnosisDate: rows.filter((l) => l.outcome === 'poems' && l.diagnosisAt !== undefined).length,
    },
    runs: runs.map((run, i) => runReport(String.fromCharCode(65 + i), run, labels)),
  };
  const [a, b] = runs;
  if (a && b) report.comparison = compare(a, b, labels);
  return report;
}

function runReport(id: string, run: RunResult, labels: LabelSet): RunReport {
  const byKey = new Map(run.patients.map((p) => [p.patientKey, p]));
  const cohort = run.patients.filter((p) => labels.byKey.has(p.patientKey));
  const days = run.feedDays ?? Math.max(0, (Date.parse(run.feedTo) - Date.parse(run.feedFrom)) / DAY_MS);
  return {
    id,
    ruleVersion: run.ruleVersion,
    profileVersion: run.profileVersion,
    alertVersions: alertVersions(run.patients),
    feed: { from: run.feedFrom, to: run.feedTo, days, ...(run.feedDays !== undefined ? { daysFrom: 'timing-sidecar' as const } : {}) },
    alerts: {
      raised: cohort.length,
      holding: cohort.filter((p) => p.tier !== null).length,
      withdrawn: cohort.filter((p) => p.tier === null).length,
      unlabelled: run.patients.length - cohort.length,
    },
    thresholds: THRESHOLDS.map((t) => thresholdResult(t, byKey, labels, days)),
    tierSeries: tierSeries(run.patients),
  };
}

function thresholdResult(threshold: Tier, byKey: ReadonlyMap<string, PatientResult>, labels: LabelSet, feedDays: number): ThresholdResult {
  const judged = labels.labels.filter((l) => l.outcome !== 'excluded');
  const table = twoByTwo(judged.map((l) => ({ alerted: positiveAt(byKey.get(l.patientKey), threshold), poems: l.outcome === 'poems' })));
  // Rates per week over at least one day, so a feed of a few hours does not explode them.
  const weeks = Math.max(feedDays, 1) / 7;
  const raisedFor = (ls: readonly Label[]): number => ls.filter((l) => reachedAt(byKey.get(l.patientKey), threshold) !== null).length;
  const alerts = raisedFor(labels.labels);
  const perClinician = [...clinicians(labels.labels).values()].map((ls) => raisedFor(ls) / weeks);
  const neuropathy = labels.labels.filter((l) => l.neuropathy === true).length;

  const findingToAlert: number[] = [];
  const alertToDiagnosis: number[] = [];
  for (const l of judged) {
    const p = byKey.get(l.patientKey);
    const alertAt = reachedAt(p, threshold);
    if (p === undefined || alertAt === null || !positiveAt(p, threshold)) continue;
    if (p.firstQualifyingAt !== undefined) findingToAlert.push((alertAt - Date.parse(p.firstQualifyingAt)) / DAY_MS);
    if (l.outcome === 'poems' && l.diagnosisAt !== undefined) alertToDiagnosis.push((Date.parse(l.diagnosisAt) - alertAt) / DAY_MS);
  }
  return {
    threshold,
    table,
    ...accuracy(table),
    burden: {
      alerts,
      per1000Neuropathy: labels.columns.has('neuropathy') ? rate(alerts, neuropathy, 1000) : null,
      perClinicianWeek: perClinician.length > 0 ? perClinician.reduce((s, v) => s + v, 0) / perClinician.length : null,
      maxClinicianWeek: perClinician.length > 0 ? Math.max(...perClinician) : null,
    },
    leadTimeDays: { findingToAlert: distribution(findingToAlert), alertToDiagnosis: distribution(alertToDiagnosis) },
  };
}

/** The alert holds at the end of the feed at this tier or a higher one. */
function positiveAt(p: PatientResult | undefined, threshold: Tier): boolean {
  return p !== undefined && p.tier !== null && tierRank(p.tier) >= tierRank(threshold);
}

/** When the patient's alert first reached this tier or a higher one (epoch ms), or null if never. */
function reachedAt(p: PatientResult | undefined, threshold: Tier): number | null {
  if (p === undefined) return null;
  const hit = p.tierHistory.find((h) => h.tier !== null && tierRank(h.tier) >= tierRank(threshold));
  if (hit) return Date.parse(hit.at);
  // An alert without history (a foreign export): its creation is the only instant known.
  if (p.tierHistory.length === 0 && p.tier !== null && tierRank(p.tier) >= tierRank(threshold) && p.alertCreatedAt) return Date.parse(p.alertCreatedAt);
  return null;
}

function clinicians(rows: readonly Label[]): Map<string, Label[]> {
  const out = new Map<string, Label[]>();
  for (const l of rows) if (l.clinician !== undefined) out.set(l.clinician, [...(out.get(l.clinician) ?? []), l]);
  return out;
}

function alertVersions(patients: readonly PatientResult[]): RunReport['alertVersions'] {
  const counts = new Map<string, RunReport['alertVersions'][number]>();
  for (const p of patients) {
    const key = `${p.ruleVersion}\u0000${p.profileVersion}`;
    const v = counts.get(key) ?? { ruleVersion: p.ruleVersion, profileVersion: p.profileVersion, alerts: 0 };
    v.alerts += 1;
    counts.set(key, v);
  }
  return [...counts.values()].sort((x, y) => y.alerts - x.alerts);
}

/** Patients at each tier after every instant where some patient's tier changed. */
function tierSeries(patients: readonly PatientResult[]): TierPoint[] {
  const events = patients.flatMap((p) => p.tierHistory.map((h) => ({ t: Date.parse(h.at), key: p.patientKey, tier: h.tier }))).filter((e) => !Number.isNaN(e.t));
  events.sort((x, y) => x.t - y.t);
  const current = new Map<string, Tier | null>();
  const counts: Record<Tier, number> = { 'screening-gap': 0, 'workup-recommended': 0, 'criteria-met': 0 };
  const points: TierPoint[] = [];
  events.forEach((e, i) => {
    const before = current.get(e.key) ?? null;
    if (before !== null) counts[before] -= 1;
    if (e.tier !== null) counts[e.tier] += 1;
    current.set(e.key, e.tier);
    if (events[i + 1]?.t !== e.t) points.push({ at: new Date(e.t).toISOString(), ...counts });
  });
  return points;
}

function compare(a: RunResult, b: RunResult, labels: LabelSet): Comparison {
  const inA = new Map(a.patients.map((p) => [p.patientKey, p]));
  const inB = new Map(b.patients.map((p) => [p.patientKey, p]));
  const judged = labels.labels.filter((l) => l.outcome !== 'excluded');
  const discordant = (outcome: Label['outcome'], t: Tier): { b: number; c: number } => {
    const ls = judged.filter((l) => l.outcome === outcome);
    return {
      b: ls.filter((l) => positiveAt(inA.get(l.patientKey), t) && !positiveAt(inB.get(l.patientKey), t)).length,
      c: ls.filter((l) => !positiveAt(inA.get(l.patientKey), t) && positiveAt(inB.get(l.patientKey), t)).length,
    };
  };
  const thresholds = THRESHOLDS.map((t) => {
    const p = discordant('poems', t);
    const n = discordant('not-poems', t);
    return { threshold: t, poems: mcnemar(p.b, p.c), notPoems: mcnemar(n.b, n.c) };
  });
  const changed: ChangedPatient[] = [];
  for (const key of new Set([...inA.keys(), ...inB.keys()])) {
    const ta = inA.get(key)?.tier ?? null;
    const tb = inB.get(key)?.tier ?? null;
    if (ta === tb) continue;
    const reference = labels.byKey.get(key)?.outcome ?? 'unlabelled';
    changed.push({ patientKey: key, reference, a: ta, b: tb, effect: effectOf(reference, ta, tb) });
  }
  changed.sort((x, y) => x.effect.localeCompare(y.effect) || x.patientKey.localeCompare(y.patientKey));
  return { thresholds, changed };
}

function effectOf(reference: ChangedPatient['reference'], a: Tier | null, b: Tier | null): ChangedPatient['effect'] {
  if (a !== null && b !== null) return 'tier changed';
  const gained = b !== null;
  if (reference === 'poems') return gained ? 'true positive gained' : 'true positive lost';
  if (reference === 'not-poems') return gained ? 'false positive added' : 'false positive removed';
  return gained ? 'alert gained' : 'alert lost';
}
