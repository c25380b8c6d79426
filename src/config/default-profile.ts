import { DEFAULT_DIAGNOSIS_CODES, DEFAULT_POEMS_KNOWN_TEXT } from './defaults/codes.js';
import { DEFAULT_IDENTITY } from './defaults/identity.js';
import { DEFAULT_LABS } from './defaults/labs.js';
import { DEFAULT_ROUTING } from './defaults/routing.js';
import { DEFAULT_TEXT } from './defaults/text.js';
import type { SiteProfile } from './profile.schema.js';

/**
 * The spec's defaults (spec/poems-rule.md §1-§2; codes and thresholds from
 * domain/poems-reference.md §2, §4, §5). A site profile file overrides any part of this.
 */
export const DEFAULT_PROFILE: SiteProfile = {
  profileVersion: 'default-2',
  lookbackMonths: 36,
  persistenceDays: 28,
  diagnosisCodes: DEFAULT_DIAGNOSIS_CODES,
  poemsKnownText: DEFAULT_POEMS_KNOWN_TEXT,
  labs: DEFAULT_LABS,
  localCodes: [],
  identity: DEFAULT_IDENTITY,
  text: DEFAULT_TEXT,
  routing: DEFAULT_ROUTING,
};
