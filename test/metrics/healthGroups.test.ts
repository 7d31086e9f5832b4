/**
 * groupBy for pipelineHealth and salesVelocity: hand-computed cases, laws (additivity, one group =
 * ungrouped, each group = its own deals alone, row order), and the Maven CRM export grouped by sales
 * agent, regional office and product with expectations recomputed from the raw CSV lines.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DealTable, defineFunnel, loadDealsCsv, pipelineHealth, salesVelocity, type HealthFigures, type SalesVelocityReport } from '../../src/index.js';
import { rawDealsArb, tableOf, visitTimes, type RawDeal } from '../arbitraries/deals.js';
import { describeDataset, readDataset } from '../support/datasets.js';
import { mavenCsvOptions } from '../support/maven.js';

const D = 86_400_000;
const funnel = defineFunnel({
  id: 'g',
  name: 'G',
  stages: [
    { id: 'lead', name: 'Lead' },
    { id: 'proposal', name: 'Proposal' },
    { id: 'won', name: 'Won', category: 'won' },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
});

interface HandDeal {
  id: string;
  owner: string | null;
  amount: string | null;
  currency: string;
  /** [stage, day, status] rows in time order; the first is the creation */
  rows: [string, number, 'open' | 'won' | 'lost'][];
}

function handTable(deals: HandDeal[]): DealTable {
  const history = { deal: [] as number[], from: [] as (string | null)[], to: [] as string[], at: [] as number[], status: [] as string[] };
  deals.forEach((d, i) =>
    d.rows.forEach(([stage, day, status], k) => {
      history.deal.push(i);
      history.from.push(k === 0 ? null : (d.rows[k - 1] as [string, number, string])[0]);
      history.to.push(stage);
      history.at.push(day * D);
      history.status.push(status);
    }),
  );
  const last = (d: HandDeal): [string, number, 'open' | 'won' | 'lost'] => d.rows[d.rows.length - 1] as [string, number, 'open' | 'won' | 'lost'];
  return DealTable.fromColumns(
    {
      dealIds: deals.map((d) => d.id),
      createdAt: deals.map((d) => (d.rows[0] as [string, number, string])[1] * D),
      stage: deals.map((d) => last(d)[0]),
      status: deals.map((d) => last(d)[2]),
      closedAt: deals.map((d) => (last(d)[2] === 'open' ? Number.NaN : last(d)[1] * D)),
      amount: deals.map((d) => d.amount),
      currency: deals.map((d) => d.currency),
      attributes: deals.map((d) => (d.owner === null ? {} : { owner: d.owner })),
      history: history as never,
    },
    funnel,
  );
}

const eur = (amount: string) => ({ amount, currency: 'EUR' });
const usd = (amount: string) => ({ amount, currency: 'USD' });

/** Everything but the rules and the group list. */
function figures(h: HealthFigures): HealthFigures {
  const { deals, newLeads, open, stages, won, lost, stale, winRate, winLossRatio, averageDealSize, averageDaysToClose, medianDaysToClose } = h;
  return { deals, newLeads, open, stages, won, lost, stale, winRate, winLossRatio, averageDealSize, averageDaysToClose, medianDaysToClose };
}

