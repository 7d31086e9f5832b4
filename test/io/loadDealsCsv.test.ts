import { describe, expect, it } from 'vitest';
import { conversion, DEAL_LOST, DEAL_WON, defineFunnel, isFunnelError, loadDealsCsv, type LoadDealsCsvOptions } from '../../src/index.js';
import { describeDataset, readDataset } from '../support/datasets.js';
import { mavenCsvOptions, mavenFunnel } from '../support/maven.js';

const maven = mavenFunnel;
const mavenOptions = mavenCsvOptions;

describe('loadDealsCsv, shape deal', () => {
  const csv =
    'opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\r\n' +
    'A,Moses,GTXPro,Cancity,Won,2016-10-20,2017-03-01,1054\r\n' +
    'B,Moses,GTX Pro,,Engaging,2016-11-02,,\r\n' +
    'C,Ann,MG,Isdom,Lost,2016-11-05,2017-01-07,0\r\n' +
    'D,Ann,MG,,Prospecting,,,\r\n' +
    'E,Ann,MG,,Stalled,2016-11-05,,\r\n' +
    'F,Ann,MG,,Won,2016-31-05,2017-01-01,12.5.0\r\n';
  const r = loadDealsCsv(csv, mavenOptions);
  it('loads the deals and rebuilds a history from the dates', () => {
    expect(r.rows).toBe(6);
    expect(r.table.dealIds).toEqual(['A', 'B', 'C', 'D']);
    expect(Array.from(r.table.status)).toEqual([DEAL_WON, 0, DEAL_LOST, 0]);
    expect(Array.from(r.table.lostAtStage)).toEqual([-1, -1, 1, -1]);
    expect(Array.from(r.table.amountMinor)).toEqual([105400, Number.NaN, 0, Number.NaN]);
    expect(r.table.createdAt[3]).toBe(Date.UTC(2017, 11, 31));
    // A: created into engaging on its engage date, won on its close date
    expect(Array.from(r.table.histTo.subarray(0, 2))).toEqual([1, 2]);
    expect(Array.from(r.table.histAt.subarray(0, 2))).toEqual([Date.UTC(2016, 9, 20), Date.UTC(2017, 2, 1)]);
    expect(r.table.attributes[1]).toEqual({ sales_agent: 'Moses', product: 'GTX Pro', account: '' });
  });
  it('reports every problem per row and leaves those deals out', () => {
    expect(r.skippedDeals).toBe(2);
    expect(r.problems.map((p) => [p.row, p.line, p.column, p.value, p.code])).toEqual([
      [5, 6, 'deal_stage', 'Stalled', 'UNKNOWN_STAGE'],
      [6, 7, 'engage_date', '2016-31-05', 'INVALID_DATE'],
      [6, 7, 'close_value', '12.5.0', 'INVALID_AMOUNT'],
    ]);
    expect(r.problems[0]?.expected).toMatch(/Prospecting/);
  });
  it('throws on the first problem when asked', () => {
    try {
      loadDealsCsv(csv, { ...mavenOptions, onProblem: 'throw' });
      expect.unreachable();
    } catch (e) {
      expect(isFunnelError(e) && e.code).toBe('UNKNOWN_STAGE');
      expect(String(e)).toMatch(/row 5 \(line 6\), column deal_stage/);
    }
  });
  it('rejects a mapping that names a missing column or stage', () => {
    expect(() => loadDealsCsv(csv, { ...mavenOptions, columns: { ...mavenOptions.columns, amount: 'value' } })).toThrow(/value/);
    expect(() => loadDealsCsv(csv, { ...mavenOptions, stages: { Stalled: 'nowhere' } })).toThrow(/nowhere/);
  });
  it('maps file stage names through the configuration and reads other date formats', () => {
    const text = 'id;stage;engaged;closed;value\nX;Gewonnen;02.01.2017;03.02.2017;10,50\n';
    const out = loadDealsCsv(text, {
      funnel: maven,
      shape: 'deal',
      delimiter: ';',
      dateFormat: 'DD.MM.YYYY',
      decimalMark: ',',
      currency: 'EUR',
      stages: { Gewonnen: 'won' },
      columns: { id: 'id', stage: 'stage', stageDates: { engaging: 'engaged' }, closedAt: 'closed', amount: 'value' },
    });
    expect(out.problems).toEqual([]);
    expect(out.table.closedAt[0]).toBe(Date.UTC(2017, 1, 3));
    expect(out.table.amountMinor[0]).toBe(1050);
  });
});

