import { component, field, text, type Segment } from '../hl7/message.js';
import type { Finding } from '../domain/finding.js';
import type { Measurement } from '../domain/result.js';
import type { UnreadNote } from '../domain/unread.js';
import type { ExtractContext } from './context.js';
import { unreadNote, type At } from './lab-note.js';
import { parseNumber, readLabValue, scaled, type LabValue } from './lab-value.js';
import { chooseUnit, parseRange, type MeasuredRole } from './units.js';

/** One OBR with its specimens and (for sibling lookups such as free λ) its OBX segments. */
export interface Group { obr: Segment | undefined; specimens: Segment[]; observations?: readonly { seg: Segment }[] }

/** What one watched lab OBX yields: findings, values seen but not read, and the measurement. */
export interface LabReading {
  findings: Finding[];
  notes: UnreadNote[];
  /** a watched value (platelets, Hb, Hct, VEGF), abnormal or not: persistence needs the latest (spec §2) */
  measurement?: Measurement;
}

/**
 * OBX-6 (its identifier, else its text). A power sent with an unescaped "^" ("10^9/L") splits
 * OBX-6 into components "10" and "9/L": such a pair is joined again.
 */
export function unitText(obx: Segment, ctx: ExtractContext): string {
  const { d } = ctx;
  const raw = field(obx, 6);
  const first = text(component(raw, 1, d), d).trim();
  const second = text(component(raw, 2, d), d).trim();
  if (/(?:^|[x×*])10$/i.test(first) && /^[0-9]/.test(second)) return `${first}^${second}`;
  return first || second;
}

export const KIND_OF: Record<MeasuredRole, Measurement['kind']> = { platelets: 'thrombocytosis', hemoglobin: 'polycythemia', hematocrit: 'polycythemia', vegf: 'vegfHigh' };

/** A measured value converted to its analyte's unit and checked for plausibility. */
export type Measured =
  /** `upper`: OBX-7's upper limit in the analyte's unit; `flag`: OBX-8 upper case */
  | { ok: true; value: LabValue; unit: string; upper: number | null; flag: string }
  | { ok: false; notes: UnreadNote[] };

/**
 * OBX-5/6/7 of a measured analyte (spec §1.1): the number (NM, SN or ST), the unit (OBX-6, else
 * one written after the number, else inferred), converted, within the plausible range. An empty
 * OBX-5 is no reading and no note.
 */
export function measure(role: MeasuredRole, obx: Segment, at: At, ctx: ExtractContext): Measured {
  const { d } = ctx;
  const analyte = ctx.profile.units[role];
  const kind = KIND_OF[role];
  const shown = text(field(obx, 5), d).trim();
  if (shown === '') return { ok: false, notes: [] };
  const v = readLabValue(field(obx, 5), d);
  const obx6 = unitText(obx, ctx);
  const seen = `${shown} ${obx6}`.trim();
  if (v === null) return { ok: false, notes: [unreadNote(ctx, 'VALUE_UNREADABLE', at, { kind, text: seen, detail: `not a number for ${role}` })] };
  const sent = obx6 || (v.unit ?? '');
  const range = parseRange(text(field(obx, 7), d), parseNumber);
  const unit = chooseUnit(analyte, sent, v.value, range.high);
  if (!unit.ok) return { ok: false, notes: [unreadNote(ctx, 'UNIT_UNKNOWN', at, { kind, text: seen, detail: `unit '${sent}' not known for ${role}` })] };
  const value = scaled(v, unit.factor);
  const { min, max } = analyte.plausible;
  if (value.value < min || value.value > max || (value.low !== undefined && value.low < min)) {
    const as = unit.inferred ? ` (no unit sent: read as ${unit.unit})` : '';
    return { ok: false, notes: [unreadNote(ctx, 'VALUE_IMPLAUSIBLE', at, { kind, text: seen, detail: `${round(value.value)} ${analyte.unit} outside ${min}-${max} ${analyte.unit}${as}` })] };
  }
  const upper = range.high === null ? null : range.high * unit.factor;
  return { ok: true, value, unit: analyte.unit, upper, flag: component(field(obx, 8), 1, d).trim().toUpperCase() };
}

export function round(v: number): number {
  return Math.round(v * 100) / 100;
}
