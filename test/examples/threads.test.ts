/**
 * `funnelwise/threads` as BUILT (after `npm run build`): the ESM entry (`import`) and the CommonJS entry
 * (`require`) each start the built worker (dist/threadsWorker.js) and return eventFunnel's report; the
 * built main entry does not reach `worker_threads` or any other Node built-in. (The unit tests run the
 * same code with the worker built from the source: test/threads/.)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const dist = join(root, 'dist');
const require = createRequire(join(root, 'package.json'));

interface Lib {
  ActionLog: { fromColumns(c: object): unknown };
  eventFunnel(log: unknown, q: object): { rules: object; steps: Array<{ count: number }> };
  FunnelError: new (...a: never[]) => Error;
}
interface Threads {
  createFunnelThreads(o: object): Promise<{ eventFunnel(log: unknown, q: object): { rules: { threads?: number }; steps: Array<{ count: number }> }; close(): Promise<void> }>;
}

const columns = {
  unit: [1, 1, 1, 2, 2, 3, 3, 3, 4, 4],
  time: [0, 1000, 2000, 0, 5000, 0, 10, 20, 100, 100],
  action: ['visit', 'signup', 'paid', 'visit', 'paid', 'visit', 'signup', 'paid', 'signup', 'visit'],
};
const query = { steps: ['visit', 'signup', 'paid'], windowMs: 10_000 };

async function check(lib: Lib, threads: Threads): Promise<void> {
  const log = lib.ActionLog.fromColumns(columns);
  const pool = await threads.createFunnelThreads({ threads: 2, minEventsPerThread: 1 });
  try {
    const r = pool.eventFunnel(log, query);
    expect(r.rules.threads).toBe(2);
    const { threads: _, ...rules } = r.rules;
    expect({ ...r, rules }).toEqual(lib.eventFunnel(log, query));
    expect(r.steps.map((s) => s.count)).toEqual([4, 3, 2]);
    // one copy of the library's code: errors from the handle are the main entry's FunnelError
    expect(() => pool.eventFunnel(log, { steps: ['nope'], windowMs: 1 })).toThrow(lib.FunnelError);
  } finally {
    await pool.close();
  }
}

describe('funnelwise/threads, built', () => {
  it('ESM: import', async () => {
    await check((await import('funnelwise')) as unknown as Lib, (await import('funnelwise/threads')) as unknown as Threads);
  });

  it('CommonJS: require', async () => {
    await check(require('funnelwise') as Lib, require('funnelwise/threads') as Threads);
  });

  it('the built main entry (ESM and CommonJS, with its chunks) imports no Node built-in', () => {
    for (const entry of ['index.js', 'index.cjs']) {
      const seen = new Set<string>();
      const todo = [join(dist, entry)];
      while (todo.length > 0) {
        const file = todo.pop() as string;
        if (seen.has(file)) continue;
        seen.add(file);
        const text = readFileSync(file, 'utf8');
        expect(text, file).not.toMatch(/worker_threads|from ['"]node:|require\(['"]node:/);
        for (const m of text.matchAll(/(?:from\s+|require\()['"](\.\/[^'"]+)['"]/g)) todo.push(join(dirname(file), m[1] as string));
      }
      expect(seen.size, entry).toBeGreaterThanOrEqual(2); // the entry and the chunk it shares with threads
    }
  });

  it('examples/event-funnel-threads.ts: two threads, the single-threaded report', async () => {
    const { main } = (await import(join(root, 'examples', 'event-funnel-threads.ts'))) as { main: () => Promise<{ counts: number[]; threads: number; sameAsOneThread: boolean }> };
    const r = await main();
    expect(r.threads).toBe(2);
    expect(r.sameAsOneThread).toBe(true);
    expect(r.counts).toHaveLength(5);
    expect(r.counts[0]).toBeGreaterThan(20_000); // of 40,000 visitors
    for (let k = 1; k < 5; k++) expect(r.counts[k]).toBeLessThanOrEqual(r.counts[k - 1] as number);
  });
});
