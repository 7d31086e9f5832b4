import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  fisherExactTest,
  hypergeometricPmf,
  hypergeometricTails,
  logChoose,
  logGamma,
  mean,
  median,
} from '../../src/internal/stats.js';
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

describe('logGamma', () => {
  it('matches ln((x−1)!) computed as a plain sum of logs, and ln√π at 1/2', () => {
    let lf = 0;
    for (let x = 1; x <= 400; x++) {
      expect(rel(logGamma(x), lf)).toBeLessThan(1e-13);
      lf += Math.log(x);
    }
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(logGamma(1.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI) / 2), 13);
    expect(logGamma(0.25)).toBeCloseTo(1.2880225246980774, 12); // ln Γ(1/4), tables: Γ(1/4) = 3.6256099082
  });
  it('rejects non-positive input with a FunnelError', () => {
    expect(() => logGamma(0)).toThrow(/positive finite number/);
    expect(() => logGamma(Number.NaN)).toThrow();
  });
  it('ln C(n, k) agrees with BigInt binomials', () => {
    for (const [n, k] of [[10, 3], [52, 5], [1000, 500], [90400, 452]] as const) {
      const exact = chooseBig(n, k);
      const digits = exact.toString();
      // ln of a big integer: ln(mantissa) + (len − 17)·ln 10
      const lnExact = Math.log(Number(digits.slice(0, 17))) + (digits.length - 17 > 0 ? (digits.length - 17) * Math.LN10 : Math.log(10 ** (digits.length - 17)));
      expect(rel(logChoose(n, k), digits.length <= 17 ? Math.log(Number(exact)) : lnExact)).toBeLessThan(1e-12);
    }
    expect(logChoose(5, 6)).toBe(-Infinity);
  });
});

describe('hypergeometric distribution', () => {
  it("Mixpanel's sock drawer: 20 socks, 10 red, draw 10, P(9 red) = C(10,9)·C(10,1)/C(20,10) = 100/184756", () => {
    expect(hypergeometricPmf(9, { population: 20, successes: 10, draws: 10 })).toBeCloseTo(100 / 184756, 15);
  });
  it('Fisher tea tasting: N=8, K=4, n=4 gives 1, 16, 36, 16, 1 over 70', () => {
    const d = { population: 8, successes: 4, draws: 4 };
    expect([0, 1, 2, 3, 4].map((k) => hypergeometricPmf(k, d) * 70).map((v) => Math.round(v * 1e9) / 1e9)).toEqual([1, 16, 36, 16, 1]);
    const t = hypergeometricTails(3, d);
    expect(t.below).toBeCloseTo(53 / 70, 14);
    expect(t.equal).toBeCloseTo(16 / 70, 14);
    expect(t.above).toBeCloseTo(1 / 70, 14);
    expect(hypergeometricPmf(5, d)).toBe(0);
  });
  it('agrees with exact BigInt rationals on funnel-sized populations', () => {
    // 90,400 entrants, 452 converters, a 30,200-unit segment (the e-commerce Mobile users)
    const d = { population: 90400, successes: 452, draws: 30200 };
    for (const k of [100, 130, 151, 170, 200]) {
      expect(rel(hypergeometricPmf(k, d), pmfExact(k, 90400, 452, 30200))).toBeLessThan(1e-9);
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
      hypergeometricPmf(1, { population: 10, successes: 11, draws: 2 });
      expect.unreachable();
    } catch (e) {
      expect(isFunnelError(e) && e.path).toEqual(['successes']);
    }
  });
});

describe('fisherExactTest', () => {
  it('tea tasting [[3,1],[1,3]]: two-sided 34/70, greater 17/70, less 69/70', () => {
    expect(fisherExactTest(3, 1, 1, 3)).toBeCloseTo(34 / 70, 12);
    expect(fisherExactTest(3, 1, 1, 3, 'greater')).toBeCloseTo(17 / 70, 12);
    expect(fisherExactTest(3, 1, 1, 3, 'less')).toBeCloseTo(69 / 70, 12);
  });
  it('the textbook dieting example [[1,9],[11,3]]: one-sided 0.001346, two-sided 0.002759', () => {
    // rows: men / women; columns: dieting / not. N = 24, row 1 = 10, column 1 = 12.
    // P(X ≤ 1) = (C(12,0)C(12,10) + C(12,1)C(12,9)) / C(24,10) = (66 + 2640) / 1961256
    expect(fisherExactTest(1, 9, 11, 3, 'less')).toBeCloseTo(2706 / 1961256, 12);
    // two-sided adds the mirror tail X ≥ 9: C(12,9)C(12,1) + C(12,10)C(12,0) = 2640 + 66 (symmetric margins)
    expect(fisherExactTest(1, 9, 11, 3)).toBeCloseTo(5412 / 1961256, 12);
    expect(fisherExactTest(1, 9, 11, 3)).toBeCloseTo(0.002759, 6);
  });
  it('an uninformative table gives p = 1', () => {
    expect(fisherExactTest(5, 5, 5, 5)).toBeCloseTo(1, 12);
    expect(fisherExactTest(0, 0, 0, 0)).toBe(1);
  });
  it('rejects negative or fractional cells', () => {
    expect(() => fisherExactTest(-1, 1, 1, 1)).toThrow(/non-negative integer cell count/);
    expect(() => fisherExactTest(1.5, 1, 1, 1)).toThrow(/table\[0\]/);
  });
});

describe('mean and median', () => {
  it('hand examples, null for empty samples, input untouched', () => {
    const xs = [3600, 2220, 82800];
    expect(mean(xs)).toBe(29540);
    expect(median(xs)).toBe(3600);
    expect(xs).toEqual([3600, 2220, 82800]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mean([])).toBeNull();
    expect(median([])).toBeNull();
  });
});
