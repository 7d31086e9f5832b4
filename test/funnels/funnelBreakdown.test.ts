import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ActionLog, eventFunnel, funnelBreakdown, type FunnelBreakdownReport } from '../../src/index.js';
import { columnsOf, smallLogArb } from '../arbitraries/actionLogRows.js';

const table = (b: FunnelBreakdownReport): Array<[string, ...number[]]> => b.buckets.map((x) => [x.value, ...x.steps.map((s) => s.count)]);

describe('funnelBreakdown', () => {
  // u1: visit(ads) → signup(seo) → paid(–)     first touch ads, last touch seo
  // u2: visit(–)   → signup(seo)               first touch seo (first non-empty), last seo
  // u3: visit(–)                               no value at all → ''
  // u4: visit(ads) → signup(–) → paid(ads)     ads / ads
  // u5: visit(mail) → signup(mail)             mail / mail
  const log = ActionLog.fromColumns({
    unit: ['u1', 'u1', 'u1', 'u2', 'u2', 'u3', 'u4', 'u4', 'u4', 'u5', 'u5'],
    time: [0, 1, 2, 0, 1, 0, 0, 1, 2, 0, 1],
    action: ['visit', 'signup', 'paid', 'visit', 'signup', 'visit', 'visit', 'signup', 'paid', 'visit', 'signup'],
    properties: { channel: ['ads', 'seo', null, null, 'seo', null, 'ads', null, 'ads', 'mail', 'mail'] },
  });
  const q = { steps: ['visit', 'signup', 'paid'], windowMs: 1000 };

  it('first touch: the first non-empty value along the counted steps; missing → ""', () => {
    const b = funnelBreakdown(log, q, { property: 'channel' });
    expect(table(b)).toEqual([
      ['ads', 2, 2, 2],
      ['', 1, 0, 0],
      ['mail', 1, 1, 0],
      ['seo', 1, 1, 0],
    ]);
    expect(b.total.map((s) => s.count)).toEqual([5, 4, 2]);
    expect(b.unattributed).toBe(0);
    expect(b.rules).toMatchObject({ breakdown: 'channel', attribution: 'firstTouch', limit: 25, missingValue: '', windowMs: 1000 });
    expect(b.buckets[0]?.steps[2]).toMatchObject({ fromPrevious: 1, fromStart: 1, dropped: 0 });
  });

  it('last touch: the last non-empty value', () => {
    const b = funnelBreakdown(log, q, { property: 'channel', attribution: 'lastTouch' });
    expect(table(b)).toEqual([
      ['seo', 2, 2, 1],
      ['', 1, 0, 0],
      ['ads', 1, 1, 1],
      ['mail', 1, 1, 0],
    ]);
  });

  it("first / last touch skip an explicit '' like a missing value (PostHog: first / last non-empty value)", () => {
    // w1: visit('') → signup(seo): first touch seo, not ''; w2: visit(ads) → signup(''): last touch ads
    const l = ActionLog.fromColumns({ unit: ['w1', 'w1', 'w2', 'w2', 'w3'], time: [0, 1, 0, 1, 0], action: ['visit', 'signup', 'visit', 'signup', 'visit'], properties: { channel: ['', 'seo', 'ads', '', ''] } });
    const qq = { steps: ['visit', 'signup'], windowMs: 1000 };
    expect(table(funnelBreakdown(l, qq, { property: 'channel' }))).toEqual([['', 1, 0], ['ads', 1, 1], ['seo', 1, 1]]);
    expect(table(funnelBreakdown(l, qq, { property: 'channel', attribution: 'lastTouch' }))).toEqual([['', 1, 0], ['ads', 1, 1], ['seo', 1, 1]]);
    // two step events at one instant, '' and 'seo': the non-empty one is the step's value
    const tie = ActionLog.fromColumns({ unit: [1, 1, 1], time: [0, 5, 5], action: ['visit', 'signup', 'signup'], properties: { channel: [null, '', 'seo'] } });
    expect(table(funnelBreakdown(tie, qq, { property: 'channel' }))).toEqual([['seo', 1, 1]]);
  });

  it('step k: the value on that step’s event; units that never reached it are unattributed', () => {
    const b = funnelBreakdown(log, q, { property: 'channel', attribution: { step: 1 } });
    // step-1 (signup) values: u1 seo, u2 seo, u4 '' , u5 mail; u3 never signed up
    expect(table(b)).toEqual([
      ['seo', 2, 2, 1],
      ['', 1, 1, 1],
      ['mail', 1, 1, 0],
    ]);
    expect(b.unattributed).toBe(1);
    expect(b.total.map((s) => s.count)).toEqual([4, 4, 2]);
    expect(b.rules.attribution).toBe('step 1');
  });

  it('all events: the funnel on only the events carrying each value; units may be in several buckets', () => {
    const b = funnelBreakdown(log, q, { property: 'channel', attribution: 'allEvents' });
    // ads events: u1 visit; u4 visit, paid → (visit, –, –) for both
    // '' events: u1 paid; u2 visit; u3 visit; u4 signup → u2 visit, u3 visit, u4 signup (no visit) → 2 entrants
    // seo: u1 signup, u2 signup → nobody visits → no bucket; mail: u5 visit, signup
    expect(table(b)).toEqual([
      ['', 2, 0, 0],
      ['ads', 2, 0, 0],
      ['mail', 1, 1, 0],
    ]);
    expect(b.buckets.every((x) => x.significance === null)).toBe(true);
    expect(b.total.map((s) => s.count)).toEqual([5, 4, 2]);
  });

  it('top-N plus "other": the smaller buckets are merged, ties broken by value', () => {
    const b = funnelBreakdown(log, q, { property: 'channel', limit: 2 });
    expect(table(b)).toEqual([
      ['ads', 2, 2, 2],
      ['', 1, 0, 0],
      ['other', 2, 2, 0],
    ]);
    expect(b.buckets[2]).toMatchObject({ other: true, values: ['mail', 'seo'] });
    const all = funnelBreakdown(log, q, { property: 'channel', attribution: 'allEvents', limit: 1 });
    expect(all.buckets.map((x) => [x.value, x.values])).toEqual([['', ['']], ['other', ['ads', 'mail']]]);
    // the other bucket runs the funnel on ads + mail events together: u1 visit, u4 visit→paid(no signup), u5 visit→signup
    expect(all.buckets[1]?.steps.map((s) => s.count)).toEqual([3, 1, 0]);
  });

  it('unit-level values (a person property); significance of each bucket against the total', () => {
    const device: Record<string, string> = { u1: 'mobile', u2: 'desktop', u3: 'desktop', u4: 'mobile', u5: 'desktop' };
    const b = funnelBreakdown(log, q, { unitValue: (k) => device[String(k)] });
    expect(table(b)).toEqual([
      ['desktop', 3, 2, 0],
      ['mobile', 2, 2, 2],
    ]);
    // hypergeometric N=5, K=2, n=2, k=2: P(X<2) = 1 − C(2,2)C(3,0)/C(5,2) = 9/10 → p = 1/10
    expect(b.buckets[1]?.significance?.pValue).toBeCloseTo(0.1, 12);
    expect(b.buckets[1]?.significance).toMatchObject({ direction: 'outperform', sufficient: false, significant: false });
    expect(b.rules.attribution).toBe('unit');
  });

  it('bad breakdowns throw naming the option', () => {
    expect(() => funnelBreakdown(log, q, {})).toThrow(/exactly one of property and unitValue/);
    expect(() => funnelBreakdown(log, q, { property: 'nope' })).toThrow(/breakdown\.property/);
    expect(() => funnelBreakdown(log, q, { property: 'channel', attribution: { step: 3 } })).toThrow(/step index in 0\.\.2/);
    expect(() => funnelBreakdown(log, q, { property: 'channel', limit: 0 })).toThrow(/breakdown\.limit/);
    expect(() => funnelBreakdown(log, q, { property: 'channel', attribution: 'middle' as 'firstTouch' })).toThrow(/attribution/);
  });

  propTest.prop([smallLogArb, fc.constantFrom<'firstTouch' | 'lastTouch' | { step: number }>('firstTouch', 'lastTouch', { step: 0 }, { step: 1 }, { step: 2 }), fc.integer({ min: 1, max: 4 })], { numRuns: 120 })(
    'partition attributions: buckets sum to the total at every step; first/last touch attribute every entrant',
    (rows, attribution, limit) => {
      const log = ActionLog.fromColumns(columnsOf(rows));
      const q = { steps: ['a', 'b', 'c'], windowMs: 10 };
      const b = funnelBreakdown(log, q, { property: 'channel', attribution, limit });
      const f = eventFunnel(log, q);
      for (let k = 0; k < 3; k++) {
        expect(b.buckets.reduce((s, x) => s + (x.steps[k]?.count ?? 0), 0)).toBe(b.total[k]?.count);
      }
      expect(b.buckets.length).toBeLessThanOrEqual(limit + 1);
      if (typeof attribution === 'string') {
        expect(b.total.map((s) => s.count)).toEqual(f.steps.map((s) => s.count));
        expect(b.unattributed).toBe(0);
      } else {
        expect(b.total[0]?.count).toBe(f.steps[attribution.step]?.count);
        expect(b.unattributed).toBe(f.entered - (f.steps[attribution.step]?.count ?? 0));
      }
    },
  );

  propTest.prop([smallLogArb, fc.integer({ min: 0, max: 1000 }), fc.constantFrom<'firstTouch' | 'lastTouch' | { step: number }>('firstTouch', 'lastTouch', { step: 1 })], { numRuns: 80 })('independent of the input row order, ties included', (rows, seed, attribution) => {
    const shuffled = rows.map((r, i) => ({ r, k: (i * 7919 + seed * 104729) % 1009 })).sort((x, y) => x.k - y.k).map((x) => x.r);
    const q = { steps: ['a', 'b', 'c'], windowMs: 10 };
    const b1 = funnelBreakdown(ActionLog.fromColumns(columnsOf(rows)), q, { property: 'channel', attribution });
    const b2 = funnelBreakdown(ActionLog.fromColumns(columnsOf(shuffled)), q, { property: 'channel', attribution });
    expect(table(b2)).toEqual(table(b1));
  });
});
