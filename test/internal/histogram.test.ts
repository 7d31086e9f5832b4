import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ceilCbrt, postHogHistogram } from '../../src/internal/histogram.js';

const pairs = (h: ReturnType<typeof postHogHistogram>): number[][] => h.rows.map((r) => [r.startSeconds, r.count]);

describe("PostHog's time-to-convert bins", () => {
  it('the documented example: 3600, 2220, 82800 s → [[2220,2],[42510,0],[82800,1]]', () => {
    // 3 samples → ceil(cbrt 3) = 2 bins; min 2220, max 82800, width ceil(80580/2) = 40290; 3 rows
    const h = postHogHistogram([3600, 2220, 82800]);
    expect(h.binCount).toBe(2);
    expect(h.widthSeconds).toBe(40290);
    expect(pairs(h)).toEqual([[2220, 2], [42510, 0], [82800, 1]]);
  });
  it('all times equal: width falls back to 60 s and everything is in the first row', () => {
    expect(pairs(postHogHistogram([10, 10, 10, 10]))).toEqual([[10, 4], [70, 0], [130, 0]]);
  });
  it('fractional seconds: min floors, max ceils', () => {
    // 1 sample → 1 bin; min = floor 1.5 = 1, max = ceil 1.5 = 2, width 1; 1.5 → row 0
    expect(pairs(postHogHistogram([1.5]))).toEqual([[1, 1], [2, 0]]);
    // 2 samples → 2 bins; min 1, max 4, width ceil(3/2) = 2; 1.5 → row 0, 3.2 → floor(2.2/2) = row 1
    expect(pairs(postHogHistogram([1.5, 3.2]))).toEqual([[1, 1], [3, 1], [5, 0]]);
    // 8 samples → exactly 2 bins (cbrt 8 = 2), 9 → 3
    expect(postHogHistogram([0, 1, 2, 3, 4, 5, 6, 7]).binCount).toBe(2);
    expect(postHogHistogram([0, 1, 2, 3, 4, 5, 6, 7, 8]).binCount).toBe(3);
  });
  it('bin counts: automatic cap 60, requested clamped to 1..90, non-integers rejected', () => {
    expect(ceilCbrt(27)).toBe(3);
    expect(ceilCbrt(28)).toBe(4);
    expect(ceilCbrt(1_000_000)).toBe(100);
    const many = Array.from({ length: 300_000 }, (_, i) => i);
    expect(postHogHistogram(many).binCount).toBe(60);
    expect(postHogHistogram([1, 2], 500).binCount).toBe(90);
    expect(postHogHistogram([1, 2], 0).binCount).toBe(1);
    expect(postHogHistogram([1, 2], -4).binCount).toBe(1);
    expect(() => postHogHistogram([1], 1.5)).toThrow(/integer number of bins/);
    expect(postHogHistogram([]).rows).toEqual([]);
  });
  propTest.prop([fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 200 }), fc.option(fc.integer({ min: 1, max: 120 }), { nil: undefined })], { numRuns: 200 })(
    'counts sum to the sample size, rows are bins + 1, each time lies in its row',
    (xs, bins) => {
      const h = postHogHistogram(xs, bins);
      expect(h.rows.length).toBe(h.binCount + 1);
      expect(h.rows.reduce((s, r) => s + r.count, 0)).toBe(xs.length);
      for (const x of xs) {
        const row = h.rows.findIndex((r) => x >= r.startSeconds && x < r.startSeconds + h.widthSeconds);
        expect(row).toBeGreaterThanOrEqual(0);
      }
    },
  );
});
