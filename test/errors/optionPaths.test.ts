import { describe, expect, it } from 'vitest';
import {
  ActionLog,
  applyAction,
  assignSegment,
  backtest,
  calibration,
  compareConversion,
  conversion,
  defineFunnel,
  discoverSegments,
  dropOff,
  dropOffChart,
  exactRevenueDistribution,
  findStalledDeals,
  forecastFanChart,
  forecastRevenue,
  funnelBreakdown,
  funnelChart,
  funnelCorrelation,
  funnelDataFromConversion,
  funnelTrends,
  generateB2BDataset,
  loadDealsCsv,
  markovForecast,
  matchAction,
  parseCsv,
  pipelineAt,
  pipelineHealth,
  renderChart,
  replay,
  replayB2BDataset,
  reverseFunnel,
  salesVelocity,
  scoreLead,
  segmentComparisonChart,
  segmentSignificance,
  stageWinProbabilities,
  stuckDealsChart,
  survivalChart,
  targetGap,
  timeInStage,
  timeInStageChart,
  timeToClose,
  timeToConvert,
  toVegaLite,
  trendChart,
  trendDataFromConversion,
  weightedPipeline,
} from '../../src/index.js';
import { dropOffSample, fanSample, funnelSample, segmentSample, stuckSample, survivalSample, timeInStageSample, trendSample } from '../charts/samples.js';
import { DAY, funnel, tableOf } from '../forecast/fixtures.js';
import { caught } from '../support/caught.js';
import { act, b2b, b2bInput, newDeal } from '../machine/fixtures.js';

/**
 * The error-path convention for options (docs: "Errors" in the concepts guide): a bad value inside the
 * options argument is reported at `['options', <option>, …]`, whatever the function — the same root
 * the metrics and forecasts always used, so `err.path[0] === 'options'` tells a caller "your options"
 * apart from "your data" (`['columns', …]`, `['query', …]`, `['deals', i, …]`). One row per public
 * function that takes an options object, each with one bad option.
 */

const t = tableOf([
  { id: 'a', path: ['lead', 'offer', 'won'], at: [0, 1, 3], amount: '100.00', segment: 'x' },
  { id: 'b', path: ['lead', 'lost'], at: [0, 2], amount: '50.00', segment: 'y' },
  { id: 'c', path: ['lead', 'offer'], at: [1, 2], amount: '70.00', segment: 'x' },
]);
const log = ActionLog.fromColumns({ unit: [1, 1, 2], time: [0, 1, 0], action: ['visit', 'paid', 'visit'], properties: { channel: ['a', 'a', 'b'] } });
const query = { steps: ['visit', 'paid'], windowMs: DAY };
const report = conversion(t, { groupBy: 'segment' });
const dataset = generateB2BDataset({ deals: 3 });
const segments = [{ id: 's', name: 'S', funnelId: 'f', rule: { kind: 'all' as const, rules: [] } }];
const model = { thresholds: { mql: 1, sql: 2 }, rules: [{ id: 'r', points: 1, action: 'x' }] };
const bad = 'not-an-option' as never;
// a trigger with minScore needs the lead score: without `score` / `scoreOf` the options are incomplete
const scored = defineFunnel({ ...b2bInput, triggers: [{ id: 'sql', action: 'call.answered', minScore: 50, to: 'answered' }],
  scoring: { rules: [{ id: 'call', points: 10, action: 'call.answered' }], thresholds: { mql: 30, sql: 60 } } });

