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
  it('deal analytics counts each mode and reports the bad row', async () => {
    const { main } = (await import(join(dir, 'deal-analytics.ts'))) as {
      main: () => { problems: string[]; reached: number[]; visited: number[]; winRate: number | null; waterfallEnd: number };
    };
    const r = main();
    expect(r.problems).toEqual(['row 6, deal_stage: Engagin (UNKNOWN_STAGE)']);
    expect(r.reached).toEqual([5, 4, 2]);
    expect(r.visited).toEqual([1, 4, 2]);
    expect(r.winRate).toBe(2 / 3);
    expect(r.waterfallEnd).toBe(1); // A3 engaging; A5 is created at the end of the year
  });
});
