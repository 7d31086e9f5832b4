import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { CORRELATION_DEFAULTS, isInsignificant, oddsRatio, rankCorrelations, type Contingency } from '../../src/internal/oddsRatio.js';

describe("PostHog's smoothed odds ratio", () => {
  it("the docstring's table: watched video 5 success / 1 failure, totals 7 / 11", () => {
    // raw odds ratio (5/1)/(2/10) = 25; with prior 1: (6·11)/(3·2) = 11
    const r = oddsRatio({ key: 'watched video', success: 5, failure: 1 }, 7, 11, 1);
    expect(r.oddsRatio).toBe(11);
    expect(r.correlation).toBe('success');
    // prior 0 gives the textbook ratio
    expect(oddsRatio({ key: 'v', success: 5, failure: 1 }, 7, 11, 0).oddsRatio).toBe(25);
  });
  it('an action done by every failure and no success is a failure correlation', () => {
    // (0+1)(10−10+1)/((10−0+1)(10+1)) = 1/121
    const r = oddsRatio({ key: 'x', success: 0, failure: 10 }, 10, 10, 1);
    expect(r.oddsRatio).toBeCloseTo(1 / 121, 15);
    expect(r.correlation).toBe('failure');
    // exactly 1 is labelled failure (PostHog: "success" only if > 1)
    expect(oddsRatio({ key: 'y', success: 5, failure: 5 }, 10, 10, 1).correlation).toBe('failure');
  });
  it('minimum size: fewer than min(25, 2% of units) is dropped', () => {
    // 20 units in all: threshold min(25, 0.4) = 0.4 → only 0-unit candidates dropped
    expect(isInsignificant({ key: 'a', success: 0, failure: 0 }, 10, 10, 25, 0.02)).toBe(true);
    expect(isInsignificant({ key: 'a', success: 1, failure: 0 }, 10, 10, 25, 0.02)).toBe(false);
    // 10,000 units: threshold min(25, 200) = 25
    expect(isInsignificant({ key: 'a', success: 12, failure: 12 }, 5000, 5000, 25, 0.02)).toBe(true);
    expect(isInsignificant({ key: 'a', success: 13, failure: 12 }, 5000, 5000, 25, 0.02)).toBe(false);
    // PostHog's own test: 10 + 10 units, minShare 0.11 → threshold 2.2: counts 1 and 2 dropped
    expect(isInsignificant({ key: 'low', success: 1, failure: 1 }, 10, 10, 25, 0.11)).toBe(true);
    expect(isInsignificant({ key: 'high', success: 5, failure: 0 }, 10, 10, 25, 0.11)).toBe(false);
  });
  it('ranks, caps at the limit, flags skew, returns nothing without successes or failures', () => {
    const cands: Contingency[] = Array.from({ length: 15 }, (_, i) => ({ key: `e${i}`, success: i, failure: 14 - i }));
    const r = rankCorrelations(cands, 14, 14, CORRELATION_DEFAULTS);
    expect(r.success.map((x) => x.key)).toEqual(['e14', 'e13', 'e12', 'e11', 'e10', 'e9', 'e8']);
    expect(r.failure.map((x) => x.key)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']);
    expect(r.skewed).toBe(false);
    expect(rankCorrelations(cands, 200, 10, CORRELATION_DEFAULTS).skewed).toBe(true);
    expect(rankCorrelations(cands, 0, 10, CORRELATION_DEFAULTS)).toEqual({ success: [], failure: [], skewed: true, dropped: 15 });
    const many: Contingency[] = Array.from({ length: 30 }, (_, i) => ({ key: `k${String(i).padStart(2, '0')}`, success: 10 + i, failure: 5 }));
    expect(rankCorrelations(many, 100, 100, CORRELATION_DEFAULTS).success).toHaveLength(10);
  });
  propTest.prop([fc.array(fc.record({ success: fc.nat(50), failure: fc.nat(50) }), { maxLength: 30 })], { numRuns: 100 })(
    'the ranking does not depend on the order of the candidates',
    (raw) => {
      const cands = raw.map((c, i) => ({ key: `e${i}`, ...c }));
      const a = rankCorrelations(cands, 50, 50, CORRELATION_DEFAULTS);
      const b = rankCorrelations([...cands].reverse(), 50, 50, CORRELATION_DEFAULTS);
      expect(b).toEqual(a);
    },
  );
});
