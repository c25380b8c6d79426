import { addDays, GROUPED_AGE, isValidDate, type CalendarDate } from './dates.js';

/** What a message itself says about the people in it, for scrubbing its free text. */
export interface MessageIdentity {
  /** name parts (family, given, middle) of every person in the message */
  names: Set<string>;
  /** identifier values (patient, visit, order, document, …) */
  identifiers: Set<string>;
  /** street lines, other designations and cities */
  addresses: Set<string>;
  zips: Set<string>;
  /** telephone numbers and e-mail addresses */
  telecoms: Set<string>;
  births: CalendarDate[];
}

export function emptyIdentity(): MessageIdentity {
  return { names: new Set(), identifiers: new Set(), addresses: new Set(), zips: new Set(), telecoms: new Set(), births: [] };
}

export interface ScrubOptions {
  /** days added to every date of the patient */
  days: number;
  /** Safe Harbor: a date in text is reduced to its year */
  safeHarbor: boolean;
}

/** The replacement kinds counted in the report. */
export type TextPattern =
  | 'email' | 'url' | 'identifier' | 'telephone' | 'birthDate' | 'date' | 'ssn' | 'age' | 'address' | 'name' | 'labelledId' | 'idLikeNumber';

/** Words that are never scrubbed as a lone name: a patient called "No" must not remove a negation. */
const STOP_WORDS = new Set([
  'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'can', 'could', 'do', 'for', 'from', 'go', 'he', 'her', 'his', 'if', 'in',
  'is', 'it', 'me', 'my', 'no', 'nor', 'not', 'none', 'of', 'on', 'or', 'she', 'so', 'the', 'to', 'up', 'us', 'was', 'we', 'were',
  'will', 'with', 'without', 'may', 'might', 'must', 'should', 'would', 'neither', 'negative', 'positive', 'absent', 'present',
  'possible', 'probable', 'rule', 'ruled', 'out', 'free', 'clear', 'normal', 'stable', 'unchanged', 'denies', 'history', 'family',
  'left', 'right', 'mild', 'severe', 'moderate', 'small', 'large', 'new', 'old', 'mark', 'bone', 'mass',
]);
const TITLES = 'mr|mrs|ms|miss|mx|dr|prof|sir|dame|rev';

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_RE = 'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';