describe('pipelineHealth groupBy: a hand-computed period', () => {
  // period [day 10, day 40]; g is created after it and is not counted anywhere
  const table = handTable([
    { id: 'a', owner: 'ann', amount: '100.00', currency: 'EUR', rows: [['lead', 0, 'open'], ['proposal', 5, 'open'], ['won', 20, 'won']] },
    { id: 'b', owner: 'ann', amount: '50.00', currency: 'EUR', rows: [['lead', 12, 'open'], ['lost', 30, 'lost']] },
    { id: 'c', owner: 'ann', amount: '30.00', currency: 'USD', rows: [['lead', 15, 'open'], ['proposal', 25, 'open'], ['won', 50, 'won']] },
    { id: 'd', owner: 'bob', amount: '200.00', currency: 'EUR', rows: [['lead', 20, 'open'], ['won', 32, 'won']] },
    { id: 'e', owner: 'bob', amount: null, currency: 'EUR', rows: [['lead', 2, 'open']] },
    { id: 'f', owner: null, amount: '10.00', currency: 'EUR', rows: [['lead', 38, 'open'], ['proposal', 39, 'open']] },
    { id: 'g', owner: 'ann', amount: '999.00', currency: 'EUR', rows: [['lead', 45, 'open']] },
  ]);
  const period = { from: 10 * D, to: 40 * D };

  it('default definitions: every figure per owner, deals without an owner in the null group', () => {
    const h = pipelineHealth(table, { period, groupBy: 'owner' });
    expect(h.rules.groupBy).toBe('owner');
    expect(h.groups.map((g) => g.key)).toEqual(['ann', 'bob', null]);
    const [ann, bob, none] = h.groups;
    // c is won after the period: open at proposal as of day 40
    expect(figures(h)).toEqual({
      deals: 6, newLeads: 4, open: 3, won: 2, lost: 1, stale: 0,
      stages: [{ stageId: 'lead', count: 1, value: [] }, { stageId: 'proposal', count: 2, value: [eur('10.00'), usd('30.00')] }],
      winRate: 2 / 3, winLossRatio: 2, averageDealSize: [eur('150.00')], averageDaysToClose: 16, medianDaysToClose: 16,
    });
    expect(figures(ann as HealthFigures)).toEqual({
      deals: 3, newLeads: 2, open: 1, won: 1, lost: 1, stale: 0,
      stages: [{ stageId: 'lead', count: 0, value: [] }, { stageId: 'proposal', count: 1, value: [usd('30.00')] }],
      winRate: 0.5, winLossRatio: 1, averageDealSize: [eur('100.00')], averageDaysToClose: 20, medianDaysToClose: 20,
    });
    expect(figures(bob as HealthFigures)).toEqual({
      deals: 2, newLeads: 1, open: 1, won: 1, lost: 0, stale: 0,
      stages: [{ stageId: 'lead', count: 1, value: [] }, { stageId: 'proposal', count: 0, value: [] }],
      winRate: 1, winLossRatio: null, averageDealSize: [eur('200.00')], averageDaysToClose: 12, medianDaysToClose: 12,
    });
    expect(figures(none as HealthFigures)).toEqual({
      deals: 1, newLeads: 1, open: 1, won: 0, lost: 0, stale: 0,
      stages: [{ stageId: 'lead', count: 0, value: [] }, { stageId: 'proposal', count: 1, value: [eur('10.00')] }],
      winRate: null, winLossRatio: null, averageDealSize: [], averageDaysToClose: null, medianDaysToClose: null,
    });
  });

  it('the alternatives per group: Zoho win rate, size over all deals, time to close over closed deals', () => {
    const h = pipelineHealth(table, { period, groupBy: 'owner', winRate: 'zoho', staleAfterDays: 20, averageDealSize: 'all', timeToClose: 'closed' });
    expect(h.rules.now).toBe(new Date(40 * D).toISOString());
    // stale at day 40 (older than 20 days, open): c (25 days), e (38 days); f is 2 days old
    const rows = [h, ...h.groups].map((g) => [g.stale, g.winRate, g.averageDealSize, g.averageDaysToClose, g.medianDaysToClose]);
    expect(rows).toEqual([
      [2, 2 / 5, [eur('86.67'), usd('30.00')], 50 / 3, 18],
      [1, 1 / 3, [eur('50.00'), usd('30.00')], 19, 19],
      [1, 1 / 2, [eur('200.00')], 12, 12],
      [0, null, [eur('10.00')], null, null],
    ]);
  });

  it('a function key, and the empty table', () => {
    const h = pipelineHealth(table, { period, groupBy: (t, i) => (t.currencies[t.currencyIndex[i] as number] === 'USD' ? 'usd' : null) });
    expect(h.rules.groupBy).toBe('function');
    expect(h.groups.map((g) => [g.key, g.deals])).toEqual([[null, 5], ['usd', 1]]);
    const empty = pipelineHealth(handTable([]), { groupBy: 'owner', winRate: 'zoho', staleAfterDays: 1 });
    expect(empty.groups).toEqual([]);
    expect([empty.deals, empty.winRate, empty.rules.now]).toEqual([0, null, null]);
    expect(() => pipelineHealth(table, { groupBy: 3 as never })).toThrow(/groupBy/);
  });
});

