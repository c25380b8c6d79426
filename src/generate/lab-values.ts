/**
 * How analysers and laboratory systems write the watched values (spec §1.1): vendor unit
 * spellings, SN and ST values, thousands separators, decimal commas, unitless values with a
 * reference range. Each style takes the value in the rule's unit (platelets ×10⁹/L, Hb g/dL,
 * Hct %) and returns OBX-2, OBX-5, OBX-6 and OBX-7. Every style converts back to the same value.
 * The held-out pool uses spellings the default pool (and the tests built on it) never shows.
 */
import type { Variant } from './phrasing.js';
import { chance, pick, type Rng } from './rng.js';

export interface LabCell {
  type: string;
  value: string;
  unit: string;
  range: string;
}

type Style = (v: number, female: boolean) => LabCell;

const nm = (value: string, unit: string, range: string): LabCell => ({ type: 'NM', value, unit, range });
/** "512000" → "512,000" */
const thousands = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const comma = (s: string): string => s.replace('.', ',');

const PLATELETS: Record<Variant, readonly Style[]> = {
  default: [
    (v) => nm(String(v), 'K/uL', '150-400'),
    (v) => nm(String(v), 'x10(9)/L', '150-400'),
    (v) => nm(String(v), '10*9/L', '150-400'),
    (v) => nm(String(v), 'K/mcL', '150-400'),
    (v) => nm(String(v * 1000), '/uL', '150000-400000'),
    (v) => ({ type: 'SN', value: `^${v}`, unit: '10*3/uL', range: '150-400' }),
    (v) => ({ type: 'ST', value: String(v), unit: '10*3/uL', range: '150-400' }),
  ],
  'held-out': [
    (v) => nm(String(v), '10e3/ul', '150-400'),
    (v) => nm(String(v), 'G/L', '150-400'),
    (v) => nm(String(v), 'thou/uL', '150-400'),
    (v) => nm(String(v), '10^9/L', '150-400'),
    (v) => nm((v / 10).toFixed(1), '10*4/uL', '15.0-40.0'),
    (v) => ({ type: 'ST', value: thousands(v * 1000), unit: '/mm3', range: '150,000-400,000' }),
    (v) => ({ type: 'ST', value: `${v} K/uL`, unit: '', range: '150-400' }),
  ],
};

const HB: Record<Variant, readonly Style[]> = {
  default: [
    (v, f) => nm(String(Math.round(v * 10)), 'g/L', f ? '120-155' : '135-175'),
    (v, f) => nm(v.toFixed(1), 'gm/dL', f ? '12.0-15.5' : '13.5-17.5'),
  ],
  'held-out': [
    (v, f) => nm((v / 1.611).toFixed(1), 'mmol/L', f ? '7.4-9.6' : '8.4-10.9'),
    (v, f) => nm(String(Math.round(v * 10)), '', f ? '120-155' : '135-175'),
    (v, f) => ({ type: 'ST', value: comma(v.toFixed(1)), unit: 'g/dL', range: f ? '12,0-15,5' : '13,5-17,5' }),
  ],
};

const HCT: Record<Variant, readonly Style[]> = {
  default: [(v, f) => nm((v / 100).toFixed(2), 'L/L', f ? '0.36-0.46' : '0.40-0.50')],
  'held-out': [
    (v, f) => nm((v / 100).toFixed(2), '', f ? '0.36-0.46' : '0.40-0.50'),
    (v, f) => ({ type: 'ST', value: comma(v.toFixed(1)), unit: '%', range: f ? '36-46' : '40-50' }),
  ],
};

/** The canonical spelling most feeds use. */
const CANONICAL = {
  plt: (v: number): LabCell => nm(String(v), '10*3/uL', '150-400'),
  hb: (v: number, f: boolean): LabCell => nm(v.toFixed(1), 'g/dL', f ? '12.0-15.5' : '13.5-17.5'),
  hct: (v: number, f: boolean): LabCell => nm(v.toFixed(1), '%', f ? '36-46' : '40-50'),
};

/** How one CBC writes its three watched values; drawn once per order, so a correction repeats it. */
export interface CbcStyle {
  plt: Style;
  hb: Style;
  hct: Style;
}

/** Half the CBCs use the canonical spelling; the rest a style from the variant's pool. */
export function drawCbcStyle(rng: Rng, variant: Variant, canonicalShare = 0.5): CbcStyle {
  const styled = <K extends keyof typeof CANONICAL>(k: K, pool: readonly Style[]): Style => (chance(rng, canonicalShare) ? CANONICAL[k] : pick(rng, pool));
  return { plt: styled('plt', PLATELETS[variant]), hb: styled('hb', HB[variant]), hct: styled('hct', HCT[variant]) };
}
