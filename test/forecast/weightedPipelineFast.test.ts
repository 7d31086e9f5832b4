import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { DEAL_OPEN, DealTable, dealTableAsOf, defineFunnel, pipelineAt, weightedPipeline, type DealTable as Table, type WeightedPipelineOptions } from '../../src/index.js';
import { columnsOf, dealFunnel, rawDealsArb, visitTimes, type RawDeal } from '../arbitraries/deals.js';

// weightedPipeline's fast path (no probabilityOf; ungrouped, by stage or by segment; own probabilities
// from DealTable.openDealProbability) pinned to its general path (forced with a probabilityOf that reads
// the same attribute rule) and to a naive exact reference computed here from the raw deals.

/** The fixture funnel with one open stage ('meeting') that has no probability: its deals are "missing". */
const sparseFunnel = defineFunnel({ ...dealFunnel, id: 'p2', stages: dealFunnel.stages.map((s) => (s.id === 'meeting' ? { id: s.id, name: s.name } : s)) });

/** The attribute rule, written out here: a number in [0, 1]; a percentage in (1, 100]; else none. */
const ownRule = (v: unknown): number | null => (typeof v !== 'number' || !(v >= 0) || v > 100 ? null : v <= 1 ? v : v / 100);
const probabilityOf = (t: Table, i: number): number | null => ownRule(t.attributes[i]?.['probability']);

/** Own probability attribute values: a few repeated ones (percentages included), junk, and arbitrary doubles. */
const ownArb = fc.option(
  fc.oneof(
    fc.constantFrom(0.1, 0.25, 0.5, 75, 80, 0, 1, 100, 0.999, 150, -1, Number.NaN, Number.POSITIVE_INFINITY, '0.5', null),
    fc.double({ min: 0, max: 1, noNaN: true }),
  ),
  { nil: undefined, freq: 2 },
);

function instants(deals: readonly RawDeal[]): number[] {
  const times = deals.flatMap(visitTimes).sort((a, b) => a - b);
  if (times.length === 0) return [0];
  return [times[0] as number, times[times.length >> 1] as number, (times[times.length - 1] as number) - 1, 1e13];
}

function build(deals: readonly RawDeal[], own: readonly unknown[], funnelOf = dealFunnel): Table {
  const cols = columnsOf(deals);
  return DealTable.fromColumns(
    {
      ...cols,
      segment: deals.map((d, i) => (i % 3 === 0 ? null : d.owner)),
      attributes: deals.map((d, i) => (own[i] === undefined ? { owner: d.owner } : { owner: d.owner, probability: own[i] })),
    },
    funnelOf,
  );
}

const sources: ReadonlyArray<WeightedPipelineOptions['probabilities']> = [
  undefined,
  // equal probabilities in several stages (merged into one product), and a tiny one
  { lead: 0.25, meeting: 0.25, proposal: 1e-9 },
];

