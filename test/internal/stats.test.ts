/**
 * The small statistics behind drop-off significance and stalled-deal thresholds. Expected values are
 * worked by hand where that is practical (lady tasting tea, a z-test), otherwise taken from an
 * independent arbitrary-precision / reference implementation (mpmath 1.3 at 40 digits, SciPy 1.17
 * `fisher_exact`, `chi2_contingency(correction=False)`, `hypergeom.pmf`, NumPy `percentile`) and
 * pasted here as literals.
 */
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  erfc,
  fisherExactTest,
  hypergeometricPmf,
  logChoose,
  logFactorial,
  logGamma,
  median,
  minExpectedCount,
  normalCdf,
  normalUpperTail,
  quantile,
  quantileSorted,
  twoProportionZTest,
} from '../../src/internal/stats.js';
import { isFunnelError } from '../../src/index.js';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('erfc and the normal tail', () => {
  // mpmath.erfc(x) at 40 digits, rounded to 17 significant digits
  const reference: [number, number][] = [
    [-3, 1.9999779095030015],
    [-1, 1.8427007929497148],
    [0, 1],
    [0.1, 0.887537083981715],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [1.5, 0.033894853524689274],
    [1.99, 0.004888586800383003],
    [2, 0.004677734981047266],
    [3, 2.209049699858544e-5],
    [5, 1.537459794428035e-12],
    [8, 1.1224297172982926e-29],
    [20, 5.395865611607901e-176],
  ];
  it.each(reference)('erfc(%d) matches the 40-digit reference to 5e-15 relative', (x, want) => {
    expect(rel(erfc(x), want)).toBeLessThan(5e-15);
  });
  it('handles infinities, NaN and underflow', () => {
    expect(erfc(Number.POSITIVE_INFINITY)).toBe(0);
    expect(erfc(Number.NEGATIVE_INFINITY)).toBe(2);
    expect(erfc(Number.NaN)).toBeNaN();
    expect(erfc(40)).toBe(0);
  });
  it('gives the textbook normal values', () => {
    // two-sided 5% point: 2·P(Z ≥ 1.96) = 0.04999579029644087 (SciPy norm.sf)
    expect(rel(2 * normalUpperTail(1.96), 0.04999579029644087)).toBeLessThan(1e-13);
    expect(rel(normalUpperTail(8), 6.22096057427174e-16)).toBeLessThan(1e-12);
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.6448536269514722)).toBeCloseTo(0.95, 14);
  });
  fcTest.prop([fc.double({ min: -30, max: 30, noNaN: true }), fc.double({ min: -30, max: 30, noNaN: true })], { numRuns: 200 })(
    'erfc is decreasing and erfc(x) + erfc(−x) = 2',
    (a, b) => {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      expect(erfc(lo)).toBeGreaterThanOrEqual(erfc(hi));
      expect(Math.abs(erfc(a) + erfc(-a) - 2)).toBeLessThan(1e-15);
    },
  );
});

describe('logGamma and logFactorial', () => {
  it('matches mpmath.loggamma', () => {
    expect(rel(logGamma(0.1), 2.252712651734206)).toBeLessThan(1e-14);
    expect(rel(logGamma(0.5), Math.log(Math.sqrt(Math.PI)))).toBeLessThan(1e-14);
    expect(rel(logGamma(100), 359.1342053695754)).toBeLessThan(1e-14);
    expect(rel(logGamma(1e6), 12815504.569147611)).toBeLessThan(1e-15);
  });
  it('is exact on small factorials and continuous across the table/Stirling switch', () => {
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(1)).toBe(0);
    expect(Math.exp(logFactorial(5))).toBeCloseTo(120, 10);
    expect(Math.exp(logFactorial(10))).toBeCloseTo(3628800, 5);
    // ln 256! − ln 255! = ln 256 across the switch
    expect(Math.abs(logFactorial(256) - logFactorial(255) - Math.log(256))).toBeLessThan(1e-11);
    expect(rel(logFactorial(1000), 5912.128178488163)).toBeLessThan(1e-15);
    expect(rel(logFactorial(1e6), 12815518.384658169)).toBeLessThan(1e-15);
    expect(Math.exp(logChoose(8, 4))).toBeCloseTo(70, 10);
  });
  it('rejects non-integers and negatives with a FunnelError', () => {
    expect(() => logFactorial(-1)).toThrow(/integer ≥ 0/);
    expect(() => logFactorial(1.5)).toThrow(/integer ≥ 0/);
    expect(() => logGamma(0)).toThrow(/> 0/);
  });
});

