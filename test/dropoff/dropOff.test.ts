import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DealTable, dropOff, isFunnelError } from '../../src/index.js';
import { b2b, tableOf, type DealSpec } from './fixtures.js';

// 10 requests (hand-built):
//  d0,d1  lost at request, no reason          → "never did call.answered"
//  d2     lost at request, reason price        → "Too expensive" (catalogue name)
//  d3,d4  lost at answered, no reason          → "never did requirements.described"
//  d5     open at answered
//  d6     lost at described, reason competitor → "competitor" (not in the catalogue)
//  d7     lost at proposal, no reason          → "never did proposal… invoice.paid or offer.accepted" (stage actions + trigger)
//  d8,d9  paid
const specs: DealSpec[] = [
  { moves: [['request', 1], ['lost', 3]], attributes: { channel: 'web' } },
  { moves: [['request', 1], ['lost', 3]], attributes: { channel: 'web' } },
  { moves: [['request', 1], ['lost', 3]], lostReason: 'price', attributes: { channel: 'phone' } },
  { moves: [['request', 1], ['answered', 2], ['lost', 5]], attributes: { channel: 'web' } },
  { moves: [['request', 1], ['answered', 2], ['lost', 5]], attributes: { channel: 'phone' } },
  { moves: [['request', 1], ['answered', 2]], attributes: { channel: 'phone' } },
  { moves: [['request', 1], ['answered', 2], ['described', 3], ['lost', 6]], lostReason: 'competitor', attributes: { channel: 'web' } },
  { moves: [['request', 1], ['answered', 2], ['described', 3], ['proposal', 4], ['lost', 8]], attributes: { channel: 'phone' } },
  { moves: [['request', 1], ['answered', 2], ['described', 3], ['proposal', 4], ['paid', 9]], attributes: { channel: 'web' } },
  { moves: [['request', 1], ['answered', 2], ['described', 3], ['proposal', 4], ['paid', 9]], attributes: { channel: 'phone' } },
];
const table = tableOf(specs);

describe('dropOff — hand-built pipeline', () => {
  const r = dropOff(table);
  it('counts entered, advanced, open and lost at each open stage', () => {
    expect(r.total.stages.map((s) => [s.stageId, s.entered, s.advanced, s.open, s.lost])).toEqual([
      ['request', 10, 7, 0, 3],
      ['answered', 7, 4, 1, 2],
      ['described', 4, 3, 0, 1],
      ['proposal', 3, 2, 0, 1],
    ]);
    expect(r.total.lost).toBe(7);
    expect(r.total.unplacedLost).toBe(0);
  });
  it('computes loss rates and where the losses are', () => {
    const [req, ans, des, pro] = r.total.stages;
    expect(req?.lossRate).toBe(0.3);
    expect(ans?.lossRate).toBeCloseTo(2 / 7, 15);
    expect(ans?.decidedLossRate).toBeCloseTo(2 / 6, 15);
    expect(des?.lossRate).toBe(0.25);
    expect(pro?.lossRate).toBeCloseTo(1 / 3, 15);
    expect(r.total.stages.map((s) => s.shareOfLost)).toEqual([3 / 7, 2 / 7, 1 / 7, 1 / 7]);
  });
  it('names the reason: recorded, else the customer action that did not happen', () => {
    const [req, ans, des, pro] = r.total.stages;
    expect(req?.reasons.map((x) => [x.kind, x.label, x.count, x.share, x.ofEntered])).toEqual([
      ['missingAction', 'never did call.answered', 2, 2 / 3, 0.2],
      ['recorded', 'Too expensive', 1, 1 / 3, 0.1],
    ]);
    expect(req?.reasons[0]).toMatchObject({ actions: ['call.answered'], nextStageId: 'answered', reason: null });
    expect(req?.reasons[1]).toMatchObject({ reason: 'price', actions: [], nextStageId: null });
    expect(ans?.reasons.map((x) => x.label)).toEqual(['never did requirements.described']);
    expect(des?.reasons.map((x) => [x.kind, x.label])).toEqual([['recorded', 'competitor']]);
    // the won stage is completed by its own action and by the trigger offer.accepted → paid
    expect(pro?.reasons[0]?.actions).toEqual(['invoice.paid', 'offer.accepted']);
    expect(pro?.reasons[0]?.label).toBe('never did invoice.paid or offer.accepted');
  });
  it('finds the bottleneck (highest loss rate; minEntered; decided basis; ties to the earlier stage)', () => {
    expect(r.total.bottleneck).toEqual({ stageId: 'proposal', lossRate: 1 / 3, lost: 1, entered: 3 });
    expect(dropOff(table, { minEntered: 4 }).total.bottleneck?.stageId).toBe('request');
    // decided: answered 2/6 and proposal 1/3 tie → answered
    expect(dropOff(table, { rate: 'decided' }).total.bottleneck?.stageId).toBe('answered');
    expect(dropOff(table, { minEntered: 100 }).total.bottleneck).toBeNull();
  });
  it('breaks the losses down by group; groups add up to the total', () => {
    const g = dropOff(table, { groupBy: 'channel' });
    expect(g.groups.map((x) => x.key)).toEqual(['web', 'phone']);
    const web = g.groups[0];
    const phone = g.groups[1];
    // web: d0 d1 d3 d6 d8; phone: d2 d4 d5 d7 d9
    expect(web?.stages.map((s) => [s.entered, s.lost])).toEqual([
      [5, 2],
      [3, 1],
      [2, 1],
      [1, 0],
    ]);
    expect(phone?.stages.map((s) => [s.entered, s.lost])).toEqual([
      [5, 1],
      [4, 1],
      [2, 0],
      [2, 1],
    ]);
    expect(web?.stages[0]?.reasons.map((x) => [x.label, x.count])).toEqual([['never did call.answered', 2]]);
    expect(g.total.stages).toEqual(r.total.stages);
    expect(g.rules.groupBy).toBe('channel');
  });
  it('records its rules', () => {
    expect(r.rules).toMatchObject({ basis: 'reached', rate: 'entered', groupBy: null, minEntered: 1, test: 'auto', minExpected: 5 });
    expect(r.change).toBeNull();
  });
  it('rejects bad options', () => {
    for (const [o, re] of [
      [{ basis: 'current' }, /options\.basis/],
      [{ rate: 'x' }, /options\.rate/],
      [{ minEntered: -1 }, /options\.minEntered/],
      [{ test: 'chi' }, /options\.test/],
      [{ compare: { baseline: 'a', current: 'b' } }, /options\.compare/],
    ] as const) {
      try {
        dropOff(table, o as never);
        expect.unreachable();
      } catch (e) {
        expect(isFunnelError(e)).toBe(true);
        expect((e as Error).message).toMatch(re);
      }
    }
  });
});

