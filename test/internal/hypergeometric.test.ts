import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { hypergeometricPmf, hypergeometricTails, mean } from '../../src/internal/stats.js';
import { isFunnelError } from '../../src/index.js';

/** Exact binomial coefficient with BigInt: an independent reference for the log-space code. */
const memo = new Map<string, bigint>();
function chooseBig(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  const key = `${n},${k}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  memo.set(key, r);
  return r;
}
/** P(X = k) as an exact rational, converted once to a double. */
function pmfExact(k: number, N: number, K: number, n: number): number {
  const num = chooseBig(K, k) * chooseBig(N - K, n - k);
  const den = chooseBig(N, n);
  // scale to keep 30 significant digits before converting
  const scaled = (num * 10n ** 30n) / den;
  return Number(scaled) / 1e30;
}
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('hypergeometric distribution', () => {
  it("Mixpanel's sock drawer: 20 socks, 10 red, draw 10, P(9 red) = C(10,9)·C(10,1)/C(20,10) = 100/184756", () => {
    expect(hypergeometricPmf(9, 20, 10, 10)).toBeCloseTo(100 / 184756, 15);
  });
  it('Fisher tea tasting: N=8, K=4, n=4 gives 1, 16, 36, 16, 1 over 70', () => {
    const d = { population: 8, successes: 4, draws: 4 };
    expect([0, 1, 2, 3, 4].map((k) => hypergeometricPmf(k, d.population, d.successes, d.draws) * 70).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([1, 16, 36, 16, 1]);
    const t = hypergeometricTails(3, d);
    expect(t.below).toBeCloseTo(53 / 70, 14);
    expect(t.equal).toBeCloseTo(16 / 70, 14);
    expect(t.above).toBeCloseTo(1 / 70, 14);
    expect(hypergeometricPmf(5, d.population, d.successes, d.draws)).toBe(0);
  });
  it('agrees with exact BigInt rationals on funnel-sized populations', () => {
    // 90,400 entrants, 452 converters, a 30,200-unit segment (the e-commerce Mobile users)
    const d = { population: 90400, successes: 452, draws: 30200 };
    for (const k of [100, 130, 151, 170, 200]) {
      expect(rel(hypergeometricPmf(k, d.population, d.successes, d.draws), pmfExact(k, 90400, 452, 30200))).toBeLessThan(1e-9);
    }
    const small = { population: 200, successes: 60, draws: 50 };
    let below = 0;
    for (let i = 0; i < 12; i++) below += pmfExact(i, 200, 60, 50);
    expect(rel(hypergeometricTails(12, small).below, below)).toBeLessThan(1e-10);
  });
  propTest.prop([fc.integer({ min: 0, max: 120 }), fc.nat(), fc.nat(), fc.nat()], { numRuns: 60 })(
    'tails sum to 1 and match the exact pmf sums',
    (N, kRaw, nRaw, xRaw) => {
      const K = N === 0 ? 0 : kRaw % (N + 1);
      const n = N === 0 ? 0 : nRaw % (N + 1);
      const x = n === 0 ? 0 : xRaw % (n + 1);
      const t = hypergeometricTails(x, { population: N, successes: K, draws: n });
      expect(t.below + t.equal + t.above).toBeCloseTo(1, 12);
      let above = 0;
      for (let i = x + 1; i <= n; i++) above += pmfExact(i, N, K, n);
      expect(Math.abs(t.above - above)).toBeLessThan(1e-12);
    },
  );
  it('rejects impossible parameters naming the field', () => {
    try {
      hypergeometricTails(1, { population: 10, successes: 11, draws: 2 });
      expect.unreachable();
    } catch (e) {
      expect(isFunnelError(e) && e.path).toEqual(['successes']);
    }
  });
});

describe('mean', () => {
  it('hand example, null for an empty sample, input untouched', () => {
    const xs = [3600, 2220, 82800];
    expect(mean(xs)).toBe(29540);
    expect(xs).toEqual([3600, 2220, 82800]);
    expect(mean([])).toBeNull();
  });
});
