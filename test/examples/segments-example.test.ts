/** The segments-and-scoring example, run against the built package, reads like the domain. */
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('segments-and-scoring.ts assigns every lead and explains the first', async () => {
  const { main } = (await import(join(__dirname, '..', '..', 'examples', 'segments-and-scoring.ts'))) as {
    main: () => { segments: Record<string, number>; topPaths: string[]; sqlShare: number; example: string };
  };
  const r = main();
  expect(Object.values(r.segments).reduce((s, n) => s + n, 0)).toBe(500);
  expect(Object.keys(r.segments).sort()).toEqual(['hot', 'researcher', 'standard']);
  expect(r.topPaths).toHaveLength(3);
  expect(r.sqlShare).toBeGreaterThan(0);
  expect(r.sqlShare).toBeLessThan(1);
  expect(r.example).toMatch(/^l\d+ → (hot|researcher|standard): /);
});
