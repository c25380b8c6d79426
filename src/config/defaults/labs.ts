import type { SiteProfile } from '../profile.schema.js';

/**
 * Watched lab codes, thresholds and units (spec §1, §1.1; reference §2, §4.1). Unit spellings are
 * matched after normalising case, µ/mc/u and powers of ten (`x10(9)/L`, `10^9/L`, `10E9/L` and
 * `×10⁹/L` are one spelling), so the tables list only spellings that differ after that.
 */
export const DEFAULT_LABS: SiteProfile['labs'] = {
  platelets: {
    codes: ['777-3', '26515-7'],
    above: 450,
    unit: '10*9/L',
    units: {
      '10*9/L': 1, '10*3/uL': 1, 'K/uL': 1, 'thou/uL': 1, 'thou/mm3': 1, 'G/L': 1, '10*3/mm3': 1, '/nL': 1, '1000/uL': 1,
      'k/mm3': 1, '10*4/uL': 10, '/uL': 0.001, '/mm3': 0.001, 'cells/uL': 0.001,
    },
    // a count range in the hundreds is ×10⁹/L, in the hundred-thousands per µL
    unitFromRange: [
      { unit: '10*9/L', upperFrom: 100, upperTo: 2000 },
      { unit: '/uL', upperFrom: 100_000, upperTo: 2_000_000 },
    ],
    defaultUnit: '10*9/L',
    plausible: { min: 1, max: 3000 },
  },
  hemoglobin: {
    codes: ['718-7'],
    above: { male: 16.5, female: 16.0 },
    unit: 'g/dL',
    units: { 'g/dL': 1, 'gm/dL': 1, 'g/100mL': 1, 'g/L': 0.1, 'mmol/L': 1.611 },
    // "12.0-15.5" g/dL, "120-155" g/L, "7.4-10.9" mmol/L (upper limits 14-19, 140-190, 9.5-12)
    unitFromRange: [
      { unit: 'g/dL', upperFrom: 12.5, upperTo: 25 },
      { unit: 'mmol/L', upperFrom: 6, upperTo: 12.4 },
      { unit: 'g/L', upperFrom: 100, upperTo: 250 },
    ],
    defaultUnit: 'g/dL',
    plausible: { min: 3, max: 25 },
  },
  hematocrit: {
    codes: ['4544-3', '20570-8'],
    above: { male: 49, female: 48 },
    unit: '%',
    units: { '%': 1, 'L/L': 100, 'fraction': 100 },
    unitForValueBelow: { below: 1, unit: 'L/L' },
    unitFromRange: [
      { unit: '%', upperFrom: 20, upperTo: 80 },
      { unit: 'L/L', upperFrom: 0.2, upperTo: 0.8 },
    ],
    defaultUnit: '%',
    plausible: { min: 10, max: 80 },
  },
  vegf: {
    codes: ['75628-8'],
    plasmaAbove: 200,
    serumAbove: 1000,
    unit: 'pg/mL',
    units: { 'pg/mL': 1, 'ng/L': 1, 'ng/mL': 1000, 'ug/L': 1000 },
    unitFromRange: [
      { unit: 'pg/mL', upperFrom: 10, upperTo: 5000 },
      { unit: 'ng/mL', upperFrom: 0.01, upperTo: 5 },
    ],
    defaultUnit: 'pg/mL',
    plausible: { min: 0, max: 100_000 },
  },
  mSpike: { codes: ['33358-3'] },
  flcRatio: { codes: ['48378-4', '80517-6', '104546-7'], below: 0.26, above: 3.1 },
  freeLambda: { codes: ['33944-0', '80516-8'] },
  serumIfe: { codes: ['25700-6'] },
  urineIfe: { codes: ['13440-3'] },
};
