import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/domain/alert.js';
import type { Finding } from '../../src/domain/finding.js';
import { parseLabels, type LabelSet } from '../../src/validate/labels.js';
import { patientResultOf, type PatientResult, type RunResult } from '../../src/validate/patient-result.js';
import { renderHtml } from '../../src/validate/report-html.js';
import { renderText } from '../../src/validate/report-text.js';
import { buildReport } from '../../src/validate/report.js';
import { ValidationReport, type ThresholdResult } from '../../src/validate/report.schema.js';

function labels(text: string): LabelSet {
  const r = parseLabels(text);
  if (r.labels === null) throw new Error(JSON.stringify(r.problems));
  return r.labels;
}

const LABELS = labels([
  'patient_key,outcome,diagnosis_date,neuropathy,clinician',
  'A|1,poems,2025-02-01,yes,C1',
  'A|2,poems,,yes,C1',
  'A|3,not-poems,,yes,C2',
  'A|4,not-poems,,yes,C2',
  'A|5,not-poems,,no,C2',
  'A|6,excluded,,yes,C1',
].join('\n'));

function patient(key: string, tier: PatientResult['tier'], history: [string, PatientResult['tier']][], firstQualifyingAt?: string, profileVersion = 'p1'): PatientResult {
  return {
    patientKey: key,
    tier,
    status: tier === null ? 'withdrawn' : 'open',
    ruleVersion: '2.0.0',
    profileVersion,
    tierHistory: history.map(([at, t]) => ({ at: `${at}T00:00:00.000Z`, tier: t })),
    ...(firstQualifyingAt ? { firstQualifyingAt: `${firstQualifyingAt}T00:00:00.000Z` } : {}),
  };
}

const FEED = { ruleVersion: '2.0.0', feedFrom: '2025-01-01T00:00:00.000Z', feedTo: '2025-01-15T00:00:00.000Z' };

const RUN_A: RunResult = {
  ...FEED,
  profileVersion: 'p1',
  patients: [
    patient('A|1', 'criteria-met', [['2025-01-02', 'screening-gap'], ['2025-01-05', 'criteria-met']], '2025-01-01'),
    patient('A|3', null, [['2025-01-03', 'workup-recommended'], ['2025-01-04', null]], '2025-01-02'),
    patient('A|4', 'screening-gap', [['2025-01-10', 'screening-gap']], '2025-01-09'),
    patient('X|9', 'screening-gap', [['2025-01-11', 'screening-gap']]),
  ],
};

const RUN_B: RunResult = {
  ...FEED,
  profileVersion: 'p2',
  patients: [
    patient('A|1', 'criteria-met', [['2025-01-02', 'screening-gap'], ['2025-01-05', 'criteria-met']], '2025-01-01', 'p2'),
    patient('A|2', 'criteria-met', [['2025-01-06', 'criteria-met']], '2025-01-03', 'p2'),
  ],
};

const at = (r: ValidationReport, run: number, threshold: string): ThresholdResult => {
  const t = r.runs[run]?.thresholds.find((x) => x.threshold === threshold);
  if (!t) throw new Error(`no ${threshold}`);
  return t;
};