const B = '(?<![\\p{L}\\p{N}])'; // no letter or digit before
const E = '(?![\\p{L}\\p{N}])'; // no letter or digit after

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/gu;
const URL = /(?:(?:https?|ftp):\/\/|www\.)[^\s<>"]+/giu;
const SSN = new RegExp(`${B}(?:\\d{3}-\\d{2}-\\d{4}|(?:ssn|social security(?: number| no\\.?)?)\\s*[:#]?\\s*\\d{9})(?![\\p{N}-])`, 'giu');
const PHONE_PATTERNS = [
  new RegExp(`${B}(?:\\+\\d{1,3}[\\s.-]?)?(?:\\(\\d{3}\\)\\s?|\\d{3}[\\s.-])\\d{3}[\\s.-]\\d{4}(?![\\p{N}])`, 'gu'),
  new RegExp(`(?<![\\p{N}])\\+\\d{1,3}(?:[\\s.-]?\\(?\\d{1,4}\\)?){2,5}(?![\\p{N}])`, 'gu'),
  new RegExp(`${B}((?:tel|telephone|phone|ph|fax|mobile|cell|pager|bleep)\\.?\\s*(?:no\\.?|number|#)?\\s*[:#]?\\s*)(\\+?[\\d(][\\d\\s().-]{5,}\\d)(?![\\p{N}])`, 'giu'),
];
const AGE_PATTERNS = [
  new RegExp(`(?<![\\p{N}])(\\d{2,3})(\\s*(?:-|\\s)\\s*(?:year|yr)s?(?:\\s*|-)old|\\s*(?:y\\.?o\\.?|y/o|yrs?|years?)${E})`, 'giu'),
  new RegExp(`${B}(aged?\\s*:?\\s*)(\\d{2,3})(?![\\p{N}])`, 'giu'),
];
const LABELLED_ID = new RegExp(
  `${B}((?:mrn|mr\\s*#|mr\\s*no\\.?|medical\\s+record(?:\\s+(?:number|no\\.?|#))?|patient\\s+(?:id|number|no\\.?)|acc(?:ession)?(?:\\s*(?:no\\.?|#|number))?|account(?:\\s*(?:no\\.?|#|number))?|nhs(?:\\s*(?:no\\.?|number))?|chart(?:\\s*(?:no\\.?|#|number))?|id)(?![\\p{L}])\\s*[:#]?\\s*)((?=[A-Za-z-]*\\d)[A-Za-z0-9][A-Za-z0-9-]{3,})`,
  'giu',
);
/** Unlabelled numbers that look like record numbers: 7+ digits, or capitals with 5+ digits in a row. */
const ID_LIKE = new RegExp(`${B}(?:\\d{7,}|(?=[A-Z0-9-]*\\d{5})(?=[A-Z0-9-]*[A-Z])[A-Z0-9]+(?:-[A-Z0-9]+)*)${E}`, 'gu');

/** Dates written in text, each with a reader (see `readDate`). */
const DATE_PATTERNS: readonly { re: RegExp; kind: 'compact' | 'ymd' | 'dmyOrMdy' | 'dMonY' | 'monDY' | 'monY' }[] = [
  { kind: 'compact', re: new RegExp(`${B}(\\d{4})(\\d{2})(\\d{2})((?:\\d{2}){0,3})${E}`, 'gu') },
  { kind: 'ymd', re: new RegExp(`(?<![\\p{L}\\p{N}.])(\\d{4})([-/.])(\\d{1,2})\\2(\\d{1,2})(?![\\p{N}])`, 'gu') },
  { kind: 'dmyOrMdy', re: new RegExp(`(?<![\\p{L}\\p{N}./-])(\\d{1,2})([-/.])(\\d{1,2})\\2(\\d{4}|\\d{2}(?=\\s|$|[,;:.)\\]]))(?![\\p{N}]|[-/.]\\d)`, 'gu') },
  { kind: 'dMonY', re: new RegExp(`${B}(\\d{1,2})(?:st|nd|rd|th)?(?:\\s+of)?[\\s-]+(${MONTH_RE})\\.?,?[\\s-]+(\\d{4})(?![\\p{N}])`, 'giu') },
  { kind: 'monDY', re: new RegExp(`${B}(${MONTH_RE})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})(?![\\p{N}])`, 'giu') },
  { kind: 'monY', re: new RegExp(`${B}(${MONTH_RE})\\.?,?\\s+(\\d{4})(?![\\p{N}])`, 'giu') },
];

interface Piece { s: string; locked: boolean }

/**
 * Free text scrubbed of what identifies a person: first what the message itself names (its
 * people's names, identifiers, telephone numbers, e-mail addresses, street addresses, birth
 * dates), in any case, in any order ("Last, First"), with any punctuation; then common patterns
 * (e-mail, URL, social security and telephone numbers, record-number-like numbers). Dates are
 * shifted with the patient's other dates (Safe Harbor: reduced to the year), a birth date
 * becomes [DOB], ages over 89 become "90+". Replacements are bracketed tokens ([NAME], [ID], …)
 * that the rule's text reader treats as words. A replaced piece is never scanned again, so a
 * shifted date cannot be read as a record number afterwards.
 */
export class TextScrubber {
  private readonly emails: string[];
  private readonly ids: string[];
  private readonly phones: string[];
  /** lower-case name words: any length for runs ("Dr Li", "Li, Wei"), 3+ letters and no stop word alone */
  private readonly nameWords: string[];
  private readonly addressLines: string[][];
  private readonly zips: string[];

  constructor(private readonly identity: MessageIdentity, private readonly opts: ScrubOptions) {
    this.emails = [...identity.telecoms].filter((t) => t.includes('@')).map((t) => t.toLowerCase());
    this.ids = unique([...identity.identifiers].map(alnum).filter((v) => v.length >= 4));
    this.phones = unique([...identity.telecoms].map((t) => t.replace(/\D/g, '')).filter((t) => t.length >= 7));
    this.nameWords = unique([...identity.names].flatMap((n) => n.split(/[^\p{L}\p{N}'’]+/u)).filter((w) => /\p{L}/u.test(w) && w.length >= 2));
    this.addressLines = [...identity.addresses]
      .map((a) => a.split(/[^\p{L}\p{N}]+/u).filter(Boolean))
      .filter((w) => w.join('').length >= 4 && !(w.length === 1 && STOP_WORDS.has((w[0] as string).toLowerCase())));
    this.zips = [...identity.zips].filter((z) => /^\d{5}$/.test(z));
  }

  /**
   * Scrubs `text`; `count` is told each replacement's kind. `numericValue`: the text is a
   * result value that reads as a number (an ST "512,000" or "> 1000 pg/mL"): numbers that look
   * like record numbers are then values, not identifiers.
   */
  scrub(text: string, count: (p: TextPattern) => void, numericValue = false): string {
    if (!/[\p{L}\p{N}]/u.test(text)) return text;
    const lower = text.toLowerCase();
    const compact = alnum(lower);
    const digits = text.replace(/\D/g, '');
    const pieces: Piece[] = [{ s: text, locked: false }];
    const apply = (re: RegExp, pattern: TextPattern, replace: (m: RegExpExecArray) => string | [string, TextPattern] | null): void => {
      for (let i = 0; i < pieces.length; i++) {
        const piece = pieces[i] as Piece;
        if (piece.locked) continue;
        const parts = replaceIn(piece.s, re, (m) => {
          const r = replace(m);
          if (r === null) return null;
          if (typeof r === 'string') {
            count(pattern);
            return r;
          }
          count(r[1]);
          return r[0];
        });
        if (parts.length === 1 && !(parts[0] as Piece).locked) continue;
        pieces.splice(i, 1, ...parts);
        i += parts.length - 1;
      }
    };
    const token = (t: string) => (): string => t;

    // Each pattern runs only when the text can hold it: most text (code descriptions, units)
    // names nobody and holds no digit, and the patterns are the cost of de-identification.
    if (text.includes('@')) {
      apply(EMAIL, 'email', token('[EMAIL]'));
      const emails = this.emails.filter((e) => lower.includes(e));
      if (emails.length > 0) apply(new RegExp(emails.map(escapeRe).join('|'), 'giu'), 'email', token('[EMAIL]'));
    }
    if (/:\/\/|www\./i.test(text)) apply(URL, 'url', token('[URL]'));
    const ids = this.ids.filter((v) => compact.includes(v.toLowerCase()));
    if (ids.length > 0) apply(spacedAlternation(ids, '[\\s./-]?'), 'identifier', token('[ID]'));
    if (digits.length > 0) {
      const phones = this.phones.filter((p) => digits.includes(p));
      if (phones.length > 0) apply(spacedAlternation(phones, '[\\s().+-]*', '[+(]?'), 'telephone', token('[PHONE]'));
      for (const p of DATE_PATTERNS) apply(p.re, 'date', (m) => this.date(p.kind, m));
      apply(SSN, 'ssn', token('[SSN]'));
      const [phone, international, labelled] = PHONE_PATTERNS as [RegExp, RegExp, RegExp];
      apply(phone, 'telephone', token('[PHONE]'));
      apply(international, 'telephone', (m) => ((m[0].match(/\d/g) ?? []).length >= 8 ? '[PHONE]' : null));
      apply(labelled, 'telephone', (m) => `${m[1]}[PHONE]`);
      const [ageYears, agedLabel] = AGE_PATTERNS as [RegExp, RegExp];
      apply(ageYears, 'age', (m) => (Number(m[1]) >= GROUPED_AGE && Number(m[1]) < 150 ? `${GROUPED_AGE}+${m[2]}` : null));
      apply(agedLabel, 'age', (m) => (Number(m[2]) >= GROUPED_AGE && Number(m[2]) < 150 ? `${m[1]}${GROUPED_AGE}+` : null));
    }
    const lines = this.addressLines.filter((w) => w.every((x) => lower.includes(x.toLowerCase())));
    if (lines.length > 0) {
      const alts = lines.map((w) => w.map(escapeRe).join('[^\\p{L}\\p{N}]+')).sort((a, b) => b.length - a.length);
      apply(new RegExp(`${B}(?:${alts.join('|')})${E}`, 'giu'), 'address', token('[ADDRESS]'));
    }
    const zips = this.zips.filter((z) => digits.includes(z));
    if (zips.length > 0) apply(new RegExp(`${B}(?:${zips.join('|')})(?:-\\d{4})?${E}`, 'gu'), 'address', token('[ADDRESS]'));
    const names = this.nameWords.filter((w) => lower.includes(w.toLowerCase()));
    if (names.length > 0) {
      const all = alt(names);
      apply(new RegExp(`${B}(?:(?:${TITLES})\\.?\\s+(?:${all})|(?:${all})(?:[\\s,.^]+(?:${all}))+)${E}`, 'giu'), 'name', token('[NAME]'));
      const alone = names.filter((w) => w.length >= 3 && !STOP_WORDS.has(w.toLowerCase()));
      if (alone.length > 0) apply(new RegExp(`${B}(?:${alt(alone)})${E}`, 'giu'), 'name', token('[NAME]'));
    }
    if (digits.length > 0) {
      apply(LABELLED_ID, 'labelledId', (m) => `${m[1]}[ID]`);
      if (!numericValue) apply(ID_LIKE, 'idLikeNumber', token('[ID]'));
    }
    return pieces.map((p) => p.s).join('');
  }

  /** A date found in text: [DOB] when it is a birth date of the message, else shifted (or its year). */
  private date(kind: (typeof DATE_PATTERNS)[number]['kind'], m: RegExpExecArray): string | [string, TextPattern] | null {
    const read = readDate(kind, m);
    if (read.length === 0) return null;
    if (read.some((r) => r.precision === 'day' && this.identity.births.some((b) => sameDay(b, r.date, r.twoDigitYear)))) return ['[DOB]', 'birthDate'];
    const first = read[0] as ReadDate;
    if (this.opts.safeHarbor) return String(first.date.y);
    const anchor = first.precision === 'day' ? first.date : { ...first.date, d: 15 };
    return first.render(addDays(anchor, this.opts.days));
  }
}

interface ReadDate {
  date: CalendarDate;
  precision: 'day' | 'month';
  twoDigitYear: boolean;
  render: (d: CalendarDate) => string;
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
/** Keeps a number's width: "3" stays one digit, "03" stays two. */
const like = (orig: string, n: number): string => pad(n, orig.length);

function readDate(kind: (typeof DATE_PATTERNS)[number]['kind'], m: RegExpExecArray): ReadDate[] {
  const g = (i: number): string => m[i] ?? '';
  switch (kind) {
    case 'compact': {
      const date = { y: Number(g(1)), m: Number(g(2)), d: Number(g(3)) };
      if (!isValidDate(date.y, date.m, date.d) || date.y < 1900 || !validTime(g(4))) return [];
      return [{ date, precision: 'day', twoDigitYear: false, render: (x) => `${pad(x.y, 4)}${pad(x.m, 2)}${pad(x.d, 2)}${g(4)}` }];
    }
    case 'ymd': {
      const date = { y: Number(g(1)), m: Number(g(3)), d: Number(g(4)) };
      if (!isValidDate(date.y, date.m, date.d)) return [];
      return [{ date, precision: 'day', twoDigitYear: false, render: (x) => `${pad(x.y, 4)}${g(2)}${like(g(3), x.m)}${g(2)}${like(g(4), x.d)}` }];
    }
    case 'dmyOrMdy': {
      const [a, sep, b, yRaw] = [g(1), g(2), g(3), g(4)];
      const two = yRaw.length === 2;
      const y = two ? (Number(yRaw) < 50 ? 2000 : 1900) + Number(yRaw) : Number(yRaw);
      const yOut = (x: CalendarDate): string => (two ? pad(x.y % 100, 2) : pad(x.y, 4));
      const mdy: ReadDate = { date: { y, m: Number(a), d: Number(b) }, precision: 'day', twoDigitYear: two, render: (x) => `${like(a, x.m)}${sep}${like(b, x.d)}${sep}${yOut(x)}` };
      const dmy: ReadDate = { date: { y, m: Number(b), d: Number(a) }, precision: 'day', twoDigitYear: two, render: (x) => `${like(a, x.d)}${sep}${like(b, x.m)}${sep}${yOut(x)}` };
      // dots are day-first (European); slashes and dashes month-first (US) unless the month would be > 12
      const order = sep === '.' || Number(a) > 12 ? [dmy, mdy] : [mdy, dmy];
      return order.filter((r) => isValidDate(r.date.y, r.date.m, r.date.d));
    }
    case 'dMonY': {
      const date = { y: Number(g(3)), m: monthOf(g(2)), d: Number(g(1)) };
      if (!isValidDate(date.y, date.m, date.d)) return [];
      return [{ date, precision: 'day', twoDigitYear: false, render: (x) => m[0].replace(g(1), String(x.d)).replace(new RegExp(`${g(2)}`), monthLike(g(2), x.m)).replace(new RegExp(`${g(3)}$`), pad(x.y, 4)) }];
    }
    case 'monDY': {
      const date = { y: Number(g(3)), m: monthOf(g(1)), d: Number(g(2)) };
      if (!isValidDate(date.y, date.m, date.d)) return [];
      const rest = m[0].slice(g(1).length);
      return [{ date, precision: 'day', twoDigitYear: false, render: (x) => `${monthLike(g(1), x.m)}${rest.replace(g(2), String(x.d)).replace(new RegExp(`${g(3)}$`), pad(x.y, 4))}` }];
    }
    case 'monY': {
      const date = { y: Number(g(2)), m: monthOf(g(1)), d: 1 };
      if (!isValidDate(date.y, date.m, 1)) return [];
      const rest = m[0].slice(g(1).length);
      return [{ date, precision: 'month', twoDigitYear: false, render: (x) => `${monthLike(g(1), x.m)}${rest.replace(new RegExp(`${g(2)}$`), pad(x.y, 4))}` }];
    }
  }
}

function validTime(t: string): boolean {
  return t === '' || /^([01]\d|2[0-3])([0-5]\d)?([0-5]\d)?$/.test(t);
}

function monthOf(name: string): number {
  const n = name.toLowerCase();
  return MONTHS.findIndex((full) => full.startsWith(n.slice(0, 3))) + 1;
}

/** A month name written like `orig`: abbreviated or full, and in its case. */
function monthLike(orig: string, month: number): string {
  const full = MONTHS[month - 1] as string;
  const name = orig.length <= 4 && orig.toLowerCase() !== full ? full.slice(0, 3) : full;
  if (orig === orig.toUpperCase()) return name.toUpperCase();
  if (orig[0] === orig[0]?.toUpperCase()) return name.charAt(0).toUpperCase() + name.slice(1);
  return name;
}

function sameDay(birth: CalendarDate, d: CalendarDate, twoDigitYear: boolean): boolean {
  const y = twoDigitYear ? birth.y % 100 === d.y % 100 : birth.y === d.y;
  return y && birth.m === d.m && birth.d === d.d;
}

/** Splits `s` at every match: replaced parts are locked. `fn` returning null leaves a match. */
function replaceIn(s: string, re: RegExp, fn: (m: RegExpExecArray) => string | null): Piece[] {
  re.lastIndex = 0;
  const out: Piece[] = [];
  let last = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    if (m[0] === '') {
      re.lastIndex += 1;
      continue;
    }
    const r = fn(m);
    if (r === null) continue;
    if (m.index > last) out.push({ s: s.slice(last, m.index), locked: false });
    out.push({ s: r, locked: true });
    last = m.index + m[0].length;
  }
  if (out.length === 0) return [{ s, locked: false }];
  if (last < s.length) out.push({ s: s.slice(last), locked: false });
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function alnum(s: string): string {
  return s.replace(/[^\p{L}\p{N}]/gu, '');
}

function unique(words: string[]): string[] {
  const seen = new Map<string, string>();
  for (const w of words) if (!seen.has(w.toLowerCase())) seen.set(w.toLowerCase(), w);
  return [...seen.values()].sort((a, b) => b.length - a.length);
}

function alt(words: readonly string[]): string {
  return words.map(escapeRe).join('|');
}

/** One pattern for many values: each value's characters with optional separators between them. */
function spacedAlternation(values: readonly string[], sep: string, lead = ''): RegExp {
  const distinct = [...new Set(values)].sort((a, b) => b.length - a.length);
  const body = distinct.map((v) => [...v].map(escapeRe).join(sep)).join('|');
  return new RegExp(`${B}${lead}(?:${body})${E}`, 'giu');
}
