import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ActionLog, funnelCorrelation } from '../../src/index.js';
import { columnsOf, smallLogArb } from '../arbitraries/actionLogRows.js';

describe('funnelCorrelation', () => {
  // steps visit → paid, window 100 ms
  const rows: Array<[string, number, string, string | null]> = [
    ['s1', 0, 'visit', null], ['s1', 5, 'demo', null], ['s1', 6, 'pricing', 'basic'], ['s1', 10, 'paid', null], ['s1', 20, 'demo', null],
    ['s2', 0, 'visit', null], ['s2', 2, 'visit', null], ['s2', 5, 'demo', null], ['s2', 10, 'paid', null], // counted entry: the visit at 2
    ['s4', 0, 'visit', null], ['s4', 5, 'demo', null], ['s4', 7, 'visit', null], ['s4', 9, 'paid', null], // the visit at 7 restarts the attempt: demo at 5 is before it
    ['s3', 0, 'visit', null], ['s3', 10, 'paid', null], ['s3', 10, 'pricing', 'pro'], // same time as paid: not strictly before
    ['f1', 0, 'visit', null], ['f1', 5, 'pricing', 'basic'],
    ['f2', 0, 'visit', null], ['f2', 50, 'pricing', 'basic'], ['f2', 150, 'demo', null], // demo after the window end
    ['f3', 0, 'visit', null],
    ['f4', 0, 'demo', null], // never entered
    ['f5', 1000, 'visit', null], ['f5', 1010, 'pricing', 'basic'], // still in progress at now = 1050
  ];
  const log = ActionLog.fromColumns({
    unit: rows.map((r) => r[0]),
    time: rows.map((r) => r[1]),
    action: rows.map((r) => r[2]),
    properties: { plan: rows.map((r) => r[3]) },
  });
  const q = { steps: ['visit', 'paid'], windowMs: 100, now: 1050 };

  it('odds ratios with prior 1 over the actions between entry and conversion (or window end)', () => {
    const c = funnelCorrelation(log, q);
    expect([c.successUnits, c.failureUnits, c.inProgressUnits]).toEqual([4, 3, 1]);
    // demo: s=2 (s1, s2; s4's demo is before its counted entry), f=0 (f2's is after the window)
    // → (2+1)(3−0+1) / ((4−2+1)(0+1)) = 12/3 = 4
    // Fisher two-sided, X ~ H(N=7, K=4, n=2): pmf(0,1,2) = 3/21, 12/21, 6/21; observed 2 → p = (6+3)/21
    expect(c.success).toEqual([{ kind: 'action', key: 'demo', success: 2, failure: 0, oddsRatio: 4, correlation: 'success', pValue: expect.closeTo(9 / 21, 12) }]);
    // pricing: s=1 (s1; s3's is at the conversion time), f=2 (f1, f2) → (1+1)(3−2+1) / ((4−1+1)(2+1)) = 1/3
    expect(c.failure).toHaveLength(1);
    expect(c.failure[0]).toMatchObject({ key: 'pricing', success: 1, failure: 2, correlation: 'failure' });
    expect(c.failure[0]?.oddsRatio).toBeCloseTo(1 / 3, 15);
    // X ~ H(7, 4, 3): pmf(0..3) = 1, 12, 18, 4 over 35; observed 1 → p = (12 + 1 + 4)/35
    expect(c.failure[0]?.pValue).toBeCloseTo(17 / 35, 12);
    expect(c.skewed).toBe(false);
    expect(c.rules).toMatchObject({ prior: 1, minUnits: 25, minShare: 0.02, limit: 10, inProgress: 'exclude', excludedActions: ['visit', 'paid'], windowMs: 100, now: 1050 });
  });

  it('in-progress units can be counted as failures (PostHog’s behaviour)', () => {
    const c = funnelCorrelation(log, q, { inProgress: 'failure' });
    expect([c.successUnits, c.failureUnits, c.inProgressUnits]).toEqual([4, 4, 0]);
    expect(c.failure[0]).toMatchObject({ key: 'pricing', success: 1, failure: 3 });
    // without now nobody is in progress
    const noNow = funnelCorrelation(log, { steps: ['visit', 'paid'], windowMs: 100 });
    expect(noNow.failureUnits).toBe(4);
  });

  it('event properties (action::property::value, more than 2 units) and unit properties (property::value)', () => {
    const device: Record<string, string> = { s1: 'm', s2: 'm', s3: 'd', s4: 'd', f1: 'd', f2: 'd', f3: 'm' };
    const c = funnelCorrelation(log, q, {
      actions: false,
      eventProperties: { actions: ['pricing'], properties: ['plan'] },
      unitProperties: { names: ['device'], of: (k) => ({ device: device[String(k)] }) },
    });
    const all = [...c.success, ...c.failure].map((r) => [r.kind, r.key, r.success, r.failure]);
    expect(all).toEqual([
      ['unitProperty', 'device::m', 2, 1],
      ['eventProperty', 'pricing::plan::basic', 1, 2],
      ['unitProperty', 'device::d', 2, 2],
    ]);
    // device::m: (2+1)(3−1+1)/((4−2+1)(1+1)) = 9/6; pricing::plan::basic: 1/3; device::d: (3)(2)/((3)(3)) = 2/3
    expect([...c.success, ...c.failure].map((r) => r.oddsRatio)).toEqual([1.5, expect.closeTo(1 / 3, 15), expect.closeTo(2 / 3, 15)]);
  });

  it('PostHog thresholds: rare candidates dropped; nothing without successes; skew flagged', () => {
    const strict = funnelCorrelation(log, q, { minUnits: 3 }); // min(3, 0.12) = 0.12 → all kept
    expect(strict.success).toHaveLength(1);
    const share = funnelCorrelation(log, q, { minShare: 0.4 }); // min(25, 0.4·7) = 2.8 → demo (2) dropped, pricing (3) kept
    expect(share.success).toEqual([]);
    expect(share.failure.map((r) => r.key)).toEqual(['pricing']);
    expect(share.droppedCandidates).toBe(1);
    const none = funnelCorrelation(log, { steps: ['visit', 'demo', 'paid'], windowMs: 100, now: 1050 }, { excludeActions: ['pricing'] });
    expect(none.successUnits).toBe(3); // s1, s2, s4 (visit 0 → demo 5 → paid 9)
    const noSuccess = funnelCorrelation(ActionLog.fromColumns({ unit: [1, 2, 1], time: [0, 0, 1], action: ['v', 'v', 'x'] }), { steps: ['v', 'x'] });
    expect(noSuccess.successUnits).toBe(1);
    const zero = funnelCorrelation(ActionLog.fromColumns({ unit: [1, 2, 3], time: [0, 0, 0], action: ['v', 'x', 'y'] }), { steps: ['v', 'x'] });
    expect(zero).toMatchObject({ successUnits: 0, success: [], failure: [], skewed: true });
  });

  it('bad options throw naming the option', () => {
    expect(() => funnelCorrelation(log, q, { excludeActions: ['nope'] })).toThrow(/excludeActions\[0\]/);
    expect(() => funnelCorrelation(log, q, { minUnits: -1 })).toThrow(/minUnits/);
    expect(() => funnelCorrelation(log, q, { eventProperties: { actions: ['demo'], properties: ['size'] } })).toThrow(/eventProperties\.properties\[0\]/);
    expect(() => funnelCorrelation(log, q, { inProgress: 'drop' as 'exclude' })).toThrow(/inProgress/);
  });

  propTest.prop([smallLogArb, fc.integer({ min: 0, max: 1000 })], { numRuns: 80 })('independent of the input row order', (rows, seed) => {
    const shuffled = rows.map((r, i) => ({ r, k: (i * 7919 + seed * 104729) % 1009 })).sort((a, b) => a.k - b.k).map((x) => x.r);
    const q = { steps: ['a', 'c'], windowMs: 8 };
    const opts = { minUnits: 0, eventProperties: { actions: ['x', 'y'] } };
    const c1 = funnelCorrelation(ActionLog.fromColumns(columnsOf(rows)), q, opts);
    const c2 = funnelCorrelation(ActionLog.fromColumns(columnsOf(shuffled)), q, opts);
    expect(c2.success).toEqual(c1.success);
    expect(c2.failure).toEqual(c1.failure);
    expect([c2.successUnits, c2.failureUnits]).toEqual([c1.successUnits, c1.failureUnits]);
  });
});
