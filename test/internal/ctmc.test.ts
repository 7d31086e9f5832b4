import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transitionOverTime } from '../../src/internal/ctmc.js';

describe('transitionOverTime (uniformisation with scaling and squaring)', () => {
  it('two states, one rate: P(absorbed by t) = 1 − e^{−λt}, ∫ = t − (1 − e^{−λt})/λ', () => {
    for (const [lambda, t] of [[0.3, 2], [1e6, 1e-5], [5, 40], [1e-9, 3]] as const) {
      const { P, F } = transitionOverTime({ n: 2, G: Float64Array.from([-lambda, lambda, 0, 0]) }, t);
      const e = Math.exp(-lambda * t);
      expect(P[0]).toBeCloseTo(e, 12);
      expect(P[1]).toBeCloseTo(1 - e, 12);
      expect(F[0]! / t).toBeCloseTo(-Math.expm1(-lambda * t) / (lambda * t), 10);
      expect(F[1]! / t).toBeCloseTo(1 + Math.expm1(-lambda * t) / (lambda * t), 10);
      expect(P[3]).toBeCloseTo(1, 14);
    }
  });
  it('t = 0 is the identity; a chain that never moves stays put', () => {
    expect([...transitionOverTime({ n: 2, G: Float64Array.from([-1, 1, 0, 0]) }, 0).P]).toEqual([1, 0, 0, 1]);
    expect([...transitionOverTime({ n: 2, G: new Float64Array(4) }, 5).F]).toEqual([5, 0, 0, 5]);
  });
  // reference: P(t) = (I + G t / m)^m for large m (Euler), on random 3-state generators with one absorbing state
  test.prop([fc.array(fc.double({ min: 0, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }), fc.double({ min: 0.01, max: 5, noNaN: true })], { numRuns: 30 })(
    'rows are distributions and agree with a fine Euler product',
    (r, t) => {
      const [a, b, c, d] = r as [number, number, number, number];
      const G = Float64Array.from([-(a + b), a, b, c, -(c + d), d, 0, 0, 0]);
      const { P } = transitionOverTime({ n: 3, G }, t);
      const steps = 20_000;
      let M = Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]);
      const S = Float64Array.from(G, (g, i) => (i % 4 === 0 ? 1 : 0) + (g * t) / steps);
      for (let s = 0; s < steps; s++) {
        const N = new Float64Array(9);
        for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let l = 0; l < 3; l++) N[i * 3 + j]! += M[i * 3 + l]! * S[l * 3 + j]!;
        M = N;
      }
      for (let i = 0; i < 3; i++) {
        expect(P[i * 3]! + P[i * 3 + 1]! + P[i * 3 + 2]!).toBeCloseTo(1, 12);
        for (let j = 0; j < 3; j++) {
          expect(P[i * 3 + j]!).toBeGreaterThanOrEqual(0);
          expect(Math.abs(P[i * 3 + j]! - M[i * 3 + j]!)).toBeLessThan(2e-3);
        }
      }
    },
  );
});
