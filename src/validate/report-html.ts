/**
 * The validation report as one self-contained HTML file: inline CSS and inline SVG, no script, no
 * font, no image, no link to anything (a Content-Security-Policy of default-src 'none' says so to
 * the browser), headings and table captions for screen readers, and print rules for paper.
 * It names patients in the "changes" table: it is for the validation team, like the label file.
 */
import { TIERS } from '../domain/tier.js';
import { dateOnly, days, decimal, fraction, mcnemarText, medianIqr, proportion, tierOrNone, versionLabel } from './format.js';
import type { RunReport, ThresholdResult, ValidationReport } from './report.schema.js';
import { escapeXml as esc, histogramPlot, tierSeriesPlot } from './svg-plots.js';

const CSP = "default-src 'none'; style-src 'unsafe-inline'";

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a; margin: 0 auto; max-width: 72rem; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #0072B2; padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { font-size: 1.05rem; margin-top: 1.5rem; }
.meta { color: #555; margin: 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; caption-side: top; }
th, td { border: 1px solid #bbb; padding: .3rem .55rem; text-align: left; vertical-align: top; }
thead th { background: #eef3f8; }
td.num, th.num { text-align: right; }
table.two-by-two td { text-align: right; min-width: 5rem; }
.plots { display: grid; grid-template-columns: repeat(auto-fit, minmax(24rem, 1fr)); gap: 1rem; }
.plots .wide { grid-column: 1 / -1; }
figure { margin: 0; }
figcaption { font-size: .9rem; color: #444; }
svg.plot { width: 100%; height: auto; border: 1px solid #ddd; background: #fff; }
.note { font-size: .9rem; color: #444; }
dl.definitions dt { font-weight: 600; margin-top: .5rem; }
dl.definitions dd { margin-left: 1rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2 { break-before: auto; break-after: avoid; }
  table, figure { break-inside: avoid; }
  .plots { display: block; }
  svg.plot { max-height: 9cm; }
}`;

export function renderHtml(report: ValidationReport): string {
  const c = report.cohort;
  const body: string[] = [];
  body.push('<header>', '<h1>POEMS rule validation report</h1>');
  body.push(`<p class="meta">Generated ${esc(report.generatedAt)} · ${report.runs.map((r) => `run ${esc(r.id)}: ${esc(versionLabel(r))}`).join(' · ')}</p>`, '</header>', '<main>');
  body.push('<section aria-labelledby="cohort-h">', '<h2 id="cohort-h">Cohort (reference labels)</h2>');
  body.push('<p>The 2×2 tables count the POEMS and not-POEMS patients; excluded patients count only in the alert burden.</p>');
  body.push(table('Labelled patients', ['group', 'patients'], [
    ['labelled', String(c.patients)], ['POEMS', String(c.poems)], ['POEMS with a diagnosis date', String(c.poemsWithDiagnosisDate)],
    ['not POEMS', String(c.notPoems)], ['excluded', String(c.excluded)],
    ['with neuropathy', c.neuropathy === null ? 'no neuropathy column' : String(c.neuropathy)],
    ['clinicians', c.clinicians === null ? 'no clinician column' : String(c.clinicians)],
  ], [1]));
  body.push('</section>');
  for (const run of report.runs) body.push(...runSection(run));
  if (report.comparison) body.push(...comparisonSection(report));
  body.push(...definitions());
  body.push('</main>');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>POEMS rule validation: ${esc(report.runs.map(versionLabel).join(' vs '))}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function table(caption: string, header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly number[] = [], cls = ''): string {
  const cell = (tag: 'th' | 'td', v: string, i: number): string => `<${tag}${numeric.includes(i) ? ' class="num"' : ''}${tag === 'th' ? ' scope="col"' : ''}>${esc(v)}</${tag}>`;
  return [
    `<table${cls ? ` class="${cls}"` : ''}>`,
    `<caption>${esc(caption)}</caption>`,
    `<thead><tr>${header.map((h, i) => cell('th', h, i)).join('')}</tr></thead>`,
    `<tbody>${rows.map((r) => `<tr>${r.map((v, i) => (i === 0 ? `<th scope="row">${esc(v)}</th>` : cell('td', v, i))).join('')}</tr>`).join('')}</tbody>`,
    '</table>',
  ].join('');
}

function twoByTwo(run: RunReport, t: ThresholdResult): string {
  const { tp, fp, fn, tn } = t.table;
  return table(`Run ${run.id}: alerted at ${t.threshold} or higher, against the reference`, ['alert / reference', 'POEMS', 'not POEMS', 'total'], [
    ['alerted', String(tp), String(fp), String(tp + fp)],
    ['not alerted', String(fn), String(tn), String(fn + tn)],
    ['total', String(tp + fn), String(fp + tn), String(tp + fp + fn + tn)],
  ], [1, 2, 3], 'two-by-two');
}

function runSection(run: RunReport): string[] {
  const id = `run-${run.id.toLowerCase()}`;
  const out = [`<section aria-labelledby="${id}-h">`, `<h2 id="${id}-h">Run ${esc(run.id)}: ${esc(versionLabel(run))}</h2>`];
  out.push(`<p>Feed ${esc(dateOnly(run.feed.from))} to ${esc(dateOnly(run.feed.to))} (${run.feed.daysFrom === 'timing-sidecar' ? `shifted dates; ${esc(days(run.feed.days))} days of feed by its timing sidecar` : `${esc(days(run.feed.days))} days`}). ${run.alerts.raised} labelled patients had an alert (${run.alerts.holding} holding at the end, ${run.alerts.withdrawn} withdrawn); ${run.alerts.unlabelled} alerts were for patients not in the labels and are not counted.</p>`);
  if (run.alertVersions.length > 1) {
    out.push(`<p class="note">The alerts carry more than one version: ${esc(run.alertVersions.map((v) => `${versionLabel(v)} (${v.alerts})`).join('; '))}.</p>`);
  }
  out.push('<h3>Diagnostic accuracy</h3>');
  const primary = run.thresholds[0];
  if (primary) out.push(twoByTwo(run, primary));
  out.push(table(`Run ${run.id}: accuracy at each alert threshold (Wilson score 95 % intervals)`, ['alerted at tier ≥', 'TP', 'FP', 'FN', 'TN', 'sensitivity', 'specificity', 'PPV', 'NPV'],
    run.thresholds.map((t) => [t.threshold, String(t.table.tp), String(t.table.fp), String(t.table.fn), String(t.table.tn),
      `${proportion(t.sensitivity)} · ${fraction(t.sensitivity)}`, `${proportion(t.specificity)} · ${fraction(t.specificity)}`,
      `${proportion(t.ppv)} · ${fraction(t.ppv)}`, `${proportion(t.npv)} · ${fraction(t.npv)}`]), [1, 2, 3, 4]));
  out.push('<h3>Alert burden and lead time</h3>');
  out.push(table(`Run ${run.id}: alerts raised and lead times (days)`, ['alerted at tier ≥', 'alerts', 'per 1,000 neuropathy patients', 'per clinician per week (max)', 'first finding → alert', 'alert → reference diagnosis'],
    run.thresholds.map((t) => [t.threshold, String(t.burden.alerts), decimal(t.burden.per1000Neuropathy),
      t.burden.perClinicianWeek === null ? 'n/a' : `${decimal(t.burden.perClinicianWeek, 2)} (${decimal(t.burden.maxClinicianWeek, 2)})`,
      medianIqr(t.leadTimeDays.findingToAlert), medianIqr(t.leadTimeDays.alertToDiagnosis)]), [1, 2]));
  out.push('<h3>Plots</h3>', '<div class="plots">');
  out.push(figure(tierSeriesPlot(`${id}-tiers`, run.tierSeries, run.feed.from, run.feed.to), `Run ${run.id}: patients at each tier over feed time (all patients of the feed; ${TIERS.join(', ')}).`, true));
  if (primary) {
    out.push(figure(histogramPlot(`${id}-lead-alert`, 'Days from the first qualifying finding to the alert', primary.leadTimeDays.findingToAlert.values, 'days'),
      `Run ${run.id}: days from the first qualifying finding to the first alert, alerted patients (${medianIqr(primary.leadTimeDays.findingToAlert)}).`));
    out.push(figure(histogramPlot(`${id}-lead-dx`, 'Days from the alert to the reference diagnosis', primary.leadTimeDays.alertToDiagnosis.values, 'days (positive: the alert came first)', '#CC79A7'),
      `Run ${run.id}: days from the first alert to the reference diagnosis, true positives with a diagnosis date (${medianIqr(primary.leadTimeDays.alertToDiagnosis)}).`));
  }
  out.push('</div>', '</section>');
  return out;
}

function figure(svg: string, caption: string, wide = false): string {
  return `<figure${wide ? ' class="wide"' : ''}>${svg}<figcaption>${esc(caption)}</figcaption></figure>`;
}

function comparisonSection(report: ValidationReport): string[] {
  const [a, b] = report.runs;
  const cmp = report.comparison;
  if (!a || !b || !cmp) return [];
  const out = ['<section aria-labelledby="compare-h">', `<h2 id="compare-h">Comparison: A (${esc(versionLabel(a))}) and B (${esc(versionLabel(b))})</h2>`];
  out.push(table("McNemar's test on the discordant patients (b = alerted by A only, c = by B only)", ['alerted at tier ≥', 'POEMS patients (sensitivity)', 'other patients (specificity)'],
    cmp.thresholds.map((t) => [t.threshold, mcnemarText(t.poems), mcnemarText(t.notPoems)])));
  if (cmp.changed.length === 0) {
    out.push('<p>No patient changes between A and B.</p>');
  } else {
    out.push(table(`${cmp.changed.length} patient${cmp.changed.length === 1 ? '' : 's'} whose final tier differs between A and B`, ['patient', 'reference', 'tier in A', 'tier in B', 'effect'],
      cmp.changed.map((p) => [p.patientKey, p.reference, tierOrNone(p.a), tierOrNone(p.b), p.effect])));
  }
  out.push('</section>');
  return out;
}

function definitions(): string[] {
  const item = (term: string, text: string): string => `<dt>${esc(term)}</dt><dd>${esc(text)}</dd>`;
  return [
    '<section aria-labelledby="defs-h">', '<h2 id="defs-h">Definitions</h2>', '<dl class="definitions">',
    item('Alerted at tier ≥ T', 'an alert of tier T or a higher tier holds at the end of the feed; a withdrawn alert is not a positive.'),
    item('Intervals', 'Wilson score 95 % intervals (Wilson 1927; Newcombe 1998), which stay valid at 0 % and 100 %.'),
    item('Alerts (burden)', 'labelled patients whose alert reached tier T at any time, withdrawn alerts included: each was notified.'),
    item('Per clinician per week', 'alerts of each clinician\'s labelled patients divided by the weeks the feed spans (at least one day), averaged over clinicians; the maximum in brackets.'),
    item('First finding → alert', 'from the earliest observation time among the alert\'s evidence to the first time the alert reached tier T, in feed (message) time.'),
    item('Alert → diagnosis', 'from the first alert at tier T to the reference diagnosis date; positive when the alert came first.'),
    item("McNemar's test", 'on the discordant patients of two versions: exact binomial below 25 discordant pairs, otherwise chi-square with continuity correction; two-sided.'),
    '</dl>', '</section>',
  ];
}
