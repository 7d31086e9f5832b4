import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { timeInStage } from '../../src/index.js';
import { quantile } from '../../src/internal/stats.js';
import { rawDealsArb, tableOf, visitTimes, type RawDeal } from '../arbitraries/deals.js';

const DAY = 86_400_000;

/** Naive stays of a raw deal: merge consecutive equal visits; a stay ends at the next visit or the close. */
function naiveStays(d: RawDeal, now: number): { stage: number; ms: number; ongoing: boolean }[] {
  const times = visitTimes(d);
  const segs: { stage: number; at: number }[] = [];
  d.visits.forEach((s, k) => {
    if (segs.length === 0 || segs[segs.length - 1]?.stage !== s) segs.push({ stage: s, at: times[k] as number });
  });
  const out: { stage: number; ms: number; ongoing: boolean }[] = [];
  segs.forEach((seg, j) => {
    if (seg.stage >= 4 || seg.at > now) return; // won stages are not measured
    const next = segs[j + 1]?.at ?? (d.status === 'lost' ? (times[d.visits.length] as number) : undefined);
    if (next !== undefined && next <= now) out.push({ stage: seg.stage, ms: next - seg.at, ongoing: false });
    else out.push({ stage: seg.stage, ms: now - seg.at, ongoing: true });
  });
  return out;
}

describe('timeInStage', () => {
  test.prop([rawDealsArb, fc.integer({ min: 0, max: 1_500_000 })], { numRuns: 120 })('matches naive stays: count, mean, median, P90', (deals, now) => {
    const r = timeInStage(tableOf(deals), { now });
    r.total.stages.forEach((s, stage) => {
      for (const ongoing of [false, true]) {
        const ms = deals.flatMap((d) => naiveStays(d, now)).filter((x) => x.stage === stage && x.ongoing === ongoing).map((x) => x.ms / DAY);
        const got = ongoing ? s.ongoing : s.completed;
        expect(got?.count).toBe(ms.length);
        if (ms.length === 0) expect(got?.median).toBeNull();
        else {
          expect(got?.mean).toBeCloseTo(ms.reduce((a, b) => a + b, 0) / ms.length, 9);
          expect(got?.median).toBeCloseTo(quantile(ms, 0.5) as number, 9);
          expect(got?.p90).toBeCloseTo(quantile(ms, 0.9) as number, 9);
        }
      }
    });
  });
  test.prop([rawDealsArb], { numRuns: 60 })('grouped stays add up to the total; total visits add up per deal', (deals) => {
    const now = 2_000_000;
    const table = tableOf(deals);
    const r = timeInStage(table, { now, groupBy: 'owner' });
    r.total.stages.forEach((s, k) => {
      expect(r.groups.reduce((a, g) => a + (g.stages[k]?.completed.count ?? 0), 0)).toBe(s.completed.count);
    });
    const each = timeInStage(table, { now });
    const total = timeInStage(table, { now, visits: 'total' });
    total.total.stages.forEach((s, k) => {
      const e = each.total.stages[k];
      const sumEach = (e?.completed.count ?? 0) * (e?.completed.mean ?? 0) + (e?.ongoing?.count ?? 0) * (e?.ongoing?.mean ?? 0);
      const sumTotal = s.completed.count * (s.completed.mean ?? 0) + (s.ongoing?.count ?? 0) * (s.ongoing?.mean ?? 0);
      expect(sumTotal).toBeCloseTo(sumEach, 6);
    });
  });
  it('without now, ongoing stays are not measured', () => {
    const r = timeInStage(tableOf([{ id: 'a', createdAt: 0, visits: [0, 1], gaps: [DAY, DAY], status: 'open', amountMinor: null, currency: 'EUR', owner: 'ann' }]));
    expect(r.total.stages[0]?.completed).toEqual({ count: 1, mean: 1, median: 1, p90: 1 });
    expect(r.total.stages[1]?.ongoing).toBeNull();
    expect(r.rules.now).toBeNull();
    expect(() => timeInStage(tableOf([]), { visits: 'some' as 'each' })).toThrow(/visits/);
  });
});
