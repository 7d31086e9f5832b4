import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ActionLog, eventFunnel, timeToConvert } from '../../src/index.js';
import { columnsOf, smallLogArb } from '../arbitraries/actionLogRows.js';

const S = 1000;
const day = 86_400_000;

describe('timeToConvert', () => {
  it("PostHog's documented sample: 3600 s, 2220 s, 82800 s → bins [[2220,2],[42510,0],[82800,1]], mean 29540 s", () => {
    const log = ActionLog.fromColumns({
      unit: ['u1', 'u1', 'u2', 'u2', 'u3', 'u3', 'u4'],
      time: [0, 3600 * S, 500 * S, 500 * S + 2220 * S, 7 * S, 7 * S + 82800 * S, 0],
      action: ['signup', 'paid', 'signup', 'paid', 'signup', 'paid', 'signup'],
    });
    const t = timeToConvert(log, { steps: ['signup', 'paid'], windowMs: 2 * day });
    expect(t.units).toBe(3);
    expect(t.meanMs).toBe(29540 * S);
    expect(t.medianMs).toBe(3600 * S);
    expect(t.minMs).toBe(2220 * S);
    expect(t.maxMs).toBe(82800 * S);
    expect(t.bins.map((b) => [b.fromMs / S, b.count])).toEqual([[2220, 2], [42510, 0], [82800, 1]]);
    expect(t.bins[0]).toEqual({ fromMs: 2220 * S, toMs: 42510 * S, count: 2 });
    expect(t.rules).toMatchObject({ fromStep: 0, toStep: 1, binCount: 2, binWidthMs: 40290 * S, binRule: 'auto', windowMs: 2 * day, order: 'ordered' });
  });

  it('between any two steps: the sum of the gaps on the counted attempt; requested bins', () => {
    // a: 0 → 10 s → 40 s → 100 s ; b: 0 → 5 s → 65 s (no step 3)
    const log = ActionLog.fromColumns({
      unit: ['a', 'a', 'a', 'a', 'b', 'b', 'b'],
      time: [0, 10 * S, 40 * S, 100 * S, 0, 5 * S, 65 * S],
      action: ['v', 's', 'q', 'p', 'v', 's', 'q'],
    });
    const q = { steps: ['v', 's', 'q', 'p'], windowMs: day };
    const t12 = timeToConvert(log, q, { fromStep: 1, toStep: 2 });
    expect(t12.units).toBe(2);
    expect(t12.meanMs).toBe(((40 - 10) * S + (65 - 5) * S) / 2); // 45 s
    expect(t12.medianMs).toBe(45 * S);
    const t03 = timeToConvert(log, q, { fromStep: 0, bins: 4 });
    expect(t03.units).toBe(1);
    expect(t03.meanMs).toBe(100 * S);
    // one time, 4 bins: min = max = 100 → width 0 → 60 s; 5 rows
    expect(t03.bins.map((b) => [b.fromMs / S, b.count])).toEqual([[100, 1], [160, 0], [220, 0], [280, 0], [340, 0]]);
    expect(t03.rules.binRule).toBe('requested');
  });

  it('a requested bin count is clamped to 1..90 (PostHog funnel_time_to_convert_udf: "Custom count is clamped between 1 and 90")', () => {
    // times 3600 s and 2220 s: min 2220, max 3600
    const log = ActionLog.fromColumns({ unit: [1, 1, 2, 2], time: [0, 3600 * S, 0, 2220 * S], action: ['s', 'p', 's', 'p'] });
    const q = { steps: ['s', 'p'], windowMs: day };
    for (const bins of [0, -3]) {
      // 1 bin: width ceil(1380 / 1) = 1380 → rows start at 2220 and 3600 (bins + 1 rows)
      const t = timeToConvert(log, q, { bins });
      expect(t.rules.binCount).toBe(1);
      expect(t.bins.map((b) => [b.fromMs / S, b.count])).toEqual([[2220, 1], [3600, 1]]);
    }
    // 100 → 90 bins: width ceil(1380 / 90) = 16 s; 91 rows; 3600 lands in row floor(1380 / 16) = 86
    const big = timeToConvert(log, q, { bins: 100 });
    expect(big.rules).toMatchObject({ binCount: 90, binWidthMs: 16 * S, binRule: 'requested' });
    expect(big.bins).toHaveLength(91);
    expect(big.bins[86]).toEqual({ fromMs: (2220 + 86 * 16) * S, toMs: (2220 + 87 * 16) * S, count: 1 });
  });

  it('nobody converted: nulls and no bins, never NaN', () => {
    const log = ActionLog.fromColumns({ unit: [1, 2], time: [0, 0], action: ['v', 'p'] });
    const t = timeToConvert(log, { steps: ['v', 'p'] });
    expect(t).toMatchObject({ units: 0, meanMs: null, medianMs: null, minMs: null, maxMs: null, bins: [] });
  });

  it('rejects bad step ranges and bin counts, naming the option', () => {
    const log = ActionLog.fromColumns({ unit: [1, 1], time: [0, 1], action: ['v', 'p'] });
    expect(() => timeToConvert(log, { steps: ['v', 'p'] }, { fromStep: 1, toStep: 1 })).toThrow(/toStep/);
    expect(() => timeToConvert(log, { steps: ['v', 'p'] }, { toStep: 2 })).toThrow(/step index in 0\.\.1/);
    expect(() => timeToConvert(log, { steps: ['v', 'p'] }, { bins: 2.5 })).toThrow(/bins/);
  });

  propTest.prop([smallLogArb], { numRuns: 100 })('the sample is exactly the units counted at the last step; bins hold them all', (rows) => {
    const log = ActionLog.fromColumns(columnsOf(rows, 60_000));
    const q = { steps: ['a', 'b', 'c'], windowMs: 10 * 60_000 };
    const t = timeToConvert(log, q);
    const f = eventFunnel(log, q);
    expect(t.units).toBe(f.steps[2]?.count);
    expect(t.bins.reduce((s, b) => s + b.count, 0)).toBe(t.units);
    if (t.meanMs !== null) {
      expect(t.meanMs).toBeGreaterThanOrEqual(0);
      expect(t.meanMs).toBeLessThanOrEqual(10 * 60_000);
    }
  });
});
