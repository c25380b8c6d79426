import type { IdentityProfile } from '../config/profile-identity.schema.js';
import { DEFAULT_IDENTITY } from '../config/defaults/identity.js';
import type { Delimiters } from '../hl7/delimiters.js';
import { component, field, repetitions, subcomponent, text, type Segment } from '../hl7/message.js';
import { makePatientKey, type PatientKey } from '../domain/patient-key.js';

/** The identity profile as lookups (upper-case sets), built once per profile. */
export interface CompiledIdentity {
  readonly profile: IdentityProfile;
  readonly authorities: readonly string[];
  readonly placeholders: ReadonlySet<string>;
  readonly aliasTypes: ReadonlySet<string>;
  readonly nonPatientTypes: ReadonlySet<string>;
}

const upper = (xs: readonly string[]) => xs.map((x) => x.trim().toUpperCase());

export function compileIdentity(identity: IdentityProfile): CompiledIdentity {
  return {
    profile: identity,
    authorities: upper(identity.authorities),
    placeholders: new Set(upper(identity.placeholders)),
    aliasTypes: new Set(upper(identity.aliasTypes)),
    nonPatientTypes: new Set(upper(identity.nonPatientTypes)),
  };
}

/** How identifiers are read: the site's identity rules and the sender, for a missing authority. */
export interface IdentityRules {
  identity: CompiledIdentity;
  /** MSH-4 as sent (decoded) and its namespace id MSH-4.1; read only when an authority is missing */
  facility: () => { full: string; namespace: string };
}

/** Without a profile (the Kafka partition key): the default rules, no sender. */
const NO_SITE: IdentityRules = { identity: compileIdentity(DEFAULT_IDENTITY), facility: () => ({ full: '', namespace: '' }) };

interface Cx { id: string; authority: string; type: string }

/** One digit repeated (999999999, 0000000) is what systems send when they have no number. */
const REPEATED_DIGIT = /^(\d)\1+$/;

function isPlaceholder(id: string, identity: CompiledIdentity): boolean {
  return REPEATED_DIGIT.test(id) || (identity.placeholders.size > 0 && identity.placeholders.has(id.toUpperCase()));
}

/**
 * The identifiers of a CX list (PID-3, MRG-1) with an id that is not a placeholder. A missing
 * assigning authority (CX-4 namespace, else universal id) is `authorityByFacility[MSH-4]`, else
 * MSH-4.1 itself (spec §1.3): "I01" from HOSP and "I01^^^HOSP^MR" are one patient.
 */
function readCx(raw: string, d: Delimiters, rules: IdentityRules): Cx[] {
  const { identity } = rules;
  let fallback: string | undefined;
  const senderAuthority = (): string => {
    if (fallback === undefined) {
      const { full, namespace } = rules.facility();
      const byFacility = identity.profile.authorityByFacility;
      fallback = byFacility[full] ?? byFacility[namespace] ?? namespace;
    }
    return fallback;
  };
  const out: Cx[] = [];
  for (const rep of repetitions(raw, d)) {
    const id = text(component(rep, 1, d), d).trim();
    if (id === '' || isPlaceholder(id, identity)) continue;
    const cx4 = component(rep, 4, d);
    const authority = text(subcomponent(cx4, 1, d), d).trim() || text(subcomponent(cx4, 2, d), d).trim() || senderAuthority();
    out.push({ id, authority, type: text(component(rep, 5, d), d).trim().toUpperCase() });
  }
  return out;
}

/**
 * The key identifier (spec §1.3): the first of type MR; else the one whose authority comes
 * earliest in `identity.authorities`; else the first whose type is not an account, visit,
 * social security, licence or insurance number.
 */
function chooseKey(ids: Cx[], identity: CompiledIdentity): Cx | undefined {
  const mr = ids.find((c) => c.type === 'MR');
  if (mr) return mr;
  for (const authority of identity.authorities) {
    const hit = ids.find((c) => c.authority.toUpperCase() === authority);
    if (hit) return hit;
  }
  return ids.find((c) => !identity.nonPatientTypes.has(c.type));
}

export interface PatientIdentity {
  key: PatientKey;
  /** the other identifiers of the same list whose type is an alias type: linked to the key */
  aliases: PatientKey[];
}

/** The patient key and its aliases from one CX list (PID-3, MRG-1); null when none is usable. */
export function identityFromCx(raw: string, d: Delimiters, rules: IdentityRules = NO_SITE): PatientIdentity | null {
  const ids = readCx(raw, d, rules);
  const chosen = chooseKey(ids, rules.identity);
  if (chosen === undefined) return null;
  const key = makePatientKey(chosen.authority, chosen.id);
  if (ids.length === 1) return { key, aliases: [] };
  const aliases = new Set<PatientKey>();
  for (const c of ids) {
    const alias = makePatientKey(c.authority, c.id);
    if (c !== chosen && rules.identity.aliasTypes.has(c.type) && alias !== key) aliases.add(alias);
  }
  return { key, aliases: [...aliases] };
}

/** PID-3 (with its aliases), falling back to the v2.3 external id PID-2 (no aliases). */
export function identityFromPid(pid: Segment, d: Delimiters, rules: IdentityRules = NO_SITE): PatientIdentity | null {
  const fromPid3 = identityFromCx(field(pid, 3), d, rules);
  if (fromPid3) return fromPid3;
  const fromPid2 = identityFromCx(field(pid, 2), d, rules);
  return fromPid2 ? { key: fromPid2.key, aliases: [] } : null;
}

export function patientKeyFromPid(pid: Segment, d: Delimiters, rules: IdentityRules = NO_SITE): PatientKey | null {
  return identityFromPid(pid, d, rules)?.key ?? null;
}

export type Sex = 'M' | 'F' | 'U';

/**
 * PID-8 (spec §1): M/F (and the words Male/Female, any case); U, O, A, N and anything else are
 * unknown, which uses the male thresholds.
 */
export function sexFromPid(pid: Segment, d: Delimiters): Sex {
  const s = text(component(field(pid, 8), 1, d), d).trim().toUpperCase();
  if (s === 'M' || s === 'MALE') return 'M';
  if (s === 'F' || s === 'FEMALE') return 'F';
  return 'U';
}
