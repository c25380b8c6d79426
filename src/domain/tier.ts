import { z } from 'zod';

/** Ordered from weakest to strongest; the order is the escalation order of spec §4. */
export const TIERS = ['screening-gap', 'workup-recommended', 'criteria-met'] as const;
export const Tier = z.enum(TIERS);
export type Tier = z.infer<typeof Tier>;

/** Rank of a tier, or 0 for "no tier". */
export function tierRank(tier: Tier | null): number {
  return tier === null ? 0 : TIERS.indexOf(tier) + 1;
}
