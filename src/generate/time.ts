/**
 * Time units and HL7 time formatting. Times are written as UTC wall-clock without an offset
 * (YYYYMMDDHHMMSS); only their order matters for the expected outcomes.
 */

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** `n` in decimal, left-padded with zeros to `width` digits */
export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

const P2: string[] = Array.from({ length: 100 }, (_, i) => pad(i, 2));
/** two-digit `n` from a table: hl7Time runs for nearly every segment */
function p2(n: number): string {
  return P2[n] ?? String(n);
}

/** The day part of the last formatted time: consecutive messages mostly share a day. */
const dayMemo = { day: Number.NaN, text: '' };

/** HL7 DTM "YYYYMMDDHHMMSS" from epoch ms (UTC wall clock). Pure; memoises the date part. */
export function hl7Time(ms: number): string {
  const day = Math.floor(ms / DAY);
  if (day !== dayMemo.day) {
    const d = new Date(day * DAY);
    dayMemo.day = day;
    dayMemo.text = `${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}`;
  }
  const sec = Math.floor((ms - day * DAY) / SEC);
  return `${dayMemo.text}${p2(Math.floor(sec / 3600))}${p2(Math.floor(sec / 60) % 60)}${p2(sec % 60)}`;
}