describe('two-proportion z-test', () => {
  it('works the hand example: 45/100 vs 30/100', () => {
    // pooled p = 75/200 = 0.375; SE = √(0.375·0.625·(1/100 + 1/100)) = √0.0046875 = 0.068465…
    // z = 0.15 / 0.068465 = 2.19089; p = 2·(1 − Φ(2.19089)) = 0.028460
    const r = twoProportionZTest({ successesA: 45, trialsA: 100, successesB: 30, trialsB: 100 });
    expect(r?.z).toBeCloseTo(0.15 / Math.sqrt(0.375 * 0.625 * 0.02), 12);
    expect(rel(r?.pValue ?? 0, 0.028459736916310638)).toBeLessThan(1e-12);
  });
  it.each([
    [120, 500, 150, 500, -2.136869215853441, 0.03260863046712098],
    [7, 1000, 20, 1000, -2.5189115943460636, 0.011771820897601346],
    [500, 1000, 530, 1000, -1.3422449326830723, 0.17951659189949254],
  ])('%d/%d vs %d/%d matches SciPy χ² without correction', (xA, nA, xB, nB, z, p) => {
    const r = twoProportionZTest({ successesA: xA, trialsA: nA, successesB: xB, trialsB: nB });
    expect(rel(r?.z ?? 0, z)).toBeLessThan(1e-12);
    expect(rel(r?.pValue ?? 0, p)).toBeLessThan(1e-11);
  });
  it('is null without trials and 1 when every outcome is the same', () => {
    expect(twoProportionZTest({ successesA: 0, trialsA: 0, successesB: 1, trialsB: 2 })).toBeNull();
    expect(twoProportionZTest({ successesA: 0, trialsA: 5, successesB: 0, trialsB: 7 })).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest({ successesA: 5, trialsA: 5, successesB: 7, trialsB: 7 })).toEqual({ z: 0, pValue: 1 });
  });
  it('rejects impossible tables', () => {
    expect(() => twoProportionZTest({ successesA: 6, trialsA: 5, successesB: 0, trialsB: 7 })).toThrow(/successes ≤ trials/);
    expect(() => twoProportionZTest({ successesA: -1, trialsA: 5, successesB: 0, trialsB: 7 })).toThrow(/count/);
    expect(() => twoProportionZTest({ successesA: 0.5, trialsA: 5, successesB: 0, trialsB: 7 })).toThrow(/count/);
    try {
      twoProportionZTest({ successesA: 0, trialsA: Number.NaN, successesB: 0, trialsB: 7 });
    } catch (e) {
      expect(isFunnelError(e)).toBe(true);
    }
  });
});

describe("Fisher's exact test", () => {
  it('gives the lady tasting tea p-value 34/70 = 0.4857', () => {
    // margins 4/4/4/4; P(x) = C(4,x)·C(4,4−x)/70 = 1, 16, 36, 16, 1 (/70). Observed x = 3 (16/70);
    // tables at most as likely: x = 0, 1, 3, 4 → (1 + 16 + 16 + 1)/70 = 34/70.
    const p = fisherExactTest({ successesA: 3, trialsA: 4, successesB: 1, trialsB: 4 });
    expect(p).toBeCloseTo(34 / 70, 14);
  });
  it.each([
    [1, 10, 11, 14, 0.0027594561852200836],
    [120, 500, 150, 500, 0.038752206282225116],
    [0, 5, 5, 5, 0.007936507936507938],
    [2, 10, 2, 10, 1],
    [10, 10, 3, 7, 0.014705882352941178],
    [7, 1000, 20, 1000, 0.018369735856899883],
    [500, 1000, 530, 1000, 0.19444533581190396],
  ])('%d/%d vs %d/%d matches SciPy fisher_exact', (xA, nA, xB, nB, want) => {
    const p = fisherExactTest({ successesA: xA, trialsA: nA, successesB: xB, trialsB: nB });
    expect(rel(p ?? -1, want)).toBeLessThan(1e-9);
  });
  it('is null without trials and 1 when the table is forced', () => {
    expect(fisherExactTest({ successesA: 0, trialsA: 0, successesB: 1, trialsB: 2 })).toBeNull();
    expect(fisherExactTest({ successesA: 0, trialsA: 3, successesB: 0, trialsB: 2 })).toBe(1);
  });
  it('hypergeometric pmf matches hand and SciPy values', () => {
    expect(hypergeometricPmf(3, 8, 4, 4)).toBeCloseTo(16 / 70, 14);
    expect(rel(hypergeometricPmf(50, 1000, 100, 400), 0.008680835830928883)).toBeLessThan(1e-10);
    expect(hypergeometricPmf(5, 8, 4, 4)).toBe(0);
  });
  fcTest.prop([fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 })], { numRuns: 100 })(
    'the hypergeometric pmf sums to 1',
    (N, a, b) => {
      const K = Math.min(a, N);
      const n = Math.min(b, N);
      let s = 0;
      for (let x = 0; x <= n; x++) s += hypergeometricPmf(x, N, K, n);
      expect(Math.abs(s - 1)).toBeLessThan(1e-12);
    },
  );
});

