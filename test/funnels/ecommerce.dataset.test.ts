/**
 * Real data: the e-commerce web funnel (home → search → payment → confirmation, 90,400 users; see
 * ../shared/datasets/ecommerce-web-funnel/README.md). The CSVs are read here independently (plain
 * string splitting and sets), and the figures compared with the library's pipeline
 * ActionLog.fromColumns → eventFunnel / funnelBreakdown / funnelTrends / timeToConvert.
 * The pages carry no times: each user's pages are placed on their first-visit date, one second apart
 * (or all at the same instant, to exercise the same-timestamp rule).
 */
import { beforeAll, expect, it } from 'vitest';
import { ActionLog, eventFunnel, funnelBreakdown, funnelTrends, timeToConvert, type ActionLog as Log } from '../../src/index.js';
import { describeDataset, readDataset } from '../support/datasets.js';

const DS = 'ecommerce-web-funnel';
const PAGES = ['home_page', 'search_page', 'payment_page', 'payment_confirmation_page'] as const;
const FILES = ['home_page_table.csv', 'search_page_table.csv', 'payment_page_table.csv', 'payment_confirmation_table.csv'];

interface User {
  readonly date: string;
  readonly device: string;
  readonly sex: string;
}

describeDataset(DS, 'e-commerce web funnel (real data)', () => {
  const users = new Map<number, User>();
  const visited: Array<Set<number>> = [];
  let log: Log;
  let sameInstant: Log;

  beforeAll(() => {
    const lines = readDataset(DS, 'user_table.csv').split('\n').slice(1).filter((l) => l.trim() !== '');
    for (const line of lines) {
      const [id, date, device, sex] = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
      users.set(Number(id), { date: date as string, device: device as string, sex: sex as string });
    }
    for (const f of FILES) {
      const ids = readDataset(DS, f).split(/\r?\n/).slice(1).filter((l) => l.trim() !== '').map((l) => Number(l.split(',')[0]));
      visited.push(new Set(ids));
    }
    const unit: number[] = [];
    const time: number[] = [];
    const time0: number[] = [];
    const action: string[] = [];
    visited.forEach((set, k) => {
      for (const id of set) {
        const day = Date.parse(`${(users.get(id) as User).date}T00:00:00Z`);
        unit.push(id);
        time.push(day + k * 1000);
        time0.push(day);
        action.push(PAGES[k] as string);
      }
    });
    log = ActionLog.fromColumns({ unit, time, action });
    sameInstant = ActionLog.fromColumns({ unit, time: time0, action });
  });

  const query = { steps: [...PAGES], windowMs: 86_400_000 };

  it('the CSVs hold what the README says: 90,400 → 45,200 → 6,030 → 452, each page a subset of the previous', () => {
    expect(users.size).toBe(90_400);
    expect(visited.map((s) => s.size)).toEqual([90_400, 45_200, 6_030, 452]);
    let outside = 0;
    for (let k = 1; k < 4; k++) for (const id of visited[k] as Set<number>) if (!(visited[k - 1] as Set<number>).has(id)) outside++;
    expect(outside).toBe(0);
  });

  it('eventFunnel over the action log gives the page counts and rates', () => {
    const f = eventFunnel(log, query);
    expect(f.steps.map((s) => s.count)).toEqual(visited.map((s) => s.size));
    expect(f.steps.map((s) => s.count)).toEqual([90_400, 45_200, 6_030, 452]);
    expect(f.steps[1]?.fromPrevious).toBe(0.5);
    expect(f.steps[2]?.fromPrevious).toBeCloseTo(6030 / 45200, 15);
    expect(f.conversion).toBeCloseTo(452 / 90400, 15); // 0.5 %
    // all four pages at the same instant still convert (same-timestamp events are taken in step order)
    expect(eventFunnel(sameInstant, query).steps.map((s) => s.count)).toEqual([90_400, 45_200, 6_030, 452]);
  });

  it('breakdown by device and by sex (user_table.csv) matches counts computed from the CSVs', () => {
    for (const key of ['device', 'sex'] as const) {
      const expected = new Map<string, number[]>();
      visited.forEach((set, k) => {
        for (const id of set) {
          const v = (users.get(id) as User)[key];
          const row = expected.get(v) ?? [0, 0, 0, 0];
          row[k] = (row[k] as number) + 1;
          expected.set(v, row);
        }
      });
      const b = funnelBreakdown(log, query, { unitValue: (id) => users.get(id as number)?.[key] });
      const got = new Map(b.buckets.map((x) => [x.value, x.steps.map((s) => s.count)]));
      expect(got).toEqual(expected);
      expect(b.total.map((s) => s.count)).toEqual([90_400, 45_200, 6_030, 452]);
    }
    const device = funnelBreakdown(log, query, { unitValue: (id) => users.get(id as number)?.device });
    // README: Desktop 60,200 / Mobile 30,200 users; mobile converts at 1.0 %, desktop at 0.25 %
    expect(device.buckets.map((x) => [x.value, x.steps[0]?.count, x.steps[3]?.count])).toEqual([['Desktop', 60_200, 150], ['Mobile', 30_200, 302]]);
    expect(device.buckets[1]?.significance).toMatchObject({ direction: 'outperform', significant: true, sufficient: true });
    expect(device.buckets[0]?.significance).toMatchObject({ direction: 'underperform', significant: true });
    expect(device.buckets[1]?.significance?.pValue).toBeLessThan(1e-20);
  });

  it('trends by month and time to convert', () => {
    const byMonth = new Map<string, [number, number]>();
    for (const [id, u] of users) {
      const m = u.date.slice(0, 7);
      const row = byMonth.get(m) ?? [0, 0];
      row[0]++;
      if ((visited[3] as Set<number>).has(id)) row[1]++;
      byMonth.set(m, row);
    }
    const t = funnelTrends(log, query, { period: 'month' });
    expect(t.periods.map((p) => [p.period, p.entered, p.converted])).toEqual([...byMonth.entries()].sort().map(([m, [e, c]]) => [m, e, c]));
    expect(t.total).toMatchObject({ entered: 90_400, converted: 452, dropped: 89_948, inProgress: 0 });
    const ttc = timeToConvert(log, query);
    // every converter's pages are 1 s apart: 3 s home → confirmation; 452 samples → ceil(cbrt 452) = 8 bins, width 60 s
    expect(ttc).toMatchObject({ units: 452, meanMs: 3000, medianMs: 3000 });
    expect(ttc.bins).toHaveLength(9);
    expect(ttc.bins[0]).toEqual({ fromMs: 3000, toMs: 63_000, count: 452 });
  });
});
