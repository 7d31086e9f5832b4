import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { bernoulliConvolution, latticeQuantile, latticeTail } from '../../src/internal/convolution.js';

function brute(a: number[], p: number[]): Map<number, number> {
  const m = new Map<number, number>();
  const n = a.length;
  for (let mask = 0; mask < 1 << n; mask++) {
    let s = 0;
    let pr = 1;
    for (let i = 0; i < n; i++) {
      const on = (mask >> i) & 1;
      pr *= on ? p[i]! : 1 - p[i]!;
      if (on) s += a[i]!;
    }
    m.set(s, (m.get(s) ?? 0) + pr);
  }
  return m;
}

describe('Bernoulli × amount convolution', () => {
  it('two deals by hand: 100 at 0.5, 300 at 0.2', () => {
    const d = bernoulliConvolution([100, 300], [0.5, 0.2]);
    expect(d.exact).toBe(true);
    expect(d.step).toBe(100);
    expect(Array.from(d.pmf)).toEqual([0.4, 0.4, 0, 0.1, 0.1].map((v) => expect.closeTo(v, 12)));
    expect(d.mean).toBeCloseTo(110, 12);
    expect(d.variance).toBeCloseTo(100 * 100 * 0.25 + 300 * 300 * 0.16, 9);
    expect(latticeQuantile(d, 0.5)).toBe(100);
    expect(latticeQuantile(d, 0.9)).toBe(300);
    expect(latticeTail(d, 300)).toBeCloseTo(0.2, 12);
    expect(latticeTail(d, 101)).toBeCloseTo(0.2, 12);
  });
  it('certain deals shift the offset, impossible ones vanish', () => {
    const d = bernoulliConvolution([500, 7, 100], [1, 0, 0.5]);
    expect(d.offset).toBe(500);
    expect(latticeQuantile(d, 0.25)).toBe(500);
    expect(latticeQuantile(d, 0.75)).toBe(600);
  });
  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.double({ min: 0, max: 1, noNaN: true })), { minLength: 1, maxLength: 10 })], { numRuns: 60 })(
    'equals brute-force enumeration',
    (rows) => {
      const a = rows.map((r) => r[0]);
      const p = rows.map((r) => r[1]);
      const d = bernoulliConvolution(a, p);
      const ref = brute(a, p);
      let total = 0;
      d.pmf.forEach((v, i) => {
        total += v;
        expect(v).toBeCloseTo(ref.get(d.offset + i * d.step) ?? 0, 10);
      });
      expect(total).toBeCloseTo(1, 10);
    },
  );
  it('bucketed when the support is huge: error within n·step/2, mean exact', () => {
    const a = Array.from({ length: 50 }, (_, i) => 1_000_003 + i * 7919);
    const p = a.map((_, i) => (i % 10) / 10 + 0.05);
    const d = bernoulliConvolution(a, p, 1000);
    expect(d.exact).toBe(false);
    expect(d.pmf.length).toBeLessThanOrEqual(1000);
    const latticeMean = Array.from(d.pmf).reduce((s, v, i) => s + v * (d.offset + i * d.step), 0);
    expect(Math.abs(latticeMean - d.mean)).toBeLessThanOrEqual(d.maxError);
    // the lattice is shifted by the expected rounding error, so its mean is the true mean
    expect(latticeMean).toBeCloseTo(d.mean, 3);
    expect(d.trimmedMass).toBeLessThan(1e-12);
    expect(d.mean).toBeCloseTo(a.reduce((s, v, i) => s + v * p[i]!, 0), 6);
  });
});
