/**
 * The statistics of a validation report, pure and dependency-free: the 2×2 table, proportions
 * with Wilson score intervals, rates, quantiles, and McNemar's test for paired versions.
 */

/** z for a two-sided 95 % interval (the 0.975 quantile of the standard normal). */
export const Z95 = 1.959963984540054;

/** A proportion x/n with its Wilson score 95 % interval; all null when n = 0 (undefined, not 0). */
export interface Proportion {
  x: number;
  n: number;
  value: number | null;
  low: number | null;
  high: number | null;
}

/**
 * Wilson (1927) score interval, as recommended by Newcombe (1998) over the Wald interval: it
 * stays inside [0, 1] and keeps its coverage at 0/n and n/n, which is where a rare-disease
 * surveillance rule lives (e.g. 0/20 → 0–0.1611, 1/29 → 0.0061–0.1718).
 */
export function wilson(x: number, n: number, z: number = Z95): Proportion {
  if (!Number.isInteger(x) || !Number.isInteger(n) || x < 0 || n < 0 || x > n) throw new RangeError(`wilson needs integers 0 ≤ x ≤ n, got ${x}/${n}`);
  if (n === 0) return { x, n, value: null, low: null, high: null };
  const p = x / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At x = 0 and x = n the bounds are exactly 0 and 1; rounding error must not move them.
  return { x, n, value: p, low: x === 0 ? 0 : Math.max(0, centre - half), high: x === n ? 1 : Math.min(1, centre + half) };
}

/** Patients cross-classified by the alert (test) and the reference label. */
export interface TwoByTwo {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export function twoByTwo(pairs: Iterable<{ alerted: boolean; poems: boolean }>): TwoByTwo {
  const t: TwoByTwo = { tp: 0, fp: 0, fn: 0, tn: 0 };
  for (const { alerted, poems } of pairs) {
    if (alerted && poems) t.tp++;
    else if (alerted) t.fp++;
    else if (poems) t.fn++;
    else t.tn++;
  }
  return t;
}

export interface Accuracy {
  sensitivity: Proportion;
  specificity: Proportion;
  ppv: Proportion;
  npv: Proportion;
}

export function accuracy(t: TwoByTwo): Accuracy {
  return {
    sensitivity: wilson(t.tp, t.tp + t.fn),
    specificity: wilson(t.tn, t.tn + t.fp),
    ppv: wilson(t.tp, t.tp + t.fp),
    npv: wilson(t.tn, t.tn + t.fn),
  };
}

/** count per `per` units of denominator (alerts per 1,000 patients); null when the denominator is 0. */
export function rate(count: number, denominator: number, per = 1): number | null {
  return denominator > 0 ? (count / denominator) * per : null;
}

/**
 * Quantile of sorted values by linear interpolation between order statistics (Hyndman & Fan
 * type 7, the default of R and NumPy), so the report's numbers can be checked in either.
 */
export function quantile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

export interface Distribution {
  n: number;
  min: number | null;
  q1: number | null;
  median: number | null;
  q3: number | null;
  max: number | null;
  /** every value, sorted ascending (the report plots them) */
  values: number[];
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: sorted[0] ?? null,
    q1: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    q3: quantile(sorted, 0.75),
    max: sorted[sorted.length - 1] ?? null,
    values: sorted,
  };
}

/** Below this many discordant pairs the exact binomial test is used, as is customary. */
export const MCNEMAR_EXACT_BELOW = 25;

export interface McNemar {
  /** pairs positive in the first version only */
  b: number;
  /** pairs positive in the second version only */
  c: number;
  method: 'exact binomial' | 'chi-square, continuity-corrected' | 'no discordant pairs';
  /** the chi-square statistic (1 df), null for the exact test */
  statistic: number | null;
  /** two-sided */
  p: number;
}

/**
 * McNemar's test on the discordant pairs of two versions judged on the same patients. Exact
 * two-sided binomial test (b ~ Bin(b + c, ½), doubled one tail, capped at 1) below
 * MCNEMAR_EXACT_BELOW discordant pairs; otherwise the chi-square with Edwards' continuity
 * correction, (|b − c| − 1)² / (b + c), on one degree of freedom.
 */
export function mcnemar(b: number, c: number): McNemar {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) throw new RangeError(`mcnemar needs non-negative integer counts, got ${b}, ${c}`);
  const n = b + c;
  if (n === 0) return { b, c, method: 'no discordant pairs', statistic: null, p: 1 };
  if (n < MCNEMAR_EXACT_BELOW) {
    const k = Math.min(b, c);
    let tail = 0;
    let term = 2 ** -n; // C(n, 0) / 2^n
    for (let i = 0; i <= k; i++) {
      tail += term;
      term = (term * (n - i)) / (i + 1);
    }
    return { b, c, method: 'exact binomial', statistic: null, p: Math.min(1, 2 * tail) };
  }
  const statistic = (Math.abs(b - c) - 1) ** 2 / n;
  return { b, c, method: 'chi-square, continuity-corrected', statistic, p: chiSquare1Survival(statistic) };
}

/** P(X > x) for a chi-square variable with one degree of freedom: erfc(√(x/2)). */
export function chiSquare1Survival(x: number): number {
  return x <= 0 ? 1 : erfc(Math.sqrt(x / 2));
}

/**
 * Complementary error function by the Chebyshev fit of Numerical Recipes (erfcc), fractional
 * error below 1.2 × 10⁻⁷ everywhere: ample for a p-value printed to three significant digits.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}