describe('salesVelocity groupBy: a hand-computed comparison', () => {
  // previous [day 0, day 30], current [day 31, day 60]; every amount in EUR
  const table = handTable([
    { id: 'a', owner: 'ann', amount: '1000', currency: 'EUR', rows: [['lead', 0, 'open'], ['won', 10, 'won']] },
    { id: 'b', owner: 'ann', amount: '100', currency: 'EUR', rows: [['lead', 5, 'open'], ['lost', 20, 'lost']] },
    { id: 'c', owner: 'ann', amount: '2000', currency: 'EUR', rows: [['lead', 25, 'open'], ['won', 45, 'won']] },
    { id: 'd', owner: 'bob', amount: '500', currency: 'EUR', rows: [['lead', 40, 'open'], ['won', 50, 'won']] },
    { id: 'e', owner: null, amount: '300', currency: 'EUR', rows: [['lead', 2, 'open'], ['won', 12, 'won']] },
  ]);
  const opts = { period: { from: 31 * D, to: 60 * D }, previous: { from: 0, to: 30 * D }, groupBy: 'owner' } as const;
  const f = (opportunities: number, winRate: number | null, averageDealSize: number | null, cycleDays: number | null, velocity: number | null) => ({
    opportunities, winRate, averageDealSize, cycleDays, velocity,
  });

  it('factors per group; a group of one period only has no velocity there and no decomposition', () => {
    const v = salesVelocity(table, { ...opts, decomposition: 'sequential' });
    expect(v.rules.groupBy).toBe('owner');
    expect(v.groups.map((g) => g.key)).toEqual(['ann', 'bob', null]);
    const [ann, bob, none] = v.groups.map((g) => g.currencies[0]);
    // ann: previous a, b, c worked, a won (10 days), b lost; current c (open at day 31) won after 20 days
    expect(ann?.previous).toEqual(f(3, 0.5, 1000, 10, 150));
    expect(ann?.current).toEqual(f(1, 1, 2000, 20, 100));
    // sequential: opportunities 150 → 50, win rate → 100, size → 200, cycle → 100
    expect(ann?.decomposition).toEqual({ method: 'sequential', change: -50, opportunities: -100, winRate: 50, averageDealSize: 100, cycleDays: -100 });
    // bob joined in the current period
    expect(bob?.previous).toEqual(f(0, null, null, null, null));
    expect(bob?.current).toEqual(f(1, 1, 500, 10, 50));
    expect(bob?.decomposition).toBeNull();
    // e (no owner) closed in the previous period: nothing worked in the current one
    expect(none?.previous).toEqual(f(1, 1, 300, 10, 30));
    expect(none?.current).toEqual(f(0, null, null, null, null));
    expect(none?.decomposition).toBeNull();
    // the total: previous 4 worked, 2 won of 3 closed, mean 650 over 10 days; current 2 worked, 2 won, 1250 over 15 days
    expect(v.currencies[0]?.previous?.velocity).toBeCloseTo((4 * (2 / 3) * 650) / 10, 10);
    expect(v.currencies[0]?.current?.velocity).toBeCloseTo((2 * 1 * 1250) / 15, 10);
  });

  it('log shares per group', () => {
    const d = salesVelocity(table, opts).groups[0]?.currencies[0]?.decomposition;
    const total = Math.log(100 / 150);
    expect(d?.method).toBe('log');
    expect(d?.opportunities).toBeCloseTo((-50 * Math.log(1 / 3)) / total, 10);
    expect(d?.winRate).toBeCloseTo((-50 * Math.log(2)) / total, 10);
    expect(d?.averageDealSize).toBeCloseTo((-50 * Math.log(2)) / total, 10);
    expect(d?.cycleDays).toBeCloseTo((-50 * -Math.log(2)) / total, 10);
  });

  it('without grouping, groups is empty and the rules say so', () => {
    const v = salesVelocity(table, { period: opts.period });
    expect([v.groups, v.rules.groupBy]).toEqual([[], null]);
  });
});

