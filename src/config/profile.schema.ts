import { z } from 'zod';
import { IdentityProfile } from './profile-identity.schema.js';
import { Phrase, TextProfile } from './profile-text.schema.js';

export { TextRule } from './profile-text.schema.js';

/**
 * The site profile: every code list, threshold, window and phrase the rule uses (spec preamble).
 * Codes are written as published ("G61.81"); matching ignores dots and case. A trailing "*"
 * makes a prefix ("C90*" = every C90 code).
 */
const Code = z.string().regex(/^[A-Za-z0-9.-]+\*?$/, 'a code such as "G61.81", "777-3" or a prefix "C90*"');
export const LocalCode = z.object({
  /** OBX-3.3 / OBX-3.6 coding system as sent; omitted = any system */
  system: z.string().optional(),
  code: z.string().min(1),
  /** the LOINC code this local code means */
  loinc: z.string().min(1),
}).strict();

const SexThreshold = z.object({ male: z.number().positive(), female: z.number().positive() }).strict();

export const SiteProfile = z.object({
  profileVersion: z.string().min(1),
  lookbackMonths: z.number().int().positive(),
  diagnosisCodes: z.object({
    neuropathy: z.array(Code),
    cidp: z.array(Code),
    clone: z.array(Code),
    castleman: z.array(Code),
    polycythemia: z.array(Code),
    organomegaly: z.array(Code),
    volumeOverload: z.array(Code),
    endocrinopathy: z.array(Code),
    skinChanges: z.array(Code),
    papilledema: z.array(Code),
    poemsKnown: z.array(Code),
  }).strict(),
  /** diagnosis text (DG1-3.2, DG1-4, PRB-3.2) matching this makes `poemsKnown` */
  poemsKnownText: z.array(Phrase),
  labs: z.object({
    platelets: z.object({ codes: z.array(Code), above: z.number().positive() }).strict(),
    hemoglobin: z.object({ codes: z.array(Code), above: SexThreshold }).strict(),
    hematocrit: z.object({ codes: z.array(Code), above: SexThreshold }).strict(),
    vegf: z.object({
      codes: z.array(Code),
      plasmaAbove: z.number().positive(),
      serumAbove: z.number().positive(),
    }).strict(),
    mSpike: z.object({ codes: z.array(Code) }).strict(),
    serumIfe: z.object({ codes: z.array(Code) }).strict(),
    urineIfe: z.object({ codes: z.array(Code) }).strict(),
  }).strict(),
  localCodes: z.array(LocalCode),
  identity: IdentityProfile,
  /** report text (spec §1.2): value types, phrases, ConText rules, sections, clone words */
  text: TextProfile,
}).strict();
export type SiteProfile = z.infer<typeof SiteProfile>;
/** What a profile file may contain: any subset; the rest comes from the defaults. */
export type SiteProfileInput = z.input<typeof SiteProfile>;
