import type { HeavyChain, LightChain } from '../domain/finding.js';

export interface IfeReading {
  monoclonal: boolean;
  lightChain: LightChain;
  heavyChain: HeavyChain;
}

const NEGATIVE = /\b(no|without|negative for)\b[^.;]{0,30}\b(monoclonal|m-?protein|m-?spike|paraprotein|band)|\b(not|none)\s+(detected|seen|identified|present)\b|^\s*(negative|normal|no abnormal)|\bpolyclonal\b/;
const POSITIVE = /\b(monoclonal|m-?protein|m-?spike|paraprotein|band|lambda|kappa|biclonal|oligoclonal)\b/;

/**
 * Reads an immunofixation interpretation (serum 25700-6, urine 13440-3). A negative IFE ("no
 * monoclonal protein") still records that the test was done (spec §1: `ifeDone`, no clone).
 */
export function readIfe(interpretation: string): IfeReading {
  const t = interpretation.toLowerCase().replace(/λ/g, 'lambda').replace(/κ/g, 'kappa');
  const monoclonal = !NEGATIVE.test(t) && POSITIVE.test(t);
  const lightChain: LightChain = /\blambda\b/.test(t) ? 'lambda' : /\bkappa\b/.test(t) ? 'kappa' : 'unknown';
  const heavy = /\big\s?([agm])\b/.exec(t)?.[1];
  const heavyChain: HeavyChain = heavy === 'a' ? 'IgA' : heavy === 'g' ? 'IgG' : heavy === 'm' ? 'IgM' : 'unknown';
  return { monoclonal, lightChain: monoclonal ? lightChain : 'unknown', heavyChain: monoclonal ? heavyChain : 'unknown' };
}
