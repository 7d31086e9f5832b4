import { describe, expect, it } from 'vitest';
import { segmentSignificance } from '../../src/index.js';

/** Exact hypergeometric tail by BigInt, independent of the library's log-gamma path. */
function choose(n: number, k: number): bigint {
  if (k < 0 || k > n) return 0n;
  let r = 1n;
  for (let i = 1; i <= k; i++) r = (r * BigInt(n - k + i)) / BigInt(i);
  return r;
}
function tail(N: number, K: number, n: number, from: number, to: number): number {
  let num = 0n;
  for (let i = from; i <= to; i++) num += choose(K, i) * choose(N - K, n - i);
  return Number((num * 10n ** 30n) / choose(N, n)) / 1e30;
}

describe('segmentSignificance (Mixpanel hypergeometric)', () => {
  it('the tea-tasting urn: N=8, K=4, n=4, k=3', () => {
    const s = segmentSignificance({ entered: 8, converted: 4 }, { entered: 4, converted: 3 });
    expect(s.outperform).toBeCloseTo(53 / 70, 14);
    expect(s.underperform).toBeCloseTo(1 / 70, 14);
    expect(s.pValue).toBeCloseTo(17 / 70, 14);
    expect(s.confidence).toBeCloseTo(53 / 70, 14);
    expect(s.direction).toBe('outperform');
    expect(s.sufficient).toBe(false);
    expect(s.significant).toBe(false);
    expect(s.rules).toEqual({ test: 'hypergeometric', population: 8, successes: 4, draws: 4, observed: 3, confidenceLevel: 0.95, minSample: 30 });
  });
  it('a segment converting exactly at the expected rate in a symmetric urn is neutral with p = 1 − P(X<k)', () => {
    // N=20, K=10, n=10, k=5: symmetric, P(X<5) = P(X>5)
    const s = segmentSignificance({ entered: 20, converted: 10 }, { entered: 10, converted: 5 });
    expect(s.direction).toBe('neutral');
    expect(s.pValue).toBeCloseTo(1 - tail(20, 10, 10, 0, 4), 12);
  });
  it('a large underperforming segment is significant; p matches the exact tail', () => {
    // 1,000 entrants, 200 converted; segment 300 entrants with 40 converters (expected 60)
    const s = segmentSignificance({ entered: 1000, converted: 200 }, { entered: 300, converted: 40 });
    expect(s.direction).toBe('underperform');
    expect(s.pValue).toBeCloseTo(tail(1000, 200, 300, 0, 40), 12);
    expect(s.pValue).toBeLessThan(0.001);
    expect(s.significant).toBe(true);
  });
  it('the whole funnel as its own segment is never significant', () => {
    const s = segmentSignificance({ entered: 500, converted: 120 }, { entered: 500, converted: 120 });
    expect(s.pValue).toBe(1);
    expect(s.significant).toBe(false);
  });
  it('impossible counts throw naming the field', () => {
    expect(() => segmentSignificance({ entered: 10, converted: 5 }, { entered: 4, converted: 5 })).toThrow(/segment\.converted/);
    expect(() => segmentSignificance({ entered: 10, converted: 5 }, { entered: 11, converted: 1 })).toThrow(/segment\.entered/);
    expect(() => segmentSignificance({ entered: 10, converted: 9 }, { entered: 5, converted: 1 })).toThrow(/non-converters/);
    expect(() => segmentSignificance({ entered: 1.5, converted: 0 }, { entered: 0, converted: 0 })).toThrow(/overall\.entered/);
    expect(() => segmentSignificance({ entered: 10, converted: 5 }, { entered: 5, converted: 1 }, { confidenceLevel: 1 })).toThrow(/confidenceLevel/);
  });
});
