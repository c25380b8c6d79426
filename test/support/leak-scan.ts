/**
 * The leak test's own reading of what identifies a person in a message, independent of
 * src/deidentify's type table: the fields the de-identification issue names (PID, NK1, GT1,
 * IN1, IN2, MRG and the providers of PV1, ORC, OBR, TXA …), read by position. Every value comes
 * with the variants it could take in output: case, word order ("Last, First"), punctuation,
 * digits without separators, and a birth date in the common written formats.
 */
import { component, repetitions, subcomponent, text, type Hl7Message } from '../../src/hl7/message.js';

export type ValueKind = 'name' | 'identifier' | 'address' | 'telecom' | 'birthDate';

export interface IdentifyingValue {
  kind: ValueKind;
  /** where it was read, e.g. "PID-5" */
  field: string;
  /** normalised variants (lower case, words separated by one space) */
  variants: string[];
}

/** Values with fewer letters and digits than this are not scanned for: "1" or "MD" is everywhere. */
export const MIN_SIGNIFICANT = 4;
/** Name words shorter than this are not scanned for on their own ("Al", "Jo" are also words). */
export const MIN_NAME_WORD = 3;

const PERSON_NAMES = ['PID-5', 'PID-6', 'PID-9', 'NK1-2', 'NK1-26', 'NK1-30', 'GT1-3', 'GT1-4', 'GT1-16', 'GT1-42', 'GT1-45', 'IN1-6', 'IN1-16', 'IN2-7', 'IN2-9', 'IN2-22', 'IN2-40', 'IN2-49', 'IN2-52', 'MRG-7', 'CTD-2'];
const PROVIDER_NAMES = ['PV1-7', 'PV1-8', 'PV1-9', 'PV1-17', 'PV1-52', 'PV2-13', 'PD1-4', 'EVN-5', 'ORC-10', 'ORC-11', 'ORC-12', 'ORC-19', 'OBR-10', 'OBR-16', 'OBR-28', 'OBX-16', 'TXA-5', 'TXA-9', 'TXA-10', 'TXA-11', 'TXA-22', 'TXA-23', 'DG1-16', 'PR1-8', 'PR1-11', 'PR1-12', 'ROL-4', 'PRT-5', 'NTE-5', 'IN1-30', 'IN2-3'];
const INTERPRETERS = ['OBR-32', 'OBR-33', 'OBR-34', 'OBR-35'];
const IDENTIFIERS = ['PID-2', 'PID-3', 'PID-4', 'PID-18', 'PID-19', 'PID-20', 'PID-21', 'PD1-10', 'MRG-1', 'MRG-2', 'MRG-3', 'MRG-4', 'MRG-5', 'MRG-6', 'PV1-5', 'PV1-19', 'PV1-50', 'NK1-12', 'NK1-33', 'NK1-37', 'GT1-2', 'GT1-12', 'GT1-19', 'GT1-29', 'IN1-36', 'IN1-49', 'IN2-1', 'IN2-2', 'IN2-6', 'IN2-8', 'IN2-10', 'IN2-25', 'IN2-26', 'IN2-61', 'MSH-10', 'ORC-2', 'ORC-3', 'OBR-2', 'OBR-3', 'TXA-12', 'TXA-16', 'OBX-18'];
const PAIRED_IDENTIFIERS = ['SPM-2', 'OBR-29', 'ORC-8'];
const ADDRESSES = ['PID-11', 'NK1-4', 'NK1-32', 'GT1-5', 'GT1-17', 'IN1-19', 'IN1-44'];
const PLACES = ['PID-23', 'NK1-38', 'GT1-56', 'IN1-52'];
const TELECOMS = ['PID-13', 'PID-14', 'PID-40', 'NK1-5', 'NK1-6', 'NK1-31', 'NK1-40', 'NK1-41', 'GT1-6', 'GT1-7', 'GT1-18', 'GT1-46', 'IN1-7', 'IN2-50', 'IN2-53', 'IN2-63', 'IN2-64', 'ORC-14', 'ORC-23', 'OBR-17'];
const BIRTH_DATES = ['PID-7', 'NK1-16', 'GT1-8', 'IN1-18'];

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** Lower case, every run of characters other than letters and digits one space. */
export function normalise(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

function compact(s: string): string {
  return s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

export function identifyingValues(msg: Hl7Message): IdentifyingValue[] {
  const d = msg.delimiters;
  const out: IdentifyingValue[] = [];
  const push = (kind: ValueKind, field: string, variants: string[]): void => {
    // a name word is a word with a letter ("241" in "Modality Test 241" is not a name)
    const v = [...new Set(variants.filter((x) => compact(x).length >= (kind === 'name' ? MIN_NAME_WORD : MIN_SIGNIFICANT) && (kind !== 'name' || /\p{L}/u.test(x))))];
    if (v.length > 0) out.push({ kind, field, variants: v });
  };
  const each = (path: string, fn: (rep: string) => void): void => {
    const [seg, n] = path.split('-') as [string, string];
    for (const s of msg.segments) if (s.id === seg) for (const rep of repetitions(s.get(Number(n)), d)) fn(rep);
  };
  const nameWords = (path: string, rep: string, comps: number[]): void => {
    for (const c of comps) {
      for (const piece of component(rep, c, d).split(d.subcomponent)) for (const word of text(piece, d).split(/[^\p{L}\p{N}'’]+/u)) push('name', path, [normalise(word)]);
    }
  };
  for (const p of PERSON_NAMES) each(p, (rep) => nameWords(p, rep, [1, 2, 3]));
  for (const p of PROVIDER_NAMES) each(p, (rep) => nameWords(p, rep, [2, 3, 4]));
  for (const p of INTERPRETERS) each(p, (rep) => {
    const cnn = component(rep, 1, d);
    for (const i of [2, 3, 4]) for (const word of text(subcomponent(cnn, i, d), d).split(/[^\p{L}\p{N}'’]+/u)) push('name', p, [normalise(word)]);
  });
  const identifier = (p: string, raw: string): void => {
    const v = text(raw, d).trim();
    push('identifier', p, [normalise(v), compact(v)]);
  };
  for (const p of IDENTIFIERS) each(p, (rep) => identifier(p, p === 'PID-19' ? rep : subcomponent(component(rep, 1, d), 1, d)));
  for (const p of PAIRED_IDENTIFIERS) each(p, (rep) => {
    identifier(p, subcomponent(component(rep, 1, d), 1, d));
    identifier(p, subcomponent(component(rep, 2, d), 1, d));
  });
  for (const p of ADDRESSES) each(p, (rep) => {
    const street = component(rep, 1, d);
    push('address', p, [normalise(text(street.split(d.subcomponent).join(' '), d))]);
    for (const sub of street.split(d.subcomponent)) push('address', p, [normalise(text(sub, d))]);
    push('address', p, [normalise(text(component(rep, 2, d), d))]);
    push('address', p, [normalise(text(component(rep, 3, d), d))]);
    const zip = /^\s*(\d{5})/.exec(text(component(rep, 5, d), d));
    if (zip) push('address', p, [zip[1] as string]);
  });
  for (const p of PLACES) each(p, (rep) => push('address', p, [normalise(text(rep, d))]));
  for (const p of TELECOMS) each(p, (rep) => {
    const digits = (s: string): string => text(s, d).replace(/\D/g, '');
    const phone = [digits(component(rep, 1, d)), `${digits(component(rep, 6, d))}${digits(component(rep, 7, d))}`, digits(component(rep, 7, d)), digits(component(rep, 12, d))];
    push('telecom', p, phone.filter((x) => x.length >= 7));
    const email = text(component(rep, 4, d), d).trim();
    if (email.includes('@')) push('telecom', p, [normalise(email)]);
  });
  for (const p of BIRTH_DATES) each(p, (rep) => {
    const m = /^(\d{4})(\d{2})(\d{2})/.exec(component(rep, 1, d).trim());
    if (m) push('birthDate', p, dateVariants(Number(m[1]), Number(m[2]), Number(m[3])));
  });
  return out;
}

/** A date in the formats people write it, normalised ("1942-09-02" → "1942 09 02"). */
export function dateVariants(y: number, m: number, day: number): string[] {
  const p = (n: number): string => String(n).padStart(2, '0');
  const month = MONTHS[m - 1] as string;
  const yy = p(y % 100);
  return [
    `${y}${p(m)}${p(day)}`, `${y} ${p(m)} ${p(day)}`, `${p(m)} ${p(day)} ${y}`, `${m} ${day} ${y}`, `${p(day)} ${p(m)} ${y}`, `${day} ${m} ${y}`,
    `${month} ${day} ${y}`, `${month.slice(0, 3)} ${day} ${y}`, `${day} ${month} ${y}`, `${day} ${month.slice(0, 3)} ${y}`,
    `${p(m)} ${p(day)} ${yy}`, `${p(day)} ${p(m)} ${yy}`,
  ];
}

/**
 * Fields kept by design that some fixtures fill with the same words as a person's name or an
 * identifier: application and facility names (MSH-3..6), organisations (ORC-21, OBX-23, PRT-8),
 * producer and location codes (OBX-15, PV1-3, PRT-9), software (SFT-1..3) and test codes
 * (OBR-4, OBX-3): "PROSOLV" is both the sending application and the test patient's family
 * name, "801887" both a placer order number and the test code. Each occurrence there explains
 * one occurrence in output; one more is a leak.
 */
const KEPT_BY_DESIGN = ['MSH-3', 'MSH-4', 'MSH-5', 'MSH-6', 'ORC-21', 'OBX-15', 'OBX-23', 'PV1-3', 'PRT-8', 'PRT-9', 'SFT-1', 'SFT-2', 'SFT-3', 'OBR-4', 'OBX-3'];

export function keptByDesign(msg: Hl7Message): string {
  const d = msg.delimiters;
  const parts: string[] = [];
  for (const path of KEPT_BY_DESIGN) {
    const [seg, n] = path.split('-') as [string, string];
    for (const s of msg.segments) if (s.id === seg) parts.push(normalise(text(s.get(Number(n)).split(d.repetition).join(' ').split(d.component).join(' ').split(d.subcomponent).join(' '), d)));
  }
  return parts.join(' ');
}

/** Output text prepared for scanning: normalised words, and a count of each word. */
export interface ScannedText { words: string; counts: Map<string, number>; unique: string }

export function scanText(output: string): ScannedText {
  const words = normalise(output);
  const counts = new Map<string, number>();
  for (const w of words.split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
  return { words: ` ${words} `, counts, unique: ` ${[...counts.keys()].join(' ')} ` };
}

const NOTHING: ScannedText = { words: ' ', counts: new Map(), unique: ' ' };

function occurrences(haystack: string, needle: string): number {
  let n = 0;
  for (let i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) n += 1;
  return n;
}

/** How often a sequence of whole words occurs (a word count when it is one word). */
function sequenceCount(scan: ScannedText, seq: string): number {
  if (!seq.includes(' ')) return scan.counts.get(seq) ?? 0;
  if (!seq.split(' ').every((w) => scan.counts.has(w))) return 0;
  return occurrences(scan.words, ` ${seq} `);
}

/**
 * Where a value shows in output: as a sequence of whole words (any punctuation and case), as
 * one word without its separators, or, for 8 characters and more, inside a longer word
 * ("MRN123456789"). Occurrences that `kept` (the input's kept-by-design fields) explains are
 * not counted. Returns the variant found, or null.
 */
export function findIn(scan: ScannedText, value: IdentifyingValue, kept: ScannedText = NOTHING): string | null {
  for (const v of value.variants) {
    const c = v.replace(/ /g, '');
    for (const seq of c !== v ? [v, c] : [v]) if (sequenceCount(scan, seq) > sequenceCount(kept, seq)) return v;
    // words are separated by spaces, so a value without spaces is found only inside one word
    if (value.kind !== 'name' && c.length >= 8 && scan.unique.includes(c) && occurrences(scan.words, c) > occurrences(kept.words, c)) return v;
  }
  return null;
}