describe('weightedPipeline: fast path against the general path', () => {
  test.prop([rawDealsArb, fc.array(ownArb, { minLength: 40, maxLength: 40 }), fc.boolean()], { numRuns: 40 })(
    'every grouping of the fast path, own probabilities present or absent, ignored or not, stages without a probability, several currencies, any as-of time',
    (deals, own, sparse) => {
      const table = build(deals, own, sparse ? sparseFunnel : dealFunnel);
      const noOwn = build(deals, [], sparse ? sparseFunnel : dealFunnel);
      expect(noOwn.openDealProbability.length).toBe(0);
      for (const now of [undefined, ...instants(deals)]) {
        for (const groupBy of [undefined, 'stage', 'segment'] as const) {
          for (const probabilities of sources) {
            const o: WeightedPipelineOptions = { ...(now === undefined ? {} : { now }), ...(groupBy === undefined ? {} : { groupBy }), ...(probabilities === undefined ? {} : { probabilities }) };
            expect(weightedPipeline(table, o)).toEqual(weightedPipeline(table, { ...o, probabilityOf }));
            const none = weightedPipeline(table, { ...o, probabilityOf: () => null });
            expect(weightedPipeline(table, { ...o, ignoreDealProbability: true })).toEqual({ ...none, basis: { ...none.basis, dealOverrides: false } });
            expect(weightedPipeline(noOwn, o)).toEqual(weightedPipeline(noOwn, { ...o, probabilityOf: () => null }));
          }
        }
      }
    },
  );

  test.prop([rawDealsArb, fc.array(fc.option(fc.constantFrom(0.1, 0.35, 42, 0.5, 1), { nil: undefined }), { minLength: 40, maxLength: 40 })], { numRuns: 60 })(
    'totals equal a naive exact reference (BigInt, half-even once)',
    (deals, own) => {
      const table = build(deals, own);
      const now = 1e13;
      // reference: per currency, Σ minor and Σ minor × p in 1/10000 of a minor unit (p has ≤ 4 decimals)
      const ref = new Map<string, { deals: number; amount: bigint; w: bigint }>();
      const stageP = [0.1, 0.25, 0.5, 0.8];
      deals.forEach((d, i) => {
        if (d.status !== 'open' || d.amountMinor === null) return;
        const p = ownRule(own[i]) ?? (stageP[d.visits[d.visits.length - 1] as number] as number);
        const r = ref.get(d.currency) ?? { deals: 0, amount: 0n, w: 0n };
        ref.set(d.currency, { deals: r.deals + 1, amount: r.amount + BigInt(d.amountMinor), w: r.w + BigInt(d.amountMinor) * BigInt(Math.round(p * 10_000)) });
      });
      const halfEven = (x: bigint): bigint => {
        const neg = x < 0n;
        const a = neg ? -x : x;
        let q = a / 10_000n;
        const rem = a % 10_000n;
        if (rem > 5_000n || (rem === 5_000n && q % 2n === 1n)) q += 1n;
        return neg ? -q : q;
      };
      const minor = (s: string): bigint => BigInt(s.replace('.', ''));
      const got = weightedPipeline(table, { now }).total;
      expect(got.map((c) => c.currency).sort()).toEqual([...ref.keys()].sort());
      for (const c of got) {
        const r = ref.get(c.currency)!;
        expect(c.deals).toBe(r.deals);
        expect(minor(c.amount.amount)).toBe(r.amount);
        expect(minor(c.weighted.amount)).toBe(halfEven(r.w));
      }
    },
  );

  test('more distinct own probabilities than the fast path holds: same result (general path)', () => {
    const n = 600;
    const table = DealTable.fromColumns(
      {
        dealIds: Array.from({ length: n }, (_, i) => `d${i}`),
        createdAt: Array.from({ length: n }, () => 0),
        stage: Array.from({ length: n }, (_, i) => i % 4),
        amountMinor: Array.from({ length: n }, (_, i) => 1000 + i),
        currencies: ['EUR'],
        attributes: Array.from({ length: n }, (_, i) => ({ probability: (i + 1) / (n + 1) })),
      },
      dealFunnel,
    );
    expect(table.openDealProbability.length).toBe(n);
    for (const groupBy of [undefined, 'stage'] as const) {
      const o = groupBy === undefined ? {} : { groupBy };
      expect(weightedPipeline(table, o)).toEqual(weightedPipeline(table, { ...o, probabilityOf }));
    }
  });
});

