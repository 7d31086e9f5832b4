import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { quantileInPlace, quantilesNonNegative } from '../../src/internal/select.js';

// Reference: type-7 quantile of a fully sorted copy (R's and NumPy's default), written out here.
function type7(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const f = Math.floor(h);
  const x = s[f] as number;
  return f + 1 < s.length && h !== f ? x + (h - f) * ((s[f + 1] as number) - x) : x;
}

const PS = [0.5, 0.9, 0, 1, 0.25];

describe('quantilesNonNegative (radix selection)', () => {
  test.prop(
    [
      fc.array(fc.oneof(fc.integer({ min: 0, max: 2_000_000_000 }), fc.constantFrom(0, 1, 86_400_000)), { minLength: 4096, maxLength: 6000 }),
      fc.nat({ max: 50 }),
      fc.nat({ max: 50 }),
    ],
    { numRuns: 25 },
  )('equals the type-7 quantile of a sorted copy, on any sub-range, and leaves the input as it was', (values, padLo, padHi) => {
    const a = new Float64Array(padLo + values.length + padHi).fill(7);
    a.set(values, padLo);
    const before = Array.from(a);
    const q = quantilesNonNegative(a, padLo, padLo + values.length, PS);
    expect(q).not.toBeNull();
    PS.forEach((p, k) => expect(q?.[k]).toBe(type7(values, p)));
    expect(Array.from(a)).toEqual(before);
  });
  test.prop([fc.array(fc.double({ min: 0, max: 1e12, noNaN: true }), { minLength: 4096, maxLength: 5000 })], { numRuns: 10 })('fractional values too, and the same as quickselect; the sum in index order', (values) => {
    const a = Float64Array.from(values.map((v) => (Object.is(v, -0) ? 0 : v)));
    const sum = new Float64Array(1);
    const q = quantilesNonNegative(a, 0, a.length, [0.5, 0.9], sum);
    expect(q).toEqual([quantileInPlace(Float64Array.from(a), 0, a.length, 0.5), quantileInPlace(Float64Array.from(a), 0, a.length, 0.9)]);
    // the counting pass's sum: added in index order, bit for bit (fractional sums depend on the order)
    let s = 0;
    for (const v of a) s += v;
    expect(sum[0]).toBe(s);
  });
  test('many equal values (one bucket holds everything)', () => {
    const a = new Float64Array(10_000).fill(3600_000);
    a[0] = 1;
    expect(quantilesNonNegative(a, 0, a.length, [0.5, 0.9, 0])).toEqual([3600_000, 3600_000, 1]);
  });
  test.each([5000, 70_000])('the sum is added in index order: 2^53 and then %i ones (each one is lost to rounding in that order)', (ones) => {
    const a = new Float64Array(ones + 1).fill(1);
    a[0] = 2 ** 53;
    const sum = new Float64Array(1);
    expect(quantilesNonNegative(a, 0, a.length, [0.5], sum)).toEqual([1]);
    expect(sum[0]).toBe(2 ** 53); // ones added up first (in lanes, pairs …) would give more
    const b = a.slice(1);
    b[ones - 1] = 2 ** 53; // the ones first: their sum survives (2^53 + ones − 1, odd, rounds to the even 2^53 + ones)
    quantilesNonNegative(b, 0, b.length, [0.5], sum);
    expect(sum[0]).toBe(2 ** 53 + ones);
  });
  test.prop(
    [fc.array(fc.oneof(fc.integer({ min: 0, max: 2_000_000_000 }), fc.double({ min: 0, max: 1e9, noNaN: true })), { minLength: 65_536, maxLength: 66_000 }), fc.nat({ max: 9 })],
    // no shrinking: a failure on 65k values would take minutes to shrink
    { numRuns: 4, endOnFailure: true },
  )('from 65,536 values (four histogram lanes): the type-7 quantiles of a sorted copy and the index-order sum, on a sub-range', (values, pad) => {
    const a = new Float64Array(pad + values.length).fill(5);
    a.set(values.map((v) => (Object.is(v, -0) ? 0 : v)), pad);
    const sum = new Float64Array(1);
    const q = quantilesNonNegative(a, pad, a.length, PS, sum);
    const clean = Array.from(a.subarray(pad));
    PS.forEach((p, k) => expect(q?.[k]).toBe(type7(clean, p)));
    let s = 0;
    for (const v of clean) s += v;
    expect(sum[0]).toBe(s);
  });
  test('declines small ranges and values it cannot order by bits', () => {
    expect(quantilesNonNegative(new Float64Array(10), 0, 10, [0.5])).toBeNull();
    for (const bad of [-1, -0, Infinity, Number.NaN]) {
      const a = new Float64Array(5000).fill(2);
      a[4321] = bad;
      expect(quantilesNonNegative(a, 0, a.length, [0.5])).toBeNull();
    }
  });
});