/** A group → its figures, for comparisons that ignore the group order. */
const byKey = <T extends { key: string | null }>(groups: readonly T[]): Map<string | null, T> => new Map(groups.map((g) => [g.key, g]));

const periodArb = fc.option(
  fc.tuple(fc.integer({ min: 0, max: 1_200_000 }), fc.integer({ min: 0, max: 600_000 })).map(([from, span]) => ({ from, to: from + span })),
  { nil: undefined },
);
const healthOptsArb = fc.record({
  period: periodArb,
  winRate: fc.constantFrom<'closed' | 'zoho'>('closed', 'zoho'),
  averageDealSize: fc.constantFrom<'won' | 'all'>('won', 'all'),
  timeToClose: fc.constantFrom<'won' | 'closed'>('won', 'closed'),
  staleDays: fc.double({ min: 0.001, max: 0.02, noNaN: true }),
});
type HealthOpts = typeof healthOptsArb extends fc.Arbitrary<infer T> ? T : never;
const healthOptions = (o: HealthOpts) => ({
  ...(o.period === undefined ? {} : { period: o.period }),
  winRate: o.winRate,
  averageDealSize: o.averageDealSize,
  timeToClose: o.timeToClose,
  staleAfterDays: o.staleDays,
  now: 1_300_000, // explicit, so a sub-table measures staleness at the same instant
});
const minor = (m: { amount: string }): bigint => BigInt(m.amount.replace('.', ''));

describe('pipelineHealth groupBy: laws', () => {
  test.prop([rawDealsArb, healthOptsArb], { numRuns: 60 })('the counts and the stage values of the groups add up to the total', (deals, o) => {
    const h = pipelineHealth(tableOf(deals), { ...healthOptions(o), groupBy: 'owner' });
    for (const k of ['deals', 'newLeads', 'open', 'won', 'lost', 'stale'] as const) expect(h.groups.reduce((a, g) => a + g[k], 0)).toBe(h[k]);
    h.stages.forEach((s, j) => {
      expect(h.groups.reduce((a, g) => a + (g.stages[j]?.count ?? 0), 0)).toBe(s.count);
      for (const cur of ['EUR', 'JPY']) {
        const sum = (v: readonly { amount: string; currency: string }[]) => v.filter((m) => m.currency === cur).reduce((a, m) => a + minor(m), 0n);
        expect(h.groups.reduce((a, g) => a + sum(g.stages[j]?.value ?? []), 0n)).toBe(sum(s.value));
      }
    });
  });
  test.prop([rawDealsArb, healthOptsArb], { numRuns: 60 })('one group equals the ungrouped report; each group equals its deals alone', (deals, o) => {
    const opts = healthOptions(o);
    const table = tableOf(deals);
    const plain = pipelineHealth(table, opts);
    const one = pipelineHealth(table, { ...opts, groupBy: () => 'all' });
    // the group exists when some deal existed by the period end
    const existed = deals.some((d) => o.period === undefined || d.createdAt <= o.period.to);
    expect(one.groups.map((g) => g.key)).toEqual(existed ? ['all'] : []);
    if (existed) expect(figures(one.groups[0] as HealthFigures)).toEqual(figures(plain));
    expect(figures(one)).toEqual(figures(plain));
    // naive reference: the owner's deals in a table of their own
    const grouped = pipelineHealth(table, { ...opts, groupBy: 'owner' });
    for (const g of grouped.groups) {
      const alone = pipelineHealth(tableOf(deals.filter((d) => d.owner === g.key)), opts);
      expect(figures(g)).toEqual(figures(alone));
    }
  });
  test.prop([rawDealsArb, healthOptsArb, fc.integer({ min: 1, max: 1_000 })], { numRuns: 40 })('independent of the row order', (deals, o, seed) => {
    const shuffled = [...deals].sort((a, b) => ((Number(a.id.slice(1)) * seed) % 41) - ((Number(b.id.slice(1)) * seed) % 41));
    const a = pipelineHealth(tableOf(deals), { ...healthOptions(o), groupBy: 'owner' });
    const b = pipelineHealth(tableOf(shuffled, true), { ...healthOptions(o), groupBy: 'owner' });
    const ka = byKey(a.groups);
    const kb = byKey(b.groups);
    expect([...kb.keys()].sort()).toEqual([...ka.keys()].sort());
    for (const [k, g] of ka) {
      const other = kb.get(k) as HealthFigures;
      const { averageDaysToClose: x, ...rest } = figures(g);
      const { averageDaysToClose: y, ...restOther } = figures(other);
      expect(restOther).toEqual(rest);
      // a mean of doubles may differ in the last bit with the summation order
      if (x === null) expect(y).toBeNull();
      else expect(y).toBeCloseTo(x, 9);
    }
  });
});

