import type { DiagnosisCodes, KindCodes, SystemCodes } from '../config/profile-codes.schema.js';
import type { FindingKind } from '../domain/finding.js';
import { CodeList, systemName, type CodingSystem } from './codes.js';

/** Kinds a diagnosis code can give (spec §1 table, "Coded sources"). */
export const DX_KINDS = [
  'neuropathy', 'clone', 'castleman', 'thrombocytosis', 'polycythemia', 'organomegaly', 'volumeOverload',
  'endocrinopathy', 'skinChanges', 'papilledema', 'poemsKnown',
] as const satisfies readonly FindingKind[];
export type DxKind = (typeof DX_KINDS)[number];

/** One code of a diagnosis: its system as read, its spelling of that system, the normalised code. */
export interface DxCode {
  system: CodingSystem;
  /** the system as sent, normalised (for a site's `other` lists) */
  systemName: string;
  code: string;
}

class SystemLists {
  private readonly icd10: CodeList;
  private readonly icd9: CodeList;
  private readonly snomed: CodeList;
  private readonly other = new Map<string, CodeList>();

  constructor(c: SystemCodes) {
    this.icd10 = new CodeList(c.icd10);
    this.icd9 = new CodeList(c.icd9);
    this.snomed = new CodeList(c.snomed);
    for (const [name, codes] of Object.entries(c.other)) this.other.set(systemName(name), new CodeList(codes));
  }

  list(c: DxCode): CodeList | undefined {
    switch (c.system) {
      case 'icd10': return this.icd10;
      case 'icd9': return this.icd9;
      case 'snomed': return this.snomed;
      default: return this.other.get(c.systemName);
    }
  }
}

class KindMatcher {
  private readonly include: SystemLists;
  private readonly exclude: SystemLists;

  constructor(c: KindCodes) {
    this.include = new SystemLists(c);
    this.exclude = new SystemLists(c.exclude);
  }

  /** an exact listed code always counts; an exclusion overrides families and ranges (spec §1) */
  matches(c: DxCode): boolean {
    const inc = this.include.list(c);
    if (!inc) return false;
    if (inc.hasExact(c.code)) return true;
    return inc.hasBeneath(c.code) && !(this.exclude.list(c)?.has(c.code) ?? false);
  }
}

/** The profile's diagnosis code lists, compiled once per profile. */
export class DiagnosisMatcher {
  private readonly kinds: { kind: DxKind; matcher: KindMatcher }[];
  private readonly cidp: SystemLists;

  constructor(codes: DiagnosisCodes) {
    this.kinds = DX_KINDS.map((kind) => ({ kind, matcher: new KindMatcher(codes[kind]) }));
    this.cidp = new SystemLists(codes.cidp);
  }

  /** the kinds any of the codes gives; a CIDP code is a neuropathy even if the neuropathy list forgot it */
  kindsOf(codes: readonly DxCode[]): DxKind[] {
    const out = this.kinds.filter(({ matcher }) => codes.some((c) => matcher.matches(c))).map(({ kind }) => kind);
    if (!out.includes('neuropathy') && this.isCidp(codes)) out.unshift('neuropathy');
    return out;
  }

  isCidp(codes: readonly DxCode[]): boolean {
    return codes.some((c) => this.cidp.list(c)?.has(c.code) ?? false);
  }
}
