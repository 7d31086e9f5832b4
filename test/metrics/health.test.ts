import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DealTable, defineFunnel, loadDealsCsv, pipelineHealth, salesVelocity } from '../../src/index.js';
import { rawDealsArb, tableOf } from '../arbitraries/deals.js';
import { describeDataset, readDataset } from '../support/datasets.js';

describe('pipelineHealth', () => {
  test.prop([rawDealsArb], { numRuns: 80 })('counts match the raw deals; rates in [0, 1]', (deals) => {
    const h = pipelineHealth(tableOf(deals));
    const won = deals.filter((d) => d.status === 'won').length;
    const lost = deals.filter((d) => d.status === 'lost').length;
    expect([h.deals, h.won, h.lost, h.open]).toEqual([deals.length, won, lost, deals.length - won - lost]);
    expect(h.winRate).toBe(won + lost > 0 ? won / (won + lost) : null);
    expect(h.stages.reduce((a, s) => a + s.count, 0)).toBe(h.open);
    if (h.winRate !== null) expect(h.winRate >= 0 && h.winRate <= 1).toBe(true);
  });
  it('rejects a Zoho win rate without a stale age', () => {
    expect(() => pipelineHealth(tableOf([]), { winRate: 'zoho' })).toThrow(/staleAfterDays/);
  });
});

describe('salesVelocity', () => {
  test.prop([rawDealsArb, fc.constantFrom<'log' | 'sequential'>('log', 'sequential')], { numRuns: 80 })(
    'the contributions add up to the change',
    (deals, decomposition) => {
      const v = salesVelocity(tableOf(deals), { period: { from: 500_000, to: 1_500_000 }, previous: { from: 0, to: 499_999 }, decomposition });
      for (const c of v.currencies) {
        const d = c.decomposition;
        if (d === null) continue;
        const scale = Math.max(1, Math.abs(c.current.velocity ?? 0), Math.abs(c.previous?.velocity ?? 0));
        expect(Math.abs(d.opportunities + d.winRate + d.averageDealSize + d.cycleDays - d.change) / scale).toBeLessThan(1e-9);
      }
    },
  );
});

describe('salesVelocity: which deals are opportunities (worked out by hand)', () => {
  // January: a open since December; b created Jan 5, won Jan 15 (1,000 EUR, 10 days); c created Jan 6,
  // lost Jan 20; d created Jan 10, still open. Win rate 1/2, deal size 1,000 EUR, cycle 10 days.
  const funnel = defineFunnel({ id: 'v', name: 'V', stages: [
    { id: 'lead', name: 'Lead' }, { id: 'won', name: 'Won', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' },
  ] });
  const deal = (id: string, createdAt: string, stageId: string, closedAt: string | null) => ({
    id, funnelId: 'v', createdAt, stageId, closedAt, amount: { amount: '1000', currency: 'EUR' },
    status: stageId === 'won' ? ('won' as const) : stageId === 'lost' ? ('lost' as const) : ('open' as const),
  });
  const table = DealTable.fromRows([
    deal('a', '2025-12-01', 'lead', null), deal('b', '2026-01-05', 'won', '2026-01-15'),
    deal('c', '2026-01-06', 'lost', '2026-01-20'), deal('d', '2026-01-10', 'lead', null),
  ], funnel);
  const period = { from: '2026-01-01', to: '2026-01-31' };
  it.each([
    ['worked', 4, 200],
    ['created', 3, 150],
    ['open', 2, 100],
  ] as const)('%s: %i opportunities, %i EUR a day', (opportunities, n, velocity) => {
    const v = salesVelocity(table, { period, opportunities });
    expect(v.rules.opportunities).toBe(opportunities);
    expect(v.currencies[0]?.current).toMatchObject({ opportunities: n, winRate: 0.5, averageDealSize: 1000, cycleDays: 10 });
    expect(v.currencies[0]?.current.velocity).toBeCloseTo(velocity, 9);
  });
  it("'open' reads the status at the period end: a deal lost after it is still an open opportunity", () => {
    // Jan 1–18: b won Jan 15 (the only close: win rate 1); on Jan 18 a, c (lost only on Jan 20) and d are open
    const v = salesVelocity(table, { period: { from: '2026-01-01', to: '2026-01-18' }, opportunities: 'open' });
    expect(v.currencies[0]?.current).toMatchObject({ opportunities: 3, winRate: 1, averageDealSize: 1000, cycleDays: 10 });
    expect(v.currencies[0]?.current.velocity).toBeCloseTo(300, 9);
  });
  it('rejects an unknown rule', () => {
    expect(() => salesVelocity(table, { period, opportunities: 'all' as never })).toThrow(/'worked', 'created' or 'open'/);
  });
});

describeDataset('maven-crm-sales-opportunities', 'Maven CRM health', () => {
  const text = readDataset('maven-crm-sales-opportunities', 'sales_pipeline.csv');
  const funnel = defineFunnel({
    id: 'maven',
    name: 'Maven',
    stages: [
      { id: 'prospecting', name: 'Prospecting' },
      { id: 'engaging', name: 'Engaging' },
      { id: 'won', name: 'Won', category: 'won' },
      { id: 'lost', name: 'Lost', category: 'lost' },
    ],
  });
  const { table } = loadDealsCsv(text, {
    funnel,
    shape: 'deal',
    currency: 'USD',
    undatedAt: '2017-12-31',
    columns: { id: 'opportunity_id', stage: 'deal_stage', stageDates: { engaging: 'engage_date' }, closedAt: 'close_date', amount: 'close_value' },
  });
  it('win rate 4,238 / (4,238 + 2,473) and the won average from the raw lines', () => {
    const rows = text.split('\r\n').slice(1).filter(Boolean).map((l) => l.split(','));
    const wonValues = rows.filter((r) => r[4] === 'Won').map((r) => BigInt(r[7] ?? '0'));
    const sum = wonValues.reduce((a, b) => a + b, 0n);
    const h = pipelineHealth(table);
    expect(h.winRate).toBeCloseTo(4238 / 6711, 12);
    expect(h.winLossRatio).toBeCloseTo(4238 / 2473, 12);
    // mean to the cent, half-even, from the exact BigInt sum
    const cents = (sum * 1000n) / BigInt(wonValues.length);
    const rounded = (cents + 5n) / 10n; // the exact mean has no tie at the third decimal here
    expect(h.averageDealSize).toEqual([{ amount: `${rounded / 100n}.${String(rounded % 100n).padStart(2, '0')}`, currency: 'USD' }]);
    expect(h.open).toBe(2089);
    // time to close: engage → close for won deals, recomputed from the raw dates
    const days = rows.filter((r) => r[4] === 'Won').map((r) => (Date.parse(r[6] as string) - Date.parse(r[5] as string)) / 86_400_000);
    expect(h.averageDaysToClose).toBeCloseTo(days.reduce((a, b) => a + b, 0) / days.length, 9);
  });
});
