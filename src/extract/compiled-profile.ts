import type { SiteProfile } from '../config/profile.schema.js';
import { DiagnosisMatcher } from './diagnosis-codes.js';
import { compileIdentity, type CompiledIdentity } from './patient.js';
import { compileText, type CompiledText } from './text/compile-text.js';
import { compileUnits, type CompiledUnits } from './units.js';

export type LabRole = 'platelets' | 'hemoglobin' | 'hematocrit' | 'vegf' | 'mSpike' | 'flcRatio' | 'freeLambda' | 'serumIfe' | 'urineIfe';

/** The profile turned into lookups, built once per profile and shared by every message. */
export interface CompiledProfile {
  readonly profile: SiteProfile;
  /** coded diagnoses → kinds (spec §1 table) */
  readonly diagnoses: DiagnosisMatcher;
  /** unit tables of the measured analytes (spec §1.1) */
  readonly units: CompiledUnits;
  /** how a patient key is chosen (spec §1.3) */
  readonly identity: CompiledIdentity;
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
  // "POEMS syndrome" and "Crow-Fukase" also match with a hyphen, space or nothing between words
  const escaped = profile.poemsKnownText.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/(?:-|\s)+/g, '[\\s-]*'));
  const compiled: CompiledProfile = {
    profile,
    diagnoses: new DiagnosisMatcher(profile.diagnosisCodes),
    units: compileUnits(profile.labs),
    identity: compileIdentity(profile.identity),
    labRoles,
    localCodes,
    poemsKnownText: escaped.length ? new RegExp(`\\b(?:${escaped.join('|')})\\b`, 'i') : null,
    text: compileText(profile.text, profile.poemsKnownText),
  };
  cache.set(profile, compiled);
  return compiled;
}