describe('when a validation report is built from one run', () => {
  const report = buildReport({ runs: [RUN_A], labels: LABELS, generatedAt: '2025-05-01T00:00:00.000Z' });

  it('validates against its own JSON schema', () => {
    expect(ValidationReport.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
  });

  it('describes the cohort from the labels', () => {
    expect(report.cohort).toEqual({ patients: 6, poems: 2, notPoems: 3, excluded: 1, neuropathy: 5, clinicians: 2, poemsWithDiagnosisDate: 1 });
  });

  it('counts a holding alert as positive and a withdrawn one as negative, excluded patients in neither', () => {
    expect(at(report, 0, 'screening-gap').table).toEqual({ tp: 1, fp: 1, fn: 1, tn: 2 });
    expect(at(report, 0, 'workup-recommended').table).toEqual({ tp: 1, fp: 0, fn: 1, tn: 3 });
    expect(at(report, 0, 'criteria-met').table).toEqual({ tp: 1, fp: 0, fn: 1, tn: 3 });
    expect(at(report, 0, 'screening-gap').sensitivity).toMatchObject({ x: 1, n: 2, value: 0.5 });
    expect(at(report, 0, 'screening-gap').ppv).toMatchObject({ x: 1, n: 2, value: 0.5 });
  });

  it('counts every alert that reached a tier in the burden, withdrawn ones too, and unlabelled ones apart', () => {
    expect(report.runs[0]?.alerts).toEqual({ raised: 3, holding: 2, withdrawn: 1, unlabelled: 1 });
    const sg = at(report, 0, 'screening-gap').burden;
    // 3 alerts / 5 neuropathy patients; C1 has 1 alert, C2 has 2, over 2 weeks
    expect(sg).toEqual({ alerts: 3, per1000Neuropathy: 600, perClinicianWeek: 0.75, maxClinicianWeek: 1 });
    expect(at(report, 0, 'workup-recommended').burden.alerts).toBe(2);
    expect(at(report, 0, 'criteria-met').burden.alerts).toBe(1);
  });

  it('measures lead times from the first qualifying finding and to the diagnosis, per threshold', () => {
    const sg = at(report, 0, 'screening-gap').leadTimeDays;
    expect(sg.findingToAlert.values).toEqual([1, 1]);
    expect(sg.alertToDiagnosis.values).toEqual([30]);
    const cm = at(report, 0, 'criteria-met').leadTimeDays;
    expect(cm.findingToAlert.values).toEqual([4]);
    expect(cm.alertToDiagnosis.values).toEqual([27]);
  });

  it('follows every patient of the feed through the tiers over time', () => {
    expect(report.runs[0]?.tierSeries).toEqual([
      { at: '2025-01-02T00:00:00.000Z', 'screening-gap': 1, 'workup-recommended': 0, 'criteria-met': 0 },
      { at: '2025-01-03T00:00:00.000Z', 'screening-gap': 1, 'workup-recommended': 1, 'criteria-met': 0 },
      { at: '2025-01-04T00:00:00.000Z', 'screening-gap': 1, 'workup-recommended': 0, 'criteria-met': 0 },
      { at: '2025-01-05T00:00:00.000Z', 'screening-gap': 0, 'workup-recommended': 0, 'criteria-met': 1 },
      { at: '2025-01-10T00:00:00.000Z', 'screening-gap': 1, 'workup-recommended': 0, 'criteria-met': 1 },
      { at: '2025-01-11T00:00:00.000Z', 'screening-gap': 2, 'workup-recommended': 0, 'criteria-met': 1 },
    ]);
    expect(report.runs[0]?.feed).toEqual({ from: FEED.feedFrom, to: FEED.feedTo, days: 14 });
  });

  it('says "not available" for rates whose label column is missing', () => {
    const bare = buildReport({ runs: [RUN_A], labels: labels('patient_key,outcome\nA|1,poems\nA|4,not-poems\n'), generatedAt: 'x' });
    expect(bare.cohort.neuropathy).toBeNull();
    expect(at(bare, 0, 'screening-gap').burden).toEqual({ alerts: 2, per1000Neuropathy: null, perClinicianWeek: null, maxClinicianWeek: null });
    expect(renderText(bare)).toMatch(/no neuropathy patient column; no clinician column/);
  });
});

describe('when two versions are compared', () => {
  const report = buildReport({ runs: [RUN_A, RUN_B], labels: LABELS, generatedAt: '2025-05-01T00:00:00.000Z' });

  it('lists the patients whose final tier changes, with what it means against the reference', () => {
    expect(report.comparison?.changed).toEqual([
      { patientKey: 'X|9', reference: 'unlabelled', a: 'screening-gap', b: null, effect: 'alert lost' },
      { patientKey: 'A|4', reference: 'not-poems', a: 'screening-gap', b: null, effect: 'false positive removed' },
      { patientKey: 'A|2', reference: 'poems', a: null, b: 'criteria-met', effect: 'true positive gained' },
    ]);
  });

  it("runs McNemar's test on the discordant POEMS and non-POEMS patients at each threshold", () => {
    const sg = report.comparison?.thresholds.find((t) => t.threshold === 'screening-gap');
    expect(sg?.poems).toMatchObject({ b: 0, c: 1, method: 'exact binomial', p: 1 });
    expect(sg?.notPoems).toMatchObject({ b: 1, c: 0, method: 'exact binomial', p: 1 });
    const wr = report.comparison?.thresholds.find((t) => t.threshold === 'workup-recommended');
    expect(wr?.notPoems.method).toBe('no discordant pairs');
  });

  it('renders both runs and the comparison as aligned text', () => {
    const text = renderText(report);
    expect(text).toContain('Run A: rule 2.0.0, profile p1');
    expect(text).toContain('Run B: rule 2.0.0, profile p2');
    expect(text).toContain('3 patients change between A and B');
    const rows = text.split('\n').filter((l) => /^\s+(screening-gap|workup-recommended|criteria-met)\s+\d/.test(l));
    // the TP column lines up in every accuracy row of one table
    const firstTable = rows.slice(0, 3);
    expect(new Set(firstTable.map((l) => l.search(/\d/))).size).toBe(1);
  });
});

describe('when the report is rendered as HTML', () => {
  const hostile: RunResult = { ...RUN_A, profileVersion: '<script>alert(1)</script>', patients: [patient('A|<b>7</b>', 'screening-gap', [['2025-01-02', 'screening-gap']])] };
  const html = renderHtml(buildReport({ runs: [RUN_A, hostile], labels: LABELS, generatedAt: '2025-05-01T00:00:00.000Z' }));

  it('is one self-contained page: no script, no link, no external reference', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html.match(/https?:\/\/[^"\s]*/g)?.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('escapes everything that comes from data', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('A|&lt;b&gt;7&lt;/b&gt;');
  });

  it('gives screen readers headings, table captions and a title and description in every plot', () => {
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(6);
    for (const svg of svgs) {
      expect(svg).toMatch(/role="img"/);
      expect(svg).toMatch(/<title id="[^"]+">[^<]+<\/title><desc id="[^"]+">[^<]+<\/desc>/);
    }
    expect((html.match(/<table/g) ?? []).length).toBe((html.match(/<caption>/g) ?? []).length);
    expect(html).toMatch(/<h1>POEMS rule validation report<\/h1>/);
    expect(html).toMatch(/<html lang="en">/);
  });
});

describe('when an alert becomes a patient result', () => {
  const finding = (observedAt: string): Finding => ({
    kind: 'neuropathy', observedAt, qualifiers: {}, certainty: 'definite',
    source: { messageControlId: 'M1', sendingFacility: 'SYNTHLAB', segment: 'DG1[1]', resultKey: 'G61.81' },
  });
  const alert: Alert = {
    id: 'a1', version: 4, episode: 1, notifiedTiers: ['screening-gap'], patientKey: 'SYNTH|P1', rule: 'poems', tier: 'criteria-met', status: 'open',
    reason: 'r', ruleVersion: '2.0.0', profileVersion: 'p1', criteriaMet: [], criteriaMissing: [],
    evidence: [finding('2025-01-03T00:00:00.000Z'), finding('2025-01-01T12:00:00.000Z')], suggestedWorkup: [],
    createdAt: '2025-01-04T00:00:00.000Z', updatedAt: '2025-01-09T00:00:00.000Z',
    history: [
      { at: '2025-01-04T00:00:00.000Z', event: 'created', tier: 'screening-gap', status: 'open', reason: '' },
      { at: '2025-01-05T00:00:00.000Z', event: 'updated', tier: 'screening-gap', status: 'open', reason: '' },
      { at: '2025-01-06T00:00:00.000Z', event: 'withdrawn', tier: 'screening-gap', status: 'withdrawn', reason: '' },
      { at: '2025-01-09T00:00:00.000Z', event: 'reopened', tier: 'criteria-met', status: 'open', reason: '' },
    ],
  };

  it('keeps tier changes only, a withdrawal as "no tier", and the earliest evidence as the first qualifying finding', () => {
    expect(patientResultOf(alert)).toEqual({
      patientKey: 'SYNTH|P1', tier: 'criteria-met', status: 'open', alertCreatedAt: '2025-01-04T00:00:00.000Z',
      firstQualifyingAt: '2025-01-01T12:00:00.000Z', ruleVersion: '2.0.0', profileVersion: 'p1',
      tierHistory: [
        { at: '2025-01-04T00:00:00.000Z', tier: 'screening-gap' },
        { at: '2025-01-06T00:00:00.000Z', tier: null },
        { at: '2025-01-09T00:00:00.000Z', tier: 'criteria-met' },
      ],
    });
    expect(patientResultOf({ ...alert, status: 'withdrawn' }).tier).toBeNull();
  });
});
