/**
 * HL7 DTM/TS ("YYYY[MM[DD[HH[MM[SS[.S+]]]]]][+/-ZZZZ]") to ISO 8601. Without an offset the
 * time is read as UTC: feeds rarely send one and the rule only compares times of one patient.
 * Returns '' for anything that is not a plausible date ("0000", "Aug 15, 1942", "196203520").
 */
export function hl7TimeToIso(raw: string): string {
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$/.exec(raw.trim());
  if (!m) return '';
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', tz] = m;
  const year = Number(y);
  if (year < 1900 || year > 2200) return '';
  // Date.parse rolls "2025-02-31" (and hour 24) over, with or without an offset; a
  // calendar-invalid date is not a date.
  const day = new Date(Date.UTC(year, Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d) || Number(h) > 23) return '';
  const offset = tz ? `${tz.slice(0, 3)}:${tz.slice(3)}` : 'Z';
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${offset}`);
  if (Number.isNaN(t)) return '';
  return new Date(t).toISOString();
}
