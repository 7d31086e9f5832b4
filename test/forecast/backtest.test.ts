import { describe, expect, it } from 'vitest';
import { backtest, DealTable, dealTableAsOf, forecastRevenue, markovForecast } from '../../src/index.js';
import { funnel } from './fixtures.js';

const d = (s: string): number => Date.parse(s);
// won revenue by close month: Jan 100, Feb 200 + 300, Mar 400; one deal lost in March
const table = DealTable.fromColumns(
  {
    dealIds: ['a', 'b', 'c', 'e', 'x'],
    createdAt: [d('2026-01-02'), d('2026-01-10'), d('2026-02-01'), d('2026-02-20'), d('2026-01-15')],
    stage: ['won', 'won', 'won', 'won', 'lost'],
    lostAtStage: [null, null, null, null, 'offer'],
    closedAt: [d('2026-01-20'), d('2026-02-15'), d('2026-02-20'), d('2026-03-10'), d('2026-03-05')],
    amount: ['100.00', '200.00', '300.00', '400.00', '50.00'],
    currency: 'EUR',
  },
  funnel,
);

describe('backtest', () => {
  const r = backtest(table, { origins: ['2026-01-31', '2026-02-28'], forecasters: ['naive', 'runRate', 'weightedConfigured'], runRateMonths: 2, minSample: 1 });
  it('actuals and baseline forecasts by hand', () => {
    expect(r.origins.map((o) => o.actual.amount)).toEqual(['500.00', '400.00']);
    const naive = r.origins.map((o) => o.forecasts.find((f) => f.forecaster === 'naive')!.point.amount);
    expect(naive).toEqual(['100.00', '500.00']);
    const run = r.origins.map((o) => o.forecasts.find((f) => f.forecaster === 'runRate')!.point.amount);
    expect(run).toEqual(['50.00', '300.00']); // (100 + 0)/2, (500 + 100)/2
    // x has no recorded history: it is created into its lost-at stage (offer) and lost in March.
    // Jan 31 open: b (lead, 200 × 0.1) + x (offer, 50 × 0.5) = 45; Feb 28: e (lead, 400 × 0.1) + x = 65
    const w = r.origins.map((o) => o.forecasts.find((f) => f.forecaster === 'weightedConfigured')!.point.amount);
    expect(w).toEqual(['45.00', '65.00']);
    // point forecasters give no range
    expect(r.origins[0]!.forecasts.map((f) => [f.p10, f.p50, f.p90])).toEqual([[null, null, null], [null, null, null], [null, null, null]]);
  });
  it('the survival forecaster gives the P50 of the same forecast as forecastRevenue as of the origin', () => {
    const s = backtest(table, { origins: ['2026-01-31'], forecasters: ['survival'], minSample: 1, simulations: 200, seed: 7 });
    const f = s.origins[0]!.forecasts[0]!;
    const direct = forecastRevenue(dealTableAsOf(table, '2026-01-31T23:59:59.999Z'), { now: '2026-01-31T23:59:59.999Z', until: '2026-02-28T23:59:59.999Z', currency: 'EUR', simulations: 200, seed: 7, minSample: 1 });
    expect([f.p10, f.p50, f.p90]).toEqual([direct.p10, direct.p50, direct.p90]);
  });
  it('the comparison table, best WAPE first', () => {
    // naive: |500−100| + |400−500| = 500 → 500/900; runRate: 450 + 100 = 550/900; weighted: 455 + 335 = 790/900
    expect(r.accuracy.map((a) => [a.forecaster, a.wape])).toEqual([
      ['naive', expect.closeTo(500 / 900, 12)],
      ['runRate', expect.closeTo(550 / 900, 12)],
      ['weightedConfigured', expect.closeTo(790 / 900, 12)],
    ]);
    expect(r.best).toEqual({ forecaster: 'naive', wape: expect.closeTo(500 / 900, 12), runnerUp: 'runRate', ratioToRunnerUp: expect.closeTo(500 / 550, 12) });
    const naive = r.accuracy[0]!;
    expect(naive.bias).toBeCloseTo((100 - 500 + 500 - 400) / 900, 12);
    expect(naive.mape).toBeCloseTo((400 / 500 + 100 / 400) / 2, 12);
    // deal level: b 0.1 (won), x 0.5 (lost) at Jan; e 0.1 (won), x 0.5 (lost) at Feb
    const p = r.probabilities.find((x) => x.forecaster === 'weightedConfigured')!;
    expect(p.deals).toBe(4);
    expect(p.brier).toBeCloseTo((0.81 + 0.25 + 0.81 + 0.25) / 4, 12);
  });
  it('rejects unknown forecasters', () => {
    expect(() => backtest(table, { forecasters: ['oracle' as never] })).toThrow(/oracle/);
  });
});

describe('backtest: the Markov forecaster is the per-period chain as of each origin', () => {
  it('its point equals markovForecast(as-of table, { until: end of next month }).period.totalExpectedAmount', () => {
    const r = backtest(table, { origins: ['2026-01-31', '2026-02-28'], forecasters: ['markov'], minSample: 1 });
    const ends = ['2026-02-28T23:59:59.999Z', '2026-03-31T23:59:59.999Z'];
    r.origins.forEach((o, i) => {
      const direct = markovForecast(dealTableAsOf(table, o.at), { now: o.at, until: ends[i]!, minSample: 1 });
      if (!direct.ok) throw new Error('expected a chain');
      expect(o.periodEnd).toBe(ends[i]);
      expect(o.forecasts[0]!.point).toEqual(direct.period!.totalExpectedAmount[0]);
    });
    expect(r.probabilities.find((p) => p.forecaster === 'markov')?.outcome).toBe('wonInPeriod');
  });
});
