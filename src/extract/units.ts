import type { LabsProfile } from '../config/profile-labs.schema.js';

const SUPERSCRIPT: Record<string, string> = { '⁰': '0', '¹': '1', '²': '2', '³': '3', '⁴': '4', '⁵': '5', '⁶': '6', '⁷': '7', '⁸': '8', '⁹': '9' };

/**
 * One spelling per unit (spec §1.1): case, spaces, µ/μ/mc → u, and every way of writing a power
 * of ten (`10^9`, `10*9`, `10E9`, `10e9`, `x10(9)`, `×10⁹`, `\S\` already decoded to `^`) →
 * `10*9`; a leading "x" before the power goes. `mm³` → `mm3`.
 */
export function normaliseUnit(raw: string): string {
  let u = normalised.get(raw);
  if (u === undefined) {
    u = normalise(raw);
    // labs use a few dozen spellings; bounded so a feed of free text cannot grow it
    if (normalised.size >= 1000) normalised.clear();
    normalised.set(raw, u);
  }
  return u;
}

const normalised = new Map<string, string>();

function normalise(raw: string): string {
  let u = raw.trim().replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹]+/g, (s) => `^${[...s].map((c) => SUPERSCRIPT[c] ?? '').join('')}`);
  u = u.toLowerCase().replace(/\s+/g, '').replace(/[µμ]/g, 'u').replace(/\\s\\/g, '^').replace(/×/g, 'x');
  u = u.replace(/mc(?=[lgm])/g, 'u');
  u = u
    .replace(/10(?:\^|\*\*?|e)\(?([0-9]+)\)?/g, '10*$1')
    .replace(/10\(([0-9]+)\)/g, '10*$1')
    .replace(/(^|[^0-9])[x*](?=10\*)/g, '$1')
    .replace(/(mm|cm)(?:\^|\*)3/g, '$13');
  return u;
}

export type MeasuredRole = 'platelets' | 'hemoglobin' | 'hematocrit' | 'vegf';

/** One analyte's unit table, compiled: normalised spelling → factor to the analyte's unit. */
export interface AnalyteUnits {
  readonly unit: string;
  readonly factors: ReadonlyMap<string, number>;
  readonly rangeBands: readonly { factor: number; unit: string; upperFrom: number; upperTo: number }[];
  readonly valueBelow: { below: number; factor: number; unit: string } | null;
  readonly defaultUnit: { factor: number; unit: string };
  readonly plausible: { min: number; max: number };
}

export type CompiledUnits = Readonly<Record<MeasuredRole, AnalyteUnits>>;

function compileAnalyte(a: LabsProfile[MeasuredRole]): AnalyteUnits {
  const factors = new Map<string, number>();
  for (const [spelling, factor] of Object.entries(a.units)) factors.set(normaliseUnit(spelling), factor);
  // the schema checks every named unit is in `units`; 1 keeps a hand-built profile usable
  const named = (unit: string) => ({ factor: factors.get(normaliseUnit(unit)) ?? 1, unit });
  return {
    unit: a.unit,
    factors,
    rangeBands: a.unitFromRange.map((b) => ({ ...named(b.unit), upperFrom: b.upperFrom, upperTo: b.upperTo })),
    valueBelow: a.unitForValueBelow ? { below: a.unitForValueBelow.below, ...named(a.unitForValueBelow.unit) } : null,
    defaultUnit: named(a.defaultUnit),
    plausible: a.plausible,
  };
}

export function compileUnits(labs: LabsProfile): CompiledUnits {
  return {
    platelets: compileAnalyte(labs.platelets),
    hemoglobin: compileAnalyte(labs.hemoglobin),
    hematocrit: compileAnalyte(labs.hematocrit),
    vegf: compileAnalyte(labs.vegf),
  };
}

/** OBX-7 as numbers: "120-155", "12.0 - 15.5", "<96.2", "0.26 to 1.65", "150,000-450,000 /uL". */
export function parseRange(raw: string, parse: (token: string) => number | null): { low: number | null; high: number | null } {
  const t = raw.trim();
  const both = /^([+-]?[\d.,]+)\s*(?:-|–|to)\s*([\d.,]+)/i.exec(t);
  if (both) return { low: parse(both[1] ?? ''), high: parse(both[2] ?? '') };
  const upper = /^(?:<=?|≤)\s*([\d.,]+)/.exec(t);
  if (upper) return { low: null, high: parse(upper[1] ?? '') };
  const lower = /^(?:>=?|≥)\s*([\d.,]+)/.exec(t);
  if (lower) return { low: parse(lower[1] ?? ''), high: null };
  return { low: null, high: null };
}

export type UnitChoice =
  | { ok: true; factor: number; unit: string; inferred: boolean }
  | { ok: false };

/**
 * The factor to the analyte's unit (spec §1.1). A unit that is sent must be known (never
 * guessed); a missing one is inferred: a small value that is a fraction, else the band OBX-7's
 * upper limit falls in, else the default unit.
 */
export function chooseUnit(a: AnalyteUnits, sent: string, value: number, rangeHigh: number | null): UnitChoice {
  if (sent.trim() !== '') {
    const factor = a.factors.get(normaliseUnit(sent));
    return factor === undefined ? { ok: false } : { ok: true, factor, unit: sent.trim(), inferred: false };
  }
  if (a.valueBelow && value < a.valueBelow.below) return { ok: true, ...a.valueBelow, inferred: true };
  const band = rangeHigh === null ? undefined : a.rangeBands.find((b) => rangeHigh >= b.upperFrom && rangeHigh <= b.upperTo);
  return { ok: true, factor: (band ?? a.defaultUnit).factor, unit: (band ?? a.defaultUnit).unit, inferred: true };
}
