import { z } from 'zod';
import { DiagnosisCodes } from './profile-codes.schema.js';
import { IdentityProfile } from './profile-identity.schema.js';
import { LabsProfile } from './profile-labs.schema.js';
import { RoutingProfile } from './profile-routing.schema.js';
import { Phrase, TextProfile } from './profile-text.schema.js';

export { TextRule } from './profile-text.schema.js';

export const LocalCode = z.object({
  /** OBX-3.3 / OBX-3.6 coding system as sent; omitted = any system */
  system: z.string().optional(),
  code: z.string().min(1),
  /** the LOINC code this local code means */
  loinc: z.string().min(1),
}).strict();

/**
 * The site profile: every code list, threshold, window and phrase the rule uses (spec preamble).
 * Codes are written as published ("G61.81"); matching ignores dots and case.
 */
export const SiteProfile = z.object({
  profileVersion: z.string().min(1),
  lookbackMonths: z.number().int().positive(),
  /** a thrombocytosis/polycythemia is persistent when two abnormal results lie this many calendar days apart (spec §2) */
  persistenceDays: z.number().int().positive(),
  diagnosisCodes: DiagnosisCodes,
  /** diagnosis text (DG1-3.2, DG1-4, PRB-3.2) naming one of these makes `poemsKnown` when final and affirmed */
  poemsKnownText: z.array(Phrase),
  labs: LabsProfile,
  localCodes: z.array(LocalCode),
  identity: IdentityProfile,
  /** report text (spec §1.2): value types, phrases, ConText rules, sections, clone words */
  text: TextProfile,
  /** who gets which tiers on which channels (issue 8; docs/channels/routing.md) */
  routing: RoutingProfile,
}).strict();
export type SiteProfile = z.infer<typeof SiteProfile>;
/** What a profile file may contain: any subset; the rest comes from the defaults. */
export type SiteProfileInput = z.input<typeof SiteProfile>;