describe('dropOff — change vs a baseline', () => {
  const lostAt = (stage: string, n: number): DealSpec[] => Array.from({ length: n }, () => ({ moves: [['request', 1], ...(stage === 'answered' ? [['answered', 2] as const] : []), ['lost', 3]] }));
  const paid = (n: number): DealSpec[] => Array.from({ length: n }, () => ({ moves: [['request', 1], ['answered', 2], ['described', 3], ['proposal', 4], ['paid', 5]] }));
  // previous period: 100 requests, 20 lost at request (20%), 80 went on, 10 of them lost at answered
  const previous = tableOf([...lostAt('request', 20), ...lostAt('answered', 10), ...paid(70)]);
  // this period: 100 requests, 35 lost at request (35%), 65 went on, 8 lost at answered
  const current = tableOf([...lostAt('request', 35), ...lostAt('answered', 8), ...paid(57)]);
  it('reports both loss rates, the difference, the test and the stage that changed most', () => {
    const r = dropOff(current, { compare: previous });
    const req = r.change?.stages[0];
    expect(req).toMatchObject({ stageId: 'request', baseline: { lost: 20, trials: 100, lossRate: 0.2 }, current: { lost: 35, trials: 100, lossRate: 0.35 }, test: 'z' });
    expect(req?.difference).toBeCloseTo(0.15, 12);
    // pooled 55/200 = 0.275; SE = √(0.275·0.725·0.02) = 0.063147…; z = 0.15/0.063147 = 2.3754; p = 0.0175289 (SciPy chi2_contingency, no correction)
    expect(req?.z).toBeCloseTo(0.15 / Math.sqrt(0.275 * 0.725 * 0.02), 10);
    expect(req?.pValue).toBeCloseTo(0.017528861260372782, 12);
    // answered: 10/80 = 0.125 → 8/65 = 0.123: hardly changed
    expect(r.change?.stages[1]?.difference).toBeCloseTo(8 / 65 - 10 / 80, 12);
    expect(r.change?.changedMost?.stageId).toBe('request');
    expect(r.change).toMatchObject({ baseline: 'baseline', current: 'current' });
    // Holm: the smallest p-value is multiplied by the number of tested stages (2 have deals on both sides… all 4 do)
    expect(req?.adjustedPValue).toBeCloseTo(Math.min(1, 4 * (req?.pValue ?? 0)), 12);
  });
  it('compares two groups of one table', () => {
    const both = DealTable.fromColumns(
      {
        dealIds: [...previous.dealIds.map((d) => `p${d}`), ...current.dealIds.map((d) => `c${d}`)],
        createdAt: [...previous.createdAt, ...current.createdAt],
        stage: [...previous.stage, ...current.stage],
        lostAtStage: [...previous.lostAtStage, ...current.lostAtStage],
        attributes: [...previous.dealIds.map(() => ({ period: 'Q1' })), ...current.dealIds.map(() => ({ period: 'Q2' }))],
      },
      b2b,
    );
    const r = dropOff(both, { compare: { by: 'period', baseline: 'Q1', current: 'Q2' } });
    expect(r.change?.stages[0]).toMatchObject({ baseline: { lost: 20, trials: 100 }, current: { lost: 35, trials: 100 } });
    expect(r.change).toMatchObject({ baseline: 'Q1', current: 'Q2' });
    expect(r.change?.changedMost?.stageId).toBe('request');
  });
  it('uses the exact test for small counts and flags the small sample', () => {
    const small = tableOf([...lostAt('request', 3), ...paid(1)]);
    const smallBase = tableOf([...lostAt('request', 1), ...paid(3)]);
    const c = dropOff(small, { compare: smallBase }).change?.stages[0];
    expect(c).toMatchObject({ test: 'fisher', sufficient: false });
    expect(c?.pValue).toBeCloseTo(34 / 70, 12);
    expect(c?.testReason).toMatch(/expected count below 5/);
  });
  it('refuses a baseline of another funnel', () => {
    const other = DealTable.fromColumns({ dealIds: ['x'], createdAt: [0], stage: ['a'] }, { ...b2b, stages: [{ ...b2b.stages[0], id: 'a' } as never, ...b2b.stages.slice(1)] } as never);
    expect(() => dropOff(table, { compare: other })).toThrow(/same stages/);
  });
});