// [function, call with one bad option, expected code, expected path]
const rows: ReadonlyArray<readonly [string, () => unknown, string, ReadonlyArray<string | number>]> = [
  // metrics
  ['conversion', () => conversion(t, { basis: bad }), 'INVALID_OPTION', ['options', 'basis']],
  ['pipelineAt', () => pipelineAt(t, 0, { groupBy: 42 as never }), 'INVALID_OPTION', ['options', 'groupBy']],
  ['pipelineHealth', () => pipelineHealth(t, { winRate: 'zoho', staleAfterDays: -1 }), 'INVALID_OPTION', ['options', 'staleAfterDays']],
  ['salesVelocity', () => salesVelocity(t, { period: { from: 0, to: 5 * DAY }, opportunities: bad }), 'INVALID_OPTION', ['options', 'opportunities']],
  ['timeInStage', () => timeInStage(t, { visits: bad }), 'INVALID_OPTION', ['options', 'visits']],
  // drop-off
  ['dropOff', () => dropOff(t, { minEntered: -1 }), 'INVALID_OPTION', ['options', 'minEntered']],
  ['compareConversion', () => compareConversion(t, t, { basis: bad }), 'INVALID_OPTION', ['options', 'basis']],
  ['findStalledDeals', () => findStalledDeals(t, { now: 10 * DAY, quantile: 2 }), 'INVALID_OPTION', ['options', 'quantile']],
  // forecast
  ['forecastRevenue', () => forecastRevenue(t, { simulations: 0 }), 'INVALID_OPTION', ['options', 'simulations']],
  ['weightedPipeline', () => weightedPipeline(t, { probabilities: { lead: 2 } }), 'INVALID_OPTION', ['options', 'probabilities', 'lead']],
  ['exactRevenueDistribution', () => exactRevenueDistribution(t, { quantiles: [2] }), 'INVALID_OPTION', ['options', 'quantiles', 0]],
  ['calibration', () => calibration(t, { decimals: -1 }), 'INVALID_OPTION', ['options', 'decimals']],
  ['timeToClose', () => timeToClose(t, { horizons: [-1] }), 'INVALID_OPTION', ['options', 'horizons', 0]],
  ['stageWinProbabilities', () => stageWinProbabilities(t, { groupBy: 42 as never }), 'INVALID_OPTION', ['options', 'groupBy']],
  ['markovForecast', () => markovForecast(t, { minSample: -1 }), 'INVALID_OPTION', ['options', 'minSample']],
  ['targetGap', () => targetGap(t, { target: { amount: '1.00', currency: 'EUR' }, cycleDays: -1 }), 'INVALID_OPTION', ['options', 'cycleDays']],
  ['backtest', () => backtest(t, { forecasters: [bad] }), 'INVALID_OPTION', ['options', 'forecasters', 0]],
  ['reverseFunnel', () => reverseFunnel({ target: { amount: '1.00', currency: 'EUR' }, table: t, now: 'soon' }), 'INVALID_DATE', ['options', 'now']],
  // event funnels
  ['funnelTrends', () => funnelTrends(log, query, { period: bad }), 'INVALID_OPTION', ['options', 'period']],
  ['funnelTrends (now)', () => funnelTrends(log, query, { now: Number.NaN }), 'INVALID_OPTION', ['options', 'now']],
  ['funnelTrends (toStep)', () => funnelTrends(log, query, { toStep: 5 }), 'INVALID_OPTION', ['options', 'toStep']],
  ['timeToConvert', () => timeToConvert(log, query, { bins: 2.5 }), 'INVALID_OPTION', ['options', 'bins']],
  ['timeToConvert (fromStep)', () => timeToConvert(log, query, { fromStep: -1 }), 'INVALID_OPTION', ['options', 'fromStep']],
  ['funnelCorrelation', () => funnelCorrelation(log, query, { limit: -1 }), 'INVALID_OPTION', ['options', 'limit']],
  ['funnelCorrelation (now)', () => funnelCorrelation(log, query, { now: Number.NaN }), 'INVALID_OPTION', ['options', 'now']],
  ['funnelCorrelation (excludeActions)', () => funnelCorrelation(log, query, { excludeActions: ['nope'] }), 'UNKNOWN_ACTION', ['options', 'excludeActions', 0]],
  ['segmentSignificance', () => segmentSignificance({ entered: 10, converted: 5 }, { entered: 4, converted: 2 }, { confidenceLevel: 2 }), 'INVALID_OPTION', ['options', 'confidenceLevel']],
  // the breakdown is funnelBreakdown's third argument (named `breakdown`, not options): its own root
  ['funnelBreakdown', () => funnelBreakdown(log, query, { property: 'nope' }), 'INVALID_OPTION', ['breakdown', 'property']],
  // io
  ['parseCsv', () => parseCsv('a,b', { delimiter: 'ab' }), 'INVALID_OPTION', ['options', 'delimiter']],
  ['loadDealsCsv', () => loadDealsCsv('a,b', { funnel, shape: bad, columns: {} as never }), 'INVALID_OPTION', ['options', 'shape']],
  // machine, triggers
  ['replay', () => replay(b2b, [], { createOn: bad }), 'INVALID_OPTION', ['options', 'createOn']],
  ['matchAction', () => matchAction(scored, newDeal(scored), act('a', 'call.answered', '2026-03-02')), 'INVALID_OPTION', ['options', 'score']],
  ['applyAction', () => applyAction(scored, newDeal(scored), act('a', 'call.answered', '2026-03-02')), 'INVALID_OPTION', ['options', 'score']],
  // segments
  ['assignSegment', () => assignSegment(segments, { attributes: {} }, { defaultSegmentId: 'nope' }), 'UNKNOWN_SEGMENT', ['options', 'defaultSegmentId']],
  ['scoreLead', () => scoreLead(model, { actions: [] }, { now: 'soon' }), 'INVALID_DATE', ['options', 'now']],
  ['discoverSegments', () => discoverSegments([], { depth: 0 }), 'INVALID_OPTION', ['options', 'depth']],
  // synthetic
  ['generateB2BDataset', () => generateB2BDataset({ deals: -1 }), 'INVALID_OPTION', ['options', 'deals']],
  ['replayB2BDataset', () => replayB2BDataset(dataset, { through: bad }), 'INVALID_OPTION', ['options', 'through']],
  // charts
  ['funnelChart (width)', () => funnelChart(funnelSample, { width: 10 }), 'INVALID_OPTION', ['options', 'width']],
  ['funnelChart (idPrefix)', () => funnelChart(funnelSample, { idPrefix: '"><x' }), 'INVALID_OPTION', ['options', 'idPrefix']],
  ['funnelChart (theme)', () => funnelChart(funnelSample, { theme: { palette: [] } }), 'INVALID_OPTION', ['options', 'theme', 'palette']],
  ['dropOffChart', () => dropOffChart(dropOffSample, { height: 1 }), 'INVALID_OPTION', ['options', 'height']],
  ['forecastFanChart', () => forecastFanChart(fanSample, { width: 10 }), 'INVALID_OPTION', ['options', 'width']],
  ['segmentComparisonChart', () => segmentComparisonChart(segmentSample, { width: 10 }), 'INVALID_OPTION', ['options', 'width']],
  ['stuckDealsChart', () => stuckDealsChart(stuckSample, { width: 10 }), 'INVALID_OPTION', ['options', 'width']],
  ['survivalChart', () => survivalChart(survivalSample, { width: 10 }), 'INVALID_OPTION', ['options', 'width']],
  ['timeInStageChart', () => timeInStageChart(timeInStageSample, { width: 10 }), 'INVALID_OPTION', ['options', 'width']],
  ['trendChart', () => trendChart(trendSample, { width: 10 }), 'INVALID_OPTION', ['options', 'width']],
  ['renderChart', () => renderChart({ chart: 'funnel', data: funnelSample }, { width: 10 }), 'INVALID_OPTION', ['options', 'width']],
  ['toVegaLite', () => toVegaLite({ chart: 'funnel', data: funnelSample }, { theme: { palette: [] } }), 'INVALID_OPTION', ['options', 'theme', 'palette']],
  ['funnelDataFromConversion', () => funnelDataFromConversion(report, { group: 'nope' }), 'INVALID_OPTION', ['options', 'group']],
  ['trendDataFromConversion', () => trendDataFromConversion(report, { stageId: 'nope' }), 'INVALID_OPTION', ['options', 'stageId']],
];

describe('a bad option is reported at [options, <name>, …] by every public function', () => {
  it.each(rows.map(([name, fn, code, path]) => ({ name, fn, code, path })))('$name', ({ fn, code, path }) => {
    expect(caught(fn)).toEqual({ code, path });
  });
});
