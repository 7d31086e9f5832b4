/**
 * Drop-off and stalled deals on the real Maven CRM dataset (8,800 B2B opportunities:
 * Prospecting → Engaging → Won / Lost). Every expected value is derived here from the raw CSV by
 * naive counting, independently of the code under test.
 *
 * README quirks handled: CRLF line endings; Prospecting rows have no dates at all (they are placed
 * at the snapshot date, so they have spent 0 days anywhere); Engaging rows have an engage date but no
 * close date; no closed deal was lost from Prospecting; there is no per-stage history, so each closed
 * deal is "created into Engaging at engage_date, then won/lost at close_date"; no lost reasons are
 * recorded, so every loss is explained by the missing customer action of the next stage.
 */
import { beforeAll, expect, it } from 'vitest';
import { compareConversion, DealTable, defineFunnel, dropOff, findStalledDeals, type DealTable as Table } from '../../src/index.js';
import { describeDataset, readDataset } from '../support/datasets.js';

const DATASET = 'maven-crm-sales-opportunities';
const DAY = 86_400_000;
const NOW = Date.parse('2017-12-31T00:00:00Z'); // the last close date in the file: the snapshot

interface Row {
  id: string;
  product: string;
  stage: string;
  engage: number;
  close: number;
}

const funnel = defineFunnel({
  id: 'maven',
  name: 'Maven CRM',
  stages: [
    { id: 'prospecting', name: 'Prospecting', actions: ['lead.found'] },
    { id: 'engaging', name: 'Engaging', actions: ['meeting.accepted'], stallAfterDays: 30 },
    { id: 'won', name: 'Won', category: 'won', actions: ['contract.signed'] },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
});

function readRows(): Row[] {
  const lines = readDataset(DATASET, 'sales_pipeline.csv').split(/\r?\n/).filter((l) => l !== '');
  const header = (lines[0] as string).split(',');
  const col = (name: string): number => header.indexOf(name);
  return lines.slice(1).map((line) => {
    const c = line.split(',');
    const date = (s: string | undefined): number => (s === undefined || s === '' ? Number.NaN : Date.parse(`${s}T00:00:00Z`));
    return {
      id: c[col('opportunity_id')] as string,
      product: c[col('product')] as string,
      stage: c[col('deal_stage')] as string,
      engage: date(c[col('engage_date')]),
      close: date(c[col('close_date')]),
    };
  });
}

function buildTable(rows: Row[]): Table {
  const deal: number[] = [];
  const from: (string | null)[] = [];
  const to: string[] = [];
  const at: number[] = [];
  const stageOf: Record<string, string> = { Prospecting: 'prospecting', Engaging: 'engaging', Won: 'won', Lost: 'lost' };
  rows.forEach((r, i) => {
    const created = r.stage === 'Prospecting' ? NOW : r.engage;
    deal.push(i), from.push(null), to.push(r.stage === 'Prospecting' ? 'prospecting' : 'engaging'), at.push(created);
    if (r.stage === 'Won' || r.stage === 'Lost') deal.push(i), from.push('engaging'), to.push(stageOf[r.stage] as string), at.push(r.close);
  });
  return DealTable.fromColumns(
    {
      dealIds: rows.map((r) => r.id),
      createdAt: rows.map((r) => (r.stage === 'Prospecting' ? NOW : r.engage)),
      stage: rows.map((r) => stageOf[r.stage] as string),
      attributes: rows.map((r) => ({ product: r.product })),
      history: { deal, from, to, at },
    },
    funnel,
  );
}

/** Naive type-7 quantile for the expectations (sort, interpolate). */
function p90(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const h = (s.length - 1) * 0.9;
  const lo = Math.floor(h);
  return (s[lo] as number) + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] as number) - (s[lo] as number));
}

