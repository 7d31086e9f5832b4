/**
 * Real data: time in stage, the pipeline at a past date and the waterfall on the Maven CRM export
 * (one row per deal: engage and close dates only). The loader rebuilds each history as "created into
 * Engaging at engage_date, closed at close_date" (Prospecting rows have no date: created at the
 * export date, `undatedAt` 2017-12-31). Expected values are recomputed here from the raw CSV lines.
 */
import { expect, it } from 'vitest';
import { loadDealsCsv, pipelineAt, pipelineWaterfall, timeInStage } from '../../src/index.js';
import { describeDataset, readDataset } from '../support/datasets.js';
import { mavenCsvOptions } from '../support/maven.js';

const D = 86_400_000;

/** Type-7 quantile (linear interpolation between order statistics), naive. */
function q7(xs: number[], p: number): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  return (s[lo] as number) + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] as number) - (s[lo] as number));
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describeDataset('maven-crm-sales-opportunities', 'Maven CRM: time in stage, pipeline at a date, waterfall', () => {
  const text = readDataset('maven-crm-sales-opportunities', 'sales_pipeline.csv');
  const { table } = loadDealsCsv(text, mavenCsvOptions);
  const rows = text
    .split('\r\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => {
      const [, , , , stage, engage, close, value] = l.split(',') as string[];
      return { stage: stage as string, engaged: engage === '' ? null : Date.parse(engage as string), closed: close === '' ? null : Date.parse(close as string), value: value === '' ? null : Number(value) };
    });
  const now = Date.parse('2017-12-31');

  it('time in Engaging: completed stays = engage → close of every closed deal; ongoing = engage → now of the open ones', () => {
    const r = timeInStage(table, { now: '2017-12-31' });
    const [prospecting, engaging] = r.total.stages;
    const completed = rows.filter((x) => x.closed !== null).map((x) => ((x.closed as number) - (x.engaged as number)) / D);
    const ongoing = rows.filter((x) => x.stage === 'Engaging').map((x) => (now - (x.engaged as number)) / D);
    expect(completed.length).toBe(4238 + 2473);
    expect(engaging?.completed.count).toBe(completed.length);
    expect(engaging?.completed.mean).toBeCloseTo(mean(completed), 9);
    expect(engaging?.completed.median).toBe(q7(completed, 0.5));
    expect(engaging?.completed.p90).toBeCloseTo(q7(completed, 0.9) as number, 9);
    expect(engaging?.ongoing?.count).toBe(1589);
    expect(engaging?.ongoing?.mean).toBeCloseTo(mean(ongoing), 9);
    expect(engaging?.ongoing?.p90).toBeCloseTo(q7(ongoing, 0.9) as number, 9);
    // the 500 undated Prospecting deals were "created" at the export date: 500 ongoing stays of 0 days
    expect([prospecting?.completed.count, prospecting?.ongoing?.count, prospecting?.ongoing?.p90]).toEqual([0, 500, 0]);
  });

  const openAt = (t: number) => rows.filter((x) => x.engaged !== null && x.engaged <= t && (x.closed === null || x.closed > t));

  it('the open pipeline on 2017-06-30, rebuilt from the dates', () => {
    const t = Date.parse('2017-06-30');
    const p = pipelineAt(table, '2017-06-30');
    const open = openAt(t);
    expect(p.total.stages.map((s) => s.count)).toEqual([0, open.length]);
    // amounts are not versioned in this export: a deal open then counts with its final close_value
    const cents = open.reduce((a, x) => a + BigInt(x.value ?? 0) * 100n, 0n);
    expect(p.total.value).toEqual([{ amount: `${cents / 100n}.00`, currency: 'USD' }]);
  });

  it('the waterfall 2017-06-30 → 2017-09-30: start + new − won − lost = end', () => {
    const [from, to] = [Date.parse('2017-06-30'), Date.parse('2017-09-30')];
    const w = pipelineWaterfall(table, '2017-06-30', '2017-09-30').total.count;
    const inWindow = (x: number | null) => x !== null && x > from && x <= to;
    const expected = {
      start: openAt(from).length,
      new: rows.filter((x) => inWindow(x.engaged)).length,
      won: rows.filter((x) => x.stage === 'Won' && inWindow(x.closed)).length,
      lost: rows.filter((x) => x.stage === 'Lost' && inWindow(x.closed)).length,
      end: openAt(to).length,
    };
    expect({ start: w.start, new: w.new, won: w.won, lost: w.lost, end: w.end }).toEqual(expected);
    expect([w.movedIn, w.movedOut, w.reopened]).toEqual([0, 0, 0]);
    expect(expected.start + expected.new - expected.won - expected.lost).toBe(expected.end);
  });
});
