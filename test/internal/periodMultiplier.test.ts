import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { cappedMean, regularizedGammaP, uncappedChance } from '../../src/internal/periodMultiplier.js';
import { erfc } from '../../src/internal/stats.js';

describe('regularized incomplete gamma P(a, x)', () => {
  it('closed forms: a = 1, 2, 1/2', () => {
    for (const x of [0.01, 0.3, 1, 2.5, 7, 30]) {
      expect(regularizedGammaP(1, x)).toBeCloseTo(1 - Math.exp(-x), 13);
      expect(regularizedGammaP(2, x)).toBeCloseTo(1 - Math.exp(-x) * (1 + x), 13);
      expect(regularizedGammaP(0.5, x)).toBeCloseTo(1 - erfc(Math.sqrt(x)), 12);
    }
    expect(regularizedGammaP(3, 0)).toBe(0);
  });
});

describe('the uncapped chance q(p): E[min(1, θ q(p))] = p', () => {
  it('θ ~ Exponential(1) (shape 1): E[min(1, θq)] = q(1 − e^(−1/q)) by hand', () => {
    for (const q of [0.1, 0.5, 1, 3]) expect(cappedMean(q, 1)).toBeCloseTo(q * (1 - Math.exp(-1 / q)), 12);
  });
  test.prop([fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.double({ min: 0.5, max: 400, noNaN: true })], { numRuns: 40 })('every chance keeps its expectation', (p, shape) => {
    const q = uncappedChance(shape)(p);
    expect(q).toBeGreaterThanOrEqual(p * (1 - 1e-12));
    // the table is read by linear interpolation: about 10⁻⁴ near the kink at q = 1 when θ is sharp
    expect(Math.abs(cappedMean(q, shape) - p)).toBeLessThan(2e-4);
  });
  it('small chances are not capped: q = p; certain ones stay certain', () => {
    const u = uncappedChance(1 / 0.04); // τ = 0.2
    expect(u(0.01)).toBeCloseTo(0.01, 10);
    expect(u(1)).toBe(Infinity);
    expect(u(0)).toBe(0);
  });
});
