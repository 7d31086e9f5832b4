import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/internal/decimal.js';
import { roundHalfEven, weightedMinor } from '../../src/internal/money.js';

// The weighted amount Σ minor × p, exact, rounded half-even to the minor unit once — computed with
// BigInt. The reference is the decimal formula it replaced (decimal.js, 40 digits, exact here).
const viaDecimal = (pairs: ReadonlyArray<readonly [number, bigint]>): bigint => {
  let w = new Decimal(0);
  for (const [p, minor] of pairs) w = w.plus(new Decimal(minor.toString()).times(new Decimal(String(p))));
  return BigInt(w.toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toFixed(0));
};

describe('roundHalfEven', () => {
  it('ties go to the even neighbour, symmetric for negatives; other values to the nearest', () => {
    expect([25n, 35n, 26n, 24n, -25n, -35n, -26n, -24n, 0n].map((x) => roundHalfEven(x, 1))).toEqual([2n, 4n, 3n, 2n, -2n, -4n, -3n, -2n, 0n]);
    expect(roundHalfEven(12345n, 0)).toBe(12345n);
    expect(roundHalfEven(150n, 2)).toBe(2n); // 1.50 → 2
    expect(roundHalfEven(250n, 2)).toBe(2n); // 2.50 → 2
    expect(roundHalfEven(-151n, 2)).toBe(-2n);
  });
});

describe('weightedMinor', () => {
  it('hand-worked: 0.1 is one tenth, a tie rounds to even, tiny and exponent-form probabilities are exact', () => {
    expect(weightedMinor([[0.1, 100000n]])).toBe(10000n); // 1000.00 × 0.1 = 100.00
    expect(weightedMinor([[0.5, 33334n], [0.9, 10000n]])).toBe(25667n); // 166.67 + 90.00 = 256.67
    expect(weightedMinor([[0.5, 5n]])).toBe(2n); // 2.5 → 2
    expect(weightedMinor([[0.5, 7n]])).toBe(4n); // 3.5 → 4
    expect(weightedMinor([[1e-9, 10n ** 12n]])).toBe(1000n);
    expect(weightedMinor([[0.30000000000000004, 10n]])).toBe(3n); // 3.0000000000000004 → 3
    expect(weightedMinor([[1, -12345n], [0, 999n]])).toBe(-12345n);
    expect(weightedMinor([])).toBe(0n);
    // the sum is rounded once, not each product: 0.5 × 1 + 0.5 × 1 = 1, not 0 + 0
    expect(weightedMinor([[0.5, 1n], [0.25, 2n]])).toBe(1n);
    // exact where 40 decimal digits are not: 890350088013161.5 minus a denormal is just below the tie
    expect(weightedMinor([[0.1, 8903500880131615n], [5e-324, -1n]])).toBe(890350088013161n);
  });

  test.prop(
    [
      fc.array(
        fc.tuple(
          // probabilities ≥ 1e-6 (and 0): then every sum fits the reference's 40 digits exactly
          fc.oneof(fc.double({ min: 1e-6, max: 1, noNaN: true }), fc.constantFrom(0, 1, 0.05, 0.1, 0.25, 5e-6, 0.999)),
          fc.bigInt({ min: -(2n ** 53n), max: 2n ** 53n }),
        ),
        { maxLength: 8 },
      ),
    ],
    { numRuns: 300 },
  )('equals the decimal product and sum rounded half-even once', (pairs) => {
    expect(weightedMinor(pairs)).toBe(viaDecimal(pairs));
  });
});
