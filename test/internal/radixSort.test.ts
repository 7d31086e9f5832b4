import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { argsortNonNegative, sortNonNegativeInPlace } from '../../src/internal/radixSort.js';

describe('sortNonNegativeInPlace', () => {
  test.prop([fc.array(fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.double({ min: 0, max: 1e300, noNaN: true })), { minLength: 4096, maxLength: 6000 })], { numRuns: 20 })(
    'gives the native order for non-negative numbers (radix path)',
    (xs) => {
      const a = Float64Array.from(xs);
      const expected = Float64Array.from(xs).sort();
      sortNonNegativeInPlace(a);
      expect(Array.from(a)).toEqual(Array.from(expected));
    },
  );
  test.prop([fc.array(fc.double(), { minLength: 0, maxLength: 5000 })], { numRuns: 20 })('falls back to the native sort for any doubles', (xs) => {
    const a = Float64Array.from(xs);
    const expected = Float64Array.from(xs).sort();
    sortNonNegativeInPlace(a);
    expect(Array.from(a)).toEqual(Array.from(expected));
  });
  test.prop([fc.integer({ min: 4096, max: 5000 }), fc.integer({ min: 0, max: 1000 })], { numRuns: 5 })('sorts a subarray in place, leaving the rest', (n, off) => {
    const buf = new Float64Array(off + n + 3).fill(7);
    const sub = buf.subarray(off, off + n);
    for (let i = 0; i < n; i++) sub[i] = (i * 7919) % 1000;
    sortNonNegativeInPlace(sub);
    for (let i = 1; i < n; i++) expect(sub[i - 1] as number).toBeLessThanOrEqual(sub[i] as number);
    expect(buf[off + n]).toBe(7);
  });
});

describe('argsortNonNegative', () => {
  /** A naive stable argsort: the indexes in key order, ties in their given order. */
  const naive = (keys: Float64Array, idx: number[]): number[] => idx.map((i, j) => [i, j] as const).sort((x, y) => (keys[x[0]] as number) - (keys[y[0]] as number) || x[1] - y[1]).map((x) => x[0]);
  test.prop([fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.double({ min: 0, max: 1e12, noNaN: true, noDefaultInfinity: true })), { minLength: 4096, maxLength: 5000 }), fc.boolean()], { numRuns: 10 })(
    'a stable order of the keys (ties keep the given order), on the radix path and below it',
    (xs, reverse) => {
      const keys = Float64Array.from(xs, (x) => (Object.is(x, -0) ? 0 : x));
      const idx = keys.map((_, i) => i);
      if (reverse) idx.reverse();
      expect(Array.from(argsortNonNegative(keys, Int32Array.from(idx)))).toEqual(naive(keys, Array.from(idx)));
      // below the radix threshold (the comparison-sort path)
      const few = Int32Array.from(idx.slice(0, 100));
      expect(Array.from(argsortNonNegative(keys, few))).toEqual(naive(keys, Array.from(few)));
    },
  );
});
