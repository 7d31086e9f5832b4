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
  test.prop([fc.array(fc.double({ min: 0, max: 1e12, noNaN: true }), { minLength: 4096, maxLength: 5000 })], { numRuns: 10 })('fractional values too, and the same as quickselect', (values) => {
    const a = Float64Array.from(values.map((v) => (Object.is(v, -0) ? 0 : v)));
    const q = quantilesNonNegative(a, 0, a.length, [0.5, 0.9]);
    expect(q).toEqual([quantileInPlace(Float64Array.from(a), 0, a.length, 0.5), quantileInPlace(Float64Array.from(a), 0, a.length, 0.9)]);
  });
  test('many equal values (one bucket holds everything)', () => {
    const a = new Float64Array(10_000).fill(3600_000);
    a[0] = 1;
    expect(quantilesNonNegative(a, 0, a.length, [0.5, 0.9, 0])).toEqual([3600_000, 3600_000, 1]);
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
