import { describe, expect, it } from 'vitest';
import { conversion, DealTable, defineFunnel, isFunnelError, pipelineHealth, salesVelocity, type Period } from '../../src/index.js';

// A period's date-only end is the end of that day: { from: '2026-01-01', to: '2026-01-31' } is all of
// January, as CRM date ranges and PostHog's date_to read it. A `to` with a time is that instant.
const funnel = defineFunnel({
  id: 'f',
  name: 'F',
  stages: [
    { id: 'lead', name: 'Lead' },
    { id: 'won', name: 'Won', category: 'won' },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
});
// a: created Jan 10, won Jan 31 at 10:00; b: created Jan 31 at 18:00, still open; c: created Feb 1
const table = DealTable.fromRows(
  [
    { id: 'a', funnelId: 'f', createdAt: '2026-01-10T09:00:00Z', stageId: 'won', status: 'won', closedAt: '2026-01-31T10:00:00Z', amount: { amount: '100.00', currency: 'EUR' } },
    { id: 'b', funnelId: 'f', createdAt: '2026-01-31T18:00:00Z', stageId: 'lead', amount: { amount: '50.00', currency: 'EUR' } },
    { id: 'c', funnelId: 'f', createdAt: '2026-02-01T00:00:00Z', stageId: 'lead', amount: { amount: '70.00', currency: 'EUR' } },
  ],
  funnel,
);
const january: Period = { from: '2026-01-01', to: '2026-01-31' };

describe("a period's date-only end", () => {
  it('conversion: the deals created on the last day count; the rules show the end of that day', () => {
    const r = conversion(table, { period: january, money: false });
    expect(r.total.stages[0]?.entered).toBe(2); // a and b, not c
    expect(r.rules.period).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-01-31T23:59:59.999Z' });
    // with a time, the end is that instant: b (18:00) is out
    expect(conversion(table, { period: { from: '2026-01-01', to: '2026-01-31T12:00:00Z' }, money: false }).total.stages[0]?.entered).toBe(1);
  });

  it('pipelineHealth: a won on the last day is a close of the period; a deal created that evening is a new lead', () => {
    const h = pipelineHealth(table, { period: january });
    expect([h.newLeads, h.won, h.open]).toEqual([2, 1, 1]);
    expect(h.rules.period?.to).toBe('2026-01-31T23:59:59.999Z');
    const midnight = pipelineHealth(table, { period: { from: '2026-01-01', to: '2026-01-31T00:00:00Z' } });
    expect([midnight.newLeads, midnight.won, midnight.open]).toEqual([1, 0, 1]);
  });

  it('salesVelocity: the period includes its last day', () => {
    const v = salesVelocity(table, { period: january });
    expect(v.currencies[0]?.current.winRate).toBe(1);
    expect(v.rules.period).toEqual({ from: '2026-01-01T00:00:00.000Z', to: '2026-01-31T23:59:59.999Z' });
  });

  it('a period that is not an object, or ends before it starts, is a typed error naming the option', () => {
    for (const [fn, name] of [
      [() => conversion(table, { period: null as unknown as Period }), 'period'],
      [() => pipelineHealth(table, { period: 7 as unknown as Period }), 'period'],
      [() => conversion(table, { period: { from: '2026-02-01', to: '2026-01-31' } }), 'period'],
    ] as const) {
      try {
        fn();
        expect.unreachable();
      } catch (e) {
        expect(isFunnelError(e)).toBe(true);
        expect((e as { path: unknown[] }).path.slice(0, 2)).toEqual(['options', name]);
      }
    }
  });
});
