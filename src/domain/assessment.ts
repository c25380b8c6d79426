import { z } from 'zod';
import { Finding } from './finding.js';
import { Tier } from './tier.js';

/** Mayo criteria as named in alerts, in their published groups (reference §1.1). */
export const MANDATORY_CRITERIA = ['polyneuropathy', 'monoclonalPlasmaCellDisorder'] as const;
export const MAJOR_CRITERIA = ['castleman', 'scleroticBone', 'vegfElevation'] as const;
/** thrombocytosis and polycythemia are one minor criterion */
export const MINOR_CRITERIA = ['organomegaly', 'volumeOverload', 'endocrinopathy', 'skinChanges', 'papilledema', 'thrombocytosisOrPolycythemia'] as const;
export const Criterion = z.enum([...MANDATORY_CRITERIA, ...MAJOR_CRITERIA, ...MINOR_CRITERIA]);
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
