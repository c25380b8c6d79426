/**
 * Date shifting for HL7 v2 date/time values (DT, DTM and the first component of TS):
 * "YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]". Pure.
 */

const HL7_TIME = /^(\d{4})(\d{2})?(\d{2})?(\d{2,}(?:\.\d+)?)?([+-]\d{4})?$/;
const DAY_MS = 86_400_000;
/** The age from which Safe Harbor groups ages ("all ages over 89", 45 CFR 164.514(b)(2)(i)(C)). */
export const GROUPED_AGE = 90;

export interface CalendarDate { y: number; m: number; d: number }

export interface Hl7Time {
  date: CalendarDate;
  /** how much of the date was sent: 4 (year), 6 (month) or 8 (day) digits */
  precision: 4 | 6 | 8;
  /** everything after the date (time, fraction, offset), kept as sent */
  rest: string;
}

export function isValidDate(y: number, m: number, d: number): boolean {
  if (y < 1800 || y > 2299 || m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(y: number, m: number): number {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return m === 2 && leap ? 29 : (MONTH_DAYS[m - 1] ?? 0);
}

/** Reads an HL7 date/time; null for anything that is not one ("0000", "Aug 15, 1942", "19620352"). */
export function parseHl7Time(raw: string): Hl7Time | null {
  const m = HL7_TIME.exec(raw.trim());
  if (!m) return null;
  const [, ys, ms, ds, time = '', tz = ''] = m;
  const y = Number(ys);
  if (ds === undefined && time !== '') return null;
  const month = ms === undefined ? 1 : Number(ms);
  const day = ds === undefined ? 1 : Number(ds);
  if (!isValidDate(y, month, day)) return null;
  if (time !== '' && !/^([01]\d|2[0-3])([0-5]\d([0-5]\d)?)?(\.\d+)?$/.test(time)) return null;
  const precision = ds !== undefined ? 8 : ms !== undefined ? 6 : 4;
  return { date: { y, m: month, d: day }, precision, rest: `${time}${tz}` };
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d) + days * DAY_MS);
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function renderDate(date: CalendarDate, precision: 4 | 6 | 8): string {
  const s = `${pad(date.y, 4)}${pad(date.m)}${pad(date.d)}`;
  return s.slice(0, precision);
}

/**
 * Moves a date/time by whole days, keeping its precision, time of day and offset. A date sent
 * to the month or the year moves from the middle of its month or year, so that a shift of a
 * few days does not always change the month.
 */
export function shiftHl7Time(raw: string, days: number): string | null {
  const t = parseHl7Time(raw);
  if (!t) return null;
  const anchor = t.precision === 8 ? t.date : t.precision === 6 ? { ...t.date, d: 15 } : { y: t.date.y, m: 7, d: 1 };
  return `${renderDate(addDays(anchor, days), t.precision)}${t.precision === 8 ? t.rest : ''}`;
}

/** The year of a date/time (Safe Harbor keeps nothing else); null when it is not a date. */
export function hl7Year(raw: string): string | null {
  const t = parseHl7Time(raw);
  return t ? pad(t.date.y, 4) : null;
}

/** Whole years from `birth` to `at`. */
export function ageInYears(birth: CalendarDate, at: CalendarDate): number {
  const before = at.m < birth.m || (at.m === birth.m && at.d < birth.d);
  return at.y - birth.y - (before ? 1 : 0);
}

export interface BirthDateOptions {
  /** days added to every date of the patient (negative) */
  days: number;
  /** the message's own time (MSH-7, as sent), for the age */
  messageTime: CalendarDate;
  safeHarbor: boolean;
}

/**
 * A birth date, de-identified: shifted with the patient's other dates; reduced to the year in
 * Safe Harbor mode; and when the person is 90 or older at the message's time, set so that the
 * age is exactly 90 at the (shifted) message time, the single group Safe Harbor allows. Null
 * when it is not a date. `grouped` says whether the age was grouped.
 */
export function deidentifyBirthDate(raw: string, o: BirthDateOptions): { value: string; grouped: boolean } | null {
  const t = parseHl7Time(raw);
  if (!t) return null;
  if (ageInYears(t.date, o.messageTime) >= GROUPED_AGE) {
    const at = o.safeHarbor ? o.messageTime : addDays(o.messageTime, o.days);
    const birth = { y: at.y - GROUPED_AGE, m: at.m, d: Math.min(at.d, daysInMonth(at.y - GROUPED_AGE, at.m)) };
    if (o.safeHarbor) return { value: pad(birth.y, 4), grouped: true };
    let value = renderDate(birth, t.precision);
    if (value === renderDate(t.date, t.precision)) value = renderDate(addDays(birth, -1), t.precision);
    return { value, grouped: true };
  }
  if (o.safeHarbor) return { value: pad(t.date.y, 4), grouped: false };
  return { value: shiftHl7Time(raw, o.days) as string, grouped: false };
}

/**
 * The per-patient offset: -365 to -1 days from 48 bits of HMAC(key, patient). Never 0, so no
 * date is its own shifted value; within a year, so seasons and lookback windows stay plausible.
 */
export function offsetDaysFrom(int48: number): number {
  return -(1 + (int48 % 365));
}
