import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { bernoulliConvolution, latticeQuantile } from '../../src/internal/convolution.js';
import { betaDraw, gammaDraw, simulateRevenue, winThreshold } from '../../src/internal/montecarlo.js';
import { createRng } from '../../src/internal/prng.js';
import { inverseCdfQuantile } from '../../src/internal/stats.js';

/** One cell per deal (every deal its own probability). */
function perDeal(amounts: Float64Array, probs: Float64Array): { amounts: Float64Array; cellStart: Int32Array; cellProb: Float64Array } {
  return { amounts, cellStart: Int32Array.from({ length: amounts.length + 1 }, (_, i) => i), cellProb: probs };
}

describe('Monte-Carlo revenue', () => {
  const amounts = Float64Array.from([100_00, 250_00, 40_00, 900_00, 10_00]);
  const probs = Float64Array.from([0.5, 0.2, 0.9, 0.1, 0.6]);
  it('same seed → same totals; different seed → different', () => {
    const a = simulateRevenue({ ...perDeal(amounts, probs), simulations: 200, seed: 7 });
    const b = simulateRevenue({ ...perDeal(amounts, probs), simulations: 200, seed: 7 });
    const c = simulateRevenue({ ...perDeal(amounts, probs), simulations: 200, seed: 8 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
  it('mean and quantiles converge to the exact convolution', () => {
    const sims = 40_000;
    const t = simulateRevenue({ ...perDeal(amounts, probs), simulations: sims, seed: 1 });
    const exact = bernoulliConvolution(amounts, probs);
    const mean = t.reduce((s, v) => s + v, 0) / sims;
    const sd = Math.sqrt(exact.variance);
    expect(Math.abs(mean - exact.mean)).toBeLessThan((4 * sd) / Math.sqrt(sims));
    const sorted = Float64Array.from(t).sort();
    // the empirical CDF at the exact median is within 0.01 of the exact CDF there
    const q50 = latticeQuantile(exact, 0.5);
    expect(inverseCdfQuantile(sorted, 0.5)).toBe(q50);
  });
  test.prop([fc.array(fc.tuple(fc.integer({ min: 1, max: 10_000 }), fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0.01, max: 1, noNaN: true }))), { minLength: 1, maxLength: 30 }), fc.integer()], { numRuns: 20 })(
    // p ≥ 0.01 (or exactly 0 / 1): with a tiny p the count of successes in 4000 runs is far from normal
    // and one lucky success is already 5 "standard errors" away, so the bound would not be a law
    'MC mean within 5 standard errors of Σ a p',
    (rows, seed) => {
      const a = Float64Array.from(rows.map((r) => r[0]));
      const p = Float64Array.from(rows.map((r) => r[1]));
      const sims = 4000;
      const t = simulateRevenue({ ...perDeal(a, p), simulations: sims, seed });
      const exact = bernoulliConvolution(a, p);
      const mean = t.reduce((s, v) => s + v, 0) / sims;
      expect(Math.abs(mean - exact.mean)).toBeLessThanOrEqual(5 * Math.sqrt(exact.variance / sims) + 1e-9);
    },
  );
  it('compound Poisson term adds μ × mean amount on average; progress and abort', () => {
    const sims = 20_000;
    const t = simulateRevenue({ ...perDeal(new Float64Array(0), new Float64Array(0)), simulations: sims, seed: 3, extraMean: 2, extraAmounts: Float64Array.from([10, 30]) });
    const mean = t.reduce((s, v) => s + v, 0) / sims;
    expect(Math.abs(mean - 40)).toBeLessThan(4 * Math.sqrt((2 * 500) / sims)); // Var = μ·E[A²]
    const seen: number[] = [];
    simulateRevenue({ ...perDeal(amounts, probs), simulations: 130, seed: 1, onProgress: (d) => seen.push(d) });
    expect(seen).toEqual([64, 128, 130]);
    const ac = new AbortController();
    ac.abort();
    expect(() => simulateRevenue({ ...perDeal(amounts, probs), simulations: 10, seed: 1, signal: ac.signal })).toThrow(expect.objectContaining({ code: 'ABORTED' }));
  });
});

describe('bit-sliced kernel: thresholds, certain cells, lanes', () => {
  it('the threshold ⌈p·2³²⌉ gives P(win) = T/2³² in [p, p + 2⁻³²): p = 0 never, p = 1 always', () => {
    const two32 = 2 ** 32;
    expect(winThreshold(0)).toBe(0);
    expect(winThreshold(-0)).toBe(0);
    expect(winThreshold(1)).toBe(two32);
    expect(winThreshold(0.5)).toBe(2 ** 31);
    expect(winThreshold(0.75)).toBe(3 * 2 ** 30);
    expect(winThreshold(2 ** -32)).toBe(1);
    expect(winThreshold(1e-20)).toBe(1); // P = 2⁻³², within 2⁻³² of p
    expect(winThreshold(1 - 2 ** -33)).toBe(two32); // always: within 2⁻³³ of p
    for (const p of [0.1, 0.25, 1 / 3, 0.8, 0.999999, 1e-9]) {
      const T = winThreshold(p);
      expect(Number.isInteger(T)).toBe(true);
      expect(T / two32).toBeGreaterThanOrEqual(p);
      expect(T / two32 - p).toBeLessThan(2 ** -32);
    }
  });
  it('certain cells: p = 1 wins in every simulation and p = 0 in none, next to an uncertain cell', () => {
    // cells: p = 1 (100 + 200), p = 0 (1000), p = 0.5 (7); 70 simulations = two full passes and 6 lanes
    const t = simulateRevenue({ amounts: Float64Array.of(100, 200, 1000, 7), cellStart: Int32Array.of(0, 2, 3, 4), cellProb: Float64Array.of(1, 0, 0.5), simulations: 70, seed: 5 });
    expect(Array.from(t).every((v) => v === 300 || v === 307)).toBe(true);
    expect(t.filter((v) => v === 307).length).toBeGreaterThan(20);
    expect(t.filter((v) => v === 307).length).toBeLessThan(50);
  });
  it('simulation k takes replicate k mod R in every lane of every pass (replicates alternating 0 and 1)', () => {
    const sims = 77;
    const t = simulateRevenue({
      amounts: Float64Array.of(5, 40),
      cellStart: Int32Array.of(0, 1, 2),
      cellProb: Float64Array.of(0.5, 1),
      cellDraws: { cells: Int32Array.of(0), replicates: 2, p: Float64Array.of(1, 0) },
      simulations: sims,
      seed: 2,
    });
    for (let k = 0; k < sims; k++) expect(t[k]).toBe(k % 2 === 0 ? 45 : 40);
  });
  it('lanes and deals are independent: each lane position wins at rate p, neighbouring simulations and deals agree at p² + (1 − p)²', () => {
    const sims = 32 * 400;
    const p = 0.3;
    // two deals of amounts 1 and 2 in one cell: total 0, 1, 2 or 3 tells both outcomes
    const t = simulateRevenue({ amounts: Float64Array.of(1, 2), cellStart: Int32Array.of(0, 2), cellProb: Float64Array.of(p), simulations: sims, seed: 9 });
    const a = Array.from(t, (v) => v % 2);
    const b = Array.from(t, (v) => (v >= 2 ? 1 : 0));
    const se = (n: number, q: number): number => 4 * Math.sqrt((q * (1 - q)) / n);
    for (let lane = 0; lane < 32; lane++) {
      let wins = 0;
      for (let k = lane; k < sims; k += 32) wins += a[k] as number;
      expect(Math.abs(wins / 400 - p)).toBeLessThan(se(400, p));
    }
    const agree = p * p + (1 - p) * (1 - p);
    let sameSim = 0;
    let sameDeal = 0;
    for (let k = 0; k < sims; k++) {
      if (a[k] === b[k]) sameDeal++;
      if (k + 1 < sims && a[k] === a[k + 1]) sameSim++;
    }
    expect(Math.abs(sameDeal / sims - agree)).toBeLessThan(se(sims, agree));
    expect(Math.abs(sameSim / (sims - 1) - agree)).toBeLessThan(se(sims, agree));
  });
});

describe('parameter uncertainty', () => {
  it('Beta draws have the requested mean and standard deviation; Gamma draws the shape as mean', () => {
    const rng = createRng(5);
    const n = 40_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const x = betaDraw(0.3, 0.05, rng);
      s += x;
      s2 += x * x;
    }
    const mean = s / n;
    expect(Math.abs(mean - 0.3)).toBeLessThan((4 * 0.05) / Math.sqrt(n));
    expect(Math.sqrt(s2 / n - mean * mean)).toBeCloseTo(0.05, 2);
    for (const shape of [0.3, 1, 7.5]) {
      let g = 0;
      for (let i = 0; i < n; i++) g += gammaDraw(shape, rng);
      // Var Gamma(k, 1) = k
      expect(Math.abs(g / n - shape)).toBeLessThan(4 * Math.sqrt(shape / n));
    }
    expect(betaDraw(0, 0.1, rng)).toBe(0);
    expect(betaDraw(1, 0.1, rng)).toBe(1);
    expect(betaDraw(0.4, 0, rng)).toBe(0.4);
  });
  it('one shared parameter draw per cell and simulation: Var S = n a² (p(1 − p) − σ²) + n² a² σ² (law of total variance)', () => {
    // 200 deals of 1.00 in one cell, p = 0.4 with standard error σ = 0.05
    const n = 200;
    const amounts = new Float64Array(n).fill(100);
    const sims = 20_000;
        const rng = createRng(12);
    const p = Float64Array.from({ length: sims }, () => betaDraw(0.4, 0.05, rng));
    const t = simulateRevenue({ amounts, cellStart: Int32Array.of(0, n), cellProb: Float64Array.of(0.4), cellDraws: { cells: Int32Array.of(0), replicates: sims, p }, simulations: sims, seed: 11 });
    const mean = t.reduce((s, v) => s + v, 0) / sims;
    const v = t.reduce((s, x) => s + (x - mean) ** 2, 0) / (sims - 1);
    const expected = n * 100 ** 2 * (0.24 - 0.0025) + n * n * 100 ** 2 * 0.0025; // 475,000 + 10,000,000
    expect(Math.abs(mean - n * 40)).toBeLessThan(4 * Math.sqrt(expected / sims));
    expect(v / expected).toBeGreaterThan(0.94);
    expect(v / expected).toBeLessThan(1.06);
    // without the standard error the variance is the binomial one, n a² p (1 − p) = 480,000
    const u = simulateRevenue({ amounts, cellStart: Int32Array.of(0, n), cellProb: Float64Array.of(0.4), simulations: sims, seed: 11 });
    const mu = u.reduce((s, x) => s + x, 0) / sims;
    const vu = u.reduce((s, x) => s + (x - mu) ** 2, 0) / (sims - 1);
    expect(vu / 480_000).toBeGreaterThan(0.94);
    expect(vu / 480_000).toBeLessThan(1.06);
  });
  it('a Gamma-distributed extra mean keeps its mean and widens the spread', () => {
    const sims = 20_000;
    const base = { ...perDeal(new Float64Array(0), new Float64Array(0)), simulations: sims, seed: 4, extraMean: 50, extraAmounts: Float64Array.of(1) };
    const fixed = simulateRevenue(base);
    const drawn = simulateRevenue({ ...base, extraCv: 0.2 });
    const stats = (x: Float64Array): [number, number] => {
      const m = x.reduce((s, v) => s + v, 0) / x.length;
      return [m, x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1)];
    };
    const [m1, v1] = stats(fixed);
    const [m2, v2] = stats(drawn);
    expect(Math.abs(m1 - 50)).toBeLessThan(4 * Math.sqrt(50 / sims));
    // Var = E[μ] + Var μ = 50 + (0.2 · 50)² = 150
    expect(Math.abs(m2 - 50)).toBeLessThan(4 * Math.sqrt(150 / sims));
    expect(v1 / 50).toBeCloseTo(1, 1);
    expect(v2 / 150).toBeCloseTo(1, 1);
  });
  it('a period multiplier θ (mean 1, sd τ) shared by every deal and the extra wins: Var S by the law of total variance', () => {
    // 200 deals of 1 at p = 0.1, τ = 0.3 (θp never reaches 1 in practice): E S = 20;
    // Var S = E[Σ θp(1 − θp)] + Var(θ) (Σ p)² = 200 (0.1 − 0.01 · 1.09) + 0.09 · 400 = 53.82
    const sims = 20_000;
    const amounts = new Float64Array(200).fill(1);
    const input = { amounts, cellStart: Int32Array.of(0, 200), cellProb: Float64Array.of(0.1), simulations: sims, seed: 11 };
    const stats = (x: Float64Array): [number, number] => {
      const m = x.reduce((s, v) => s + v, 0) / x.length;
      return [m, x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1)];
    };
    const [m0, v0] = stats(simulateRevenue(input));
    const [m1, v1] = stats(simulateRevenue({ ...input, periodSd: 0.3 }));
    expect(v0 / 18).toBeCloseTo(1, 1); // 200 · 0.1 · 0.9
    expect(v1 / 53.82).toBeCloseTo(1, 1);
    // the multipliers are rescaled to average exactly 1 over the run: the mean keeps the precision of
    // the Bernoulli draws alone
    expect(Math.abs(m1 - 20)).toBeLessThan(4 * Math.sqrt(18 / sims));
    expect(Math.abs(m0 - 20)).toBeLessThan(4 * Math.sqrt(18 / sims));
    // the extra (new-deal) wins move with θ: Var = μ + τ² μ² = 50 + 0.09 · 2500 = 275
    const extra = { amounts: new Float64Array(0), cellStart: Int32Array.of(0), cellProb: new Float64Array(0), simulations: sims, seed: 3, extraMean: 50, extraAmounts: Float64Array.of(1) };
    const [m2, v2] = stats(simulateRevenue({ ...extra, periodSd: 0.3 }));
    expect(v2 / 275).toBeCloseTo(1, 1);
    expect(Math.abs(m2 - 50)).toBeLessThan(4 * Math.sqrt(50 / sims));
  });
  it('periodSd 0 draws nothing: the same totals as without it', () => {
    const input = { ...perDeal(Float64Array.from([100, 250, 40]), Float64Array.from([0.5, 0.2, 0.9])), simulations: 300, seed: 5, extraMean: 2, extraCv: 0.3, extraAmounts: Float64Array.of(7, 9) };
    expect(Array.from(simulateRevenue({ ...input, periodSd: 0 }))).toEqual(Array.from(simulateRevenue(input)));
  });
});
