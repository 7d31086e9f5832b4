import { describe, expect, it } from 'vitest';
import { bias, brier, coverage, logLoss, mape, pinball, reliability, wape } from '../../src/internal/accuracy.js';

describe('accuracy metrics by hand', () => {
  const y = [100, 0, 50];
  const f = [80, 10, 60];
  it('WAPE = (20 + 10 + 10) / 150', () => expect(wape(y, f)).toBeCloseTo(40 / 150, 12));
  it('MAPE skips zero actuals: (0.2 + 0.2) / 2', () => expect(mape(y, f)).toEqual({ value: expect.closeTo(0.2, 12), skipped: 1 }));
  it('bias = (−20 + 10 + 10) / 150 = 0', () => expect(bias(y, f)).toBeCloseTo(0, 12));
  it('pinball at 0.9: (0.9·20 + 0.1·10 + 0.1·10) / 3', () => expect(pinball(y, f, 0.9)).toBeCloseTo(20 / 3, 12));
  it('coverage', () => expect(coverage(y, [90, 0, 0], [110, 5, 40])).toBeCloseTo(2 / 3, 12));
  it('Brier and log loss', () => {
    expect(brier([0.8, 0.3], [1, 0])).toBeCloseTo((0.04 + 0.09) / 2, 12);
    expect(logLoss([0.8, 0.3], [1, 0])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 12);
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(1e-15), 6);
  });
  it('reliability table', () => {
    const t = reliability([0.05, 0.15, 0.12, 0.95, 1], [0, 1, 0, 1, 1], 10);
    expect(t[1]).toEqual({ from: 0.1, to: 0.2, count: 2, meanPredicted: expect.closeTo(0.135, 12), observedRate: 0.5 });
    expect(t[9]!.count).toBe(2);
    expect(t[5]!.observedRate).toBeNull();
  });
  it('empty and all-zero inputs give null, never NaN', () => {
    expect(wape([0], [1])).toBeNull();
    expect(mape([0], [1]).value).toBeNull();
    expect(bias([], [])).toBeNull();
    expect(pinball([], [], 0.5)).toBeNull();
    expect(brier([], [])).toBeNull();
  });
});
