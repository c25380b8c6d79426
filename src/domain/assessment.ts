import { z } from 'zod';
import { Finding } from './finding.js';
import { Tier } from './tier.js';

/** Mayo criteria as named in alerts: the two mandatory, the three other major, the six minor. */
export const Criterion = z.enum([
  'polyneuropathy',
  'monoclonalPlasmaCellDisorder',
  'castleman',
  'scleroticBone',
  'vegfElevation',
  'organomegaly',
  'volumeOverload',
  'endocrinopathy',
  'skinChanges',
  'papilledema',
  'thrombocytosisOrPolycythemia',
]);
export type Criterion = z.infer<typeof Criterion>;

export const WorkupItem = z.object({
  /** stable id, e.g. "immunofixation" */
  id: z.string(),
  text: z.string(),
});
export type WorkupItem = z.infer<typeof WorkupItem>;

export const Assessment = z.object({
  tier: Tier.nullable(),
  /** why no tier holds, when tier is null (e.g. "no neuropathy", "POEMS already diagnosed") */
  reason: z.string(),
  criteriaMet: z.array(Criterion),
  criteriaMissing: z.array(Criterion),
  /** the findings that made the tier (all current findings of contributing kinds) */
  evidence: z.array(Finding),
  suggestedWorkup: z.array(WorkupItem),
  ruleVersion: z.string(),
  profileVersion: z.string(),
});
export type Assessment = z.infer<typeof Assessment>;
