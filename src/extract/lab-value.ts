/**
 * Numeric result values as labs send them (spec §1.1): NM, SN and ST alike. Pure string work;
 * units are read in units.ts.
 */
import type { Delimiters } from '../hl7/delimiters.js';
import { repetitions, text } from '../hl7/message.js';

export type Comparator = '' | '>' | '>=' | '<' | '<=';

export interface LabValue {
  /** the number; for a range ("^1^-^3", "1-3") its upper bound */
  value: number;
  comparator: Comparator;
  /** a range's lower bound */
  low?: number;
  /** a unit written after the number in a text value ("450 pg/mL") */
  unit?: string;
}

const COMPARATORS: Record<string, Comparator> = { '': '', '=': '', '>': '>', '>=': '>=', '<': '<', '<=': '<=', '≥': '>=', '≤': '<=', '=>': '>=', '=<': '<=' };

/**
 * One number as written: "512", "17.4", a decimal comma ("17,4", "0,125"), thousands separators
 * ("1,250", "512,000", "12,345.6"). A comma is a thousands separator only when the whole-number
 * part is non-zero and exactly three digits follow it (spec §1.1); otherwise a decimal comma.
 */
export function parseNumber(token: string): number | null {
  const t = token.trim();
  let s: string;
  const thousands = /^([+-]?)(\d+)((?:,\d{3})+)(\.\d+)?$/.exec(t);
  if (thousands && Number(thousands[2]) !== 0) s = t.replace(/,/g, '');
  else if (/^[+-]?\d*,\d+$/.test(t)) s = t.replace(',', '.');
  else if (/^[+-]?(?:\d+\.?\d*|\.\d+)$/.test(t)) s = t;
  else return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

const NUMBER = String.raw`[+-]?(?:\d[\d.,]*|[.,]\d+)`;
const TEXT_VALUE = new RegExp(String.raw`^(>=|<=|=>|=<|≥|≤|>|<|=)?\s*(${NUMBER})\s*(.*)$`, 's');
const TEXT_RANGE = new RegExp(String.raw`^(?:-|–|to)\s*(${NUMBER})\s*(.*)$`, 's');
/** a trailing abnormal flag some labs append to the value ("512 (H)", "512*") */
const TRAILING_FLAG = /\s*(?:\((?:H|HH|L|LL|A|AA)\)|\[(?:H|HH|L|LL|A|AA)\]|\*+)$/i;

/**
 * A text value (ST, or NM as some senders fill it): an optional comparator ("> 1000"), a number,
 * an optional range end ("1-3") and an optional trailing unit ("450 pg/mL"). Words after the
 * number ("512 see comment") make it unreadable.
 */
function readText(raw: string): LabValue | null {
  const m = TEXT_VALUE.exec(raw.trim().replace(TRAILING_FLAG, ''));
  if (!m) return null;
  const comparator = COMPARATORS[m[1] ?? ''];
  const first = parseNumber(m[2] ?? '');
  if (comparator === undefined || first === null) return null;
  let rest = (m[3] ?? '').trim();
  let value: LabValue = { value: first, comparator };
  const range = comparator === '' ? TEXT_RANGE.exec(rest) : null;
  if (range) {
    const high = parseNumber(range[1] ?? '');
    if (high === null || high < first) return null;
    value = { value: high, comparator: '', low: first };
    rest = (range[2] ?? '').trim();
  }
  if (rest === '') return value;
  if (rest.length > 20 || /[a-z]{2,}\s+[a-z]{2,}/i.test(rest) || (/^[\d.,]/.test(rest) && !/[a-z%/]/i.test(rest))) return null;
  return { ...value, unit: rest };
}

/**
 * SN: comparator ^ num1 ^ separator/suffix ^ num2 (HL7 v2 2.A.74). "^512", ">^450", "<=^0.5",
 * a range "^1^-^3" (upper bound 3, lower 1), a ratio "^1^:^2" or "^1^/^2" (the quotient).
 * A categorical "^2^+" or "<>" is not a number.
 */
function readStructured(raw: string, sep: string): LabValue | null {
  const [cmp = '', n1 = '', s = '', n2 = ''] = raw.split(sep).map((c) => c.trim());
  const comparator = COMPARATORS[cmp];
  const first = parseNumber(n1);
  if (comparator === undefined || first === null) return null;
  if (s === '' && n2 === '') return { value: first, comparator };
  const second = parseNumber(n2);
  if (second === null) return null;
  if (s === '-' && comparator === '' && second >= first) return { value: second, comparator: '', low: first };
  if ((s === ':' || s === '/') && second !== 0) return { value: first / second, comparator };
  return null;
}

/** OBX-5 (its first repetition, as sent) as a number, or null when it is not one. */
export function readLabValue(raw: string, d: Delimiters): LabValue | null {
  const first = repetitions(raw, d)[0] ?? '';
  if (first.includes(d.component)) {
    const parts = first.split(d.component).map((c) => text(c, d));
    // an ST value with an unescaped "^" in its unit ("512 x10^9/L") is text, not SN
    return readStructured(parts.join('^'), '^') ?? readText(parts.join('^'));
  }
  const t = text(first, d).trim();
  return t === '' ? null : readText(t);
}

/** Spec §1.1: `>^x` is above t when x ≥ t, `>=^x` when x > t; a range uses its upper bound. */
export function isAbove(v: LabValue, t: number): boolean {
  switch (v.comparator) {
    case '': return v.value > t;
    case '>': return v.value >= t;
    case '>=': return v.value > t;
    case '<': case '<=': return false;
  }
}

/** Spec §1.1: `<^x` is below t when x ≤ t, `<=^x` when x < t; a range uses its lower bound. */
export function isBelow(v: LabValue, t: number): boolean {
  switch (v.comparator) {
    case '': return (v.low ?? v.value) < t;
    case '<': return v.value <= t;
    case '<=': return v.value < t;
    case '>': case '>=': return false;
  }
}

/** A value converted by a positive factor keeps its comparator. */
export function scaled(v: LabValue, factor: number): LabValue {
  const out: LabValue = { value: v.value * factor, comparator: v.comparator };
  if (v.low !== undefined) out.low = v.low * factor;
  return out;
}
