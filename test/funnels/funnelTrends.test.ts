import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ActionLog, eventFunnel, funnelTrends } from '../../src/index.js';
import { columnsOf, smallLogArb } from '../arbitraries/actionLogRows.js';

const H = 3_600_000;
const D = 24 * H;
const at = (s: string): number => Date.parse(s);

describe('funnelTrends', () => {
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
  const now = at('2026-03-11T12:00:00Z'); // d's window closed at 03-11T12:00 (inclusive: still open), f's open

  it('by day: one row per day from the first to the last entry, gaps filled; in progress is not dropped', () => {
    const t = funnelTrends(log, q, { period: 'day', now });
    const rows = t.periods.map((p) => [p.period, p.entered, p.converted, p.inProgress, p.dropped]);
    expect(rows).toEqual([
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
    expect(t.total).toEqual({ entered: 6, converted: 3, inProgress: 2, dropped: 1 });
    expect(t.rules).toMatchObject({ period: 'day', fromStep: 0, toStep: 1, timeZone: 'UTC', now, windowMs: 2 * D });
  });

  it('one millisecond later, d is dropped; without now every unconverted unit is dropped', () => {
    const later = funnelTrends(log, q, { period: 'week', now: now + 1 });
    expect(later.periods.map((p) => [p.period, p.entered, p.converted, p.inProgress, p.dropped])).toEqual([
      ['2026-W10', 3, 2, 0, 1],
      ['2026-W11', 3, 1, 1, 1],
    ]);
    const none = funnelTrends(log, q, { period: 'month' });
    expect(none.periods.map((p) => [p.period, p.entered, p.converted, p.inProgress, p.dropped, p.open])).toEqual([['2026-03', 6, 3, 0, 3, false]]);
  });

  it('fromStep/toStep pick the rate; empty logs give no rows', () => {
    const three = ActionLog.fromColumns({ unit: [1, 1, 1, 2, 2], time: [0, 1, 2, 0, 1], action: ['v', 's', 'p', 'v', 's'] });
    const t = funnelTrends(three, { steps: ['v', 's', 'p'] }, { fromStep: 1, toStep: 2 });
    expect(t.periods.map((p) => [p.entered, p.converted])).toEqual([[2, 1]]);
    // nobody entered: no rows, zero totals (step 'p' exists in the log, step 'v' is done by nobody)
    const none = ActionLog.fromColumns({ unit: [1, 2, 3], time: [0, 0, 0], action: ['s', 'p', 'v'] });
    const e = funnelTrends(none, { steps: ['v', 'p'] });
    expect(e.periods.map((p) => [p.entered, p.converted, p.dropped])).toEqual([[1, 0, 1]]);
    const n2 = funnelTrends(ActionLog.fromColumns({ unit: [1, 2], time: [0, 0], action: ['s', 'p'] }), { steps: ['s', 'p'] }, { fromStep: 0 });
    expect(n2.total.entered).toBe(1);
  });

  it('rejects an unknown period or a bad now', () => {
    expect(() => funnelTrends(log, q, { period: 'year' as 'day' })).toThrow(/'day', 'week' or 'month'/);
    expect(() => funnelTrends(log, q, { now: Number.NaN })).toThrow(/now/);
  });

  propTest.prop([smallLogArb, fc.constantFrom('day', 'week', 'month' as const), fc.integer({ min: 0, max: 60 })], { numRuns: 100 })(
    'periods partition the entrants; in-progress units are never dropped; rows add up',
    (rows, period, nowMin) => {
      const scale = 6 * H; // 30 ticks of 6 h: spans about a week
      const log = ActionLog.fromColumns(columnsOf(rows, scale));
      const q = { steps: ['a', 'b', 'c'], windowMs: 4 * scale };
      const nowMs = nowMin * scale;
      const t = funnelTrends(log, q, { period, now: nowMs });
      const f = eventFunnel(log, { ...q, now: nowMs });
      expect(t.total.entered).toBe(f.entered);
      expect(t.total.converted).toBe(f.converted);
      expect(t.periods.reduce((s, p) => s + p.entered, 0)).toBe(f.entered);
      for (const p of t.periods) {
        expect(p.converted + p.inProgress + p.dropped).toBe(p.entered);
        expect(p.dropped).toBeGreaterThanOrEqual(0);
      }
      // every in-progress unit of the engine is in progress here, none of them dropped
      const r = t.total;
      expect(r.inProgress).toBe(f.inProgress);
      expect(r.dropped).toBe(f.entered - f.converted - f.inProgress);
    },
  );
});
