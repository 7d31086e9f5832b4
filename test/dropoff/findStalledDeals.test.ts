import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { findStalledDeals, isFunnelError } from '../../src/index.js';
import { walkStays } from '../../src/dropoff/findStalledDeals.js';
import { day, tableOf, type DealSpec } from './fixtures.js';

describe('walkStays', () => {
  it('splits a history into stays: moves, loss and reopen', () => {
    // created in request day 1, answered day 4, back to request day 6, lost there day 9, reopened day 11
    const t = tableOf([{ moves: [['request', 1], ['answered', 4], ['request', 6], ['request', 9, 'lost'], ['request', 11, 'open']] }]);
    const seen: [string, number, number][] = [];
    const start = walkStays(t, 0, (s, a, b) => seen.push([t.stageIds[s] as string, (a - day(1)) / 864e5, (b - day(1)) / 864e5]));
    expect(seen).toEqual([
      ['request', 0, 3],
      ['answered', 3, 5],
      ['request', 5, 8],
    ]);
    expect(start).toBe(day(11));
  });
});

describe('findStalledDeals — fixed rule (rotting) and idle', () => {
  const specs: DealSpec[] = [
    { id: 'r-fresh', moves: [['request', 20]] }, // 5 days in request at day 25
    { id: 'r-old', moves: [['request', 10]] }, // 15 days > 7
    { id: 'r-edge', moves: [['request', 18]] }, // exactly 7 days: not flagged (strict)
    { id: 'a-old', moves: [['request', 1], ['answered', 3]], attributes: { lastTouch: day(23) } }, // 22 days > 10, touched 2 days ago
    { id: 'a-won', moves: [['request', 1], ['answered', 2], ['paid', 3]] },
    { id: 'future', moves: [['request', 30]] }, // created after now: ignored
  ];
  const table = tableOf(specs);
  const now = new Date(day(25)).toISOString();
  it('flags open deals longer than the stage stallAfterDays, longest first', () => {
    const r = findStalledDeals(table, { now, quantile: null });
    expect(r.deals.map((d) => [d.dealId, d.daysInStage, d.fixedDays])).toEqual([
      ['a-old', 22, 10],
      ['r-old', 15, 7],
    ]);
    expect(r.stages.map((s) => [s.stageId, s.open, s.slowFixed])).toEqual([
      ['request', 3, 1],
      ['answered', 1, 1],
      ['described', 0, 0],
      ['proposal', 0, 0],
    ]);
    expect(r.rules).toMatchObject({ now: '2026-03-25T00:00:00.000Z', quantile: null, activity: 'history' });
  });
  it('an option overrides the stage thresholds (number or per stage)', () => {
    expect(findStalledDeals(table, { now, quantile: null, stallAfterDays: 4 }).deals.map((d) => d.dealId)).toEqual(['a-old', 'r-old', 'r-edge', 'r-fresh']);
    expect(findStalledDeals(table, { now, quantile: null, stallAfterDays: { answered: 30 } }).deals.map((d) => d.dealId)).toEqual(['r-old']);
  });
  it('separates idle (no activity) from slow (long in stage)', () => {
    const r = findStalledDeals(table, { now, quantile: null, idleAfterDays: 5, lastActivityAt: 'lastTouch' });
    const a = r.deals.find((d) => d.dealId === 'a-old');
    // 22 days in stage but touched 2 days ago: slow, not idle
    expect(a).toMatchObject({ slowFixed: true, idle: false, idleDays: 2 });
    // without an activity attribute the stay start counts: r-old idle 15 > 5, r-fresh idle 5 (not > 5)
    expect(r.deals.find((d) => d.dealId === 'r-old')).toMatchObject({ idle: true, idleDays: 15 });
    expect(r.deals.find((d) => d.dealId === 'r-fresh')).toBeUndefined();
    expect(r.rules.activity).toBe('lastTouch');
    // default activity source: the last transition
    const h = findStalledDeals(table, { now, quantile: null, idleAfterDays: 5 });
    expect(h.deals.find((d) => d.dealId === 'a-old')).toMatchObject({ idle: true, idleDays: 22 });
  });
  it('reads activity from a function, clamped to [stay start, now]', () => {
    const r = findStalledDeals(table, { now, quantile: null, idleAfterDays: 1, lastActivityAt: (_t, i) => (i === 1 ? day(40) : null) });
    expect(r.deals.find((d) => d.dealId === 'r-old')?.idleDays).toBe(0);
  });
  it('rejects bad options', () => {
    const bad = (o: unknown, re: RegExp): void => {
      try {
        findStalledDeals(table, o as { now: string });
        expect.unreachable();
      } catch (e) {
        expect(isFunnelError(e)).toBe(true);
        expect((e as Error).message).toMatch(re);
      }
    };
    bad({}, /options\.now/);
    bad({ now: 'yesterday' }, /options\.now/);
    bad({ now, stallAfterDays: -1 }, /options\.stallAfterDays/);
    bad({ now, stallAfterDays: { nowhere: 3 } }, /options\.stallAfterDays\.nowhere/);
    bad({ now, quantile: 2 }, /options\.quantile/);
    bad({ now, minStays: 0 }, /options\.minStays/);
  });
});

