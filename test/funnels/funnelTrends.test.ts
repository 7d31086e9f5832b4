import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionLog, eventFunnel, funnelTrends, isFunnelError } from '../../src/index.js';
import type { FunnelQuery, FunnelTrendsReport } from '../../src/index.js';
import { queryArb, rowsArb } from '../arbitraries/actionLog.js';
import type { ArbRow, QueryKind } from '../arbitraries/actionLog.js';
import { referenceFunnel } from './reference.js';
import { refPeriodStart, referenceTrends } from './trendsReference.js';
import type { RefPeriod, RefStatus } from './trendsReference.js';

const H = 3_600_000;
const D = 24 * H;
const at = (s: string): number => Date.parse(s);
const counts = (t: FunnelTrendsReport) => t.periods.map((p) => [p.period, p.entered, p.converted, p.inProgress, p.dropped]);

describe('funnelTrends: hand-worked cases', () => {
  // Mon 2026-03-02 … ; window 2 days
  const log = ActionLog.fromColumns({
    unit: ['a', 'a', 'b', 'c', 'c', 'd', 'e', 'e', 'f'],
    time: [
      at('2026-03-02T10:00:00Z'), at('2026-03-03T09:00:00Z'), // a: Mon, converts next day (still counted on Monday)
      at('2026-03-02T23:59:59Z'), // b: Mon, never converts
      at('2026-03-04T08:00:00Z'), at('2026-03-04T09:00:00Z'), // c: Wed, converts
      at('2026-03-09T12:00:00Z'), // d: next Monday, never converts
      at('2026-03-10T12:00:00Z'), at('2026-03-10T13:00:00Z'), // e: Tue, converts
      at('2026-03-10T20:00:00Z'), // f: Tue, no conversion yet
    ],
    action: ['visit', 'paid', 'visit', 'visit', 'paid', 'visit', 'visit', 'paid', 'visit'],
  });
  const q = { steps: ['visit', 'paid'], windowMs: 2 * D };
  const now = at('2026-03-11T12:00:00Z'); // d's window closes at 03-11T12:00 (inclusive: still open), f's open

  it('by day: one row per day from the first to the last entry, gaps filled; in progress is not dropped', () => {
    const t = funnelTrends(log, q, { period: 'day', now });
    expect(counts(t)).toEqual([
      ['2026-03-02', 2, 1, 0, 1],
      ['2026-03-03', 0, 0, 0, 0],
      ['2026-03-04', 1, 1, 0, 0],
      ['2026-03-05', 0, 0, 0, 0],
      ['2026-03-06', 0, 0, 0, 0],
      ['2026-03-07', 0, 0, 0, 0],
      ['2026-03-08', 0, 0, 0, 0],
      ['2026-03-09', 1, 0, 1, 0], // d: entered 03-09 12:00, window to 03-11 12:00 inclusive = now → still in progress
      ['2026-03-10', 2, 1, 1, 0],
    ]);
    expect(t.periods[0]).toMatchObject({ start: '2026-03-02T00:00:00.000Z', end: '2026-03-03T00:00:00.000Z', conversionRate: 0.5, settledConversionRate: 0.5, open: false });
    expect(t.periods[1]?.conversionRate).toBeNull();
    expect(t.periods[7]).toMatchObject({ conversionRate: 0, settledConversionRate: null, open: true });
    expect(t.total).toEqual({ entered: 6, converted: 3, inProgress: 2, dropped: 1, distinctUnits: 6 });
    expect(t.rules).toMatchObject({ period: 'day', fromStep: 0, toStep: 1, bucketing: 'everyEntryPeriod', timeZone: 'UTC', now, windowMs: 2 * D });
    expect(t.periods[0]?.units).toBeUndefined();
  });

  it('one millisecond later, d is dropped; without now every unconverted unit is dropped', () => {
    const later = funnelTrends(log, q, { period: 'week', now: now + 1 });
    expect(counts(later)).toEqual([
      ['2026-W10', 3, 2, 0, 1],
      ['2026-W11', 3, 1, 1, 1],
    ]);
    const none = funnelTrends(log, q, { period: 'month' });
    expect(none.periods.map((p) => [p.period, p.entered, p.converted, p.inProgress, p.dropped, p.open])).toEqual([['2026-03', 6, 3, 0, 3, false]]);
  });

  // window 2 days, steps visit → signup → paid, now = Thu 03-05 12:00
  // p: visits Mon 10:00 and Tue 10:00, signs up Tue 11:00, pays Wed 09:00 (47 h after Monday's visit)
  // q: visits Mon 12:00 and Wed 12:00, signs up Wed 13:00 (49 h after Monday's visit: too late for it)
  const two = ActionLog.fromColumns({
    unit: ['p', 'p', 'p', 'p', 'q', 'q', 'q'],
    time: [
      at('2026-03-02T10:00:00Z'), at('2026-03-03T10:00:00Z'), at('2026-03-03T11:00:00Z'), at('2026-03-04T09:00:00Z'),
      at('2026-03-02T12:00:00Z'), at('2026-03-04T12:00:00Z'), at('2026-03-04T13:00:00Z'),
    ],
    action: ['visit', 'visit', 'signup', 'paid', 'visit', 'visit', 'signup'],
  });
  const q3 = { steps: ['visit', 'signup', 'paid'], windowMs: 2 * D };
  const thu = at('2026-03-05T12:00:00Z');

  it('a unit counts once in every period it entered; converting in a later period counts for the entry period', () => {
    const t = funnelTrends(two, q3, { period: 'day', now: thu, units: true });
    expect(counts(t)).toEqual([
      ['2026-03-02', 2, 1, 0, 1], // p's Monday attempt converts on Wednesday (47 h ≤ 48 h); q's Monday attempt never signs up in time
      ['2026-03-03', 1, 1, 0, 0], // p again, from Tuesday's visit
      ['2026-03-04', 1, 0, 1, 0], // q's Wednesday attempt signed up; its window is open until Fri 12:00
    ]);
    expect(t.periods.map((p) => p.units)).toEqual([
      { converted: ['p'], dropped: ['q'], inProgress: [] },
      { converted: ['p'], dropped: [], inProgress: [] },
      { converted: [], dropped: [], inProgress: ['q'] },
    ]);
    expect(t.total).toEqual({ entered: 4, converted: 2, inProgress: 1, dropped: 1, distinctUnits: 2 });
    // the funnel itself counts each unit once: [2, 2, 1]
    expect(eventFunnel(two, { ...q3, now: thu }).steps.map((s) => s.count)).toEqual([2, 2, 1]);
  });

  it('fromStep/toStep: the base is the units that reached fromStep from an attempt started in the period', () => {
    const t = funnelTrends(two, q3, { period: 'day', now: thu, fromStep: 1, toStep: 2 });
    expect(counts(t)).toEqual([
      ['2026-03-02', 1, 1, 0, 0], // only p's Monday attempt reached signup
      ['2026-03-03', 1, 1, 0, 0],
      ['2026-03-04', 1, 0, 1, 0],
    ]);
    const toSignup = funnelTrends(two, q3, { period: 'week', now: thu, toStep: 1 });
    expect(counts(toSignup)).toEqual([['2026-W10', 2, 2, 0, 0]]); // one row per unit: both entered in W10 and signed up
  });

  it('strict order: a step-1 event of another period is an event in between, it breaks the chain', () => {
    const s = ActionLog.fromColumns({ unit: [1, 1, 1], time: [at('2026-03-02T23:00:00Z'), at('2026-03-03T01:00:00Z'), at('2026-03-03T02:00:00Z')], action: ['a', 'a', 'b'] });
    expect(counts(funnelTrends(s, { steps: ['a', 'b'], order: 'strict' }))).toEqual([
      ['2026-03-02', 1, 0, 0, 1],
      ['2026-03-03', 1, 1, 0, 0],
    ]);
    // ordered: both attempts convert
    expect(counts(funnelTrends(s, { steps: ['a', 'b'] }))).toEqual([
      ['2026-03-02', 1, 1, 0, 0],
      ['2026-03-03', 1, 1, 0, 0],
    ]);
  });

  it('first-entry rule: the first step-1 event of each period starts that period\'s attempt', () => {
    // visits at Mon 10:00, Mon 20:00, Tue 10:00; paid Tue 12:00; window 1 day
    const f = ActionLog.fromColumns({
      unit: [1, 1, 1, 1],
      time: [at('2026-03-02T10:00:00Z'), at('2026-03-02T20:00:00Z'), at('2026-03-03T10:00:00Z'), at('2026-03-03T12:00:00Z')],
      action: ['visit', 'visit', 'visit', 'paid'],
    });
    const qf = { steps: ['visit', 'paid'], windowMs: D, attempt: 'firstEntry' as const };
    // Monday: the attempt from 10:00 ends at Tue 10:00, before the purchase → dropped; PostHog rules: 20:00 → converts
    expect(counts(funnelTrends(f, qf))).toEqual([
      ['2026-03-02', 1, 0, 0, 1],
      ['2026-03-03', 1, 1, 0, 0],
    ]);
    expect(counts(funnelTrends(f, { steps: ['visit', 'paid'], windowMs: D }))).toEqual([
      ['2026-03-02', 1, 1, 0, 0],
      ['2026-03-03', 1, 1, 0, 0],
    ]);
  });

  it('an exclusion removes the unit from the period of the spoiled attempt only', () => {
    // steps a → b, exclusion x between them; Monday's attempt sees x, Tuesday's does not
    const e = ActionLog.fromColumns({
      unit: [1, 1, 1, 1],
      time: [at('2026-03-02T10:00:00Z'), at('2026-03-02T11:00:00Z'), at('2026-03-03T10:00:00Z'), at('2026-03-03T11:00:00Z')],
      action: ['a', 'x', 'a', 'b'],
    });
    const t = funnelTrends(e, { steps: ['a', 'b'], exclusions: [{ action: 'x', from: 0, to: 1 }] });
    expect(counts(t)).toEqual([['2026-03-03', 1, 1, 0, 0]]); // Monday has no entrant left, so no row
    expect(eventFunnel(e, { steps: ['a', 'b'], exclusions: [{ action: 'x', from: 0, to: 1 }] }).steps.map((s) => s.count)).toEqual([1, 1]);
  });

  it('unordered funnels: one period per unit, that of the earliest event of the counted window', () => {
    const u = ActionLog.fromColumns({ unit: [1, 1, 1], time: [at('2026-03-02T23:00:00Z'), at('2026-03-03T01:00:00Z'), at('2026-03-03T02:00:00Z')], action: ['b', 'a', 'c'] });
    const t = funnelTrends(u, { steps: ['a', 'b', 'c'], order: 'unordered' });
    expect(counts(t)).toEqual([['2026-03-02', 1, 1, 0, 0]]);
    expect(t.rules.bucketing).toBe('countedWindow');
  });

  it('fromStep/toStep checks; nobody entering gives no rows', () => {
    const none = ActionLog.fromColumns({ unit: [1, 2], time: [0, 0], action: ['s', 'p'], properties: { ch: ['web', 'app'] } });
    const e = funnelTrends(none, { steps: [{ action: 's', where: { ch: 'email' } }, 'p'] });
    expect(e.periods).toEqual([]);
    expect(e.total).toEqual({ entered: 0, converted: 0, inProgress: 0, dropped: 0, distinctUnits: 0 });
    expect(() => funnelTrends(two, q3, { fromStep: 2, toStep: 2 })).toThrow(/toStep/);
    expect(() => funnelTrends(two, q3, { toStep: 3 })).toThrow(/toStep/);
  });

  it('rejects an unknown period or a bad now', () => {
    expect(() => funnelTrends(log, q, { period: 'year' as 'day' })).toThrow(/'day', 'week' or 'month'/);
    expect(() => funnelTrends(log, q, { now: Number.NaN })).toThrow(/now/);
  });
});

