import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { conversion, DEAL_LOST, DEAL_OPEN, DealTable, dealTableAsOf, pipelineAt, timeInStage, weightedPipeline, type DealTable as Table } from '../../src/index.js';
import { dealFunnel, rawDealsArb, tableOf, visitTimes, type RawDeal } from '../arbitraries/deals.js';

// The columns derived at build (openDeals, furthestStage, histStayEnd, the stays by stage, lastEventAt) against naive
// definitions computed here from the table's base columns, and every fast path against the general
// path it stands for (forced with a grouping function or a probability function).
const ONE = (): string => 'all';
const CAT = dealFunnel.stages.map((s) => s.category);

function naiveDerived(t: Table): { open: number[]; furthest: number[]; stayEnd: number[]; last: number } {
  const open: number[] = [];
  const furthest: number[] = [];
  const stayEnd: number[] = Array.from({ length: t.histTo.length }, () => Number.NaN);
  let last = -Infinity;
  for (let i = 0; i < t.size; i++) {
    if (t.status[i] === DEAL_OPEN) open.push(i);
    last = Math.max(last, t.createdAt[i] as number, Number.isNaN(t.closedAt[i]) ? -Infinity : (t.closedAt[i] as number));
    const rows: number[] = [];
    for (let k = t.histStart[i] as number; k < (t.histStart[i + 1] as number); k++) rows.push(k);
    rows.forEach((k) => (last = Math.max(last, t.histAt[k] as number)));
    // furthest non-lost stage (by funnel order) of the history and the current stage; lost deals: lost-at stage
    const nonLost = rows.map((k) => t.histTo[k] as number).filter((s) => CAT[s] !== 'lost');
    if (t.status[i] === DEAL_LOST) {
      const la = t.lostAtStage[i] as number;
      const openRows = rows.map((k) => t.histTo[k] as number).filter((s) => CAT[s] === 'open');
      furthest.push(la >= 0 && CAT[la] !== 'lost' ? la : openRows.length === 0 ? -1 : Math.max(...openRows));
    } else {
      const cur = t.stage[i] as number;
      const cands = CAT[cur] === 'lost' ? nonLost : [...nonLost, cur];
      furthest.push(cands.length === 0 ? -1 : Math.max(...cands));
    }
    // a stay starts at an open row into an open stage unless the deal already stays there, and ends at the next row changing stage or status
    let running = -1;
    for (const k of rows) {
      const to = t.histTo[k] as number;
      const isOpenRow = t.histStatus[k] === DEAL_OPEN;
      if (running >= 0 && (!isOpenRow || to !== t.histTo[running])) {
        stayEnd[running] = t.histAt[k] as number;
        running = -1;
      }
      if (running < 0 && isOpenRow && CAT[to] === 'open') running = k;
    }
    if (running >= 0) stayEnd[running] = Infinity;
  }
  return { open, furthest, stayEnd, last };
}

function expectDerived(t: Table): void {
  const n = naiveDerived(t);
  expect(Array.from(t.openDeals)).toEqual(n.open);
  expect(Array.from(t.furthestStage)).toEqual(n.furthest);
  expect(Array.from(t.histStayEnd)).toEqual(n.stayEnd);
  expect(t.lastEventAt).toBe(n.last);
  // the stays grouped by stage, from the naive stay ends: per stage, in row order
  const S = t.stageIds.length;
  const counts = Array.from({ length: 2 * S }, () => 0);
  const durations: number[][] = Array.from({ length: S }, () => []);
  const starts: number[][] = Array.from({ length: S }, () => []);
  n.stayEnd.forEach((e, k) => {
    if (Number.isNaN(e)) return;
    const s = t.histTo[k] as number;
    const at = t.histAt[k] as number;
    if (e === Infinity) {
      counts[2 * s + 1] = (counts[2 * s + 1] as number) + 1;
      starts[s]?.push(at);
    } else {
      counts[2 * s] = (counts[2 * s] as number) + 1;
      durations[s]?.push(e - at);
    }
  });
  expect(Array.from(t.stayCounts)).toEqual(counts);
  expect(Array.from(t.stayDurations)).toEqual(durations.flat());
  expect(Array.from(t.runningStayStarts)).toEqual(starts.flat());
}

/** A few instants that cut the generated histories in different places, and one after everything. */
function instants(deals: readonly RawDeal[]): number[] {
  const times = deals.flatMap(visitTimes).sort((a, b) => a - b);
  if (times.length === 0) return [0];
  return [times[0] as number, times[times.length >> 1] as number, (times[times.length - 1] as number) - 1, 1e13];
}

