import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { DealInput } from '../../src/index.js';
import { DEAL_LOST, DEAL_OPEN, DEAL_WON, DealTable, dealTableAsOf, defineFunnel, isFunnelError, pipelineAt } from '../../src/index.js';
import { columnsOf, dealFunnel, rawDealsArb, tableOf } from '../arbitraries/deals.js';

const funnel = defineFunnel({
  id: 'b2b',
  name: 'B2B',
  stages: [
    { id: 'request', name: 'Request' },
    { id: 'answered', name: 'Answered' },
    { id: 'proposal', name: 'Proposal' },
    { id: 'paid', name: 'Paid', category: 'won' },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
});

const t = (d: string): string => `2026-03-${d}T00:00:00.000Z`;

const rows: DealInput[] = [
  {
    id: 'a',
    funnelId: 'b2b',
    createdAt: t('01'),
    stageId: 'paid',
    status: 'won' as const,
    closedAt: t('10'),
    amount: { amount: '100.10', currency: 'EUR' },
    segmentId: 'smb',
    history: [
      // deliberately out of order: the table sorts per deal
      { from: 'proposal', to: 'paid', at: t('10'), status: 'won' as const, cause: { type: 'command' as const, command: 'win' as const } },
      { from: null, to: 'request', at: t('01'), status: 'open' as const, cause: { type: 'command' as const, command: 'create' as const } },
      { from: 'request', to: 'proposal', at: t('05'), status: 'open' as const, cause: { type: 'command' as const, command: 'moveTo' as const } },
    ],
  },
  {
    id: 'b',
    funnelId: 'b2b',
    createdAt: t('02'),
    stageId: 'lost',
    status: 'lost' as const,
    lostAtStageId: 'answered',
    lostReason: 'price',
    closedAt: t('08'),
    amount: { amount: '5', currency: 'USD' },
  },
  { id: 'c', funnelId: 'b2b', createdAt: t('03'), stageId: 'answered', attributes: { owner: 'ann' } },
];

describe('DealTable.fromRows', () => {
  const table = DealTable.fromRows(rows, funnel);
  it('builds typed columns with interned ids', () => {
    expect(table.size).toBe(3);
    expect(table.dealIds).toEqual(['a', 'b', 'c']);
    expect(Array.from(table.stage)).toEqual([3, 4, 1]);
    expect(Array.from(table.status)).toEqual([DEAL_WON, DEAL_LOST, DEAL_OPEN]);
    expect(Array.from(table.lostAtStage)).toEqual([-1, 1, -1]);
    expect(table.currencies).toEqual(['EUR', 'USD']);
    expect(Array.from(table.amountMinor)).toEqual([10010, 500, Number.NaN]);
    expect(Array.from(table.currencyIndex)).toEqual([0, 1, -1]);
    expect(table.segments).toEqual(['smb']);
    expect(Array.from(table.segment)).toEqual([0, -1, -1]);
    expect(table.lostReasons).toEqual(['price']);
    expect(table.attributes[2]).toEqual({ owner: 'ann' });
    expect(table.closedAt[0]).toBe(Date.parse(t('10')));
    expect(table.closedAt[2]).toBeNaN();
  });
  it('stores the history in CSR layout sorted by time', () => {
    expect(Array.from(table.histStart)).toEqual([0, 3, 5, 6]);
    expect(Array.from(table.histTo.subarray(0, 3))).toEqual([0, 2, 3]);
    expect(Array.from(table.histFrom.subarray(0, 3))).toEqual([-1, 0, 2]);
    // synthesized: b created at its lost-at stage, then lost at closedAt
    expect(Array.from(table.histTo.subarray(3, 5))).toEqual([1, 4]);
    expect(Array.from(table.histStatus.subarray(3, 5))).toEqual([DEAL_OPEN, DEAL_LOST]);
    expect(table.histAt[4]).toBe(Date.parse(t('08')));
    expect(Array.from(table.histTo.subarray(5, 6))).toEqual([1]);
  });
  it('names the row and the field of a bad row', () => {
    const c = rows[2] as DealInput;
    const bad = [c, { ...c, id: 'x', stageId: 'nowhere' }];
    try {
      DealTable.fromRows(bad, funnel);
      expect.unreachable();
    } catch (e) {
      expect(isFunnelError(e)).toBe(true);
      if (!isFunnelError(e)) return;
      expect(e.code).toBe('UNKNOWN_STAGE');
      expect(e.path).toEqual(['deals', 1, 'stageId']);
      expect(e.received).toBe('"nowhere"');
    }
    expect(() => DealTable.fromRows([{ ...c, createdAt: 'soon' }], funnel)).toThrow(/deals\[0\]\.createdAt/);
    expect(() => DealTable.fromRows([c, c], funnel)).toThrow(/unique deal id/);
    expect(() => DealTable.fromRows([{ ...c, funnelId: 'other' }], funnel)).toThrow(/funnelId/);
  });
  it('does not mutate its input', () => {
    const copy = structuredClone(rows);
    DealTable.fromRows(rows, funnel);
    expect(rows).toEqual(copy);
  });
});

describe('DealTable.fromColumns', () => {
  it('accepts ids or indices, derives status from the stage category and lostAtStage from history', () => {
    const table = DealTable.fromColumns(
      {
        dealIds: ['a', 'b'],
        createdAt: [0, 10],
        stage: ['paid', 'lost'],
        amount: ['1.5', null],
        currency: 'EUR',
        history: { deal: [1, 0, 0, 1], from: [-1, -1, 0, 2], to: [2, 0, 3, 4], at: [10, 0, 5, 20] },
      },
      funnel,
    );
    expect(Array.from(table.status)).toEqual([DEAL_WON, DEAL_LOST]);
    expect(Array.from(table.lostAtStage)).toEqual([-1, 2]);
    expect(Array.from(table.closedAt)).toEqual([5, 20]);
    expect(Array.from(table.amountMinor)).toEqual([150, Number.NaN]);
    expect(Array.from(table.histStart)).toEqual([0, 2, 4]);
    expect(Array.from(table.histTo)).toEqual([0, 3, 2, 4]);
  });
  it('rejects mismatched columns, naming the column and row', () => {
    expect(() => DealTable.fromColumns({ dealIds: ['a', 'b'], createdAt: [0], stage: [0, 0] }, funnel)).toThrow(/createdAt/);
    expect(() => DealTable.fromColumns({ dealIds: ['a'], createdAt: [0], stage: [9] }, funnel)).toThrow(/columns\.stage\[0\]/);
    expect(() => DealTable.fromColumns({ dealIds: ['a'], createdAt: [Number.NaN], stage: [0] }, funnel)).toThrow(/INVALID_DATE|instant|epoch/);
    expect(() =>
      DealTable.fromColumns({ dealIds: ['a'], createdAt: [0], stage: [0], amountMinor: [1.5], currencies: ['EUR'] }, funnel),
    ).toThrow(/amountMinor\[0\]/);
  });
});

describe('dealTableAsOf', () => {
  const table = DealTable.fromRows(rows, funnel);
  it('keeps deals created by then with their state as of then', () => {
    const then = dealTableAsOf(table, t('06'));
    expect(then.dealIds).toEqual(['a', 'b', 'c']);
    expect(Array.from(then.stage)).toEqual([2, 1, 1]);
    expect(Array.from(then.status)).toEqual([DEAL_OPEN, DEAL_OPEN, DEAL_OPEN]);
    expect(Array.from(then.closedAt)).toEqual([Number.NaN, Number.NaN, Number.NaN]);
    expect(Array.from(then.histStart)).toEqual([0, 2, 3, 4]);
    expect(Array.from(then.lostReason)).toEqual([-1, -1, -1]);
    const early = dealTableAsOf(table, t('01'));
    expect(early.dealIds).toEqual(['a']);
  });
  it('is the identity after the last event', () => {
    const later = dealTableAsOf(table, '2027-01-01');
    for (const key of ['stage', 'status', 'lostAtStage', 'closedAt', 'amountMinor', 'histStart', 'histTo', 'histAt'] as const) {
      expect(Array.from(later[key])).toEqual(Array.from(table[key]));
    }
  });
  it('rejects an invalid instant', () => {
    expect(() => dealTableAsOf(table, 'yesterday')).toThrow(/at/);
  });
});

describe('dealTableAsOf laws', () => {
  test.prop([rawDealsArb, fc.integer({ min: 0, max: 1_500_000 })], { numRuns: 80 })(
    'the pipeline at a date is the same from the full table and from the table as of that date',
    (deals, at) => {
      const table = tableOf(deals);
      const then = dealTableAsOf(table, at);
      expect(pipelineAt(then, at).total).toEqual(pipelineAt(table, at).total);
      expect(then.size).toBe(deals.filter((d) => d.createdAt <= at).length);
      // no history row after `at`; histories stay sorted
      for (let i = 0; i < then.size; i++) {
        for (let k = then.histStart[i] as number; k < (then.histStart[i + 1] as number); k++) {
          expect(then.histAt[k]).toBeLessThanOrEqual(at);
          if (k > (then.histStart[i] as number)) expect(then.histAt[k]).toBeGreaterThanOrEqual(then.histAt[k - 1] as number);
        }
      }
    },
  );
});

describe('DealTable.fromColumns with CSR history', () => {
  it('rebuilds the same table from another table’s columns', () => {
    const a = DealTable.fromRows(rows, funnel);
    const b = DealTable.fromColumns(
      {
        dealIds: a.dealIds,
        createdAt: a.createdAt,
        stage: a.stage,
        status: a.status,
        lostAtStage: a.lostAtStage,
        closedAt: a.closedAt,
        amountMinor: a.amountMinor,
        currencyIndex: a.currencyIndex,
        currencies: a.currencies,
        histStart: a.histStart,
        histFrom: a.histFrom,
        histTo: a.histTo,
        histAt: a.histAt,
        histStatus: a.histStatus,
      },
      funnel,
    );
    for (const key of ['stage', 'status', 'lostAtStage', 'closedAt', 'amountMinor', 'histStart', 'histFrom', 'histTo', 'histAt', 'histStatus'] as const) {
      expect(Array.from(b[key])).toEqual(Array.from(a[key]));
    }
    expect(() => DealTable.fromColumns({ dealIds: ['x'], createdAt: [0], stage: [0], histStart: [0, 1, 2], histFrom: [-1], histTo: [0], histAt: [0] }, funnel)).toThrow(/histStart/);
  });
});

describe('history rows that share a timestamp', () => {
  // deal x is imported with its whole path replayed at one instant (created in request, moved to answered,
  // then to proposal, all at 09:00), and lost on the 5th; the rows come in any order
  const nine = Date.parse('2026-03-02T09:00:00Z');
  const fifth = Date.parse('2026-03-05T00:00:00Z');
  const rowsX: Array<[string | null, string, number, 'open' | 'lost']> = [
    [null, 'request', nine, 'open'],
    ['request', 'answered', nine, 'open'],
    ['answered', 'proposal', nine, 'open'],
    ['proposal', 'lost', fifth, 'lost'],
  ];
  const build = (order: number[]) =>
    DealTable.fromColumns(
      {
        dealIds: ['x'],
        createdAt: [nine],
        stage: ['lost'],
        status: ['lost'],
        history: {
          deal: order.map(() => 0),
          from: order.map((k) => rowsX[k]![0]),
          to: order.map((k) => rowsX[k]![1]),
          at: order.map((k) => rowsX[k]![2]),
          status: order.map((k) => rowsX[k]![3]),
        },
      },
      funnel,
    );
  it('are put in the order of their stage chain, whatever the input order', () => {
    for (const order of [[0, 1, 2, 3], [2, 1, 0, 3], [3, 1, 2, 0], [1, 3, 0, 2]]) {
      const t = build(order);
      // stage indices: request 0, answered 1, proposal 2, lost 4
      expect([Array.from(t.histFrom), Array.from(t.histTo)]).toEqual([[-1, 0, 1, 2], [0, 1, 2, 4]]);
      expect(t.lostAtStage[0]).toBe(2);
      // at 09:00 the deal stands in proposal, its last move of that instant
      expect(pipelineAt(t, nine).total.stages.map((s) => s.count)).toEqual([0, 0, 1]);
    }
  });
  it('a deal that goes back and forth within one instant keeps a consistent chain', () => {
    // created in request at 0; at 1: request → answered → request → answered (three rows at one time)
    const tbl = (order: number[]) => {
      const r: Array<[number, number, number]> = [[-1, 0, 0], [0, 1, 1], [1, 0, 1], [0, 1, 1]];
      return DealTable.fromColumns(
        { dealIds: ['y'], createdAt: [0], stage: [1], status: ['open'], history: { deal: order.map(() => 0), from: order.map((k) => r[k]![0]), to: order.map((k) => r[k]![1]), at: order.map((k) => r[k]![2]) } },
        funnel,
      );
    };
    for (const order of [[0, 1, 2, 3], [0, 2, 1, 3], [3, 2, 1, 0], [2, 3, 0, 1]]) {
      expect([Array.from(tbl(order).histFrom), Array.from(tbl(order).histTo)]).toEqual([[-1, 0, 1, 0], [0, 1, 0, 1]]);
    }
  });
  test.prop([rawDealsArb, fc.integer({ min: 1, max: 2 ** 30 })], { numRuns: 60 })(
    'with many zero gaps, any order of the history rows gives the same table',
    (deals, seed) => {
      const tied = deals.map((d) => ({ ...d, gaps: d.gaps.map((g) => g % 2) }));
      const cols = columnsOf(tied);
      const h = cols.history!;
      const m = h.deal.length;
      const perm = Array.from({ length: m }, (_, i) => i);
      let s = seed;
      for (let i = m - 1; i > 0; i--) {
        s = (s * 1103515245 + 12345) % 2147483648;
        const j = s % (i + 1);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      const pick = (a: ArrayLike<unknown>): never[] => perm.map((k) => a[k] as never);
      const shuffled = { ...cols, history: { deal: pick(h.deal), from: pick(h.from!), to: pick(h.to), at: pick(h.at), status: pick(h.status!) } };
      const a = DealTable.fromColumns(cols, dealFunnel);
      const b = DealTable.fromColumns(shuffled, dealFunnel);
      for (const key of ['lostAtStage', 'closedAt', 'histStart', 'histFrom', 'histTo', 'histAt', 'histStatus'] as const) {
        expect(Array.from(b[key])).toEqual(Array.from(a[key]));
      }
    },
  );
});