// ---- differential test against the naive reference, and laws ----

/** 1,000 ms in the shared generator becomes 6 hours, from Fri 2026-02-27: logs span Feb→Mar and a Monday. */
const SCALE = 21_600;
const BASE = Date.UTC(2026, 1, 27);

function scaled(rows: ArbRow[]): ArbRow[] {
  return rows.map((r) => ({ ...r, time: BASE + r.time * SCALE }));
}

function scaledQuery(q: FunnelQuery): FunnelQuery {
  return {
    ...q,
    ...(q.windowMs !== undefined ? { windowMs: q.windowMs * SCALE } : {}),
    steps: q.steps.map((s) => (typeof s !== 'string' && s.maxGapMs !== undefined ? { ...s, maxGapMs: s.maxGapMs * SCALE } : s)),
  };
}

function logOf(rows: ArbRow[]) {
  return ActionLog.fromColumns({
    unit: rows.map((r) => r.unit) as string[] | number[],
    time: rows.map((r) => r.time),
    action: rows.map((r) => r.action),
    properties: { p: rows.map((r) => r.props.p) },
  });
}

const caseArb = (kind: QueryKind) =>
  fc.record({
    rows: rowsArb.map(scaled),
    q: queryArb(kind).map(scaledQuery),
    period: fc.constantFrom<RefPeriod>('day', 'week', 'month'),
    now: fc.option(fc.integer({ min: 0, max: 100 }).map((h) => BASE + h * H), { nil: undefined }),
    from: fc.nat(3),
    gap: fc.integer({ min: 1, max: 3 }),
  });