const velocityOptsArb = fc.record({
  from: fc.integer({ min: 0, max: 1_000_000 }),
  span: fc.integer({ min: 1, max: 600_000 }),
  prevSpan: fc.integer({ min: 1, max: 600_000 }),
  opportunities: fc.constantFrom<'worked' | 'created'>('worked', 'created'),
  decomposition: fc.constantFrom<'log' | 'sequential'>('log', 'sequential'),
});
type VelocityOpts = typeof velocityOptsArb extends fc.Arbitrary<infer T> ? T : never;
const velocityOptions = (o: VelocityOpts) => ({
  period: { from: o.from, to: o.from + o.span },
  previous: { from: Math.max(0, o.from - o.prevSpan), to: Math.max(0, o.from - 1) },
  opportunities: o.opportunities,
  decomposition: o.decomposition,
});
/** Opportunities of a raw deal set in a period, naive: created in it, or (worked) open at its start. */
function naiveOpportunities(deals: readonly RawDeal[], from: number, to: number, mode: 'worked' | 'created'): number {
  return deals.filter((d) => {
    if (d.createdAt > to) return false;
    if (d.createdAt >= from) return true;
    if (mode === 'created') return false;
    const times = visitTimes(d);
    const closedAt = d.status === 'won' ? (times[d.visits.length - 1] as number) : d.status === 'lost' ? (times[d.visits.length] as number) : Infinity;
    return closedAt > from;
  }).length;
}

