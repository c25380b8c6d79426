/**
 * HL7 DTM/TS ("YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]") to ISO 8601. Without an offset the
 * time is read as UTC: feeds rarely send one and the rule only compares times of one patient.
 * Returns '' for anything that is not a plausible date ("0000", "Aug 15, 1942", "196203520").
 *
 * Hot path (issue 7 item 6: about 7 % of a CBC-heavy replay): a stamp without an offset (most
 * of them) is checked and formatted from its digits, without building and parsing a date string.
 */
const PATTERN = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$/;

export function hl7TimeToIso(raw: string): string {
  const m = PATTERN.exec(raw.trim());
  if (!m) return '';
  const [, y = '', mo = '01', d = '01', h = '00', mi = '00', s = '00', tz] = m;
  const year = Number(y);
  if (year < 1900 || year > 2200) return '';
  // Date.parse rolls "2025-02-31" (and hour 24) over, with or without an offset; a
  // calendar-invalid date is not a date.
  const month = Number(mo);
  const date = Number(d);
  if (month < 1 || month > 12 || date < 1 || date > daysIn(year, month) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return '';
  if (tz === undefined) return `${y}-${mo}-${d}T${h}:${mi}:${s}.000Z`;
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${tz.slice(0, 3)}:${tz.slice(3)}`);
  if (Number.isNaN(t)) return '';
  return new Date(t).toISOString();
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
