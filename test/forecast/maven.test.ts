import { describe, expect, it } from 'vitest';
import { backtest, defineFunnel, forecastRevenue, loadDealsCsv, markovForecast, stageWinProbabilities, timeToClose, weightedPipeline, type LoadDealsCsvOptions } from '../../src/index.js';
import { describeDataset, readDataset } from '../support/datasets.js';
import { mavenCsvOptions, mavenFunnel } from '../support/maven.js';

const maven = mavenFunnel;
const options = mavenCsvOptions;

describeDataset('maven-crm-sales-opportunities', 'forecasting on the Maven CRM dataset', () => {
  const text = readDataset('maven-crm-sales-opportunities', 'sales_pipeline.csv');
  const lines = text.split('\r\n').filter((l) => l !== '').slice(1).map((l) => l.split(','));
  const { table } = loadDealsCsv(text, options);
  it('Odoo win rate equals won / (won + lost) from the raw file for the first stage', () => {
    const won = lines.filter((c) => c[4] === 'Won').length;
    const lost = lines.filter((c) => c[4] === 'Lost').length;
    const r = stageWinProbabilities(table);
    const first = r.stages[0]!.odoo.estimate;
    expect(first.ok && first.probability).toBeCloseTo(won / (won + lost), 12);
  });
  it('backtest mechanics: every origin has an actual equal to the raw sum of next-month wins', () => {
    const r = backtest(table, { months: 6, simulations: 200, openAmount: 'meanWon' });
    expect(r.origins).toHaveLength(6);
    for (const o of r.origins) {
      const from = Date.parse(o.at);
      const to = Date.parse(o.periodEnd);
      const raw = lines.filter((c) => c[4] === 'Won' && Date.parse(c[6]!) > from && Date.parse(c[6]!) <= to).reduce((s, c) => s + Number(c[7]), 0);
      expect(Number(o.actual.amount)).toBeCloseTo(raw, 2);
      expect(o.forecasts.map((f) => f.forecaster)).toEqual(['naive', 'runRate', 'weightedConfigured', 'weightedOdoo', 'markov', 'markovStay', 'survival']);
    }
    expect(r.accuracy).toHaveLength(7);
    for (const a of r.accuracy) if (a.wape !== null) expect(a.wape).toBeGreaterThanOrEqual(0);
    expect(r.best).not.toBeNull();
    // the survival forecaster's P10–P90 with the default period effect learned from Maven's monthly
    // swings: at least 3 of the 6 months inside (0 of 6 without it, uncertainty 'parameters')
    const survival = r.accuracy.find((a) => a.forecaster === 'survival')!;
    expect(survival.coverage).toBeGreaterThanOrEqual(0.5);
  });
  it('time to close and the forecasts run on 8,800 deals', () => {
    const t = timeToClose(table);
    expect(t.ok).toBe(true);
    const m = markovForecast(table);
    expect(m.ok).toBe(true);
    const w = weightedPipeline(table, { groupBy: 'sales_agent' });
    expect(w.rows.length).toBeGreaterThan(10);
    const f = forecastRevenue(table, { now: '2017-09-30T23:59:59.999Z', simulations: 200 });
    expect(f.deals).toBeGreaterThanOrEqual(0);
  });
});
