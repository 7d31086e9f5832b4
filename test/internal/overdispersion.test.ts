import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { excessErrorVariance, overdispersion } from '../../src/internal/overdispersion.js';

describe('overdispersion (DerSimonian–Laird on period rates), by hand', () => {
  it('equal expectations: the sample variance of the ratios minus the Poisson part', () => {
    // ratios 0.8, 1.2, 0.9, 1.1: sample variance (divisor 3) = 0.1 / 3; Poisson part ĉ/E = 1/100
    // Q = (400 + 400 + 100 + 100) / 100 = 10; τ² = (10 − 3) / (1 · (400 − 40000/400)) = 7/300
    const r = overdispersion([80, 120, 90, 110], [100, 100, 100, 100]);
    expect(r.periods).toBe(4);
    expect(r.level).toBe(1);
    expect(r.q).toBeCloseTo(10, 12);
    expect(r.variance).toBeCloseTo(7 / 300, 12);
    expect(r.variance).toBeCloseTo(0.1 / 3 - 1 / 100, 12);
  });
  it('unequal expectations are weighted by them', () => {
    // ĉ = 300/300 = 1; Q = 20²/50 + 10²/100 + 10²/150 = 29/3; ΣE − ΣE²/ΣE = 300 − 35000/300 = 550/3
    // τ² = (29/3 − 2) / (550/3) = 23/550
    const r = overdispersion([70, 90, 140], [50, 100, 150]);
    expect(r.q).toBeCloseTo(29 / 3, 12);
    expect(r.variance).toBeCloseTo(23 / 550, 12);
  });
  it('the level is taken out: only the spread around ĉ·E counts', () => {
    // ĉ = 400/200 = 2; Q = (50² + 50²)/200 = 25; denominator 2 · (200 − 20000/200) = 200; τ² = 24/200
    const r = overdispersion([150, 250], [100, 100]);
    expect(r.level).toBe(2);
    expect(r.variance).toBeCloseTo(0.12, 12);
  });
  it('no more spread than Poisson noise → 0; degenerate inputs → 0', () => {
    expect(overdispersion([100, 101, 99], [100, 100, 100]).variance).toBe(0);
    expect(overdispersion([5], [4]).variance).toBe(0);
    expect(overdispersion([0, 0], [3, 4])).toEqual({ periods: 2, level: 0, q: 0, variance: 0 });
    // a period with nothing expected is skipped
    expect(overdispersion([80, 120, 90, 110, 7], [100, 100, 100, 100, 0]).variance).toBeCloseTo(7 / 300, 12);
  });
  test.prop([fc.array(fc.tuple(fc.nat(500), fc.double({ min: 0.5, max: 500, noNaN: true })), { minLength: 2, maxLength: 12 }), fc.double({ min: 1.5, max: 4, noNaN: true })], { numRuns: 60 })(
    'τ² ≥ 0, and spreading the counts further from their mean never lowers it',
    (rows, stretch) => {
      const e = rows.map((r) => r[1]);
      const o = rows.map((r) => r[0]);
      const base = overdispersion(o, e);
      expect(base.variance).toBeGreaterThanOrEqual(0);
      // O'_k = ĉE_k + s (O_k − ĉE_k): the same level, every deviation s times larger (s > 1)
      const wider = o.map((x, k) => base.level * (e[k] as number) + stretch * (x - base.level * (e[k] as number)));
      if (wider.every((x) => x >= 0)) expect(overdispersion(wider, e).variance).toBeGreaterThanOrEqual(base.variance - 1e-12);
    },
  );
});

describe('excessErrorVariance (forecast errors beyond the model spread), by hand', () => {
  it('squared errors minus the model variance, over Σ F²', () => {
    // (20² − 100) + (20² − 100) = 600; Σ F² = 20000 → 0.03
    const r = excessErrorVariance([120, 80], [100, 100], [100, 100]);
    expect(r.variance).toBeCloseTo(0.03, 12);
    expect(r.level).toBe(1);
    // bias counts as error: both periods 20 % over → (400 − 100)·2 / 20000 = 0.03 too, level 0.8
    const b = excessErrorVariance([80, 80], [100, 100], [100, 100]);
    expect(b.variance).toBeCloseTo(0.03, 12);
    expect(b.level).toBeCloseTo(0.8, 12);
  });
  it('errors within the model spread → 0; periods without a forecast are skipped', () => {
    expect(excessErrorVariance([110, 90], [100, 100], [400, 400]).variance).toBe(0);
    expect(excessErrorVariance([120, 80, 55], [100, 100, 0], [100, 100, 0])).toEqual({ periods: 2, level: 1, variance: 0.03 });
    expect(excessErrorVariance([], [], [])).toEqual({ periods: 0, level: 0, variance: 0 });
  });
});
