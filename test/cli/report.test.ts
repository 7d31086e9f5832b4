import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReportArgs, runReport } from '../../src/cli/report.js';
import { datasetPath, describeDataset } from '../support/datasets.js';

const dir = mkdtempSync(join(tmpdir(), 'funnelwise-report-'));

describe('funnelwise report', () => {
  it('parses its arguments and explains bad ones', () => {
    expect(parseReportArgs(['deals.csv', '--out', 'r.html'])).toEqual({ file: 'deals.csv', funnel: null, out: 'r.html', seed: 1, deals: 3000 });
    expect(parseReportArgs(['--deals', 'x'])).toBe('expected a whole number after --deals, received "x"');
    expect(parseReportArgs(['--colour'])).toMatch(/^unknown option "--colour"; usage: funnelwise report/);
  });
  it('with no file, writes a report of the synthetic dataset with every section and reports progress', () => {
    const log: string[] = [];
    const out = join(dir, 'synthetic.html');
    const r = runReport({ file: null, funnel: null, out, seed: 3, deals: 300 }, (m) => log.push(m));
    expect(r.deals).toBe(300);
    const html = readFileSync(out, 'utf8');
    for (const id of ['health', 'funnel', 'dropOff', 'stuck', 'segments', 'trend', 'forecast', 'backtest', 'rules']) expect(html).toContain(`<section id="${id}">`);
    expect(html).not.toContain('Not available');
    expect(log[0]).toBe('generating the synthetic B2B dataset (seed 3, 300 deals)');
    for (const step of ['drop-off and reasons', 'time to close', 'revenue forecast', 'forecast backtest']) expect(log).toContain(`computing ${step}`);
    const i = r.input;
    expect(i.missing).toEqual([]);
    // forecast: P10 ≤ P50 ≤ P90 for each month, cumulative months never shrink, every number defined
    const pts = i.forecast?.points ?? [];
    expect(pts.length).toBe(3);
    for (const p of pts) expect(p.p10 <= p.p50 && p.p50 <= p.p90).toBe(true);
    for (let k = 1; k < pts.length; k++) expect((pts[k]?.p50 ?? 0) >= (pts[k - 1]?.p50 ?? 0)).toBe(true);
    const fm = i.forecastMetrics ?? [];
    expect(fm.map((m) => m.label.replace(/ by .*/, ''))).toEqual(['P50 revenue', 'P10 (pessimistic)', 'P90 (optimistic)', 'Expected from open deals', 'Expected from new deals', 'Open deals simulated', 'Most accurate in backtest']);
    for (const m of fm) expect(m.definition.length).toBeGreaterThan(20);
    expect(fm[0]?.value).toEqual({ amount: expect.stringMatching(/^\d+\.\d\d$/), currency: 'EUR' });
    expect(Number((fm[0]?.value as { amount: string }).amount)).toBe(pts[0]?.p50);
    // the open deals simulated are the open deals with an amount (all synthetic deals have one)
    expect(fm[5]?.value).toBe(i.health?.find((m) => m.label === 'Open deals')?.value);
    // backtest: one row per complete month, range ordered, actual = won revenue of that month
    const bt = i.backtest ?? [];
    expect(bt.length).toBeGreaterThan(0);
    for (const b of bt) expect(b.p10 <= b.p50 && b.p50 <= b.p90 && b.actual >= 0).toBe(true);
    expect(html).toContain('Forecast vs actual');
    // time to close: starts at 100 % still open and never rises
    const surv = i.survival?.series[0]?.points ?? [];
    expect(surv[0]?.value).toBe(1);
    for (let k = 1; k < surv.length; k++) expect((surv[k]?.value ?? 0) <= (surv[k - 1]?.value ?? 0)).toBe(true);
    // paths from discoverSegments partition the deals
    expect((i.paths ?? []).reduce((n, p) => n + p.count, 0)).toBe(300);
    // drop-off from dropOff: lost deals by stage add up to the lost deals
    const lost = (i.dropOff?.stages ?? []).reduce((n, s) => n + s.reasons.reduce((a, x) => a + x.count, 0) + (s.unknown ?? 0), 0);
    expect(lost).toBe(i.health?.find((m) => m.label === 'Lost')?.value);
    // stuck deals: the table lists exactly the flagged deals counted in the chart
    expect((i.stuck?.stages ?? []).reduce((n, s) => n + s.stuck, 0)).toBe(i.stuckDeals?.length);
    // the same seed gives the same forecast
    const again = runReport({ file: null, funnel: null, out: join(dir, 'again.html'), seed: 3, deals: 300 }, () => undefined);
    expect(again.input.forecast).toEqual(i.forecast);
    expect(again.input.backtest).toEqual(i.backtest);
  }, 120_000);
  it('reads a Maven CRM export and names the row and column of a bad cell', () => {
    const csv = join(dir, 'pipeline.csv');
    writeFileSync(
      csv,
      'opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n' +
        'A,Moses,GTX,Cancity,Won,2016-10-20,2017-03-01,1054\n' +
        'B,Moses,GTX,,Engaging,2016-11-02,,\n' +
        'C,Ann,MG,Isdom,Lost,2016-11-05,2017-01-07,0\n' +
        'D,Ann,MG,,Won,2016-31-05,2017-01-01,12\n',
    );
    const log: string[] = [];
    const r = runReport({ file: csv, funnel: null, out: join(dir, 'maven.html'), seed: 1, deals: 1 }, (m) => log.push(m));
    expect(r.deals).toBe(3);
    const html = readFileSync(join(dir, 'maven.html'), 'utf8');
    for (const id of ['health', 'funnel', 'dropOff', 'stuck', 'forecast', 'backtest']) expect(html).toContain(`<section id="${id}">`);
    expect(r.input.paths).toBeUndefined(); // no customer actions in a deal export
    // A won 1054 after 132 days, C lost; B open without an amount: the forecast has no open deal to simulate
    expect(r.input.forecastMetrics?.find((m) => m.label === 'Open deals simulated')?.value).toBe(0);
    expect(r.input.survival).toBeUndefined(); // 2 closed deals: below the time-to-close floor, said on stderr
    expect(log.find((l) => l.startsWith('computing time to close skipped'))).toMatch(/2 closed deals, \d+ needed/);
    expect(log.find((l) => l.startsWith('skipped'))).toMatch(/^skipped row 4 \(line 5\), column "engage_date": expected .*, received "2016-31-05"$/);
  });
  it('says clearly what is wrong with an unreadable file', () => {
    expect(() => runReport({ file: join(dir, 'missing.csv'), funnel: null, out: join(dir, 'x.html'), seed: 1, deals: 1 }, () => undefined)).toThrow(/cannot read the file .*missing\.csv.*ENOENT/);
    const odd = join(dir, 'odd.csv');
    writeFileSync(odd, 'a,b\n1,2\n');
    expect(() => runReport({ file: odd, funnel: null, out: join(dir, 'x.html'), seed: 1, deals: 1 }, () => undefined)).toThrow(/cannot tell the shape .* from its header \(a, b\)/);
    const sf = join(dir, 'history.csv');
    writeFileSync(sf, 'OpportunityId,StageName,CreatedDate,Amount\n1,Prospecting,2020-01-01,10\n');
    expect(() => runReport({ file: sf, funnel: null, out: join(dir, 'x.html'), seed: 1, deals: 1 }, () => undefined)).toThrow(/pass its stages with --funnel/);
  });
});

describeDataset('maven-crm-sales-opportunities', 'funnelwise report on the Maven CRM export', () => {
  it('fills every section but the paths (no customer actions in a deal export)', () => {
    const r = runReport({ file: datasetPath('maven-crm-sales-opportunities', 'sales_pipeline.csv'), funnel: null, out: join(dir, 'maven-full.html'), seed: 1, deals: 1 }, () => undefined);
    expect(r.deals).toBe(8800);
    const i = r.input;
    expect(i.missing).toEqual([]);
    expect(i.paths).toBeUndefined();
    expect(i.currency).toBe('USD');
    // 4238 won + 2473 lost (Kaggle data dictionary counts); every lost deal is placed at Engaging
    expect(i.health?.find((m) => m.label === 'Won')?.value).toBe(4238);
    expect(i.dropOff?.stages.find((s) => s.label === 'Engaging')?.unknown).toBe(2473);
    expect(i.backtest?.length).toBe(6);
    for (const p of i.forecast?.points ?? []) expect(p.p10 <= p.p50 && p.p50 <= p.p90 && p.p10 > 0).toBe(true);
    expect(i.survival?.series[0]?.points[0]?.value).toBe(1);
  }, 120_000);
});
