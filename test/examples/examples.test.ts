/**
 * Runs every examples/*.ts against the BUILT package: `funnelwise` resolves through package.json
 * `exports` to dist/, exactly as in a user's project. Each example exports `main()`.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(__dirname, '..', '..', 'examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('examples against the built package', () => {
  it('there are examples', () => expect(files.length).toBeGreaterThan(0));
  for (const f of files) {
    it(f, async () => {
      const mod = (await import(join(dir, f))) as { main?: () => unknown };
      expect(typeof mod.main).toBe('function');
      const out = await mod.main?.();
      expect(out).toBeTruthy();
    });
  }
  it('quick start reads like the domain', async () => {
    const { main } = (await import(join(dir, 'quick-start.ts'))) as { main: () => { stages: string[]; invalid: string } };
    const r = main();
    expect(r.stages[0]).toBe('Left a request on the site');
    expect(r.invalid).toMatch(/stages\[0\]\.probability/);
  });
  it('the CSV event funnel: counts narrow, channel buckets partition the leads, weeks add up', async () => {
    const { main } = (await import(join(dir, 'event-funnel-csv.ts'))) as { main: () => { counts: number[]; byChannel: Array<[string, number, number]>; weeks: Array<[string, number, number, number, number]> } };
    const r = main();
    expect(r.counts).toEqual([24, 18, 12, 8]);
    expect(r.byChannel.reduce((s, b) => s + b[1], 0)).toBe(24);
    expect(r.byChannel.reduce((s, b) => s + b[2], 0)).toBe(8);
    for (const [, entered, converted, inProgress, dropped] of r.weeks) expect(converted + inProgress + dropped).toBe(entered);
  });
  it('deal analytics counts each mode and reports the bad row', async () => {
    const { main } = (await import(join(dir, 'deal-analytics.ts'))) as {
      main: () => { problems: string[]; reached: number[]; visited: number[]; winRate: number | null; winRateByAgent: unknown[]; waterfallEnd: number };
    };
    const r = main();
    expect(r.problems).toEqual(['row 6, deal_stage: Engagin (UNKNOWN_STAGE)']);
    expect(r.reached).toEqual([5, 4, 2]);
    expect(r.visited).toEqual([1, 4, 2]);
    expect(r.winRate).toBe(2 / 3);
    // Moses: A1 won, A2 lost (A6 is the bad row); Darcel: A4 won, A3 and A5 open
    expect(r.winRateByAgent).toEqual([['Moses', 1, 1, 0.5], ['Darcel', 1, 0, 1]]);
    expect(r.waterfallEnd).toBe(1); // A3 engaging; A5 is created at the end of the year
  });
});

describe('examples/charts.ts', () => {
  it('returns SVG strings and a Vega-Lite spec', async () => {
    const { main } = (await import(join(dir, 'charts.ts'))) as { main: () => Record<string, string> };
    const r = main();
    expect(r['funnel']).toMatch(/^<svg[^>]+role="img"/);
    expect(r['funnel']).toMatch(/End to end, 25\s%/u); // de-DE: 50 of 200 end to end
    expect(r['forecast']).toContain('short of target');
    expect(JSON.parse(r['vegaLite'] as string).$schema).toBe('https://vega.github.io/schema/vega-lite/v5.json');
  });
});

describe('examples/crm-webhook-service.ts', () => {
  it('validates payloads, applies actions, persists the deal and queues effects; rejects what the funnel forbids', async () => {
    const { main } = (await import(join(dir, 'crm-webhook-service.ts'))) as { main: () => { log: string[]; stage: string; effects: string[] } };
    const r = main();
    expect(r.log[0]).toBe('200 moved: request → answered');
    expect(r.log[1]).toBe('202 duplicate: answered → answered'); // the retried webhook changes nothing
    expect(r.log[2]).toBe('200 moved: answered → proposal');
    expect(r.log[3]).toMatch(/^409 MISSING_REQUIRED: stage "invoice" requires the deal attribute\(s\) billingAddress$/);
    expect(r.log[4]).toMatch(/^400 .*at/);
    expect(r.log[5]).toBe('404 no deal d9');
    expect(r.stage).toBe('proposal');
    expect(r.effects).toEqual(['d1/onEnter:answered/2026-03-02T10:00:00.000Z/email.send {"template":"thanks-for-the-call"}']);
  });
});

describe('examples/notebook.ts', () => {
  it('runs the notebook cells on the inline CSV', async () => {
    const { main } = (await import(join(dir, 'notebook.ts'))) as {
      main: () => { deals: number; reached: number[]; winRate: number; engagingLossRate: number; wonWithin30Days: number; naiveWonWithin30Days: number; vegaLite: string; svg: string };
    };
    const r = main();
    expect(r.deals).toBe(12);
    expect(r.reached).toEqual([12, 10, 5]); // prospecting (all), engaging (not N10, N12), won
    expect(r.winRate).toBe(5 / 8);
    expect(r.engagingLossRate).toBe(3 / 10);
    // Aalen–Johansen by hand: 10 deals at risk; won at 17 d (1/10), won at 22 d (0.9 × 1/9) → 0.2 by day 30
    expect(r.wonWithin30Days).toBeCloseTo(0.2, 12);
    expect(r.naiveWonWithin30Days).toBe(0.25);
    expect(JSON.parse(r.vegaLite).$schema).toBe('https://vega.github.io/schema/vega-lite/v5.json');
    expect(r.svg).toMatch(/^<svg[^>]+role="img"/);
  });
});
