import { describe, expect, it } from 'vitest';
import {
  backtest,
  calibration,
  DealTable,
  exactRevenueDistribution,
  forecastRevenue,
  isFunnelError,
  markovForecast,
  stageWinProbabilities,
  targetGap,
  timeToClose,
  weightedPipeline,
} from '../../src/index.js';
import { DAY, funnel, tableOf } from './fixtures.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (isFunnelError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

const t = tableOf([
  { id: 'a', path: ['lead', 'offer', 'won'], at: [0, 1, 3], amount: '100.00' },
  { id: 'b', path: ['lead', 'lost'], at: [0, 2], amount: '50.00' },
  { id: 'c', path: ['lead', 'offer'], at: [1, 2], amount: '70.00' },
]);

describe('misuse is reported with FunnelError codes', () => {
  it('options out of range', () => {
    expect(codeOf(() => forecastRevenue(t, { simulations: 0 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => forecastRevenue(t, { now: 10 * DAY, until: 5 * DAY }))).toBe('INVALID_OPTION');
    expect(codeOf(() => forecastRevenue(t, { target: { amount: '1.00', currency: 'USD' } }))).toBe('CURRENCY_MISMATCH');
    expect(codeOf(() => exactRevenueDistribution(t, { quantiles: [2] }))).toBe('INVALID_OPTION');
    expect(codeOf(() => calibration(t, { decimals: -1 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => timeToClose(t, { now: 'yesterday' }))).toBe('INVALID_DATE');
    expect(codeOf(() => weightedPipeline(t, { probabilities: { lead: 2 } }))).toBe('INVALID_OPTION');
    expect(codeOf(() => targetGap(t, { target: { amount: 'x', currency: 'EUR' } }))).toBe('INVALID_AMOUNT');
    expect(codeOf(() => stageWinProbabilities(t, { groupBy: 42 as never }))).toBe('INVALID_OPTION');
  });
  it('several currencies need an explicit currency', () => {
    const two = DealTable.fromColumns({ dealIds: ['x', 'y'], createdAt: [0, 0], stage: ['lead', 'lead'], amount: ['1.00', '2.00'], currency: ['EUR', 'USD'] }, funnel);
    expect(codeOf(() => forecastRevenue(two, { timing: false }))).toBe('CURRENCY_MISMATCH');
    expect(forecastRevenue(two, { timing: false, currency: 'USD', simulations: 10 }).deals).toBe(1);
    expect(weightedPipeline(two).total.map((c) => c.currency)).toEqual(['EUR', 'USD']);
  });
  it('empty tables give documented values, never NaN', () => {
    const empty = DealTable.fromColumns({ dealIds: [], createdAt: [], stage: [] }, funnel);
    expect(weightedPipeline(empty).total).toEqual([]);
    expect(timeToClose(empty)).toEqual({ ok: false, reason: 'insufficientHistory', n: 0, needed: 30 });
    expect(markovForecast(empty)).toEqual({ ok: false, reason: 'insufficientHistory', n: 0, needed: 30 });
    expect(exactRevenueDistribution(empty).mean.amount).toBe('0.00');
    expect(backtest(empty, { origins: [0], forecasters: ['naive'] }).accuracy[0]!.wape).toBeNull();
  });
  it('inputs are never mutated', () => {
    const before = JSON.stringify([Array.from(t.amountMinor), Array.from(t.stage), Array.from(t.histTo), Array.from(t.closedAt)]);
    stageWinProbabilities(t, { minSample: 1 });
    weightedPipeline(t);
    markovForecast(t, { minSample: 1 });
    markovForecast(t, { minSample: 1, until: '2030-01-01', stay: 'banded', perDeal: true });
    timeToClose(t, { minSample: 1 });
    forecastRevenue(t, { simulations: 20 });
    exactRevenueDistribution(t);
    backtest(t, { origins: [0], minSample: 1, simulations: 10 });
    expect(JSON.stringify([Array.from(t.amountMinor), Array.from(t.stage), Array.from(t.histTo), Array.from(t.closedAt)])).toBe(before);
  });
});
