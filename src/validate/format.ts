/** Number formats shared by the terminal table and the HTML report, so both print the same figures. */
import type { McNemar, Proportion } from './stats.js';

const NA = 'n/a';

export function percent(v: number | null): string {
  return v === null ? NA : `${(v * 100).toFixed(1)} %`;
}

/** "95.0 % (83.5–98.6)", the interval being the Wilson 95 % interval; "n/a (0/0)" when undefined. */
export function proportion(p: Proportion): string {
  if (p.value === null || p.low === null || p.high === null) return `${NA} (0/0)`;
  return `${percent(p.value)} (${(p.low * 100).toFixed(1)}–${(p.high * 100).toFixed(1)})`;
}

export function fraction(p: Proportion): string {
  return `${p.x}/${p.n}`;
}

export function decimal(v: number | null, digits = 1): string {
  return v === null ? NA : v.toFixed(digits);
}

/** Days with one decimal: replayed synthetic feeds have lead times of hours. */
export function days(v: number | null): string {
  return v === null ? NA : v.toFixed(1);
}

/** "median 2.0 (IQR 0.5–4.0), n = 7" */
export function medianIqr(d: { n: number; median: number | null; q1: number | null; q3: number | null }): string {
  if (d.n === 0) return `${NA} (n = 0)`;
  return `median ${days(d.median)} (IQR ${days(d.q1)}–${days(d.q3)}), n = ${d.n}`;
}

/** Three significant digits, "< 0.001" below that: a p-value is not a precise quantity. */
export function pValue(p: number): string {
  if (p < 0.001) return '< 0.001';
  return p >= 0.9995 ? '1' : p.toPrecision(3).replace(/0+$/, '').replace(/\.$/, '');
}

export function mcnemarText(m: McNemar): string {
  if (m.method === 'no discordant pairs') return 'no discordant pairs';
  const stat = m.statistic === null ? '' : `χ² = ${m.statistic.toFixed(2)}, `;
  return `b = ${m.b}, c = ${m.c}: ${stat}p = ${pValue(m.p)} (${m.method})`;
}

export function dateOnly(iso: string): string {
  return iso.slice(0, 10);
}

export function tierOrNone(t: string | null): string {
  return t ?? 'none';
}

export function versionLabel(r: { ruleVersion: string; profileVersion: string }): string {
  return `rule ${r.ruleVersion}, profile ${r.profileVersion}`;
}
