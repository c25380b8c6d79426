import { TIERS } from '../../domain/tier.js';
import type { SiteProfile } from '../profile.schema.js';

/**
 * Routing defaults (issue 8): every tier to the alert's ordering provider and attending in the
 * inbox, and nothing on any other channel until a site configures it. An alert whose evidence
 * names neither goes to the `poems-review` pool, so it is never routed to nobody.
 */
export const DEFAULT_ROUTING: SiteProfile['routing'] = {
  pools: { 'poems-review': { display: 'POEMS review (no ordering provider or attending on record)' } },
  rules: [{ to: ['ordering-provider', 'attending'], tiers: [...TIERS], channels: ['inbox'] }],
  fallbackPool: 'poems-review',
};
