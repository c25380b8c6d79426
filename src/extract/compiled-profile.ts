import type { SiteProfile } from '../config/profile.schema.js';
import type { FindingKind } from '../domain/finding.js';
import { CodeSet } from './codes.js';
import { compileText, type CompiledText } from './text/compile-text.js';

export type LabRole = 'platelets' | 'hemoglobin' | 'hematocrit' | 'vegf' | 'mSpike' | 'serumIfe' | 'urineIfe';

/** Diagnosis kinds that come straight from a code list (poemsKnown also comes from text). */
const DX_KINDS = [
  'neuropathy', 'clone', 'castleman', 'polycythemia', 'organomegaly', 'volumeOverload',
  'endocrinopathy', 'skinChanges', 'papilledema', 'poemsKnown',
] as const satisfies readonly FindingKind[];

/** The profile turned into lookups, built once per profile and shared by every message. */
export interface CompiledProfile {
  readonly profile: SiteProfile;
  readonly dx: ReadonlyArray<{ kind: (typeof DX_KINDS)[number]; codes: CodeSet }>;
  readonly cidp: CodeSet;
  /** normalised LOINC → role */
  readonly labRoles: ReadonlyMap<string, LabRole>;
  /** "SYSTEM|CODE" (upper case) or "|CODE" for any system → LOINC */
  readonly localCodes: ReadonlyMap<string, string>;
  readonly poemsKnownText: RegExp | null;
  /** report text (spec §1.2): phrase tables, ConText rules, sections, clone words, value types */
  readonly text: CompiledText;
}

const cache = new WeakMap<SiteProfile, CompiledProfile>();

export function compileProfile(profile: SiteProfile): CompiledProfile {
  const hit = cache.get(profile);
  if (hit) return hit;
  const labRoles = new Map<string, LabRole>();
  for (const [role, spec] of Object.entries(profile.labs) as [LabRole, { codes: string[] }][]) {
    for (const code of spec.codes) labRoles.set(code.trim().toUpperCase(), role);
  }
  const localCodes = new Map<string, string>();
  for (const lc of profile.localCodes) {
    localCodes.set(`${(lc.system ?? '').trim().toUpperCase()}|${lc.code.trim().toUpperCase()}`, lc.loinc.trim().toUpperCase());
  }
  const escaped = profile.poemsKnownText.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const compiled: CompiledProfile = {
    profile,
    dx: DX_KINDS.map((kind) => ({ kind, codes: new CodeSet(profile.diagnosisCodes[kind]) })),
    cidp: new CodeSet(profile.diagnosisCodes.cidp),
    labRoles,
    localCodes,
    poemsKnownText: escaped.length ? new RegExp(`\\b(?:${escaped.join('|')})\\b`, 'i') : null,
    text: compileText(profile.text, profile.poemsKnownText),
  };
  cache.set(profile, compiled);
  return compiled;
}

