import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { conversion, DealTable, defineFunnel, type ConversionBasis, type ConversionReport } from '../../src/index.js';
import { LOST, rawDealsArb, tableOf, type RawDeal } from '../arbitraries/deals.js';

// The five deals of docs/counting.md.
const funnel = defineFunnel({
  id: 'b2b',
  name: 'B2B',
  stages: [
    { id: 'lead', name: 'Lead' },
    { id: 'meeting', name: 'Meeting' },
    { id: 'proposal', name: 'Proposal' },
    { id: 'won', name: 'Won', category: 'won' },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
  policy: { allowBackward: true },
});
const day = 86_400_000;
const five = DealTable.fromColumns(
  {
    dealIds: ['A', 'B', 'C', 'D', 'E'],
    createdAt: [0, 0, 0, 0, 0],
    stage: ['won', 'proposal', 'lost', 'meeting', 'won'],
    status: ['won', 'open', 'lost', 'open', 'won'],
    amount: ['100.10', '50.00', '20.00', '30.05', '1000'],
    currency: ['EUR', 'EUR', 'EUR', 'EUR', 'JPY'],
    history: {
      deal: [0, 0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4],
      from: [-1, 0, 1, 2, -1, 0, -1, 0, 1, -1, 0, 1, 2, -1, 0],
      to: [0, 1, 2, 3, 0, 2, 0, 1, 4, 0, 1, 2, 1, 0, 3],
      at: [0, 1, 2, 3, 0, 2, 0, 1, 2, 0, 1, 2, 3, 0, 5].map((d) => d * day),
      status: ['open', 'open', 'open', 'won', 'open', 'open', 'open', 'open', 'lost', 'open', 'open', 'open', 'open', 'open', 'won'],
    },
  },
  funnel,
);

const counts = (r: ConversionReport): number[][] => r.total.stages.map((s) => [s.entered, s.advanced, s.lost, s.open, s.won]);

describe('conversion on the five deals of docs/counting.md', () => {
  it('reached: every stage up to the furthest reached', () => {
    const r = conversion(five);
    expect(r.rules.basis).toBe('reached');
    expect(r.rules.path).toEqual(['lead', 'meeting', 'proposal', 'won']);
    expect(counts(r)).toEqual([
      [5, 5, 0, 0, 0],
      [5, 4, 1, 0, 0],
      [4, 2, 0, 2, 0],
      [2, 0, 0, 0, 2],
    ]);
    expect(r.total.stages.map((s) => s.conversion)).toEqual([1, 0.8, 0.5, 0]);
    expect(r.total.stages.map((s) => s.endToEnd)).toEqual([1, 1, 0.8, 0.4]);
    expect(r.total.stages[2]?.closedConversion).toBe(1);
  });
  it('visited: only stages in the history, each once (no Frappe double count)', () => {
    const r = conversion(five, { basis: 'visited' });
    expect(counts(r)).toEqual([
      [5, 5, 0, 0, 0],
      [3, 2, 1, 0, 0],
      [3, 1, 0, 2, 0],
      [2, 0, 0, 0, 2],
    ]);
  });
  it('current: a snapshot, no rates', () => {
    const r = conversion(five, { basis: 'current' });
    expect(counts(r)).toEqual([
      [0, 0, 0, 0, 0],
      [2, 0, 1, 1, 0],
      [1, 0, 0, 1, 0],
      [2, 0, 0, 0, 2],
    ]);
    expect(r.total.stages.every((s) => s.conversion === null && s.endToEnd === null)).toBe(true);
  });
  it('sums money exactly per currency', () => {
    const r = conversion(five);
    const eur = (i: number) => r.total.stages[i]?.money.find((m) => m.currency === 'EUR');
    const jpy = (i: number) => r.total.stages[i]?.money.find((m) => m.currency === 'JPY');
    expect(eur(0)?.entered).toBe('200.15');
    expect(eur(1)).toMatchObject({ entered: '200.15', advanced: '180.15', lost: '20.00' });
    expect(eur(2)).toMatchObject({ entered: '180.15', advanced: '100.10', open: '80.05' });
    expect(eur(3)).toMatchObject({ entered: '100.10', won: '100.10' });
    expect(jpy(3)).toMatchObject({ entered: '1000', won: '1000' });
  });
  it('groups, and the total equals the sum of the groups', () => {
    const r = conversion(five, { groupBy: 'currency' });
    expect(r.groups.map((g) => g.key)).toEqual(['EUR', 'JPY']);
    expect(counts(r)).toEqual(counts(conversion(five)));
    expect(r.total.stages[3]?.money.map((m) => m.won)).toEqual(['100.10', '1000']);
  });
  it('period and cohort: created in the period, read as of its end', () => {
    const r = conversion(five, { period: { from: 0, to: 2.5 * day } });
    expect(r.rules.period).toEqual({ from: '1970-01-01T00:00:00.000Z', to: '1970-01-03T12:00:00.000Z' });
    // as of day 2.5: A at proposal (open), B proposal, C lost at meeting, D proposal, E lead
    expect(counts(r)).toEqual([
      [5, 4, 0, 1, 0],
      [4, 3, 1, 0, 0],
      [3, 0, 0, 3, 0],
      [0, 0, 0, 0, 0],
    ]);
    const act = conversion(five, { period: { from: 4 * day, to: 10 * day }, cohort: 'activity' });
    expect(act.total.deals).toBe(1); // only E moved in days 4–10
  });
  it('rejects bad options', () => {
    expect(() => conversion(five, { basis: 'all' as ConversionBasis })).toThrow(/basis/);
    expect(() => conversion(five, { period: { from: 5, to: 1 } })).toThrow(/period/);
  });
});

/** Naive reference: per deal, the set of path positions counted and its terminal stage. */
function naive(deals: readonly RawDeal[], basis: ConversionBasis): number[][] {
  const P = 6; // lead meeting proposal contract won onboarded
  const out = Array.from({ length: P }, () => [0, 0, 0, 0, 0]);
  for (const d of deals) {
    const T = d.status === 'lost' ? (d.visits[d.visits.length - 1] as number) : Math.max(...d.visits);
    if (basis === 'current') {
      const at = d.visits[d.visits.length - 1] as number;
      const row = out[at] as number[];
      row[0]!++;
      row[d.status === 'lost' ? 2 : d.status === 'open' ? 3 : 4]!++;
      continue;
    }
    const counted = basis === 'reached' ? Array.from({ length: T + 1 }, (_, k) => k) : [...new Set([...d.visits.filter((v) => v <= T), T])];
    for (const s of counted) {
      const row = out[s] as number[];
      row[0]!++;
      if (s < T) row[1]!++;
      else row[d.status === 'lost' ? 2 : d.status === 'open' ? 3 : 4]!++;
    }
  }
  return out;
}

describe('conversion laws', () => {
  test.prop([rawDealsArb, fc.constantFrom<ConversionBasis>('reached', 'visited', 'current')], { numRuns: 150 })(
    'matches a naive count; entered = advanced + lost + open + won; rates in [0, 1]',
    (deals, basis) => {
      const r = conversion(tableOf(deals), { basis });
      expect(counts(r)).toEqual(naive(deals, basis));
      for (const s of r.total.stages) {
        expect(s.entered).toBe(s.advanced + s.lost + s.open + s.won);
        for (const v of [s.conversion, s.closedConversion, s.endToEnd]) if (v !== null) expect(v >= 0 && v <= 1).toBe(true);
      }
    },
  );
  test.prop([rawDealsArb], { numRuns: 100 })('reached: end-to-end is the product of the stage rates along the path', (deals) => {
    const stages = conversion(tableOf(deals)).total.stages;
    let product = 1;
    for (const s of stages) {
      if (s.endToEnd === null) return;
      expect(s.endToEnd).toBeCloseTo(product, 12);
      product *= s.conversion ?? 0;
    }
  });
  test.prop([rawDealsArb, fc.constantFrom<ConversionBasis>('reached', 'visited')], { numRuns: 100 })(
    'independent of row order',
    (deals, basis) => {
      const a = conversion(tableOf(deals), { basis, groupBy: 'owner' });
      const b = conversion(tableOf([...deals].reverse(), true), { basis, groupBy: 'owner' });
      expect(b.total).toEqual(a.total);
      const byKey = (r: ConversionReport) => Object.fromEntries(r.groups.map((g) => [g.key, g]));
      expect(byKey(b)).toEqual(byKey(a));
    },
  );
  test.prop([rawDealsArb], { numRuns: 100 })('money: the first stage holds the exact BigInt sum of every amount', (deals) => {
    const r = conversion(tableOf(deals));
    for (const cur of ['EUR', 'JPY'] as const) {
      const sum = deals.filter((d) => d.currency === cur && d.amountMinor !== null).reduce((a, d) => a + BigInt(d.amountMinor as number), 0n);
      const got = r.total.stages[0]?.money.find((m) => m.currency === cur)?.entered;
      const has = deals.some((d) => d.currency === cur && d.amountMinor !== null);
      if (!has) expect(got).toBeUndefined();
      else expect(BigInt((got as string).replace('.', ''))).toBe(sum);
    }
  });
  it('the arbitrary lost stage index is the last one', () => expect(LOST).toBe(6));
});
