import type { HeavyChain, LightChain } from '../domain/finding.js';

export interface IfeReading {
  monoclonal: boolean;
  lightChain: LightChain;
  heavyChain: HeavyChain;
}

/** A clause that reports a monoclonal protein ("IgA lambda", "monoclonal band", "lambda light chain detected"). */
const POSITIVE = /\b(monoclonal|m-?protein|m-?spike|paraprotein|biclonal|band|restricted)\b|\big\s?[agm]\s*(lambda|kappa)\b|\b(lambda|kappa)\s+(light\s+chains?\s+)?(detected|identified|present)\b/;
/** A clause that denies one, or is non-informative ("kappa and lambda within normal limits"). */
const NEGATED = /\b(no|without|negative for)\b[^.;]{0,30}\b(monoclonal|m-?protein|m-?spike|paraprotein|band)|\b(not|none)\s+(detected|seen|identified|present)\b|\bpolyclonal\b|\bnormal\b/;

/**
 * Reads an immunofixation interpretation (serum 25700-6, urine 13440-3) clause by clause: a
 * negative clause elsewhere ("… Bence Jones protein not detected.") does not undo a clause that
 * reports the protein. A negative IFE still records that the test was done (spec §1: `ifeDone`).
 */
export function readIfe(interpretation: string): IfeReading {
  const text = interpretation.toLowerCase().replace(/λ/g, 'lambda').replace(/κ/g, 'kappa');
  const positive = /^\s*(negative|normal|no abnormal)/.test(text)
    ? []
    : text.split(/[.;\n]/).filter((c) => POSITIVE.test(c) && !NEGATED.test(c));
  if (positive.length === 0) return { monoclonal: false, lightChain: 'unknown', heavyChain: 'unknown' };
  const t = positive.join('. ');
  const lightChain: LightChain = /\blambda\b/.test(t) ? 'lambda' : /\bkappa\b/.test(t) ? 'kappa' : 'unknown';
  const heavy = /\big\s?([agm])\b/.exec(t)?.[1];
  const heavyChain: HeavyChain = heavy === 'a' ? 'IgA' : heavy === 'g' ? 'IgG' : heavy === 'm' ? 'IgM' : 'unknown';
  return { monoclonal: true, lightChain, heavyChain };
}
