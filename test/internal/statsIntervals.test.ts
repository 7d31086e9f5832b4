import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { betaCdf, betaQuantile, inverseCdfQuantile, jeffreysInterval, normalQuantile, solveLinear, wilsonInterval } from '../../src/internal/stats.js';

describe('special functions', () => {
  it('normal quantiles match tabulated values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 10);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 10);
    expect(normalQuantile(1e-5)).toBeCloseTo(-4.264890793922825, 8);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
  });
  it('Beta CDF and quantile on closed forms', () => {
    // Beta(2,1): F(x) = x², quantile √p. Beta(2,3): F(x) = 1 − (1−x)⁴ − 4x(1−x)³.
    expect(betaQuantile(0.3, 2, 1)).toBeCloseTo(Math.sqrt(0.3), 10);
    expect(betaCdf(0.3, 2, 3)).toBeCloseTo(1 - 0.7 ** 4 - 4 * 0.3 * 0.7 ** 3, 12);
    expect(betaQuantile(0.5, 1, 1)).toBeCloseTo(0.5, 10);
  });
  test.prop([fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.double({ min: 0.5, max: 50, noNaN: true }), fc.double({ min: 0.5, max: 50, noNaN: true })], { numRuns: 50 })(
    'betaCdf(betaQuantile(p)) = p',
    (p, a, b) => {
      expect(betaCdf(betaQuantile(p, a, b), a, b)).toBeCloseTo(p, 7);
    },
  );
});

describe('binomial intervals', () => {
  it('Wilson 95% for 5/10 is (0.2366, 0.7634) and for 0/10 is (0, z²/(n+z²))', () => {
    const w = wilsonInterval(5, 10);
    expect(w.lower).toBeCloseTo(0.23659, 4);
    expect(w.upper).toBeCloseTo(0.76341, 4);
    const z = 1.959963984540054;
    const w0 = wilsonInterval(0, 10);
    expect(w0.lower).toBe(0);
    expect(w0.upper).toBeCloseTo((z * z) / (10 + z * z), 10);
  });
  it('Wilson 95% for 81/263 matches the published (0.2553, 0.3662)', () => {
    const w = wilsonInterval(81, 263);
    expect(w.lower).toBeCloseTo(0.2553, 4);
    expect(w.upper).toBeCloseTo(0.3662, 4);
  });
  it('Jeffreys: 0/10 upper end = Beta(0.5, 10.5) 97.5% quantile; symmetric at 5/10', () => {
    const j0 = jeffreysInterval(0, 10);
    expect(j0.lower).toBe(0);
    expect(betaCdf(j0.upper, 0.5, 10.5)).toBeCloseTo(0.975, 9);
    const j = jeffreysInterval(5, 10);
    expect(j.lower + j.upper).toBeCloseTo(1, 9);
    expect(jeffreysInterval(10, 10).upper).toBe(1);
  });
  test.prop([fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 })], { numRuns: 100 })('intervals lie in [0,1] and contain k/n', (a, b) => {
    const n = a + b;
    const k = a;
    for (const iv of [wilsonInterval(k, n), jeffreysInterval(k, n)]) {
      expect(iv.lower).toBeGreaterThanOrEqual(0);
      expect(iv.upper).toBeLessThanOrEqual(1);
      if (n > 0) {
        expect(iv.lower).toBeLessThanOrEqual(k / n + 1e-12);
        expect(iv.upper).toBeGreaterThanOrEqual(k / n - 1e-12);
      }
    }
  });
});

describe('inverseCdfQuantile and solveLinear', () => {
  it('inverse empirical CDF', () => {
    expect(inverseCdfQuantile([1, 2, 3, 4], 0.5)).toBe(2);
    expect(inverseCdfQuantile([1, 2, 3, 4], 0.51)).toBe(3);
    expect(inverseCdfQuantile([1, 2, 3, 4], 1)).toBe(4);
    expect(inverseCdfQuantile([1, 2, 3, 4], 0)).toBe(1);
    expect(inverseCdfQuantile([], 0.5)).toBeNull();
  });
  it('solves a 3×3 system and detects singular matrices', () => {
    // 2x + y = 3, x + 3y + z = 5, y + 4z = 5 → x = y = z = 1
    const x = solveLinear([2, 1, 0, 1, 3, 1, 0, 1, 4], [3, 5, 5], 3, 1);
    expect(Array.from(x ?? [])).toEqual([1, 1, 1].map((v) => expect.closeTo(v, 12)));
    expect(solveLinear([1, 2, 2, 4], [1, 1], 2, 1)).toBeNull();
  });
});