describe('columns derived at build', () => {
  test.prop([rawDealsArb, fc.boolean()], { numRuns: 60 })('match their naive definitions (fromColumns, any row order; fromRows; dealTableAsOf)', (deals, reverse) => {
    const table = tableOf(deals, reverse);
    expectDerived(table);
    for (const at of instants(deals)) expectDerived(dealTableAsOf(table, at));
  });
  test('deals without a recorded history, and an empty table', () => {
    const t = DealTable.fromRows(
      [
        { id: 'a', funnelId: 'p', createdAt: '2026-01-01', stageId: 'proposal' },
        { id: 'b', funnelId: 'p', createdAt: '2026-01-02', stageId: 'lost', status: 'lost', lostAtStageId: 'meeting', closedAt: '2026-01-05' },
        { id: 'c', funnelId: 'p', createdAt: '2026-01-03', stageId: 'won', status: 'won', closedAt: '2026-01-09' },
      ],
      dealFunnel,
    );
    expectDerived(t);
    expect(Array.from(t.furthestStage)).toEqual([2, 1, 4]);
    expect(t.lastEventAt).toBe(Date.parse('2026-01-09'));
    const empty = DealTable.fromColumns({ dealIds: [], createdAt: [], stage: [] }, dealFunnel);
    expect(empty.openDeals.length).toBe(0);
    expect(empty.lastEventAt).toBe(-Infinity);
  });
});

describe('fast paths equal the general paths', () => {
  test.prop([rawDealsArb], { numRuns: 60 })('time in stage, each visit, for instants that cut stays, with and without a first call before', (deals) => {
    const table = tableOf(deals);
    for (const now of instants(deals)) {
      const general = timeInStage(table, { now, groupBy: ONE });
      const fast = timeInStage(table, { now });
      expect(fast.total).toEqual({ ...general.total, key: null });
      expect(timeInStage(table, { now })).toEqual(fast); // again, through the per-table cache when it applies
    }
    const noNow = timeInStage(table);
    expect(noNow.total).toEqual(timeInStage(table, { groupBy: ONE }).total);
  });
  test.prop([rawDealsArb], { numRuns: 40 })('conversion: the histogram of terminal stages equals the per-deal count', (deals) => {
    if (deals.length === 0) return; // no groups: the grouped total has no stages at all
    const table = tableOf(deals);
    const fast = conversion(table, { money: false });
    const general = conversion(table, { money: false, groupBy: ONE });
    expect(fast.total).toEqual(general.total);
  });
  test.prop([rawDealsArb], { numRuns: 60 })('pipelineAt at and after the last event (several currencies)', (deals) => {
    const table = tableOf(deals);
    for (const at of [table.lastEventAt, 1e13]) {
      if (!Number.isFinite(at)) continue;
      expect(pipelineAt(table, at).total).toEqual(pipelineAt(table, at, { groupBy: ONE }).total);
    }
  });
  test.prop([rawDealsArb, fc.array(fc.option(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0.1, 0.5, 25, 80, 150, -1)), { nil: undefined }), { minLength: 40, maxLength: 40 })], { numRuns: 60 })(
    'weightedPipeline (no grouping, by stage, by segment; own probabilities; several currencies)',
    (deals, own) => {
      const base = tableOf(deals);
      // the same deals with segments and some own probabilities (attribute `probability`)
      const table = DealTable.fromColumns(
        {
          dealIds: base.dealIds,
          createdAt: base.createdAt,
          stage: base.stage,
          status: base.status,
          amountMinor: base.amountMinor,
          currencyIndex: base.currencyIndex,
          currencies: base.currencies,
          segment: deals.map((d, i) => (i % 3 === 0 ? null : d.owner)),
          attributes: deals.map((_, i) => (own[i] === undefined ? {} : { probability: own[i] })),
          histStart: base.histStart,
          histFrom: base.histFrom,
          histTo: base.histTo,
          histAt: base.histAt,
          histStatus: base.histStatus,
        },
        dealFunnel,
      );
      // the general path reads the same rule through probabilityOf
      const probabilityOf = (t: Table, i: number): number | null => {
        const v = t.attributes[i]?.['probability'];
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100) return null;
        return v <= 1 ? v : v / 100;
      };
      for (const now of [undefined, ...instants(deals)]) {
        const opts = now === undefined ? {} : { now };
        for (const groupBy of [undefined, 'stage', 'segment'] as const) {
          const g = groupBy === undefined ? {} : { groupBy };
          const fast = weightedPipeline(table, { ...opts, ...g });
          const general = weightedPipeline(table, { ...opts, ...g, probabilityOf });
          expect(fast.total).toEqual(general.total);
          expect(fast.rows).toEqual(general.rows);
          expect(fast.withoutAmount).toBe(general.withoutAmount);
          const noOwn = weightedPipeline(table, { ...opts, ...g, ignoreDealProbability: true });
          expect(noOwn.rows).toEqual(weightedPipeline(table, { ...opts, ...g, probabilityOf: () => null }).rows);
        }
      }
    },
  );
  test('sums beyond 2^53 minor units leave the double fast paths for exact BigInt sums', () => {
    const big = 2 ** 52;
    const t = DealTable.fromColumns(
      { dealIds: ['a', 'b', 'c'], createdAt: [0, 0, 0], stage: [2, 2, 0], amountMinor: [big, big + 2, 3], currencies: ['JPY'] },
      dealFunnel,
    );
    const exact = (BigInt(big) * 2n + 2n).toString();
    expect(weightedPipeline(t).total[0]?.amount.amount).toBe((BigInt(big) * 2n + 5n).toString());
    expect(weightedPipeline(t, { groupBy: 'stage' }).rows[0]?.byCurrency[0]?.amount.amount).toBe(exact);
    expect(pipelineAt(t, 1).total.stages[2]?.value).toEqual([{ amount: exact, currency: 'JPY' }]);
  });
});