describe('findStalledDeals — data-driven rule', () => {
  // Group A: 10 completed stays in request of 1..10 days. Group B: 2 completed stays (3 and 30 days).
  const specs: DealSpec[] = [];
  for (let k = 1; k <= 10; k++) specs.push({ id: `A${k}`, moves: [['request', 1], ['answered', 1 + k]], attributes: { team: 'A' } });
  specs.push({ id: 'B1', moves: [['request', 1], ['answered', 4]], attributes: { team: 'B' } });
  specs.push({ id: 'B2', moves: [['request', 1], ['answered', 31]], attributes: { team: 'B' } });
  // open deals in request at now = day 50: 9 days, 9.2 days (team A), 12 days (team B)
  specs.push({ id: 'A-open-9', moves: [['request', 41]], attributes: { team: 'A' } });
  specs.push({ id: 'A-open-9.2', moves: [['request', 40.8]], attributes: { team: 'A' } });
  specs.push({ id: 'B-open-12', moves: [['request', 38]], attributes: { team: 'B' } });
  const table = tableOf(specs);
  const now = day(50);

  it('uses the P90 of completed stays (type 7): [1..10] → 1 + 0.9·9 = 9.1 days', () => {
    const r = findStalledDeals(table, { now, minStays: 5, stallAfterDays: 1000 });
    const th = r.thresholds.find((t) => t.stageId === 'request');
    // pooled: 1..10 plus 3 and 30 → 12 stays; sorted 1,2,3,3,4,...,10,30; h = 11·0.9 = 9.9 → 9 + 0.9·(10 − 9) = 9.9
    expect(th).toMatchObject({ stays: 12, source: 'stage' });
    expect(th?.days).toBeCloseTo(9.9, 12);
    expect(r.deals.map((d) => d.dealId)).toEqual(['B-open-12']);
  });
  it('per group, falling back to the stage when a group has too few stays', () => {
    const r = findStalledDeals(table, { now, minStays: 5, stallAfterDays: 1000, groupBy: 'team' });
    const a = r.thresholds.find((t) => t.stageId === 'request' && t.group === 'A');
    const b = r.thresholds.find((t) => t.stageId === 'request' && t.group === 'B');
    expect(a?.days).toBeCloseTo(9.1, 12);
    expect(a).toMatchObject({ stays: 10, source: 'group' });
    expect(b?.days).toBeCloseTo(9.9, 12);
    expect(b).toMatchObject({ stays: 2, source: 'stage' });
    expect(r.deals.map((d) => [d.dealId, d.group, d.slowDataDriven])).toEqual([
      ['B-open-12', 'B', true],
      ['A-open-9.2', 'A', true],
    ]);
    expect(r.rules.groupBy).toBe('team');
  });
  it('no threshold below the minimum sample', () => {
    const r = findStalledDeals(table, { now, minStays: 50, stallAfterDays: 1000 });
    expect(r.thresholds.find((t) => t.stageId === 'request')).toMatchObject({ days: null, source: 'none' });
    expect(r.deals).toEqual([]);
  });
  it('stays that end after now do not count', () => {
    const r = findStalledDeals(table, { now: day(6.5), minStays: 1, stallAfterDays: 1000 });
    // by day 6.5 only stays of 1..5 days (A1..A5) have ended, and B1 (3 days)
    expect(r.thresholds.find((t) => t.stageId === 'request')?.stays).toBe(6);
  });
});

const specArb: fc.Arbitrary<DealSpec> = fc
  .record({ start: fc.integer({ min: 1, max: 60 }), stay: fc.integer({ min: 0, max: 40 }), moved: fc.boolean(), team: fc.constantFrom('A', 'B') })
  .map(({ start, stay, moved, team }) => ({
    moves: moved ? [['request', start], ['answered', start + stay]] : [['request', start]],
    attributes: { team },
  }));

describe('findStalledDeals — laws', () => {
  fcTest.prop([fc.array(specArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 30 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })], { numRuns: 80 })(
    'flags are monotone in the thresholds and the counts add up',
    (specs, a, b, p, q) => {
      const table = tableOf(specs);
      const now = day(100);
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const [ql, qh] = p < q ? [p, q] : [q, p];
      const loose = findStalledDeals(table, { now, stallAfterDays: lo, idleAfterDays: lo, quantile: ql, minStays: 1, groupBy: 'team' });
      const strict = findStalledDeals(table, { now, stallAfterDays: hi, idleAfterDays: hi, quantile: qh, minStays: 1, groupBy: 'team' });
      const ids = (r: typeof loose, k: 'slowFixed' | 'slowDataDriven' | 'idle'): Set<string> => new Set(r.deals.filter((d) => d[k]).map((d) => d.dealId));
      for (const k of ['slowFixed', 'slowDataDriven', 'idle'] as const) {
        for (const id of ids(strict, k)) expect(ids(loose, k).has(id)).toBe(true);
      }
      const openCount = specs.filter((s) => s.moves.length === 1 || (s.moves[1] as readonly [string, number])[1] <= 100).length;
      expect(loose.stages.reduce((s, x) => s + x.open, 0)).toBe(openCount);
      expect(loose.stages.reduce((s, x) => s + x.flagged, 0)).toBe(loose.deals.length);
    },
  );
});
