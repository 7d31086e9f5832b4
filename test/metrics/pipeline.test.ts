import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DealTable, pipelineAt, pipelineWaterfall } from '../../src/index.js';
import { columnsOf, dealFunnel, rawDealsArb, tableOf, visitTimes, type RawDeal } from '../arbitraries/deals.js';

/** Naive: the stage a raw deal is open in at time t, or null. */
function openStageAt(d: RawDeal, t: number): number | null {
  const times = visitTimes(d);
  let stage: number | null = null;
  d.visits.forEach((s, k) => {
    if ((times[k] as number) <= t) stage = d.status === 'won' && k === d.visits.length - 1 ? null : s;
  });
  if (d.status === 'lost' && (times[d.visits.length] as number) <= t) stage = null;
  return stage;
}

const big = (s: string): bigint => BigInt(s.replace('.', ''));

describe('pipelineAt', () => {
  test.prop([rawDealsArb, fc.integer({ min: 0, max: 1_400_000 })], { numRuns: 100 })('counts the deals open at a date, per stage, like a naive replay', (deals, t) => {
    const p = pipelineAt(tableOf(deals), t);
    const expected = [0, 1, 2, 3].map((s) => deals.filter((d) => openStageAt(d, t) === s).length);
    expect(p.total.stages.map((s) => s.count)).toEqual(expected);
    // value: exact BigInt sum per currency
    for (const cur of ['EUR', 'JPY']) {
      const sum = deals.filter((d) => d.currency === cur && d.amountMinor !== null && openStageAt(d, t) !== null).reduce((a, d) => a + BigInt(d.amountMinor as number), 0n);
      const got = p.total.value.find((m) => m.currency === cur);
      expect(got === undefined ? 0n : big(got.amount)).toBe(sum);
    }
  });
  it('weights by stage probability and groups', () => {
    const deals: RawDeal[] = [
      { id: 'a', createdAt: 0, visits: [0, 2], gaps: [1, 1], status: 'open', amountMinor: 10_000, currency: 'EUR', owner: 'ann' },
      { id: 'b', createdAt: 0, visits: [0], gaps: [1, 1], status: 'open', amountMinor: 333, currency: 'EUR', owner: 'bob' },
    ];
    const p = pipelineAt(tableOf(deals), 10, { groupBy: 'owner' });
    // 100.00 × 0.5 + 3.33 × 0.1 = 50.333 → 50.33
    expect(p.total.weighted).toEqual([{ amount: '50.33', currency: 'EUR' }]);
    expect(p.total.stages[2]?.weighted).toEqual([{ amount: '50.00', currency: 'EUR' }]);
    expect(p.groups.map((g) => [g.key, g.count])).toEqual([
      ['ann', 1],
      ['bob', 1],
    ]);
  });
});

describe('pipelineWaterfall', () => {
  const withAmountHistory = (deals: RawDeal[], amounts: number[]): DealTable => {
    const cols = columnsOf(deals);
    const h = cols.history;
    if (h === undefined) throw new Error('history');
    return DealTable.fromColumns({ ...cols, history: { ...h, amountMinor: Array.from({ length: h.deal.length }, (_, r) => amounts[r % amounts.length] as number) } }, dealFunnel);
  };
  test.prop(
    [rawDealsArb, fc.integer({ min: 0, max: 1_200_000 }), fc.integer({ min: 0, max: 400_000 }), fc.array(fc.integer({ min: -10_000, max: 10_000 }), { minLength: 1, maxLength: 7 })],
    { numRuns: 120 },
  )('start + new + in − out + reopened − won − lost + amount changes = end, exactly, per stage and in total', (deals, from, span, amounts) => {
    for (const table of [tableOf(deals), withAmountHistory(deals, amounts)]) {
      const w = pipelineWaterfall(table, from, from + span);
      for (const s of [...w.stages, { ...w.total, stageId: 'total' }]) {
        const c = s.count;
        expect(c.start + c.new + c.movedIn - c.movedOut + c.reopened - c.won - c.lost).toBe(c.end);
        for (const v of s.value) {
          expect(big(v.start) + big(v.new) + big(v.movedIn) - big(v.movedOut) + big(v.reopened) - big(v.won) - big(v.lost) + big(v.amountChange)).toBe(big(v.end));
        }
      }
      // start and end agree with pipelineAt
      expect(w.stages.map((s) => s.count.start)).toEqual(pipelineAt(table, from).total.stages.map((s) => s.count));
      expect(w.stages.map((s) => s.count.end)).toEqual(pipelineAt(table, from + span).total.stages.map((s) => s.count));
    }
  });
  it('rejects from > to', () => {
    expect(() => pipelineWaterfall(tableOf([]), 5, 1)).toThrow(/from/);
  });
});