function stepsOf(q: FunnelQuery, from: number, gap: number): { fromStep: number; toStep: number } | null {
  const n = q.steps.length;
  if (n < 2) return null;
  const fromStep = from % (n - 1);
  return { fromStep, toStep: Math.min(n - 1, fromStep + gap) };
}

function engineStatuses(t: FunnelTrendsReport): Map<string, RefStatus> {
  const out = new Map<string, RefStatus>();
  for (const p of t.periods) {
    for (const k of p.units?.converted ?? []) out.set(`${String(k)}|${p.start}`, 'converted');
    for (const k of p.units?.inProgress ?? []) out.set(`${String(k)}|${p.start}`, 'inProgress');
    for (const k of p.units?.dropped ?? []) out.set(`${String(k)}|${p.start}`, 'dropped');
  }
  return out;
}

const sorted = (m: Map<string, RefStatus>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

describe('funnelTrends = naive reference (every unit in every entry period)', () => {
  const kinds: QueryKind[] = ['ordered', 'strict', 'firstEntry', 'clickhouse'];
  for (const kind of kinds) {
    it(`${kind} (300 logs)`, () => {
      fc.assert(
        fc.property(caseArb(kind), ({ rows, q, period, now, from, gap }) => {
          const st = stepsOf(q, from, gap);
          if (st === null) return;
          const log = logOf(rows);
          const t = funnelTrends(log, q, { period, ...(now !== undefined ? { now } : {}), ...st, units: true });
          const ref = referenceTrends(rows.map((r) => ({ unit: r.unit, time: r.time, action: r.action, props: r.props })), q, { period, ...st, ...(now !== undefined ? { now } : {}) });
          const got = engineStatuses(t);
          const stops = Array.isArray(q.clickhouse) && (q.clickhouse.includes('strict_order') || q.clickhouse.includes('strict_deduplication'));
          if (stops) {
            // a walk that stopped early is final: the engine reads `now` against the last step-1 row the
            // walk saw, the reference against the period's last step-1 row; engine in progress ⇒ reference in progress
            for (const [k, v] of got) {
              if (v === 'inProgress') expect(ref.get(k)).toBe('inProgress');
              if (v !== 'converted') got.set(k, 'dropped');
            }
            for (const [k, v] of ref) if (v === 'inProgress') ref.set(k, 'dropped');
          }
          expect(sorted(got)).toEqual(sorted(ref));
          // every row's numbers are its lists' lengths, and its period start is the reference's
          for (const p of t.periods) {
            expect([p.converted, p.inProgress, p.dropped]).toEqual([p.units?.converted.length, p.units?.inProgress.length, p.units?.dropped.length]);
            expect(refPeriodStart(Date.parse(p.start), period)).toBe(p.start);
          }
        }),
        { numRuns: 300, seed: 20261123 },
      );
    });
  }

  it('unordered: one period per unit, the earliest event of the counted window (300 logs)', () => {
    fc.assert(
      fc.property(caseArb('unordered'), ({ rows, q, period, from, gap }) => {
        const st = stepsOf(q, from, gap);
        if (st === null) return;
        const t = funnelTrends(logOf(rows), q, { period, ...st, units: true });
        const ref = referenceFunnel(rows.map((r) => ({ unit: r.unit, time: r.time, action: r.action, props: r.props })), q);
        const want = new Map<string, RefStatus>();
        for (const [unit, res] of ref) {
          if (res.deepest < st.fromStep) continue;
          want.set(`${String(unit)}|${refPeriodStart(res.times[0]!, period)}`, res.deepest >= st.toStep ? 'converted' : 'dropped');
        }
        expect(sorted(engineStatuses(t))).toEqual(sorted(want));
      }),
      { numRuns: 300, seed: 20261123 },
    );
  });
});

describe('funnelTrends laws', () => {
  const kinds: QueryKind[] = ['ordered', 'strict', 'unordered', 'firstEntry', 'clickhouse'];
  it('per period converted ≤ entered; summed over periods, entered ≥ the funnel\'s count at fromStep and converted ≥ its count at toStep (required fromStep)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...kinds).chain((k) => caseArb(k)), ({ rows, q, period, now, from, gap }) => {
        const st = stepsOf(q, from, gap);
        if (st === null) return;
        const log = logOf(rows);
        const opts = { period, ...(now !== undefined ? { now } : {}), ...st };
        const t = funnelTrends(log, q, opts);
        const f = eventFunnel(log, { ...q, ...(now !== undefined ? { now } : {}) });
        let entered = 0;
        let converted = 0;
        for (const p of t.periods) {
          expect(p.converted).toBeLessThanOrEqual(p.entered);
          expect(p.converted + p.inProgress + p.dropped).toBe(p.entered);
          expect(p.dropped).toBeGreaterThanOrEqual(0);
          entered += p.entered;
          converted += p.converted;
        }
        expect(t.total.entered).toBe(entered);
        expect(entered).toBeGreaterThanOrEqual(f.steps[st.fromStep]!.count);
        // (reaching toStep implies reaching fromStep unless fromStep is optional)
        if (!f.steps[st.fromStep]!.optional) expect(converted).toBeGreaterThanOrEqual(f.steps[st.toStep]!.count);
        expect(t.total.distinctUnits).toBeLessThanOrEqual(entered);
      }),
      { numRuns: 400, seed: 7 },
    );
  });

  it('the result does not depend on the input row order', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds).chain((k) => caseArb(k)),
        fc.func(fc.integer()),
        ({ rows, q, period, now, from, gap }, key) => {
          const st = stepsOf(q, from, gap);
          if (st === null) return;
          const opts = { period, ...(now !== undefined ? { now } : {}), ...st, units: true };
          const shuffled = rows.map((r, i) => ({ r, k: key(i) })).sort((a, b) => a.k - b.k).map((x) => x.r);
          const a = funnelTrends(logOf(rows), q, opts);
          const b = funnelTrends(logOf(shuffled), q, opts);
          const norm = (t: FunnelTrendsReport) => ({ ...t, periods: t.periods.map((p) => ({ ...p, units: p.units === undefined ? undefined : sorted(new Map([...p.units.converted.map((k) => [String(k), 'converted'] as const), ...p.units.dropped.map((k) => [String(k), 'dropped'] as const), ...p.units.inProgress.map((k) => [String(k), 'inProgress'] as const)])) })) });
          expect(norm(b)).toEqual(norm(a));
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });
});

describe('funnelTrends: bad options', () => {
  const log = ActionLog.fromColumns({ unit: [1, 1], time: [0, 1000], action: ['v', 'p'] });
  const query: FunnelQuery = { steps: ['v', 'p'], windowMs: 10_000 };
  const codeAndPath = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (e) {
      return isFunnelError(e) ? [e.code, e.path] : e;
    }
    return 'no error';
  };
  it('a non-boolean units, an unknown period and a non-finite now are FunnelErrors naming the option', () => {
    expect(codeAndPath(() => funnelTrends(log, query, { units: 'yes' as never }))).toEqual(['INVALID_OPTION', ['options', 'units']]);
    expect(codeAndPath(() => funnelTrends(log, query, { period: 'fortnight' as never }))).toEqual(['INVALID_OPTION', ['options', 'period']]);
    expect(codeAndPath(() => funnelTrends(log, query, { now: Number.NaN }))).toEqual(['INVALID_OPTION', ['options', 'now']]);
  });
});