describe('salesVelocity groupBy: laws', () => {
  test.prop([rawDealsArb, velocityOptsArb], { numRuns: 60 })('each group equals its deals alone; one group equals the ungrouped report', (deals, o) => {
    const opts = velocityOptions(o);
    const table = tableOf(deals);
    const plain = salesVelocity(table, opts);
    const one = salesVelocity(table, { ...opts, groupBy: () => 'all' });
    expect(one.currencies).toEqual(plain.currencies);
    // the group exists when some deal existed by the end of either period
    const existed = deals.some((d) => d.createdAt <= opts.period.to || d.createdAt <= opts.previous.to);
    expect(one.groups).toEqual(existed ? [{ key: 'all', currencies: plain.currencies }] : []);
    const grouped = salesVelocity(table, { ...opts, groupBy: 'owner' });
    expect(grouped.currencies).toEqual(plain.currencies);
    for (const g of grouped.groups) {
      const alone = salesVelocity(tableOf(deals.filter((d) => d.owner === g.key)), opts);
      expect(g.currencies).toEqual(alone.currencies);
    }
  });
  test.prop([rawDealsArb, velocityOptsArb], { numRuns: 60 })('the opportunities of the groups add up to the total; contributions add up to the change', (deals, o) => {
    const opts = velocityOptions(o);
    const v = salesVelocity(tableOf(deals), { ...opts, groupBy: 'owner' });
    for (const [side, p] of [['current', opts.period], ['previous', opts.previous]] as const) {
      // naive count per owner, whether or not the group won anything (and so has a currency entry)
      const owners = ['ann', 'bob', 'cy'] as const;
      const perOwner = owners.map((k) => naiveOpportunities(deals.filter((d) => d.owner === k), p.from, p.to, o.opportunities));
      expect(perOwner.reduce((a, b) => a + b, 0)).toBe(naiveOpportunities(deals, p.from, p.to, o.opportunities));
      for (const g of v.groups) {
        for (const c of g.currencies) expect(c[side]?.opportunities).toBe(perOwner[owners.indexOf(g.key as 'ann')]);
      }
    }
    for (const g of v.groups) {
      for (const c of g.currencies) {
        const d = c.decomposition;
        if (d === null) continue;
        const scale = Math.max(1, Math.abs(c.current.velocity ?? 0), Math.abs(c.previous?.velocity ?? 0));
        expect(Math.abs(d.opportunities + d.winRate + d.averageDealSize + d.cycleDays - d.change) / scale).toBeLessThan(1e-9);
      }
    }
  });
  test.prop([rawDealsArb, velocityOptsArb, fc.integer({ min: 1, max: 1_000 })], { numRuns: 40 })('independent of the row order', (deals, o, seed) => {
    const shuffled = [...deals].sort((a, b) => ((Number(a.id.slice(1)) * seed) % 41) - ((Number(b.id.slice(1)) * seed) % 41));
    const a = salesVelocity(tableOf(deals), { ...velocityOptions(o), groupBy: 'owner' });
    const b = salesVelocity(tableOf(shuffled, true), { ...velocityOptions(o), groupBy: 'owner' });
    const kb = byKey(b.groups);
    expect(b.groups.length).toBe(a.groups.length);
    for (const g of a.groups) closeReports(kb.get(g.key)?.currencies ?? [], g.currencies);
  });
});

/** Equal up to the last bits of sums of doubles (the order of summation changes with the row order). */
function closeReports(got: SalesVelocityReport['currencies'], want: SalesVelocityReport['currencies']): void {
  expect(got.map((c) => c.currency)).toEqual(want.map((c) => c.currency));
  want.forEach((w, k) => {
    const g = got[k];
    for (const side of ['current', 'previous'] as const) {
      const x = w[side];
      const y = g?.[side];
      if (x === null || x === undefined) {
        expect(y ?? null).toBeNull();
        continue;
      }
      expect(y?.opportunities).toBe(x.opportunities);
      expect(y?.winRate).toBe(x.winRate);
      for (const f of ['averageDealSize', 'cycleDays', 'velocity'] as const) {
        const a = x[f];
        const b = y?.[f] ?? null;
        if (a === null) expect(b).toBeNull();
        else expect(Math.abs((b as number) - a)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a)));
      }
    }
    expect(g?.decomposition === null).toBe(w.decomposition === null);
  });
}