describeDataset(DATASET, 'Maven CRM dataset — drop-off and stalled deals', () => {
  let rows: Row[];
  let table: Table;
  beforeAll(() => {
    rows = readRows();
    table = buildTable(rows);
  });

  it('reads every row (README: 8,800; Won 4,238 · Lost 2,473 · Engaging 1,589 · Prospecting 500)', () => {
    expect(rows.length).toBe(8800);
    expect(table.size).toBe(8800);
  });

  it('drop-off by stage: all losses at Engaging, explained by the missing contract', () => {
    const count = (stage: string): number => rows.filter((r) => r.stage === stage).length;
    const won = count('Won');
    const lost = count('Lost');
    const engaging = count('Engaging');
    const prospecting = count('Prospecting');
    const r = dropOff(table);
    const [p, e] = r.total.stages;
    // reached basis: every deal reached Prospecting; every non-prospecting deal reached Engaging
    expect(p).toMatchObject({ stageId: 'prospecting', entered: rows.length, lost: 0, open: prospecting, advanced: rows.length - prospecting, lossRate: 0 });
    expect(e).toMatchObject({ stageId: 'engaging', entered: won + lost + engaging, lost, open: engaging, advanced: won });
    expect(e?.lossRate).toBeCloseTo(lost / (won + lost + engaging), 15);
    expect(e?.decidedLossRate).toBeCloseTo(lost / (won + lost), 15);
    expect(e?.reasons).toEqual([
      { kind: 'missingAction', reason: null, actions: ['contract.signed'], nextStageId: 'won', label: 'never did contract.signed', count: lost, share: 1, ofEntered: lost / (won + lost + engaging) },
    ]);
    expect(r.total.bottleneck?.stageId).toBe('engaging');
  });

  it('drop-off by product, and a product comparison at Engaging', () => {
    const r = dropOff(table, { groupBy: 'product', compare: { by: 'product', baseline: 'GTX Basic', current: 'GTXPro' } });
    const products = [...new Set(rows.map((x) => x.product))];
    expect(new Set(r.groups.map((g) => g.key))).toEqual(new Set(products));
    for (const g of r.groups) {
      const mine = rows.filter((x) => x.product === g.key);
      const e = g.stages[1];
      expect(e?.lost).toBe(mine.filter((x) => x.stage === 'Lost').length);
      expect(e?.entered).toBe(mine.filter((x) => x.stage !== 'Prospecting').length);
    }
    const ch = r.change?.stages[1];
    // GTXPro 418 lost of 1,400 engaged; GTX Basic 521 of 1,773 (counted from the CSV above)
    expect(ch?.current).toMatchObject({ lost: 418, trials: 1400 });
    expect(ch?.baseline).toMatchObject({ lost: 521, trials: 1773 });
    // SciPy chi2_contingency([[418, 982], [521, 1252]], correction=False) p = 0.7724542154589746
    expect(ch?.test).toBe('z');
    expect(ch?.pValue).toBeCloseTo(0.7724542154589746, 10);
    const exact = compareConversion(table, { groupBy: 'product', a: 'GTXPro', b: 'GTX Basic', test: 'fisher', rate: 'conversion' });
    // the Engaging row: advanced (won) of entered; SciPy fisher_exact on won/not-won
    const e = exact.stages[1];
    expect(e?.a).toMatchObject({ trials: 1400, successes: rows.filter((x) => x.product === 'GTXPro' && x.stage === 'Won').length });
    expect(e?.test).toBe('fisher');
    // SciPy fisher_exact([[729, 671], [915, 858]]) = 0.8023224862407647
    expect(e?.pValue).toBeCloseTo(0.8023224862407647, 9);
  });

  it('stalled Engaging deals at the snapshot: fixed 30 days and the data-driven P90', () => {
    const closedStays = rows.filter((x) => x.stage === 'Won' || x.stage === 'Lost').map((x) => (x.close - x.engage) / DAY);
    const threshold = p90(closedStays); // 104 days
    const openAges = rows.filter((x) => x.stage === 'Engaging').map((x) => (NOW - x.engage) / DAY);
    const r = findStalledDeals(table, { now: NOW });
    const eng = r.stages.find((s) => s.stageId === 'engaging');
    const th = r.thresholds.find((t) => t.stageId === 'engaging');
    expect(th).toMatchObject({ stays: closedStays.length, source: 'stage' });
    expect(th?.days).toBeCloseTo(threshold, 12);
    expect(eng?.open).toBe(openAges.length);
    expect(eng?.slowFixed).toBe(openAges.filter((a) => a > 30).length);
    expect(eng?.slowDataDriven).toBe(openAges.filter((a) => a > threshold).length);
    // Prospecting rows have no dates: placed at the snapshot, 0 days in stage, no completed stays
    expect(r.stages.find((s) => s.stageId === 'prospecting')).toMatchObject({ open: 500, flagged: 0 });
    expect(r.thresholds.find((t) => t.stageId === 'prospecting')).toMatchObject({ stays: 0, days: null, source: 'none' });
    // the longest-stalled deal first
    expect(r.deals[0]?.daysInStage).toBe(Math.max(...openAges));
  });

  it('per-product thresholds fall back to the stage for a product with too few stays (GTK 500: 25)', () => {
    const r = findStalledDeals(table, { now: NOW, groupBy: 'product', minStays: 30 });
    const gtk = r.thresholds.find((t) => t.stageId === 'engaging' && t.group === 'GTK 500');
    expect(gtk).toMatchObject({ stays: 25, source: 'stage' });
    const pro = r.thresholds.find((t) => t.stageId === 'engaging' && t.group === 'GTXPro');
    const proStays = rows.filter((x) => x.product === 'GTXPro' && (x.stage === 'Won' || x.stage === 'Lost')).map((x) => (x.close - x.engage) / DAY);
    expect(pro).toMatchObject({ stays: proStays.length, source: 'group' });
    expect(pro?.days).toBeCloseTo(p90(proStays), 12);
  });
});
