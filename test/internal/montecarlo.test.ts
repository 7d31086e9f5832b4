import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { bernoulliConvolution, latticeQuantile } from '../../src/internal/convolution.js';
import { simulateRevenue } from '../../src/internal/montecarlo.js';
import { inverseCdfQuantile } from '../../src/internal/stats.js';

describe('Monte-Carlo revenue', () => {
  const amounts = Float64Array.from([100_00, 250_00, 40_00, 900_00, 10_00]);
  const probs = Float64Array.from([0.5, 0.2, 0.9, 0.1, 0.6]);
  it('same seed → same totals; different seed → different', () => {
    const a = simulateRevenue({ amounts, probs, simulations: 200, seed: 7 });
    const b = simulateRevenue({ amounts, probs, simulations: 200, seed: 7 });
    const c = simulateRevenue({ amounts, probs, simulations: 200, seed: 8 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
  it('mean and quantiles converge to the exact convolution', () => {
    const sims = 40_000;
    const t = simulateRevenue({ amounts, probs, simulations: sims, seed: 1 });
    const exact = bernoulliConvolution(amounts, probs);
    const mean = t.reduce((s, v) => s + v, 0) / sims;
    const sd = Math.sqrt(exact.variance);
    expect(Math.abs(mean - exact.mean)).toBeLessThan((4 * sd) / Math.sqrt(sims));
    const sorted = Float64Array.from(t).sort();
    // the empirical CDF at the exact median is within 0.01 of the exact CDF there
    const q50 = latticeQuantile(exact, 0.5);
    expect(inverseCdfQuantile(sorted, 0.5)).toBe(q50);
  });
  test.prop([fc.array(fc.tuple(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 30 }), fc.integer()], { numRuns: 20 })(
    'MC mean within 5 standard errors of Σ a p',
    (rows, seed) => {
      const a = Float64Array.from(rows.map((r) => r[0]));
      const p = Float64Array.from(rows.map((r) => r[1]));
      const sims = 4000;
      const t = simulateRevenue({ amounts: a, probs: p, simulations: sims, seed });
      const exact = bernoulliConvolution(a, p);
      const mean = t.reduce((s, v) => s + v, 0) / sims;
      expect(Math.abs(mean - exact.mean)).toBeLessThanOrEqual(5 * Math.sqrt(exact.variance / sims) + 1e-9);
    },
  );
  it('compound Poisson term adds μ × mean amount on average; progress and abort', () => {
    const sims = 20_000;
    const t = simulateRevenue({ amounts: new Float64Array(0), probs: new Float64Array(0), simulations: sims, seed: 3, extraMean: 2, extraAmounts: Float64Array.from([10, 30]) });
    const mean = t.reduce((s, v) => s + v, 0) / sims;
    expect(Math.abs(mean - 40)).toBeLessThan(4 * Math.sqrt((2 * 500) / sims)); // Var = μ·E[A²]
    const seen: number[] = [];
    simulateRevenue({ amounts, probs, simulations: 130, seed: 1, onProgress: (d) => seen.push(d) });
    expect(seen).toEqual([64, 128, 130]);
    const ac = new AbortController();
    ac.abort();
    expect(() => simulateRevenue({ amounts, probs, simulations: 10, seed: 1, signal: ac.signal })).toThrow(expect.objectContaining({ code: 'ABORTED' }));
  });
});