const tableArb = fc
  .record({ nA: fc.integer({ min: 1, max: 400 }), nB: fc.integer({ min: 1, max: 400 }), fa: fc.double({ min: 0, max: 1, noNaN: true }), fb: fc.double({ min: 0, max: 1, noNaN: true }) })
  .map(({ nA, nB, fa, fb }) => ({ successesA: Math.round(fa * nA), trialsA: nA, successesB: Math.round(fb * nB), trialsB: nB }));

describe('laws of the tests', () => {
  fcTest.prop([tableArb], { numRuns: 200 })('p-values are in [0, 1] and symmetric in A and B', (t) => {
    const swapped = { successesA: t.successesB, trialsA: t.trialsB, successesB: t.successesA, trialsB: t.trialsA };
    const z = twoProportionZTest(t);
    const zs = twoProportionZTest(swapped);
    const f = fisherExactTest(t);
    const fs = fisherExactTest(swapped);
    for (const p of [z?.pValue, zs?.pValue, f, fs]) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    }
    expect(zs?.z).toBeCloseTo(-(z?.z ?? 0), 10);
    expect(Math.abs((zs?.pValue ?? 0) - (z?.pValue ?? 0))).toBeLessThan(1e-12);
    expect(Math.abs((fs ?? 0) - (f ?? 0))).toBeLessThan(1e-9);
  });
  fcTest.prop([tableArb], { numRuns: 100 })('Fisher and z agree roughly when every expected count is large', (t) => {
    const m = minExpectedCount(t);
    fc.pre(m !== null && m >= 30);
    const z = twoProportionZTest(t)?.pValue ?? 0;
    const f = fisherExactTest(t) ?? 0;
    // both approximate the same null distribution; with big cells they differ by a little (continuity)
    expect(Math.abs(z - f)).toBeLessThan(0.1);
  });
  it('min expected count follows the definition', () => {
    // pooled 75/200 = 0.375: expected successes 37.5 each, failures 62.5 each
    expect(minExpectedCount({ successesA: 45, trialsA: 100, successesB: 30, trialsB: 100 })).toBeCloseTo(37.5, 12);
    // 2/10 vs 1/30: pooled 3/40 → min = 10·0.075 = 0.75
    expect(minExpectedCount({ successesA: 2, trialsA: 10, successesB: 1, trialsB: 30 })).toBeCloseTo(0.75, 12);
    expect(minExpectedCount({ successesA: 0, trialsA: 0, successesB: 1, trialsB: 30 })).toBeNull();
  });
});

describe('quantiles (type 7)', () => {
  const x = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
  it.each([
    [0, 1],
    [0.1, 1],
    [0.25, 2.5],
    [0.5, 4],
    [0.9, 6],
    [0.95, 7.5],
    [1, 9],
  ])('quantile(x, %d) = %d as NumPy percentile', (p, want) => {
    expect(quantile(x, p)).toBeCloseTo(want, 12);
  });
  it('interpolates by hand: [10, 20, 30, 40] at 0.9 → h = 2.7 → 30 + 0.7·10 = 37', () => {
    expect(quantileSorted([10, 20, 30, 40], 0.9)).toBeCloseTo(37, 12);
    expect(median([10, 20, 30, 40])).toBe(25);
  });
  it('is null when empty, throws on a level outside [0, 1], does not mutate', () => {
    expect(quantile([], 0.5)).toBeNull();
    expect(() => quantile([1], 1.5)).toThrow(/\[0, 1\]/);
    expect(() => quantile([1], Number.NaN)).toThrow(/\[0, 1\]/);
    const input = [3, 1, 2];
    quantile(input, 0.5);
    expect(input).toEqual([3, 1, 2]);
  });
  fcTest.prop([fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })], { numRuns: 200 })(
    'lies within [min, max] and is monotone in the level',
    (xs, p, q) => {
      const [lo, hi] = p < q ? [p, q] : [q, p];
      const a = quantile(xs, lo) ?? Number.NaN;
      const b = quantile(xs, hi) ?? Number.NaN;
      expect(a).toBeLessThanOrEqual(b + 1e-9);
      expect(a).toBeGreaterThanOrEqual(Math.min(...xs));
      expect(b).toBeLessThanOrEqual(Math.max(...xs));
    },
  );
});
