/**
 * Inline SVG plots for the HTML report: no script, no external asset, a <title> and <desc> in
 * every chart for screen readers, colour-blind-safe colours (Okabe–Ito) plus dash patterns so a
 * greyscale print still tells the lines apart.
 */
import { TIERS, type Tier } from '../domain/tier.js';
import type { TierPoint } from './report.schema.js';

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] as string);
}

export const TIER_STYLE: Record<Tier, { colour: string; dash: string }> = {
  'screening-gap': { colour: '#0072B2', dash: '' },
  'workup-recommended': { colour: '#E69F00', dash: '6 3' },
  'criteria-met': { colour: '#D55E00', dash: '2 2' },
};

/** Histograms are drawn half the page wide, the tier chart the whole width: same text size in both. */
const NARROW = 640;
const WIDE = 1280;
const H = 260;
const M = { top: 30, right: 24, bottom: 44, left: 48 };
const PLOT_H = H - M.top - M.bottom;

interface Frame { id: string; title: string; desc: string; width: number }

function open({ id, title, desc, width }: Frame): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="plot" viewBox="0 0 ${width} ${H}" role="img" aria-labelledby="${id}-title ${id}-desc">`
    + `<title id="${id}-title">${escapeXml(title)}</title><desc id="${id}-desc">${escapeXml(desc)}</desc>`;
}

/** About `count` round tick values covering [lo, hi] (1, 2 or 5 times a power of ten). */
export function niceTicks(lo: number, hi: number, count = 5, integer = false): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  let step = ([1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power);
  if (integer) step = Math.max(1, Math.round(step));
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(round(v));
  return ticks;
}

/** Drops binary floating-point noise (0.30000000000000004 → 0.3) from tick and bin labels. */
function round(v: number): number {
  return Number(v.toPrecision(12));
}

function axes(width: number, xTicks: { at: number; label: string }[], yTicks: { at: number; label: string }[], xLabel: string, yLabel: string): string {
  const PLOT_W = width - M.left - M.right;
  const parts: string[] = [`<g class="axis" font-size="11" fill="#333">`];
  parts.push(`<line x1="${M.left}" y1="${M.top + PLOT_H}" x2="${M.left + PLOT_W}" y2="${M.top + PLOT_H}" stroke="#333"/>`);
  parts.push(`<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${M.top + PLOT_H}" stroke="#333"/>`);
  for (const t of yTicks) {
    parts.push(`<line x1="${M.left}" y1="${t.at}" x2="${M.left + PLOT_W}" y2="${t.at}" stroke="#ddd"/>`);
    parts.push(`<text x="${M.left - 6}" y="${t.at + 4}" text-anchor="end">${escapeXml(t.label)}</text>`);
  }
  xTicks.forEach((t, i) => {
    // the outermost labels align inwards so that they are not cut at the edge of the chart
    const anchor = xTicks.length > 1 && i === 0 ? 'start' : xTicks.length > 1 && i === xTicks.length - 1 ? 'end' : 'middle';
    parts.push(`<line x1="${t.at}" y1="${M.top + PLOT_H}" x2="${t.at}" y2="${M.top + PLOT_H + 4}" stroke="#333"/>`);
    parts.push(`<text x="${t.at}" y="${M.top + PLOT_H + 17}" text-anchor="${anchor}">${escapeXml(t.label)}</text>`);
  });
  parts.push(`<text x="${M.left + PLOT_W / 2}" y="${H - 6}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  parts.push(`<text transform="translate(12 ${M.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`);
  parts.push('</g>');
  return parts.join('');
}