describe('time in stage on a large table (radix selection of the quantiles)', () => {
  // 12,000 deals, seeded: stays per stage above the radix threshold (4096); naive stays and a full sort here
  let seed = 7;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const raw: RawDeal[] = Array.from({ length: 12_000 }, (_, i) => {
    const visits = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => Math.floor(rand() * 4));
    const status = (['open', 'won', 'lost'] as const)[Math.floor(rand() * 3)] as RawDeal['status'];
    return {
      id: `d${i}`,
      createdAt: Math.floor(rand() * 1e9),
      visits: status === 'won' ? [...visits, 4] : visits,
      gaps: Array.from({ length: 8 }, () => 1 + Math.floor(rand() * 2e9)),
      status,
      amountMinor: null,
      currency: 'EUR',
      owner: 'ann',
    };
  });
  const table = tableOf(raw);
  const type7 = (xs: number[], p: number): number => {
    const s = [...xs].sort((a, b) => a - b);
    const h = (s.length - 1) * p;
    const f = Math.floor(h);
    return f + 1 < s.length && h !== f ? (s[f] as number) + (h - f) * ((s[f + 1] as number) - (s[f] as number)) : (s[f] as number);
  };
  test('count, median and P90 of completed and ongoing stays match a naive replay', () => {
    const now = 1e13;
    const completed: number[][] = [[], [], [], []];
    const ongoing: number[][] = [[], [], [], []];
    for (const d of raw) {
      const times = visitTimes(d);
      let cur = -1;
      let start = 0;
      const rows = d.visits.map((s, k) => ({ s, at: times[k] as number, open: !(d.status === 'won' && k === d.visits.length - 1) }));
      if (d.status === 'lost') rows.push({ s: 6, at: times[d.visits.length] as number, open: false });
      for (const r of rows) {
        if (cur >= 0 && (!r.open || r.s !== cur)) {
          completed[cur]?.push(r.at - start);
          cur = -1;
        }
        if (cur < 0 && r.open && r.s < 4) {
          cur = r.s;
          start = r.at;
        }
      }
      if (cur >= 0) ongoing[cur]?.push(now - start);
    }
    const got = timeInStage(table, { now }).total.stages;
    const DAY = 86_400_000;
    got.forEach((s, k) => {
      const c = completed[k] as number[];
      expect(c.length).toBeGreaterThan(4096);
      expect(s.completed.count).toBe(c.length);
      expect(s.completed.median).toBe(type7(c, 0.5) / DAY);
      expect(s.completed.p90).toBe(type7(c, 0.9) / DAY);
      const o = ongoing[k] as number[];
      expect(s.ongoing?.count).toBe(o.length);
      if (o.length > 0) expect(s.ongoing?.median).toBe(type7(o, 0.5) / DAY);
    });
  });
});