describe('DealTable.openDealProbability and the open deals\' contiguous columns', () => {
  test.prop([rawDealsArb, fc.array(ownArb, { minLength: 40, maxLength: 40 })], { numRuns: 60 })(
    'aligned with openDeals, the attribute rule, NaN without one; empty when no open deal has one; as of a past time too',
    (deals, own) => {
      const table = build(deals, own);
      const check = (t: Table): void => {
        const expected = Array.from(t.openDeals, (i) => ownRule(t.attributes[i]?.['probability']) ?? Number.NaN);
        if (expected.every((p) => Number.isNaN(p))) expect(t.openDealProbability.length).toBe(0);
        else expect(Array.from(t.openDealProbability)).toEqual(expected);
        expect(Array.from(t.openDeals).every((i) => t.status[i] === DEAL_OPEN)).toBe(true);
        // the open deals' contiguous columns: the all-deals columns read through openDeals
        const through = <T extends ArrayLike<number>>(col: T): number[] => Array.from(t.openDeals, (i) => col[i] as number);
        expect(Array.from(t.openStage)).toEqual(through(t.stage));
        expect(Array.from(t.openCurrencyIndex)).toEqual(through(t.currencyIndex));
        expect(Array.from(t.openAmountMinor)).toEqual(through(t.amountMinor));
        expect(Array.from(t.openSegment)).toEqual(through(t.segment));
        // the (currency, stage) cell: currency slot 0 for a deal without an amount, else currency index + 1
        const S = t.stageIds.length;
        const has = (i: number): boolean => (t.currencyIndex[i] as number) >= 0 && Number.isFinite(t.amountMinor[i]);
        expect(Array.from(t.openCell)).toEqual(Array.from(t.openDeals, (i) => (has(i) ? (t.currencyIndex[i] as number) + 1 : 0) * S + (t.stage[i] as number)));
        let abs = 0;
        for (const i of t.openDeals) if (has(i)) abs += Math.abs(t.amountMinor[i] as number);
        expect(t.openAmountAbsSum).toBe(abs);
        // the grouped layout: per (segment, cell) group, the open amounts in deal order
        const K = (t.currencies.length + 1) * S;
        const G = (t.segments.length + 1) * K;
        if (G > 4 * t.openDeals.length + 1024) expect([t.openCellStart.length, t.openAmountByCell.length]).toEqual([0, 0]);
        else {
          expect(t.openCellStart.length).toBe(G + 1);
          for (let g = 0; g < G; g++) {
            const expected = Array.from(t.openDeals.keys())
              .filter((j) => ((t.openSegment[j] as number) + 1) * K + (t.openCell[j] as number) === g)
              .map((j) => t.openAmountMinor[j] as number);
            expect(Array.from(t.openAmountByCell.subarray(t.openCellStart[g] as number, t.openCellStart[g + 1] as number))).toEqual(expected);
          }
        }
      };
      check(table);
      for (const at of instants(deals)) check(dealTableAsOf(table, at));
    },
  );
});

describe('the open pipeline without the grouped layout (very many segments)', () => {
  test.prop([rawDealsArb], { numRuns: 15 })('weightedPipeline and pipelineAt add deal by deal and still equal their general paths', (deals) => {
    // at least 1,000 deals, one segment each: (1,000 + 1) × (currencies + 1) × stages groups > 4 × open + 1,024
    fc.pre(deals.length > 0);
    const copies = Math.ceil(1000 / deals.length);
    const many = Array.from({ length: copies }, (_, r) => deals.map((d) => ({ ...d, id: `${d.id}-${r}` }))).flat();
    const cols = columnsOf(many);
    const table = DealTable.fromColumns({ ...cols, segment: many.map((_, i) => `s${i}`), attributes: many.map((d) => ({ owner: d.owner })) }, dealFunnel);
    expect(table.openCellStart.length).toBe(0);
    for (const groupBy of [undefined, 'stage', 'segment'] as const) {
      const o = groupBy === undefined ? {} : { groupBy };
      expect(weightedPipeline(table, o)).toEqual(weightedPipeline(table, { ...o, probabilityOf }));
    }
    const at = Math.max(...many.flatMap(visitTimes), 0) + 1;
    const now = pipelineAt(table, at);
    const viaGroups = pipelineAt(table, at, { groupBy: () => 'all' });
    expect(now.total).toEqual(viaGroups.total);
  });
});