const OPEN = ['request', 'answered', 'described', 'proposal'] as const;
const specArb: fc.Arbitrary<DealSpec> = fc
  .record({
    reach: fc.integer({ min: 0, max: 3 }),
    end: fc.constantFrom('open', 'lost', 'won'),
    reason: fc.option(fc.constantFrom('price', 'timing'), { nil: undefined }),
    channel: fc.constantFrom('web', 'phone', 'mail'),
  })
  .map(({ reach, end, reason, channel }) => {
    const moves: [string, number][] = OPEN.slice(0, reach + 1).map((s, i) => [s, i + 1]);
    if (end === 'lost') moves.push(['lost', 10]);
    if (end === 'won') moves.push(['paid', 10]);
    return { moves, ...(end === 'lost' && reason !== undefined ? { lostReason: reason } : {}), attributes: { channel } };
  });

describe('dropOff — laws', () => {
  fcTest.prop([fc.array(specArb, { minLength: 1, maxLength: 50 })], { numRuns: 60 })(
    'losses and reasons are conserved, shares sum to 1, rates in [0, 1], groups add up, row order does not matter',
    (specs) => {
      const t = tableOf(specs);
      const r = dropOff(t, { groupBy: 'channel' });
      const lost = specs.filter((s) => s.moves.some(([st]) => st === 'lost')).length;
      expect(r.total.lost).toBe(lost);
      expect(r.total.stages.reduce((a, s) => a + s.lost, 0) + r.total.unplacedLost).toBe(lost);
      for (const g of [r.total, ...r.groups]) {
        for (const s of g.stages) {
          expect(s.entered).toBe(s.advanced + s.open + s.lost);
          expect(s.reasons.reduce((a, x) => a + x.count, 0)).toBe(s.lost);
          if (s.lost > 0) expect(Math.abs(s.reasons.reduce((a, x) => a + x.share, 0) - 1)).toBeLessThan(1e-12);
          if (s.lossRate !== null) {
            expect(s.lossRate).toBeGreaterThanOrEqual(0);
            expect(s.lossRate).toBeLessThanOrEqual(1);
          }
        }
        if (g.lost > 0) expect(Math.abs(g.stages.reduce((a, s) => a + (s.shareOfLost ?? 0), 0) - 1)).toBeLessThan(1e-12);
      }
      r.total.stages.forEach((s, k) => {
        expect(r.groups.reduce((a, g) => a + (g.stages[k]?.lost ?? 0), 0)).toBe(s.lost);
        expect(r.groups.reduce((a, g) => a + (g.stages[k]?.entered ?? 0), 0)).toBe(s.entered);
      });
      const reversed = dropOff(tableOf([...specs].reverse()), { groupBy: 'channel' });
      expect(reversed.total).toEqual(r.total);
    },
  );
});