describeDataset('maven-crm-sales-opportunities', 'Maven CRM health and velocity per agent, office and product', () => {
  const text = readDataset('maven-crm-sales-opportunities', 'sales_pipeline.csv');
  const { table, problems } = loadDealsCsv(text, mavenCsvOptions);
  // the raw lines, read independently of the loader: agent, product, stage, engage, close, value
  const rows = text
    .split('\r\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => {
      const [, agent, product, , stage, engage, close, value] = l.split(',') as string[];
      return {
        agent: agent as string,
        product: product as string,
        stage: stage as string,
        // the loader's rule: created at the engage date, else at `undatedAt` (prospecting rows have no date)
        created: Date.parse(engage === '' ? '2017-12-31' : (engage as string)),
        closed: close === '' ? null : Date.parse(close as string),
        value: value === '' ? null : BigInt(value as string),
      };
    });
  type Row = (typeof rows)[number];
  const office = new Map(
    readDataset('maven-crm-sales-opportunities', 'sales_teams.csv')
      .split('\r\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split(',') as [string, string, string])
      .map(([agent, , region]) => [agent, region]),
  );
  const officeOf = (t: typeof table, i: number): string | null => office.get(String(t.attributes[i]?.['sales_agent'])) ?? null;
  const dollars = (cents: bigint): string => `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
  /** Mean of whole dollars to the cent, half-even, from the exact BigInt sum. */
  const meanUsd = (values: bigint[]): string => {
    const n = BigInt(values.length);
    const cents100 = values.reduce((a, b) => a + b, 0n) * 100n;
    let q = cents100 / n;
    const r = cents100 % n;
    if (2n * r > n || (2n * r === n && q % 2n === 1n)) q += 1n;
    return dollars(q);
  };
  const median = (xs: number[]): number | null => {
    if (xs.length === 0) return null;
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
  };
  const days = (r: Row): number => ((r.closed as number) - r.created) / D;

  it('loads every row', () => {
    expect([table.size, problems.length]).toEqual([8800, 0]);
  });

  it('per sales agent: counts, stage counts, win rate, average won deal size, time to close', () => {
    const h = pipelineHealth(table, { groupBy: 'sales_agent' });
    const agents = [...new Set(rows.map((r) => r.agent))];
    expect(h.groups.map((g) => g.key).sort()).toEqual([...agents].sort());
    expect(h.groups.reduce((a, g) => a + g.deals, 0)).toBe(8800);
    for (const g of h.groups) {
      const mine = rows.filter((r) => r.agent === g.key);
      const won = mine.filter((r) => r.stage === 'Won');
      const lost = mine.filter((r) => r.stage === 'Lost').length;
      const prospecting = mine.filter((r) => r.stage === 'Prospecting').length;
      const engaging = mine.filter((r) => r.stage === 'Engaging').length;
      expect([g.deals, g.won, g.lost, g.open]).toEqual([mine.length, won.length, lost, prospecting + engaging]);
      expect(g.stages.map((s) => [s.stageId, s.count, s.value])).toEqual([['prospecting', prospecting, []], ['engaging', engaging, []]]);
      expect(g.winRate).toBe(won.length / (won.length + lost));
      expect(g.winLossRatio).toBe(won.length / lost);
      expect(g.averageDealSize).toEqual([{ amount: meanUsd(won.map((r) => r.value as bigint)), currency: 'USD' }]);
      const d = won.map(days);
      expect(g.averageDaysToClose).toBeCloseTo(d.reduce((a, b) => a + b, 0) / d.length, 9);
      expect(g.medianDaysToClose).toBe(median(d));
    }
  });

  it('per regional office (joined from sales_teams.csv) over 2017-Q3: new leads, closes, open at the end, stale', () => {
    const from = Date.parse('2017-07-01');
    // a date-only period end is the end of that day (Period's rule): Sep 30 is in Q3
    const to = Date.parse('2017-09-30') + D - 1;
    const h = pipelineHealth(table, { period: { from: '2017-07-01', to: '2017-09-30' }, groupBy: officeOf, winRate: 'zoho', staleAfterDays: 120, averageDealSize: 'all', timeToClose: 'closed' });
    expect(h.groups.map((g) => g.key).sort()).toEqual(['Central', 'East', 'West']);
    for (const g of h.groups) {
      const mine = rows.filter((r) => office.get(r.agent) === g.key && r.created <= to);
      const closedIn = mine.filter((r) => r.closed !== null && r.closed >= from && r.closed <= to);
      const won = closedIn.filter((r) => r.stage === 'Won').length;
      const lost = closedIn.filter((r) => r.stage === 'Lost').length;
      const open = mine.filter((r) => r.closed === null || r.closed > to);
      const stale = open.filter((r) => (to - r.created) / D > 120).length;
      const created = mine.filter((r) => r.created >= from);
      // 'all' deal size: deals created in the period that have an amount; amounts are not versioned in this
      // export, so a deal closed after the period carries its final value (dealTableAsOf's documented rule)
      const sized = created.filter((r) => r.value !== null).map((r) => r.value as bigint);
      expect([g.deals, g.newLeads, g.won, g.lost, g.open, g.stale]).toEqual([mine.length, created.length, won, lost, open.length, stale]);
      expect(g.stages.map((s) => s.count)).toEqual([0, open.length]); // no dated deal is still in Prospecting
      expect(g.winRate).toBe(won / (won + lost + stale));
      expect(g.averageDealSize).toEqual(sized.length === 0 ? [] : [{ amount: meanUsd(sized), currency: 'USD' }]);
      const d = closedIn.map(days);
      expect(g.averageDaysToClose).toBeCloseTo(d.reduce((a, b) => a + b, 0) / d.length, 9);
      expect(g.medianDaysToClose).toBe(median(d));
    }
  });

  /** Velocity factors of a set of raw rows over [from, to], worked opportunities, computed naively. */
  const naiveVelocity = (mine: Row[], from: number, to: number) => {
    const existing = mine.filter((r) => r.created <= to);
    const n = existing.filter((r) => r.created >= from || r.closed === null || r.closed > from).length;
    const closedIn = existing.filter((r) => r.closed !== null && r.closed >= from && r.closed <= to);
    const won = closedIn.filter((r) => r.stage === 'Won');
    const w = won.length / closedIn.length;
    const a = won.reduce((s, r) => s + Number(r.value), 0) / won.length;
    const l = won.reduce((s, r) => s + days(r), 0) / won.length;
    return { n, w, a, l, v: (n * w * a) / l };
  };

  for (const [name, groupBy, keyOf] of [
    ['product', 'product', (r: Row) => r.product],
    ['regional office', officeOf, (r: Row) => office.get(r.agent) ?? null],
  ] as const) {
    it(`sales velocity per ${name}, 2017-Q3 vs 2017-Q2, and which factor moved it`, () => {
      // date-only period ends are the end of that day (Period's rule)
      const q2 = [Date.parse('2017-04-01'), Date.parse('2017-06-30') + D - 1] as [number, number];
      const q3 = [Date.parse('2017-07-01'), Date.parse('2017-09-30') + D - 1] as [number, number];
      const v = salesVelocity(table, { period: { from: '2017-07-01', to: '2017-09-30' }, previous: { from: '2017-04-01', to: '2017-06-30' }, groupBy });
      const keys = [...new Set(rows.filter((r) => r.created <= q3[1]).map(keyOf))];
      expect(v.groups.map((g) => g.key).sort()).toEqual([...keys].sort());
      for (const g of v.groups) {
        const mine = rows.filter((r) => keyOf(r) === g.key);
        const [c, p] = [naiveVelocity(mine, ...q3), naiveVelocity(mine, ...q2)];
        const got = g.currencies[0];
        expect(g.currencies.length).toBe(1);
        for (const [side, x] of [['current', c], ['previous', p]] as const) {
          const f = got?.[side];
          expect(f?.opportunities).toBe(x.n);
          expect(f?.winRate).toBe(x.w);
          expect(f?.averageDealSize).toBeCloseTo(x.a, 6);
          expect(f?.cycleDays).toBeCloseTo(x.l, 9);
          expect((f?.velocity as number) / x.v).toBeCloseTo(1, 12);
        }
        // log shares: each factor's log change over the log change of velocity, times the change
        const d = got?.decomposition;
        const logs = [Math.log(c.n / p.n), Math.log(c.w / p.w), Math.log(c.a / p.a), -Math.log(c.l / p.l)];
        const total = logs.reduce((s, x) => s + x, 0);
        const change = c.v - p.v;
        expect(d?.method).toBe('log');
        expect(d?.change).toBeCloseTo(change, 6);
        expect([d?.opportunities, d?.winRate, d?.averageDealSize, d?.cycleDays].map((x) => Math.round((x as number) * 1e6))).toEqual(logs.map((l) => Math.round(((change * l) / total) * 1e6)));
      }
    });
  }
});
