/**
 * Coding systems as senders spell them (spec §1, "Coding systems are matched leniently"), code
 * normalisation and code lists with families (".x") and ranges.
 */
export type CodingSystem = 'icd10' | 'icd9' | 'snomed' | 'loinc' | 'empty' | 'other';

/** Spellings compare upper case without "-", "_", "." inside names and spaces: ICD-10-CM = ICD10CM. */
function spelling(raw: string): string {
  const s = raw.trim().toUpperCase();
  return /^[0-9.]+$/.test(s) ? s : s.replace(/[\s_-]/g, '');
}

const SYSTEMS = new Map<string, CodingSystem>();
function register(system: CodingSystem, names: string[]): void {
  for (const n of names) SYSTEMS.set(spelling(n), system);
}
register('icd10', [
  'I10', 'I10C', 'I10CM', 'ICD10', 'ICD-10-CM', 'ICD-10-GM', 'ICD10CA', 'ICD-10-CA', 'ICD10AM', 'ICD-10-AM', 'I10WHO', 'ICD-10-WHO',
  '2.16.840.1.113883.6.90', '2.16.840.1.113883.6.3', 'http://hl7.org/fhir/sid/icd-10', 'http://hl7.org/fhir/sid/icd-10-cm',
]);
register('icd9', ['I9', 'I9C', 'I9CM', 'ICD9', 'ICD-9-CM', '2.16.840.1.113883.6.103', '2.16.840.1.113883.6.2', 'http://hl7.org/fhir/sid/icd-9-cm']);
register('snomed', ['SCT', 'SNM', 'SNM3', 'SNOMED', 'SNOMEDCT', 'SNOMED-CT', '2.16.840.1.113883.6.96', 'http://snomed.info/sct']);
register('loinc', ['LN', 'LOINC', '2.16.840.1.113883.6.1', 'http://loinc.org']);

/** National and vendor variants: I10GM, ICD10NL, I9CM… (procedure code systems I10P, ICD10PCS, I9CP are not diagnoses). */
const ICD10_FAMILY = /^(?:ICD|I)10(?!.*(?:PCS|P)$)[A-Z]{0,5}$/;
const ICD9_FAMILY = /^(?:ICD|I)9(?!.*(?:PCS|P)$)[A-Z]{0,4}$/;

/** Senders use a handful of spellings: each is read once (bounded, so a hostile feed cannot grow it). */
const seen = new Map<string, CodingSystem>();

export function codingSystem(raw: string): CodingSystem {
  let system = seen.get(raw);
  if (system === undefined) {
    system = readSystem(raw);
    if (seen.size >= 1000) seen.clear();
    seen.set(raw, system);
  }
  return system;
}

function readSystem(raw: string): CodingSystem {
  const s = spelling(raw);
  if (s === '') return 'empty';
  const known = SYSTEMS.get(s);
  if (known) return known;
  if (ICD10_FAMILY.test(s)) return 'icd10';
  if (ICD9_FAMILY.test(s)) return 'icd9';
  return 'other';
}

/** The key a site uses for a coding system of its own in `other` (upper case, no separators). */
export function systemName(raw: string): string {
  return spelling(raw);
}

/** Codes compare upper case without dots or spaces: "G61.81" = "g6181". */
export function normaliseCode(code: string): string {
  return code.trim().toUpperCase().replace(/[.\s]/g, '');
}

const ICD10_SHAPE = /^[A-Z][0-9][0-9A-Z]/;
const ICD9_SHAPE = /^[0-9]{3}(?:\.?[0-9]{1,2})?$/;
const SNOMED_SHAPE = /^[0-9]{6,18}$/;

/** A code sent without a coding system is read by its shape; anything else is not guessed. */
export function systemOfBareCode(code: string): CodingSystem {
  const c = code.trim().toUpperCase();
  if (ICD10_SHAPE.test(normaliseCode(c))) return 'icd10';
  if (ICD9_SHAPE.test(c)) return 'icd9';
  if (SNOMED_SHAPE.test(c)) return 'snomed';
  return 'other';
}

/** ICD-10-GM Diagnosesicherheit: G gesichert, V Verdacht, A ausgeschlossen, Z Zustand nach. */
export type CertaintySuffix = 'G' | 'V' | 'A' | 'Z';

/**
 * Splits an ICD-10-GM certainty suffix off a code: "G61.8 V", "G61.8V", "G61.8G". Glued to the
 * code it is read only after a 3-5 character code (letter, two digits, up to two more digits):
 * an ICD-10-CM seventh character (S72.001A) comes after six characters and is part of the code.
 * Dagger/asterisk/exclamation marks of the cross-reference notation are dropped.
 */
export function splitCertaintySuffix(raw: string): { code: string; suffix: CertaintySuffix | null } {
  const t = raw.trim().replace(/[†‡!*+]/g, '').trim();
  const m = /^(\S+?)\s+([GVAZ])$/i.exec(t) ?? /^([A-Z][0-9]{2}(?:\.?[0-9]{1,2})?)([GVAZ])$/i.exec(t);
  if (!m || !ICD10_SHAPE.test(normaliseCode(m[1] ?? ''))) return { code: t, suffix: null };
  return { code: m[1] ?? t, suffix: (m[2] ?? '').toUpperCase() as CertaintySuffix };
}

/**
 * A list of codes as the profile writes them: exact ("G61.81"), a family that covers every code
 * beneath ("C90.x", "203.0x", "C90*") or a range "G62.0-G62.2" (every code from the first to the
 * last, and every code beneath the last). Codes compare normalised (dot optional, any case).
 */
export class CodeList {
  private readonly exact = new Set<string>();
  private readonly families: string[] = [];
  private readonly ranges: [string, string][] = [];

  constructor(codes: readonly string[]) {
    for (const raw of codes) {
      const range = /^([^-]+)-([^-]+)$/.exec(raw.trim());
      const family = /^(.*?)\.?[xX*]$/.exec(raw.trim());
      if (range) this.ranges.push([normaliseCode(range[1] ?? ''), normaliseCode(range[2] ?? '')]);
      else if (family) this.families.push(normaliseCode(family[1] ?? ''));
      else this.exact.add(normaliseCode(raw));
    }
  }

  /** `code` is normalised (normaliseCode) */
  hasExact(code: string): boolean {
    return this.exact.has(code);
  }

  /** covered by a family or a range */
  hasBeneath(code: string): boolean {
    return this.families.some((f) => code.startsWith(f)) || this.ranges.some(([lo, hi]) => code >= lo && (code <= hi || code.startsWith(hi)));
  }

  has(code: string): boolean {
    return this.hasExact(code) || this.hasBeneath(code);
  }
}