describe('loadDealsCsv, shape stageEntry (OpportunityHistory)', () => {
  const funnel = defineFunnel({
    id: 'sf',
    name: 'Salesforce',
    stages: [
      { id: 'prospecting', name: 'Prospecting' },
      { id: 'proposal', name: 'Proposal/Price Quote' },
      { id: 'closedWon', name: 'Closed Won', category: 'won' },
      { id: 'closedLost', name: 'Closed Lost', category: 'lost' },
    ],
    policy: { allowBackward: true },
  });
  const csv =
    'OpportunityId,StageName,CreatedDate,Amount,Probability\n' +
    'O2,Prospecting,2024-01-03T09:00:00Z,100,10\n' +
    'O1,Proposal/Price Quote,2024-01-05 10:00:00,2500.00,75\n' +
    'O1,Prospecting,2024-01-01,2000,10\n' +
    'O1,Closed Won,2024-02-01,2600,100\n' +
    'O2,Closed Lost,2024-01-10,100,0\n' +
    'O3,Prospecting,not a date,5,10\n';
  const r = loadDealsCsv(csv, {
    funnel,
    shape: 'stageEntry',
    currency: 'USD',
    columns: { id: 'OpportunityId', stage: 'StageName', enteredAt: 'CreatedDate', amount: 'Amount', probability: 'Probability' },
  });
  it('orders the entries of each deal by time and takes the last as current', () => {
    expect(r.table.dealIds).toEqual(['O2', 'O1']);
    expect(Array.from(r.table.status)).toEqual([DEAL_LOST, DEAL_WON]);
    expect(Array.from(r.table.lostAtStage)).toEqual([0, -1]);
    expect(Array.from(r.table.amountMinor)).toEqual([10000, 260000]);
    expect(Array.from(r.table.histTo)).toEqual([0, 3, 0, 1, 2]);
    expect(Array.from(r.table.histAmountMinor ?? [])).toEqual([10000, 10000, 200000, 250000, 260000]);
    expect(r.table.histAt[3]).toBe(Date.UTC(2024, 0, 5, 10));
    expect(r.table.closedAt[1]).toBe(Date.UTC(2024, 1, 1));
    expect(r.table.attributes[1]).toEqual({ probability: 1 });
    expect(r.problems).toMatchObject([{ row: 6, column: 'CreatedDate', value: 'not a date', code: 'INVALID_DATE' }]);
    expect(r.skippedDeals).toBe(1);
  });
});

describeDataset('maven-crm-sales-opportunities', 'Maven CRM sales pipeline', () => {
  const text = readDataset('maven-crm-sales-opportunities', 'sales_pipeline.csv');
  // expected values derived from the raw lines, independently of the loader
  const lines = text.split('\r\n').filter((l) => l !== '');
  const cells = lines.slice(1).map((l) => l.split(','));
  const stageCount = (s: string): number => cells.filter((c) => c[4] === s).length;
  const { table, problems } = loadDealsCsv(text, mavenOptions);

  it('loads every row without problems', () => {
    expect(problems).toEqual([]);
    expect(table.size).toBe(8800);
    expect(lines.length - 1).toBe(8800);
  });
  it('has the published stage counts: Won 4,238 · Lost 2,473 · Engaging 1,589 · Prospecting 500', () => {
    expect([stageCount('Won'), stageCount('Lost'), stageCount('Engaging'), stageCount('Prospecting')]).toEqual([4238, 2473, 1589, 500]);
    const current = conversion(table, { basis: 'current' }).total.stages;
    // the current basis places a lost deal at the stage it was lost at (Engaging)
    expect(current.map((s) => [s.open, s.lost, s.won])).toEqual([
      [500, 0, 0],
      [1589, 2473, 0],
      [0, 0, 4238],
    ]);
  });
  it('counts conversion in each mode', () => {
    const reached = conversion(table).total.stages;
    expect(reached.map((s) => [s.entered, s.advanced, s.lost, s.open, s.won])).toEqual([
      [8800, 8300, 0, 500, 0],
      [8300, 4238, 2473, 1589, 0],
      [4238, 0, 0, 0, 4238],
    ]);
    expect(reached[1]?.conversion).toBeCloseTo(4238 / 8300, 12);
    expect(reached[2]?.endToEnd).toBeCloseTo(4238 / 8800, 12);
    // visited: the file records no Prospecting date for deals that moved on, so only the 500 count there
    const visited = conversion(table, { basis: 'visited' }).total.stages;
    expect(visited.map((s) => s.entered)).toEqual([500, 8300, 4238]);
  });
  it('sums the won value exactly (independent BigInt sum of close_value)', () => {
    const won = cells.filter((c) => c[4] === 'Won').reduce((a, c) => a + BigInt(c[7] ?? '0'), 0n);
    const money = conversion(table).total.stages[2]?.money[0];
    expect(money?.won).toBe(`${won}.00`);
  });
});
