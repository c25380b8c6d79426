import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { SentinelError } from '../errors.js';
import { DEFAULT_PROFILE } from './default-profile.js';
import { SiteProfile } from './profile.schema.js';

export interface ProfileProblem { path: string; message: string }

/**
 * Overlays a site file on the defaults: objects merge key by key, arrays and values replace.
 * So a site adds `localCodes` without repeating the spec's codes, and replaces a code list
 * only when it means to.
 */
function overlay(base: unknown, site: unknown): unknown {
  if (isPlainObject(base) && isPlainObject(site)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(site)) out[k] = k in base ? overlay(base[k], v) : v;
    return out;
  }
  return site === undefined ? base : site;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    Object.values(v).forEach(deepFreeze);
    Object.freeze(v);
  }
  return v;
}

/** Validates a site profile document; every problem is reported at once. */
export function validateProfile(doc: unknown): { profile: SiteProfile; problems: [] } | { profile: null; problems: ProfileProblem[] } {
  if (!isPlainObject(doc)) return { profile: null, problems: [{ path: '(root)', message: 'a profile is a mapping of settings' }] };
  const result = SiteProfile.safeParse(overlay(DEFAULT_PROFILE, doc));
  const problems: ProfileProblem[] = result.success ? [] : result.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));
  // A site profile must name its own version: alerts carry it, so a reviewer can tell which rules fired.
  if (typeof doc.profileVersion !== 'string' || doc.profileVersion.trim() === '') {
    problems.unshift({ path: 'profileVersion', message: 'required: a site profile names its own version' });
  }
  if (!result.success || problems.length > 0) return { profile: null, problems };
  return { profile: deepFreeze(result.data), problems: [] };
}

/** Reads a JSON or YAML profile file; throws PROFILE_INVALID listing every problem. */
export function loadProfile(path: string | undefined): SiteProfile {
  if (path === undefined) return DEFAULT_PROFILE;
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, 'utf8')); // YAML is a superset of JSON
  } catch (err) {
    throw new SentinelError('PROFILE_INVALID', `cannot read profile ${path}: ${(err as Error).message}`);
  }
  const { profile, problems } = validateProfile(doc);
  if (profile === null) {
    throw new SentinelError('PROFILE_INVALID', `profile ${path} is invalid:\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n')}`);
  }
  return profile;
}
