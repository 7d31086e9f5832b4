/**
 * medianOf (sampled, branch-free pre-selection) = the midpoint of the two middle values of a sorted
 * copy, on large arrays with ties, skew, sorted and reversed input, negative values and zeros — and on
 * arrays small enough for the plain selection.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianOf, SAMPLED_MEDIAN_MIN } from '../../src/internal/medianOf.js';

function sortedMedian(xs: ArrayLike<number>): number | null {
  const s = Array.from(xs).sort((a, b) => a - b);
  const m = s.length;
  if (m === 0) return null;
  return m % 2 === 1 ? s[(m - 1) / 2]! : s[m / 2 - 1]! + 0.5 * (s[m / 2]! - s[m / 2 - 1]!);
}

function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
}

describe('medianOf', () => {
  it('is null on an empty range and the value itself for one value', () => {
    expect(medianOf(new Float64Array(3), 0)).toBeNull();
    expect(medianOf(Float64Array.of(7, 1, 2), 1)).toBe(7);
  });
  it('equals the sorted median on large generated arrays (odd and even sizes)', () => {
    const rnd = lcg(17);
    const shapes: Array<(i: number, n: number) => number> = [
      () => Math.floor(-Math.log(1 - rnd()) * 5e7), // exponential, integer ms
      () => Math.floor(rnd() * 4), // four distinct values, heavy ties
      (i) => i, // sorted
      (i, n) => n - i, // reversed
      () => (rnd() - 0.5) * 1e6, // negatives and fractions
      (i) => (i % 1000 === 0 ? 1e12 : 0), // mostly zeros, a few huge
      () => 42, // constant
    ];
    for (const [si, shape] of shapes.entries()) {
      for (const n of [SAMPLED_MEDIAN_MIN, SAMPLED_MEDIAN_MIN + 1, 50_001, 200_000]) {
        const xs = Float64Array.from({ length: n }, (_, i) => shape(i, n));
        const want = sortedMedian(xs);
        expect(medianOf(xs, n), `shape ${si}, n ${n}`).toBe(want);
      }
    }
  });
  it('only reads the first n values', () => {
    const xs = new Float64Array(SAMPLED_MEDIAN_MIN + 10).fill(1);
    xs.fill(1e9, SAMPLED_MEDIAN_MIN);
    expect(medianOf(xs, SAMPLED_MEDIAN_MIN)).toBe(1);
  });
  it('equals the sorted median on random small and mid-sized arrays', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 300 }), fc.integer({ min: 1, max: 40 }), (xs, rep) => {
        const big = Float64Array.from({ length: xs.length * rep * 30 }, (_, i) => xs[i % Math.max(1, xs.length)] ?? 0);
        expect(medianOf(Float64Array.from(xs), xs.length)).toBe(sortedMedian(xs));
        expect(medianOf(big.slice(), big.length)).toBe(sortedMedian(big));
      }),
      { numRuns: 60, seed: 99 },
    );
  });
});