/** Step chart of the number of patients at each tier over feed time. */
export function tierSeriesPlot(id: string, series: readonly TierPoint[], from: string, to: string): string {
  const t0 = Date.parse(from);
  const t1 = Math.max(Date.parse(to), t0 + 1);
  const last = series[series.length - 1];
  const peak = Math.max(1, ...series.flatMap((p) => TIERS.map((t) => p[t])));
  const desc = last
    ? `Step chart from ${from.slice(0, 10)} to ${to.slice(0, 10)}. At the end of the feed: ${TIERS.map((t) => `${last[t]} ${t}`).join(', ')}. Highest count at any time: ${peak}.`
    : 'No patient had an alert at any time in this feed.';
  const PLOT_W = WIDE - M.left - M.right;
  const x = (t: number): number => M.left + ((t - t0) / (t1 - t0)) * PLOT_W;
  const y = (v: number): number => M.top + PLOT_H - (v / peak) * PLOT_H;
  const shortSpan = t1 - t0 < 3 * 86_400_000;
  const xTicks = Array.from({ length: 7 }, (_, i) => {
    const t = t0 + ((t1 - t0) * i) / 6;
    const iso = new Date(t).toISOString();
    return { at: x(t), label: shortSpan ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10) };
  });
  const yTicks = niceTicks(0, peak, 4, true).map((v) => ({ at: y(v), label: String(v) }));
  const parts = [open({ id, title: 'Patients at each alert tier over feed time', desc, width: WIDE }), axes(WIDE, xTicks, yTicks, 'feed time (message time, UTC)', 'patients')];
  for (const tier of TIERS) {
    let d = `M${x(t0).toFixed(1)},${y(0).toFixed(1)}`;
    let prev = 0;
    for (const p of series) {
      const px = x(Date.parse(p.at)).toFixed(1);
      d += ` L${px},${y(prev).toFixed(1)} L${px},${y(p[tier]).toFixed(1)}`;
      prev = p[tier];
    }
    d += ` L${x(t1).toFixed(1)},${y(prev).toFixed(1)}`;
    const s = TIER_STYLE[tier];
    parts.push(`<path class="series" data-tier="${tier}" d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
  }
  parts.push(legend(TIERS.map((t) => ({ label: t, ...TIER_STYLE[t] }))));
  parts.push('</svg>');
  return parts.join('');
}

function legend(items: { label: string; colour: string; dash: string }[]): string {
  const parts = ['<g class="legend" font-size="11" fill="#333">'];
  items.forEach((it, i) => {
    // above the plot area, so that it never hides a line
    const lx = M.left + i * 170;
    parts.push(`<line x1="${lx}" y1="12" x2="${lx + 24}" y2="12" stroke="${it.colour}" stroke-width="2"${it.dash ? ` stroke-dasharray="${it.dash}"` : ''}/>`);
    parts.push(`<text x="${lx + 30}" y="16">${escapeXml(it.label)}</text>`);
  });
  parts.push('</g>');
  return parts.join('');
}

/** Histogram of lead times in days; an empty list draws the axes and says so. */
export function histogramPlot(id: string, title: string, values: readonly number[], xLabel: string, colour = '#009E73'): string {
  const PLOT_W = NARROW - M.left - M.right;
  if (values.length === 0) {
    return `${open({ id, title, desc: 'No values: no patient qualified for this measure.', width: NARROW })}${axes(NARROW, [], [], xLabel, 'patients')}`
      + `<text x="${M.left + PLOT_W / 2}" y="${M.top + PLOT_H / 2}" text-anchor="middle" font-size="13" fill="#555">no values</text></svg>`;
  }
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const bins = Math.min(20, Math.max(5, Math.ceil(Math.sqrt(values.length))));
  const rawWidth = hi > lo ? (hi - lo) / bins : 1;
  const width = niceTicks(0, rawWidth * 5, 5)[1] ?? rawWidth;
  const start = round(Math.floor(lo / width) * width);
  const n = Math.max(1, Math.ceil((hi - start) / width + 1e-9));
  const counts = new Array<number>(n).fill(0);
  for (const v of values) {
    const i = Math.min(n - 1, Math.floor((v - start) / width));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const peak = Math.max(...counts);
  const x = (v: number): number => M.left + ((v - start) / (n * width)) * PLOT_W;
  const y = (c: number): number => M.top + PLOT_H - (c / peak) * PLOT_H;
  const desc = `Histogram of ${values.length} values from ${lo.toFixed(1)} to ${hi.toFixed(1)} days in bins of ${width} days; the fullest bin holds ${peak}.`;
  const xTicks = niceTicks(start, start + n * width, 6).map((v) => ({ at: x(v), label: String(v) }));
  const yTicks = niceTicks(0, peak, 4, true).map((v) => ({ at: y(v), label: String(v) }));
  const parts = [open({ id, title, desc, width: NARROW }), axes(NARROW, xTicks, yTicks, xLabel, 'patients')];
  counts.forEach((c, i) => {
    if (c === 0) return;
    const bx = x(start + i * width);
    const label = `${round(start + i * width)} to ${round(start + (i + 1) * width)} days: ${c}`;
    parts.push(`<rect class="bar" x="${(bx + 1).toFixed(1)}" y="${y(c).toFixed(1)}" width="${Math.max(1, PLOT_W / n - 2).toFixed(1)}" height="${(M.top + PLOT_H - y(c)).toFixed(1)}" fill="${colour}"><title>${escapeXml(label)}</title></rect>`);
  });
  parts.push('</svg>');
  return parts.join('');
}
