/** Coding systems as senders spell them (spec §1, "Coding systems are matched leniently"). */
const ICD10_SYSTEMS = new Set(['I10', 'I10C', 'I10CM', 'ICD10', 'ICD-10', 'ICD10CM', 'ICD-10-CM', '2.16.840.1.113883.6.90', '2.16.840.1.113883.6.3']);
const LOINC_SYSTEMS = new Set(['LN', 'LOINC', '2.16.840.1.113883.6.1']);

export type CodingSystem = 'icd10' | 'loinc' | 'empty' | 'other';

export function codingSystem(raw: string): CodingSystem {
  const s = raw.trim().toUpperCase();
  if (s === '') return 'empty';
  if (ICD10_SYSTEMS.has(s)) return 'icd10';
  if (LOINC_SYSTEMS.has(s)) return 'loinc';
  return 'other';
}

/** ICD-10 codes compare without the dot and case: "G61.81" = "g6181". */
export function normaliseIcd(code: string): string {
  return code.trim().toUpperCase().replace(/\./g, '');
}

const ICD10_SHAPE = /^[A-Z][0-9][0-9A-Z]/;
export function looksLikeIcd10(code: string): boolean {
  return ICD10_SHAPE.test(normaliseIcd(code));
}

/**
 * A set of codes from the profile, where "C90*" is a prefix. Lookup is one Set probe plus one
 * probe per prefix length in use, so it stays cheap on the hot path.
 */
export class CodeSet {
  private readonly exact = new Set<string>();
  private readonly prefixes = new Set<string>();
  private readonly prefixLengths = new Set<number>();

  constructor(codes: readonly string[], private readonly normalise: (c: string) => string = normaliseIcd) {
    for (const c of codes) {
      if (c.endsWith('*')) {
        const p = normalise(c.slice(0, -1));
        this.prefixes.add(p);
        this.prefixLengths.add(p.length);
      } else {
        this.exact.add(normalise(c));
      }
    }
  }

  has(code: string): boolean {
    const n = this.normalise(code);
    if (this.exact.has(n)) return true;
    for (const len of this.prefixLengths) if (n.length >= len && this.prefixes.has(n.slice(0, len))) return true;
    return false;
  }
}
