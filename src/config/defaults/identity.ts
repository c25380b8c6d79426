import type { SiteProfile } from '../profile.schema.js';

/** Patient identity (spec §1.3): the defaults a site extends with its own authorities. */
export const DEFAULT_IDENTITY: SiteProfile['identity'] = {
  authorities: [],
  placeholders: [],
  authorityByFacility: {},
  aliasTypes: ['MR', 'PI', 'PT', 'MRT'],
};
