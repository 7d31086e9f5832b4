import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { conversion, pipelineAt, timeInStage } from '../../src/index.js';
import { rawDealsArb, tableOf } from '../arbitraries/deals.js';

// The fast paths (cached per-table derived columns, no grouping) must give what the general grouped
// path gives for a single group holding every deal; repeated calls (cache hits) must not change a result.
const ONE = (): string => 'all';
const LATE = 1e13; // after every generated event

describe('cached derived columns and fast paths', () => {
  test.prop([rawDealsArb], { numRuns: 60 })('conversion (reached, no money) equals the grouped path', (deals) => {
    const table = tableOf(deals);
    const fast = conversion(table, { money: false });
    const general = conversion(table, { money: false, groupBy: ONE });
    expect(conversion(table, { money: false })).toEqual(fast);
    if (deals.length === 0) return;
    expect(fast.total.deals).toBe(general.groups[0]?.deals);
    expect(fast.total.unplaced).toBe(general.groups[0]?.unplaced);
    expect(fast.total.stages).toEqual(general.groups[0]?.stages);
  });
  test.prop([rawDealsArb], { numRuns: 60 })('time in stage after the last event equals the grouped path', (deals) => {
    const table = tableOf(deals);
    for (const now of [LATE, Number.NaN]) {
      const opts = Number.isNaN(now) ? {} : { now };
      const fast = timeInStage(table, opts);
      expect(timeInStage(table, opts)).toEqual(fast);
      const general = timeInStage(table, { ...opts, groupBy: ONE }).groups[0];
      if (general === undefined) continue;
      fast.total.stages.forEach((s, k) => {
        const g = general.stages[k];
        for (const kind of ['completed', 'ongoing'] as const) {
          const a = s[kind];
          const b = g?.[kind] ?? null;
          if (a === null || b === null) {
            expect(a).toBe(b);
            continue;
          }
          expect(a.count).toBe(b.count);
          for (const f of ['mean', 'median', 'p90'] as const) {
            if (a[f] === null) expect(b[f]).toBeNull();
            else expect(a[f]).toBeCloseTo(b[f] as number, 9);
          }
        }
      });
    }
  });
  test.prop([rawDealsArb], { numRuns: 60 })('pipelineAt now equals the grouped path', (deals) => {
    const table = tableOf(deals);
    const fast = pipelineAt(table, LATE);
    expect(pipelineAt(table, LATE)).toEqual(fast);
    const general = pipelineAt(table, LATE, { groupBy: ONE });
    expect(fast.total).toEqual(general.total);
  });
});
