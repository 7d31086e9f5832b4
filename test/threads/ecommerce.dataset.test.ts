/**
 * Real data on several threads: the e-commerce web funnel (home → search → payment → confirmation,
 * 90,400 users, 142,082 page views; see ../shared/datasets/ecommerce-web-funnel/README.md). The threaded
 * handle (worker built from the source) must return eventFunnel's report, with the users split between
 * 2 and 3 threads, with pages one second apart and all at one instant (every user a same-timestamp
 * group), under both attempt rules.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ActionLog, eventFunnel, type ActionLog as Log } from '../../src/index.js';
import type { FunnelThreads } from '../../src/threads/index.js';
import { describeDataset, readDataset } from '../support/datasets.js';
import { createSourceFunnelThreads } from '../support/threadsWorker.js';

const DS = 'ecommerce-web-funnel';
const PAGES = ['home_page', 'search_page', 'payment_page', 'payment_confirmation_page'] as const;
const FILES = ['home_page_table.csv', 'search_page_table.csv', 'payment_page_table.csv', 'payment_confirmation_table.csv'];

describeDataset(DS, 'e-commerce web funnel on several threads (real data)', () => {
  let log: Log;
  let sameInstant: Log;
  const pools: FunnelThreads[] = [];

  beforeAll(async () => {
    const day = new Map<number, number>();
    for (const line of readDataset(DS, 'user_table.csv').split('\n').slice(1)) {
      if (line.trim() === '') continue;
      const [id, date] = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
      day.set(Number(id), Date.parse(`${date as string}T00:00:00Z`));
    }
    const unit: number[] = [];
    const time: number[] = [];
    const time0: number[] = [];
    const action: string[] = [];
    FILES.forEach((f, k) => {
      for (const l of readDataset(DS, f).split(/\r?\n/).slice(1)) {
        if (l.trim() === '') continue;
        const id = Number(l.split(',')[0]);
        unit.push(id);
        time.push((day.get(id) as number) + k * 1000);
        time0.push(day.get(id) as number);
        action.push(PAGES[k] as string);
      }
    });
    log = ActionLog.fromColumns({ unit, time, action });
    sameInstant = ActionLog.fromColumns({ unit, time: time0, action });
    for (const threads of [2, 3]) pools.push(await createSourceFunnelThreads({ threads, minEventsPerThread: 10_000 }));
  });
  afterAll(async () => {
    for (const p of pools) await p.close();
  });

  it('2 and 3 threads give eventFunnel’s report (PostHog rules and ClickHouse semantics, ties or not)', () => {
    expect(log.eventCount).toBe(90_400 + 45_200 + 6_030 + 452);
    for (const l of [log, sameInstant]) {
      for (const clickhouse of [false, true]) {
        const query = { steps: [...PAGES], windowMs: 86_400_000, ...(clickhouse ? { clickhouse: true as const } : {}) };
        const one = eventFunnel(l, query);
        expect(one.steps.map((s) => s.count)).toEqual([90_400, 45_200, 6_030, 452]);
        pools.forEach((p, i) => {
          const r = p.eventFunnel(l, query);
          expect(r.rules.threads).toBe(i + 2);
          const { threads: _, ...rules } = r.rules;
          expect({ ...r, rules }).toEqual(one);
        });
      }
    }
  });
});
