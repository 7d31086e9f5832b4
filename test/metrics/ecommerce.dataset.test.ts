/**
 * Real data for the deal analytics: the e-commerce web funnel (home → search → payment →
 * confirmation, 90,400 users; ../shared/datasets/ecommerce-web-funnel/README.md). Each user is a
 * deal: won when they confirmed payment, else lost at the furthest page reached. The expected counts
 * are the page tables' own row counts (each page's users are a subset of the previous page's),
 * intersected with the user table's device and first-visit month — read here with plain splitting.
 */
import { beforeAll, expect, it } from 'vitest';
import { conversion, DealTable, defineFunnel, discoverSegments, pipelineHealth, type DealTable as Table } from '../../src/index.js';
import { describeDataset, readDataset } from '../support/datasets.js';

const DS = 'ecommerce-web-funnel';
const FILES = ['home_page_table.csv', 'search_page_table.csv', 'payment_page_table.csv', 'payment_confirmation_table.csv'];
const shop = defineFunnel({
  id: 'shop',
  name: 'Shop',
  stages: [
    { id: 'home', name: 'Home page' },
    { id: 'search', name: 'Search page' },
    { id: 'payment', name: 'Payment page' },
    { id: 'confirmed', name: 'Payment confirmed', category: 'won' },
    { id: 'left', name: 'Left', category: 'lost' },
  ],
});

describeDataset(DS, 'deal analytics on the e-commerce web funnel (real data)', () => {
  const users: { id: number; date: string; device: string }[] = [];
  const pages: Set<number>[] = [];
  let table: Table;

  beforeAll(() => {
    for (const line of readDataset(DS, 'user_table.csv').split('\n').slice(1)) {
      if (line.trim() === '') continue;
      const [id, date, device] = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
      users.push({ id: Number(id), date: date as string, device: device as string });
    }
    for (const f of FILES) pages.push(new Set(readDataset(DS, f).split(/\r?\n/).slice(1).filter((l) => l.trim() !== '').map((l) => Number(l.split(',')[0]))));
    const furthest = users.map((u) => pages.reduce((k, p, i) => (p.has(u.id) ? i : k), -1));
    table = DealTable.fromColumns(
      {
        dealIds: users.map((u) => String(u.id)),
        createdAt: users.map((u) => Date.parse(u.date)),
        stage: furthest.map((k) => (k === 3 ? 'confirmed' : 'left')),
        lostAtStage: furthest.map((k) => (k === 3 ? null : (['home', 'search', 'payment'][k] as string))),
        closedAt: users.map((u) => Date.parse(u.date)),
        segment: users.map((u) => u.device),
      },
      shop,
    );
  });

  it('the known page counts: 90,400 → 45,200 → 6,030 → 452, end to end 0.5%', () => {
    const r = conversion(table);
    expect(r.total.stages.map((s) => s.entered)).toEqual([90_400, 45_200, 6_030, 452]);
    expect(r.total.stages.map((s) => s.entered)).toEqual(pages.map((p) => p.size));
    expect(r.total.stages[0]?.conversion).toBe(45_200 / 90_400);
    expect(r.total.stages[3]?.endToEnd).toBe(452 / 90_400);
    expect(pipelineHealth(table).winRate).toBe(452 / 90_400);
  });

  it('per device (segment): every page count from the raw tables; the groups add up', () => {
    const r = conversion(table, { groupBy: 'segment' });
    expect(r.groups.map((g) => g.key).sort()).toEqual(['Desktop', 'Mobile']);
    for (const g of r.groups) {
      const mine = users.filter((u) => u.device === g.key);
      expect(g.stages.map((s) => s.entered)).toEqual(pages.map((p) => mine.filter((u) => p.has(u.id)).length));
      expect(g.stages.map((s) => s.lost)).toEqual([0, 1, 2].map((k) => mine.filter((u) => (pages[k] as Set<number>).has(u.id) && !(pages[k + 1] as Set<number>).has(u.id)).length).concat(0));
    }
    expect(r.total.stages.map((_, k) => r.groups.reduce((a, g) => a + (g.stages[k]?.entered ?? 0), 0))).toEqual([90_400, 45_200, 6_030, 452]);
    const h = pipelineHealth(table, { groupBy: 'segment' });
    for (const g of h.groups) {
      const mine = users.filter((u) => u.device === g.key);
      const won = mine.filter((u) => (pages[3] as Set<number>).has(u.id)).length;
      expect([g.deals, g.won, g.lost, g.winRate]).toEqual([mine.length, won, mine.length - won, won / mine.length]);
    }
  });

  it('per first-visit month (createdMonth): a period grouping', () => {
    const r = conversion(table, { groupBy: 'createdMonth' });
    expect(r.groups.map((g) => g.key).sort()).toEqual(['2015-01', '2015-02', '2015-03', '2015-04']);
    for (const g of r.groups) {
      const mine = users.filter((u) => u.date.slice(0, 7) === g.key);
      expect(g.stages.map((s) => s.entered)).toEqual(pages.map((p) => mine.filter((u) => p.has(u.id)).length));
    }
  });

  it('segments discovered from the page paths: four paths, the rare one folded into "other"', () => {
    const names = ['home', 'search', 'payment', 'confirm'];
    const subjects = users.map((u) => {
      const seen = pages.filter((p) => p.has(u.id)).map((_, k) => names[k] as string);
      return {
        id: String(u.id),
        status: seen.length === 4 ? ('won' as const) : ('lost' as const),
        createdAt: Date.parse(u.date),
        closedAt: Date.parse(u.date),
        actions: seen.map((type, k) => ({ id: `${u.id}-${k}`, type, at: Date.parse(u.date) + k * 1000 })),
      };
    });
    const r = discoverSegments(subjects, { minShare: 0.01 });
    // users whose furthest page is k: page k's count minus page k+1's
    expect(r.segments.map((s) => [s.key, s.count, s.won, s.conversion])).toEqual([
      ['home', 90_400 - 45_200, 0, 0],
      ['home>search', 45_200 - 6_030, 0, 0],
      ['home>search>payment', 6_030 - 452, 0, 0],
    ]);
    expect([r.other?.count, r.other?.paths, r.other?.won, r.total]).toEqual([452, 1, 452, 90_400]);
  });
});
