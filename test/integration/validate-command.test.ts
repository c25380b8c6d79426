import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli as run } from '../support/cli-run.js';
import { expectedOutcomes } from '../../src/generate/synthetic-feed.js';
import { demoLabels, writeDemo } from '../../src/validate/demo-labels.js';
import { ValidationReport } from '../../src/validate/report.schema.js';

const FEED = { patients: 120, seed: 5 };
const dir = mkdtempSync(join(tmpdir(), 'sentinel-validate-cli-'));
let paths: { feed: string; labels: string; profileB: string };

beforeAll(async () => {
  paths = await writeDemo(dir, FEED);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('when a labelled synthetic feed is validated under two profiles', () => {
  let result: { code: number; out: string; err: string };
  let report: ValidationReport;

  beforeAll(async () => {
    result = await run('validate', paths.feed, '--labels', paths.labels, '--compare', paths.profileB, '--json', join(dir, 'r.json'), '--html', join(dir, 'r.html'));
    report = ValidationReport.parse(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')));
  }, 120_000);

  it('exits 0 and prints both runs and the comparison', () => {
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/Run A: rule \S+, profile default-2/);
    expect(result.out).toMatch(/Run B: rule \S+, profile demo-platelets-600/);
    expect(result.out).toMatch(/McNemar/);
    expect(result.out).toContain(`HTML report written to ${join(dir, 'r.html')}`);
  });

  it('agrees with the outcomes the generator expects for every labelled patient', () => {
    const labels = demoLabels(FEED);
    const expected = expectedOutcomes(FEED);
    const judged = labels.filter((l) => l.outcome !== 'excluded');
    const expectedOpen = judged.filter((l) => expected.get(l.patientKey)?.expectedStatus === 'open');
    const a = report.runs[0];
    const any = a?.thresholds.find((t) => t.threshold === 'screening-gap');
    const met = a?.thresholds.find((t) => t.threshold === 'criteria-met');
    expect((any?.table.tp ?? 0) + (any?.table.fp ?? 0)).toBe(expectedOpen.length);
    expect(met?.table).toEqual({ tp: labels.filter((l) => l.outcome === 'poems').length, fp: 0, fn: 0, tn: judged.length - labels.filter((l) => l.outcome === 'poems').length });
    expect(report.cohort.excluded).toBe(labels.filter((l) => l.outcome === 'excluded').length);
  });

  it('measures lead times in feed time, not in the time of the replay', () => {
    const a = report.runs[0];
    expect(a?.feed.from.startsWith('2025-01-06')).toBe(true);
    const any = a?.thresholds.find((t) => t.threshold === 'screening-gap');
    // the demo's diagnosis is 30 days after a patient's last message, so it follows the alert
    expect(any?.leadTimeDays.alertToDiagnosis.n).toBe(report.cohort.poemsWithDiagnosisDate);
    for (const d of any?.leadTimeDays.alertToDiagnosis.values ?? []) expect(d).toBeGreaterThanOrEqual(30);
    for (const d of any?.leadTimeDays.findingToAlert.values ?? []) expect(d).toBeLessThan(a?.feed.days ?? 0);
    for (const p of a?.tierSeries ?? []) expect(p.at < (a?.feed.to ?? '') || p.at === a?.feed.to).toBe(true);
  });

  it('shows the patients that the stricter platelet threshold changes', () => {
    expect(report.comparison?.changed.length).toBeGreaterThan(0);
    for (const p of report.comparison?.changed ?? []) expect(['tier changed', 'false positive removed', 'true positive lost']).toContain(p.effect);
  });
});

describe('when the validate command is misused', () => {
  it('prints its help', async () => {
    const r = await run('validate', '--help');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Usage: poems-sentinel validate/);
  });

  it('exits 2 without a feed, without labels, or with an unreadable feed', async () => {
    expect((await run('validate', '--labels', paths.labels)).code).toBe(2);
    const noLabels = await run('validate', paths.feed);
    expect(noLabels.code).toBe(2);
    expect(noLabels.err).toMatch(/--labels/);
    const missing = await run('validate', join(dir, 'nope.hl7'), '--labels', paths.labels);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/INPUT_UNREADABLE/);
  });

  it('exits 2 for bad labels, naming each bad line, before replaying anything', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'patient_key,outcome\nSYNTH|P000001,poems\nSYNTH|P000002,probably\nP3,not-poems\n');
    const r = await run('validate', paths.feed, '--labels', bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${bad} line 3, outcome: must be one of poems, not-poems, excluded`);
    expect(r.err).toContain(`${bad} line 4, patient_key:`);
    expect(r.err).not.toMatch(/\bat .*\(.*:\d+:\d+\)/);
  });

  it('exits 2 for an output file in a directory that does not exist', async () => {
    const r = await run('validate', paths.feed, '--labels', paths.labels, '--html', join(dir, 'no', 'such', 'r.html'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no such directory/);
  });
});
