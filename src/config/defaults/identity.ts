import type { SiteProfile } from '../profile.schema.js';

/**
 * Patient identity (spec §1.3): the defaults a site extends with its own authorities. One digit
 * repeated (999999999, 0000000) is always a placeholder; `placeholders` lists the site's others.
 */
export const DEFAULT_IDENTITY: SiteProfile['identity'] = {
  authorities: [],
  placeholders: [],
  authorityByFacility: {},
  aliasTypes: ['MR', 'PI', 'PT', 'MRT'],
  nonPatientTypes: ['AN', 'VN', 'VI', 'SS', 'DL', 'NI', 'MC', 'MA'],
};
