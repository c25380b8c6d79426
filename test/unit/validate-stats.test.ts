import { describe, expect, it } from 'vitest';
import { accuracy, chiSquare1Survival, distribution, erfc, mcnemar, quantile, rate, twoByTwo, wilson } from '../../src/validate/stats.js';

const round4 = (v: number | null): number | null => (v === null ? null : Math.round(v * 1e4) / 1e4);

describe('when a proportion gets its Wilson score interval', () => {
  // Newcombe RG. Two-sided confidence intervals for the single proportion: comparison of seven
  // methods. Stat Med 1998;17:857-72, Table II, method 3 (score method without continuity correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('matches Newcombe 1998 for %i/%i', (x, n, low, high) => {
    const p = wilson(x, n);
    expect(round4(p.low)).toBe(low);
    expect(round4(p.high)).toBe(high);
    expect(p.value).toBeCloseTo(x / n, 12);
  });

  it('is exactly [.., 1] at n/n and symmetric to x/n at (n−x)/n', () => {
    const all = wilson(29, 29);
    expect(all.high).toBe(1);
    expect(round4(all.low)).toBe(0.883);
    const a = wilson(3, 17);
    const b = wilson(14, 17);
    expect(a.low).toBeCloseTo(1 - (b.high ?? 0), 12);
    expect(a.high).toBeCloseTo(1 - (b.low ?? 0), 12);
  });

  it('is undefined (null), not zero, when there is nobody to count', () => {
    expect(wilson(0, 0)).toEqual({ x: 0, n: 0, value: null, low: null, high: null });
  });

  it('refuses counts that are not a proportion', () => {
    expect(() => wilson(3, 2)).toThrow(RangeError);
    expect(() => wilson(-1, 2)).toThrow(RangeError);
    expect(() => wilson(1.5, 2)).toThrow(RangeError);
  });
});

describe('when alerts are cross-tabulated against the reference', () => {
  it('counts the four cells and derives sensitivity, specificity, PPV and NPV from them', () => {
    const pairs = [
      ...Array.from({ length: 8 }, () => ({ alerted: true, poems: true })),
      ...Array.from({ length: 2 }, () => ({ alerted: false, poems: true })),
      ...Array.from({ length: 12 }, () => ({ alerted: true, poems: false })),
      ...Array.from({ length: 78 }, () => ({ alerted: false, poems: false })),
    ];
    const t = twoByTwo(pairs);
    expect(t).toEqual({ tp: 8, fp: 12, fn: 2, tn: 78 });
    const a = accuracy(t);
    expect([a.sensitivity.x, a.sensitivity.n, a.sensitivity.value]).toEqual([8, 10, 0.8]);
    expect([a.specificity.x, a.specificity.n]).toEqual([78, 90]);
    expect([a.ppv.x, a.ppv.n, a.ppv.value]).toEqual([8, 20, 0.4]);
    expect([a.npv.x, a.npv.n]).toEqual([78, 80]);
    expect(round4(a.sensitivity.low)).toBe(0.4902);
    expect(round4(a.sensitivity.high)).toBe(0.9433);
  });

  it('gives a rate only over a non-empty denominator', () => {
    expect(rate(3, 200, 1000)).toBe(15);
    expect(rate(3, 0, 1000)).toBeNull();
  });
});

describe('when lead times are summarised', () => {
  it('uses linear interpolation between order statistics (R type 7, NumPy default)', () => {
    // R: quantile(c(1, 2, 3, 4), c(.25, .5, .75)) → 1.75 2.50 3.25
    expect([0.25, 0.5, 0.75].map((p) => quantile([1, 2, 3, 4], p))).toEqual([1.75, 2.5, 3.25]);
    // R: quantile(c(2, 3, 5, 7, 11, 13, 17), c(.25, .5, .75)) → 4 7 12
    expect([0.25, 0.5, 0.75].map((p) => quantile([2, 3, 5, 7, 11, 13, 17], p))).toEqual([4, 7, 12]);
    expect(quantile([], 0.5)).toBeNull();
  });

  it('sorts, drops non-finite values and keeps every value for the plot', () => {
    const d = distribution([5, -1, Number.NaN, 3, 10]);
    expect(d).toEqual({ n: 4, min: -1, q1: 2, median: 4, q3: 6.25, max: 10, values: [-1, 3, 5, 10] });
    expect(distribution([])).toMatchObject({ n: 0, median: null, q1: null, q3: null });
  });
});

describe("when two versions are compared with McNemar's test", () => {
  // Reference values: scipy.stats.binomtest(b, b + c, 0.5).pvalue and chi2.sf((|b − c| − 1)² / (b + c), 1).
  it.each([
    [1, 9, 0.021484375],
    [3, 12, 0.03515625],
    [0, 5, 0.0625],
    [10, 10, 1],
  ])('uses the exact binomial test for %i and %i discordant pairs', (b, c, p) => {
    const m = mcnemar(b, c);
    expect(m.method).toBe('exact binomial');
    expect(m.p).toBeCloseTo(p, 12);
    expect(m.statistic).toBeNull();
  });

  it.each([
    // Agresti, Categorical Data Analysis: presidential approval, 150 vs 86 changes of opinion
    [150, 86, 16.8178, 4.114562e-5],
    [25, 40, 3.0154, 0.08247789],
  ])('uses the continuity-corrected chi-square for %i and %i discordant pairs', (b, c, chi, p) => {
    const m = mcnemar(b, c);
    expect(m.method).toBe('chi-square, continuity-corrected');
    expect(m.statistic).toBeCloseTo(chi, 4);
    expect(Math.abs(m.p - p) / p).toBeLessThan(1e-5);
  });

  it('switches to the chi-square at 25 discordant pairs and is symmetric in b and c', () => {
    expect(mcnemar(12, 12).method).toBe('exact binomial');
    expect(mcnemar(12, 13).method).toBe('chi-square, continuity-corrected');
    expect(mcnemar(4, 30).p).toBe(mcnemar(30, 4).p);
  });

  it('says when there is nothing to test', () => {
    expect(mcnemar(0, 0)).toEqual({ b: 0, c: 0, method: 'no discordant pairs', statistic: null, p: 1 });
  });

  it('computes erfc and the chi-square tail to well within the printed precision', () => {
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 7);
    expect(erfc(1)).toBeCloseTo(0.1572992070502851, 7);
    expect(erfc(-1)).toBeCloseTo(1.8427007929497148, 7);
    expect(chiSquare1Survival(3.841458820694124)).toBeCloseTo(0.05, 6);
    expect(chiSquare1Survival(0)).toBe(1);
  });
});
