import { z } from 'zod';
import { Tier } from '../domain/tier.js';

/** A pool name, as written after `pool:` in a rule's `to`. */
const POOL_NAME = /^[a-z0-9][a-z0-9._-]*$/i;

/**
 * Who a rule sends to: the alert's ordering provider (OBR-16 of its newest evidence naming one),
 * its attending (PV1-7), or a named pool (`pool:haematology`).
 */
export const RecipientSelector = z.union([
  z.literal('ordering-provider'),
  z.literal('attending'),
  z.string().regex(/^pool:[a-z0-9][a-z0-9._-]*$/i, 'ordering-provider, attending or pool:<name>'),
]);
export type RecipientSelector = z.infer<typeof RecipientSelector>;

export const RouteRule = z.object({
  to: z.array(RecipientSelector).min(1),
  /** the tiers this rule sends; a tier not listed is not sent by this rule */
  tiers: z.array(Tier).min(1),
  /** channel names: inbox, webhook, fhir, hl7-v2 (a channel must be configured to be named) */
  channels: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/, 'a channel name (inbox, webhook, fhir, hl7-v2)')).min(1),
}).strict();
export type RouteRule = z.infer<typeof RouteRule>;

/**
 * Routing (issue 8): which recipients get which tiers on which channels. Every rule that lists a
 * notification's tier sends it to each of its recipients on each of its channels; the same
 * (channel, recipient) reached by two rules is one delivery.
 */
export const RoutingProfile = z.object({
  /** named teams: `pool:<name>` in a rule; the display is what the inbox shows */
  pools: z.record(z.string().regex(POOL_NAME, 'a pool name: letters, digits, . _ -'), z.object({ display: z.string().min(1) }).strict()),
  rules: z.array(RouteRule),
  /**
   * where a rule's notification goes when none of its recipients is known (no OBR-16 or PV1-7
   * on the evidence): an alert nobody is named for still reaches someone; null = nowhere
   */
  fallbackPool: z.string().regex(POOL_NAME).nullable(),
}).strict().superRefine((r, ctx) => {
  const known = (name: string): boolean => Object.hasOwn(r.pools, name);
  r.rules.forEach((rule, i) => rule.to.forEach((to, j) => {
    if (to.startsWith('pool:') && !known(to.slice('pool:'.length))) ctx.addIssue({ code: 'custom', path: ['rules', i, 'to', j], message: `no pool "${to.slice(5)}" in routing.pools` });
  }));
  if (r.fallbackPool !== null && !known(r.fallbackPool)) ctx.addIssue({ code: 'custom', path: ['fallbackPool'], message: `no pool "${r.fallbackPool}" in routing.pools` });
});
export type RoutingProfile = z.infer<typeof RoutingProfile>;
