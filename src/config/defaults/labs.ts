import type { SiteProfile } from '../profile.schema.js';

/** Watched lab codes and thresholds (spec §1; reference §2, §4.1). */
export const DEFAULT_LABS: SiteProfile['labs'] = {
  platelets: { codes: ['777-3', '26515-7'], above: 450 },
  hemoglobin: { codes: ['718-7'], above: { male: 16.5, female: 16.0 } },
  hematocrit: { codes: ['4544-3', '20570-8'], above: { male: 49, female: 48 } },
  vegf: { codes: ['75628-8'], plasmaAbove: 200, serumAbove: 1000 },
  mSpike: { codes: ['33358-3'] },
  serumIfe: { codes: ['25700-6'] },
  urineIfe: { codes: ['13440-3'] },
};
