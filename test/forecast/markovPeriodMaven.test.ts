import { expect, it } from 'vitest';
import { loadDealsCsv, markovForecast } from '../../src/index.js';
import { describeDataset, readDataset } from '../support/datasets.js';
import { mavenCsvOptions } from '../support/maven.js';

describeDataset('maven-crm-sales-opportunities', 'the per-period Markov chain on the Maven CRM dataset', () => {
  const text = readDataset('maven-crm-sales-opportunities', 'sales_pipeline.csv');
  // opportunity_id, sales_agent, product, account, deal_stage, engage_date, close_date, close_value
  const lines = text.split('\r\n').filter((l) => l !== '').slice(1).map((l) => l.split(','));
  const { table } = loadDealsCsv(text, mavenCsvOptions);
  const now = Date.parse('2017-09-30T23:59:59.999Z');
  const until = Date.parse('2017-10-31T23:59:59.999Z');
  const m = markovForecast(table, { now, until });
  it('Engaging exit rate = closes / (closed cycles + open ages), from the raw file', () => {
    if (!m.ok || m.period === null) throw new Error('expected a period');
    let exits = 0;
    let ms = 0;
    for (const c of lines) {
      if (c[5] === '') continue; // Prospecting: no engage date, not yet created as of 2017-09-30 (undatedAt 2017-12-31)
      const engaged = Date.parse(c[5]!);
      if (engaged > now) continue;
      const closed = c[6] === '' ? Number.NaN : Date.parse(c[6]!);
      if (closed <= now) {
        exits++;
        ms += closed - engaged;
      } else ms += now - engaged; // open at the as-of time: censored
    }
    const engaging = m.period.stages.find((s) => s.stageId === 'engaging')!;
    expect(engaging.exits).toBe(exits);
    expect(engaging.stayDays).toBeCloseTo(ms / 86_400_000, 6);
    expect(engaging.exitRatePerDay).toBeCloseTo(exits / (ms / 86_400_000), 12);
    // the bands of time in the stage add up to the pooled stay and exits
    expect(engaging.byStay.reduce((s, b) => s + b.exits, 0)).toBe(exits);
    expect(engaging.byStay.reduce((s, b) => s + b.stayDays, 0)).toBeCloseTo(engaging.stayDays, 6);
  });
  it('sanity: the month is part of the eventual outcome, and the total is within a factor 2 of the October wins', () => {
    if (!m.ok || m.period === null) throw new Error('expected a period');
    m.period.stages.forEach((s, i) => expect(s.pWinWithin).toBeLessThanOrEqual(m.stages[i]!.pWin));
    // Maven's monthly win counts swing by about ±40 % around their mean; a forecast of the right order must land within ×2.
    const wonInOctober = lines.filter((c) => c[4] === 'Won' && Date.parse(c[6]!) > now && Date.parse(c[6]!) <= until).length;
    expect(wonInOctober).toBe(279);
    for (const stay of ['memoryless', 'banded'] as const) {
      const r = markovForecast(table, { now, until, stay });
      if (!r.ok || r.period === null) throw new Error('expected a period');
      expect(r.period.totalExpectedWins).toBeGreaterThan(wonInOctober / 2);
      expect(r.period.totalExpectedWins).toBeLessThan(wonInOctober * 2);
    }
  });
});