describe('time in stage, large random tables (radix selection, build-time stays): fast path = general path = naive replay', () => {
  // Seeded tables of 9,000 deals: stays per stage above the radix threshold (4096), zero-length stays
  // (gap 0), many ties (coarse times), backward moves and re-entries, open / won / lost deals, and
  // instants that cut stays (before some events), at the last event, after it, or no instant at all.
  const DAY = 86_400_000;
  const dealsOf = (seed: number): RawDeal[] => {
    let x = seed >>> 0 || 1;
    const rand = (): number => {
      x = (x + 0x6d2b79f5) >>> 0;
      let t = x;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const GAPS = [0, 0, 1, DAY, DAY, 2 * DAY, 3 * DAY];
    return Array.from({ length: 9_000 }, (_, i) => {
      const visits = Array.from({ length: 1 + Math.floor(rand() * 5) }, () => Math.floor(rand() * 4));
      const status = (['open', 'won', 'lost'] as const)[Math.floor(rand() * 3)] as RawDeal['status'];
      return {
        id: `d${i}`,
        createdAt: Math.floor(rand() * 400) * DAY,
        visits: status === 'won' ? [...visits, 4 + Math.floor(rand() * 2)] : visits,
        gaps: Array.from({ length: 8 }, () => (rand() < 0.7 ? (GAPS[Math.floor(rand() * GAPS.length)] as number) : Math.floor(rand() * 40 * DAY))),
        status,
        amountMinor: null,
        currency: 'EUR',
        owner: 'ann',
      };
    });
  };
  /** Naive replay of the raw deals (not the table): stays per open stage, in deal order. */
  const naive = (raw: readonly RawDeal[], now: number | undefined): { completed: number[][]; ongoing: number[][] } => {
    const completed: number[][] = [[], [], [], []];
    const ongoing: number[][] = [[], [], [], []];
    const cut = now ?? Infinity;
    for (const d of raw) {
      const times = visitTimes(d);
      const rows = d.visits.map((s, k) => ({ s, at: times[k] as number, open: !(d.status === 'won' && k === d.visits.length - 1) }));
      if (d.status === 'lost') rows.push({ s: 6, at: times[d.visits.length] as number, open: false });
      let cur = -1;
      let start = 0;
      for (const r of rows) {
        if (r.at > cut) break;
        if (cur >= 0 && (!r.open || r.s !== cur)) {
          completed[cur]?.push(r.at - start);
          cur = -1;
        }
        if (cur < 0 && r.open && r.s < 4) {
          cur = r.s;
          start = r.at;
        }
      }
      if (cur >= 0 && now !== undefined) ongoing[cur]?.push(now - start);
    }
    return { completed, ongoing };
  };
  const type7 = (xs: number[], p: number): number => {
    const s = [...xs].sort((a, b) => a - b);
    const h = (s.length - 1) * p;
    const f = Math.floor(h);
    return f + 1 < s.length && h !== f ? (s[f] as number) + (h - f) * ((s[f + 1] as number) - (s[f] as number)) : (s[f] as number);
  };
  const statsOf = (ms: number[]): { count: number; mean: number | null; median: number | null; p90: number | null } => {
    if (ms.length === 0) return { count: 0, mean: null, median: null, p90: null };
    let sum = 0;
    for (const v of ms) sum += v; // deal order, as the library adds them up
    return { count: ms.length, mean: sum / ms.length / DAY, median: type7(ms, 0.5) / DAY, p90: type7(ms, 0.9) / DAY };
  };
  test.prop([fc.integer({ min: 1, max: 2 ** 31 - 1 })], { numRuns: 3 })('every statistic exactly, first call and repeated call', (seed) => {
    const raw = dealsOf(seed);
    const table = tableOf(raw);
    expectDerived(table);
    const last = table.lastEventAt;
    for (const now of [undefined, last, last + DAY / 3, 150 * DAY, 20 * DAY + 1]) {
      const options = now === undefined ? {} : { now };
      const fast = timeInStage(table, options);
      const general = timeInStage(table, { ...options, groupBy: ONE });
      expect(fast.total).toEqual({ ...general.total, key: null });
      const n = naive(raw, now);
      fast.total.stages.forEach((s, k) => {
        expect(s.completed).toEqual(statsOf(n.completed[k] as number[]));
        expect(s.ongoing).toEqual(now === undefined ? null : statsOf(n.ongoing[k] as number[]));
      });
      if (now === last || now === undefined) expect((n.completed[0] as number[]).length).toBeGreaterThan(4096);
      expect(timeInStage(table, options)).toEqual(fast); // repeated: the per-table cache when it applies
    }
  });
});
