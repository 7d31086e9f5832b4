import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReportArgs, runReport } from '../../src/cli/report.js';

const dir = mkdtempSync(join(tmpdir(), 'funnelwise-report-'));

describe('funnelwise report', () => {
  it('parses its arguments and explains bad ones', () => {
    expect(parseReportArgs(['deals.csv', '--out', 'r.html'])).toEqual({ file: 'deals.csv', funnel: null, out: 'r.html', seed: 1, deals: 3000 });
    expect(parseReportArgs(['--deals', 'x'])).toBe('expected a whole number after --deals, received "x"');
    expect(parseReportArgs(['--colour'])).toMatch(/^unknown option "--colour"; usage: funnelwise report/);
  });
  it('with no file, writes a report of the synthetic dataset and reports progress', () => {
    const log: string[] = [];
    const out = join(dir, 'synthetic.html');
    const r = runReport({ file: null, funnel: null, out, seed: 3, deals: 300 }, (m) => log.push(m));
    expect(r.deals).toBeGreaterThan(250);
    const html = readFileSync(out, 'utf8');
    for (const id of ['health', 'funnel', 'dropOff', 'stuck', 'segments', 'trend', 'forecast', 'backtest', 'rules']) expect(html).toContain(`<section id="${id}">`);
    expect(html).toContain('Not available: the forecasting analyses');
    expect(log[0]).toBe('generating the synthetic B2B dataset (seed 3, 300 deals)');
  }, 60_000);
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
