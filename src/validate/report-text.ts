/** The validation report as aligned plain text for a terminal (or a ticket, or an e-mail). */
import { dateOnly, decimal, days, mcnemarText, medianIqr, proportion, tierOrNone, versionLabel } from './format.js';
import type { RunReport, ValidationReport } from './report.schema.js';

/** Columns padded to their widest cell; `right` columns are right-aligned (numbers). */
export function alignTable(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number> = new Set()): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

export function renderText(report: ValidationReport): string {
  const c = report.cohort;
  const out: string[] = [];
  const optional = (n: number | null, what: string): string => (n === null ? `no ${what} column` : `${n} ${what}${n === 1 ? '' : 's'}`);
  out.push(`POEMS rule validation: ${c.patients} labelled patients (${c.poems} POEMS, ${c.notPoems} not POEMS, ${c.excluded} excluded); ${optional(c.neuropathy, 'neuropathy patient')}; ${optional(c.clinicians, 'clinician')}`);
  for (const run of report.runs) out.push('', ...runText(run));
  if (report.comparison) out.push('', ...comparisonText(report));
  out.push('', 'Intervals are Wilson score 95 % intervals. "Alerted" = an alert of that tier or higher holds at the end of the feed.');
  return out.join('\n');
}

function runText(run: RunReport): string[] {
  const out: string[] = [];
  out.push(`Run ${run.id}: ${versionLabel(run)}`);
  const mixed = run.alertVersions.length > 1 ? ` (alerts carry ${run.alertVersions.map((v) => `${versionLabel(v)}: ${v.alerts}`).join('; ')})` : '';
  const span = run.feed.daysFrom === 'timing-sidecar' ? `shifted dates; ${days(run.feed.days)} days of feed by its timing sidecar` : `${days(run.feed.days)} days`;
  out.push(`  feed ${dateOnly(run.feed.from)} to ${dateOnly(run.feed.to)} (${span}); ${run.alerts.raised} alerts raised (${run.alerts.holding} holding, ${run.alerts.withdrawn} withdrawn); ${run.alerts.unlabelled} for unlabelled patients${mixed}`);
  out.push('');
  const accuracyRows = run.thresholds.map((t) => [
    t.threshold, String(t.table.tp), String(t.table.fp), String(t.table.fn), String(t.table.tn),
    proportion(t.sensitivity), proportion(t.specificity), proportion(t.ppv), proportion(t.npv),
  ]);
  out.push(...alignTable(['alerted at tier ≥', 'TP', 'FP', 'FN', 'TN', 'sensitivity', 'specificity', 'PPV', 'NPV'], accuracyRows, new Set([1, 2, 3, 4])).map((l) => `  ${l}`));
  out.push('');
  const burdenRows = run.thresholds.map((t) => [
    t.threshold, String(t.burden.alerts), decimal(t.burden.per1000Neuropathy),
    t.burden.perClinicianWeek === null ? 'n/a' : `${decimal(t.burden.perClinicianWeek, 2)} (max ${decimal(t.burden.maxClinicianWeek, 2)})`,
    medianIqr(t.leadTimeDays.findingToAlert), medianIqr(t.leadTimeDays.alertToDiagnosis),
  ]);
  out.push(...alignTable(['alerted at tier ≥', 'alerts', 'per 1,000 neuropathy', 'per clinician-week', 'first finding → alert, days', 'alert → diagnosis, days'], burdenRows, new Set([1, 2])).map((l) => `  ${l}`));
  return out;
}

function comparisonText(report: ValidationReport): string[] {
  const [a, b] = report.runs;
  const cmp = report.comparison;
  if (!a || !b || !cmp) return [];
  const out: string[] = [`Compare A (${versionLabel(a)}) with B (${versionLabel(b)})`, ''];
  out.push('  McNemar\'s test on discordant patients (b = alerted by A only, c = by B only):');
  const rows = cmp.thresholds.map((t) => [t.threshold, mcnemarText(t.poems), mcnemarText(t.notPoems)]);
  out.push(...alignTable(['alerted at tier ≥', 'POEMS patients (sensitivity)', 'other patients (specificity)'], rows).map((l) => `  ${l}`));
  out.push('');
  if (cmp.changed.length === 0) {
    out.push('  No patient changes between A and B.');
    return out;
  }
  out.push(`  ${cmp.changed.length} patient${cmp.changed.length === 1 ? '' : 's'} change between A and B:`);
  const changed = cmp.changed.map((p) => [p.patientKey, p.reference, tierOrNone(p.a), tierOrNone(p.b), p.effect]);
  out.push(...alignTable(['patient', 'reference', 'A', 'B', 'effect'], changed).map((l) => `  ${l}`));
  return out;
}
