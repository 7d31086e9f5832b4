/**
 * The threaded handle of `funnelwise/threads`, for real: worker threads running the worker built from
 * the source (test/support/threadsWorker.ts). Its reports must deep-equal `eventFunnel`'s (every figure
 * bit for bit) apart from `rules.threads`: a hand-worked case, a differential property test on random
 * logs with ties, repeats and rows out of order (both attempt rules, `now` set or not, 1–4 threads,
 * unit ranges cut wherever the event counts put them), the shapes that run single-threaded, the log
 * cache, and the failure modes (bad options, a closed handle, a worker that exits or hangs or cannot
 * start — an error, never a hang).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActionLog, eventFunnel, FunnelError } from '../../src/index.js';
import type { EventFunnelReport, FunnelQuery } from '../../src/index.js';
import type { EventFunnelOptions } from '../../src/funnels/eventFunnel.js';
import type { FunnelThreads } from '../../src/threads/index.js';
import { createFunnelThreadsAt } from '../../src/threads/createFunnelThreads.js';
import { shareLog } from '../../src/threads/shareLog.js';
import { createSourceFunnelThreads } from '../support/threadsWorker.js';

/** The report without `rules.threads` (the one field the threaded handle adds). */
function withoutThreads(r: EventFunnelReport): EventFunnelReport {
  const { threads: _, ...rules } = r.rules;
  return { ...r, rules };
}

const pools = new Map<number, FunnelThreads>();
beforeAll(async () => {
  for (const t of [1, 2, 3, 4]) pools.set(t, await createSourceFunnelThreads({ threads: t, minEventsPerThread: 1 }));
});
afterAll(async () => {
  for (const p of pools.values()) await p.close();
});
const pool = (t: number): FunnelThreads => pools.get(t) as FunnelThreads;

describe('createFunnelThreads: a hand-worked case', () => {
  // unit 1: visit 0, signup 1000, paid 2000 → 3 steps (gaps 1000, 1000)
  // unit 2: visit 0, paid 5000 → 1 step (dropped before signup)
  // unit 3: visit 0, signup 10, paid 20 → 3 steps (gaps 10, 10)
  // unit 4: visit and signup both at 100 (a same-timestamp group, taken in step order) → 2 steps (gap 0)
  const log = ActionLog.fromColumns({
    unit: [1, 1, 1, 2, 2, 3, 3, 3, 4, 4],
    time: [0, 1000, 2000, 0, 5000, 0, 10, 20, 100, 100],
    action: ['visit', 'signup', 'paid', 'visit', 'paid', 'visit', 'signup', 'paid', 'signup', 'visit'],
  });
  const query = { steps: ['visit', 'signup', 'paid'], windowMs: 10_000 };

  for (const t of [2, 4]) {
    it(`${t} threads: counts, drop-off and times by hand; the single-threaded report otherwise`, () => {
      // 4 units, so 4 chunks of one unit each, taken by the threads from a shared counter
      const r = pool(t).eventFunnel(log, query);
      expect(r.rules.threads).toBe(t);
      expect(r.steps.map((s) => s.count)).toEqual([4, 3, 2]);
      expect(r.steps.map((s) => s.dropped)).toEqual([0, 1, 1]);
      expect(r.steps[1]?.meanMsFromPrevious).toBe((1000 + 10 + 0) / 3);
      expect(r.steps[1]?.medianMsFromPrevious).toBe(10);
      expect(r.steps[2]?.meanMsFromPrevious).toBe((1000 + 10) / 2);
      expect(r.steps[2]?.medianMsFromPrevious).toBe(505);
      expect(withoutThreads(r)).toEqual(eventFunnel(log, query));
    });
  }

  it('sums each step’s times in unit order, as one pass does (not part by part)', () => {
    // one signup gap per unit: 0.1, 0.1, 0.1, 0.01 → ((0.1 + 0.1) + 0.1) + 0.01 = 0.31000000000000005,
    // while summing the two threads' parts first would give (0.1 + 0.1) + (0.1 + 0.01) = 0.31
    const gaps = [0.1, 0.1, 0.1, 0.01];
    const small = ActionLog.fromColumns({ unit: gaps.flatMap((_, u) => [u, u]), time: gaps.flatMap((g) => [0, g]), action: gaps.flatMap(() => ['visit', 'signup']) });
    const q = { steps: ['visit', 'signup'], windowMs: 1000 };
    const r = pool(2).eventFunnel(small, q);
    expect(r.rules.threads).toBe(2);
    expect(r.steps[1]?.meanMsFromPrevious).toBe(0.31000000000000005 / 4);
    expect(r.steps[1]?.meanMsFromPrevious).toBe(eventFunnel(small, q).steps[1]?.meanMsFromPrevious);
  });

  it('the same sums with thousands of fractional times (the median’s counting pass adds them up)', () => {
    // 6,000 units, signup 0.1–1000 ms after the visit (every 7th 2.5 hours more), with fractions: a sum
    // that depends on its order (summed in 16, 24 or 32 parts it comes out 1–3 units in the last place off)
    const U = 6000;
    const gap = (u: number) => (u % 7 === 0 ? 9e6 + 0.3 : 0) + ((u * 7919) % 10_007) / 10.007 + 0.1;
    const big = ActionLog.fromColumns({ unit: Array.from({ length: 2 * U }, (_, i) => i >> 1), time: Array.from({ length: 2 * U }, (_, i) => (i & 1 ? 5000 + gap(i >> 1) : 5000)), action: Array.from({ length: 2 * U }, (_, i) => (i & 1 ? 'signup' : 'visit')) });
    const q = { steps: ['visit', 'signup'], windowMs: 10_000_000 };
    let sequential = 0;
    for (let u = 0; u < U; u++) sequential += 5000 + gap(u) - 5000;
    for (const t of [2, 3, 4]) {
      const r = pool(t).eventFunnel(big, q);
      expect(r.rules.threads).toBe(t);
      expect(r.steps[1]?.meanMsFromPrevious).toBe(sequential / U);
      expect(withoutThreads(r)).toEqual(eventFunnel(big, q));
    }
  });

  it('ClickHouse semantics, and `now`: in progress as single-threaded', () => {
    const q = { ...query, clickhouse: true as const, now: 8000 };
    const r = pool(3).eventFunnel(log, q);
    expect(r.rules.threads).toBe(3);
    expect(withoutThreads(r)).toEqual(eventFunnel(log, q));
  });
});

interface Row {
  unit: number;
  time: number;
  action: string;
}
const ACTIONS = ['a', 'b', 'c', 'd', 'e', 'x'] as const;

/**
 * Up to 14 units of 0–12 rows, times on a coarse grid (many same-timestamp groups, so units recomputed
 * step by step sit next to cut points) or with sub-millisecond fractions, rows shuffled (late arrivals),
 * steps repeated; every action occurs.
 */
const rowsArb: fc.Arbitrary<Row[]> = fc
  .record({
    rows: fc.array(fc.record({ unit: fc.integer({ min: 0, max: 13 }), time: fc.integer({ min: 0, max: 24 }), frac: fc.constantFrom(0, 0, 0.1, 0.25, 0.3), action: fc.constantFrom(...ACTIONS) }), { maxLength: 90 }),
    order: fc.array(fc.nat(), { maxLength: 90 }),
  })
  .map(({ rows, order }) => {
    const out: Row[] = rows.map((r) => ({ unit: r.unit, time: r.time * 1000 + r.frac * 1000 * (r.time % 3), action: r.action }));
    // a random permutation of the rows: the log's input order must not matter
    for (let i = out.length - 1; i > 0; i--) {
      const j = (order[i] ?? 0) % (i + 1);
      [out[i], out[j]] = [out[j] as Row, out[i] as Row];
    }
    return [...out, ...ACTIONS.map((action, i) => ({ unit: 50, time: i * 5000, action }))];
  });

const queryArb: fc.Arbitrary<EventFunnelOptions> = fc
  .record({
    steps: fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 5 }),
    window: fc.integer({ min: 0, max: 16 }),
    now: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
    clickhouse: fc.boolean(),
    times: fc.constantFrom(undefined, true, false),
  })
  .map((r) => ({
    steps: r.steps,
    windowMs: r.window * 1000,
    ...(r.now !== undefined ? { now: r.now * 1000 } : {}),
    ...(r.clickhouse ? { clickhouse: true as const } : {}),
    ...(r.times !== undefined ? { times: r.times } : {}),
  }));

function logOf(rows: Row[]): ActionLog {
  return ActionLog.fromColumns({ unit: rows.map((r) => r.unit), time: rows.map((r) => r.time), action: rows.map((r) => r.action) });
}

describe('createFunnelThreads: the same report as eventFunnel on random logs', () => {
  for (const t of [1, 2, 3, 4]) {
    it(`${t} thread(s)`, () => {
      fc.assert(
        fc.property(rowsArb, queryArb, (rows, query) => {
          const log = logOf(rows);
          const r = pool(t).eventFunnel(log, query);
          expect(withoutThreads(r)).toEqual(eventFunnel(log, query));
          // the threads that had a non-empty part: at most t, at most one per unit
          expect(r.rules.threads).toBeGreaterThanOrEqual(1);
          expect(r.rules.threads).toBeLessThanOrEqual(Math.min(t, log.unitCount));
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe('createFunnelThreads: what runs single-threaded', () => {
  const log = ActionLog.fromColumns({
    unit: [1, 1, 1, 2, 2, 2, 3, 3],
    time: [0, 10, 20, 0, 10, 20, 0, 10],
    action: ['visit', 'noise', 'signup', 'visit', 'cancel', 'signup', 'visit', 'signup'],
  });
  const shapes: Array<[string, EventFunnelOptions]> = [
    ['unit lists', { steps: ['visit', 'signup'], windowMs: 100, units: true }],
    ['exclusions', { steps: ['visit', 'signup'], windowMs: 100, exclusions: [{ action: 'cancel', from: 0, to: 1 }] }],
    ['strict order', { steps: ['visit', 'signup'], windowMs: 100, order: 'strict' }],
    ['unordered', { steps: ['visit', 'signup'], windowMs: 100, order: 'unordered' }],
    ['an optional step', { steps: ['visit', { action: 'noise', optional: true }, 'signup'], windowMs: 100 }],
    ['a ClickHouse mode', { steps: ['visit', 'signup'], windowMs: 100, clickhouse: ['strict_order'] }],
  ];
  for (const [name, q] of shapes) {
    it(`${name}: rules.threads is 1, the report eventFunnel's`, () => {
      const r = pool(2).eventFunnel(log, q);
      expect(r.rules.threads).toBe(1);
      expect(withoutThreads(r)).toEqual(eventFunnel(log, q));
    });
  }

  it('a log below minEventsPerThread × 2 events is not split (default 100,000 events per thread)', async () => {
    const p = await createSourceFunnelThreads({ threads: 2 });
    try {
      const r = p.eventFunnel(log, { steps: ['visit', 'signup'], windowMs: 100 });
      expect(r.rules.threads).toBe(1);
      expect(p.threads).toBe(2);
    } finally {
      await p.close();
    }
  });
});

describe('createFunnelThreads: sharing the log', () => {
  it('repeated funnels over several logs (each worker caches the last two) stay right', () => {
    const logs = [0, 1, 2].map((s) => logOf(Array.from({ length: 40 }, (_, i) => ({ unit: (i * 7 + s) % 9, time: ((i * 13 + s) % 17) * 1000, action: ACTIONS[(i + s) % ACTIONS.length] as string }))));
    const q = { steps: ['a', 'b', 'c'], windowMs: 9000 };
    for (let round = 0; round < 3; round++) {
      for (const log of [...logs, logs[0] as ActionLog, logs[2] as ActionLog]) expect(withoutThreads(pool(3).eventFunnel(log, q))).toEqual(eventFunnel(log, q));
    }
  });

  it('columns already on shared memory are used as they are; others are copied once per log', () => {
    const log = logOf([{ unit: 1, time: 0, action: 'a' }, { unit: 2, time: 5, action: 'b' }]);
    const s = shareLog(log);
    expect(shareLog(log)).toBe(s);
    expect(Array.from(s.time)).toEqual(Array.from(log.time));
    expect(Array.from(s.offsets)).toEqual(Array.from(log.offsets));
    expect(Array.from(s.action)).toEqual(Array.from(log.action));
    expect(s.time.buffer).toBeInstanceOf(SharedArrayBuffer);
    const onShared = (a: Int32Array | Float64Array | Uint16Array) => a.buffer instanceof SharedArrayBuffer;
    expect(s.copied).toBe(!(onShared(log.time) && onShared(log.offsets) && onShared(log.action)));
    if (!s.copied) expect(s.time).toBe(log.time);
    const copy = (a: Float64Array) => {
      const b = new Float64Array(new SharedArrayBuffer(a.byteLength));
      b.set(a);
      return b;
    };
    const sharedLog = { ...log, time: copy(log.time), offsets: Int32Array.from(log.offsets), action: log.action };
    const t = shareLog(sharedLog);
    expect(t.time).toBe(sharedLog.time); // zero-copy for the shared column
    expect(t.offsets).not.toBe(sharedLog.offsets);
    expect(t.id).not.toBe(s.id);
  });
});

/** Writes a stand-in worker script that says it is ready, then does `onRequest` on the first request. */
function fakeWorker(onRequest: string, atLoad = ''): URL {
  const dir = mkdtempSync(join(tmpdir(), 'funnelwise-fake-worker-'));
  const file = join(dir, 'worker.mjs');
  writeFileSync(file, `import { parentPort, workerData } from 'node:worker_threads';\n${atLoad}\nworkerData.port.on('message', () => { ${onRequest} });\nparentPort.postMessage('ready');\n`);
  return pathToFileURL(file);
}

describe('createFunnelThreads: errors', () => {
  const log = ActionLog.fromColumns({ unit: [1, 1, 2, 2], time: [0, 1, 0, 1], action: ['a', 'b', 'a', 'b'] });
  const q = { steps: ['a', 'b'], windowMs: 10 };

  for (const bad of [0, -1, 1.5, 65, Number.NaN, '2', null]) {
    it(`threads: ${String(bad)} → INVALID_OPTION at options.threads, naming the value`, async () => {
      const err = await createSourceFunnelThreads({ threads: bad as number }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(FunnelError);
      expect((err as FunnelError).code).toBe('INVALID_OPTION');
      expect((err as FunnelError).path).toEqual(['options', 'threads']);
      expect((err as FunnelError).message).toContain(`received ${typeof bad === 'string' ? JSON.stringify(bad) : String(bad)}`);
    });
  }

  it('bad minEventsPerThread and stallTimeoutMs are named too', async () => {
    await expect(createSourceFunnelThreads({ minEventsPerThread: -5 })).rejects.toMatchObject({ code: 'INVALID_OPTION', path: ['options', 'minEventsPerThread'] });
    await expect(createSourceFunnelThreads({ stallTimeoutMs: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION', path: ['options', 'stallTimeoutMs'] });
  });

  it('a closed handle throws a FunnelError saying so; close() is idempotent', async () => {
    const p = await createSourceFunnelThreads({ threads: 2, minEventsPerThread: 1 });
    expect(p.eventFunnel(log, q).rules.threads).toBe(2);
    await p.close();
    await p.close();
    expect(() => p.eventFunnel(log, q)).toThrow(/open FunnelThreads handle \(this one is closed: close\(\) was called\)/);
    expect(() => p.eventFunnel(log, q)).toThrow(FunnelError);
  });

  it('a query error is the single-threaded error, and the handle stays usable', () => {
    expect(() => pool(2).eventFunnel(log, { steps: ['zzz'], windowMs: 1 })).toThrow(/received "zzz" at query\.steps\[0\]\.action/);
    expect(pool(2).eventFunnel(log, q).steps[1]?.count).toBe(2);
  });

  it('a worker that exits mid-call → ABORTED after the stall timeout, not a hang; the handle is then closed', async () => {
    const p = await createFunnelThreadsAt(fakeWorker('process.exit(3);'), { threads: 2, minEventsPerThread: 1, stallTimeoutMs: 300 });
    expect(() => p.eventFunnel(log, q)).toThrow(/worker thread 1 made no progress for 300 ms; the FunnelThreads handle is closed/);
    expect(() => p.eventFunnel(log, q)).toThrow(/closed: worker thread 1 made no progress/);
    await p.close();
  });

  it('a worker that hangs → ABORTED after the stall timeout', async () => {
    const p = await createFunnelThreadsAt(fakeWorker('for (;;) {}'), { threads: 2, minEventsPerThread: 1, stallTimeoutMs: 200 });
    let err: unknown = null;
    try {
      p.eventFunnel(log, q);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FunnelError);
    expect((err as FunnelError).code).toBe('ABORTED');
    await p.close();
  });

  it('a worker that reports its exit → ABORTED at once', async () => {
    // as the real worker does on process exit: raise the dead flag (control block slot 2) and wake the caller
    const p = await createFunnelThreadsAt(fakeWorker('Atomics.store(workerData.control, 2, 1); Atomics.notify(workerData.control, 0); process.exit(1);'), { threads: 2, minEventsPerThread: 1 });
    expect(() => p.eventFunnel(log, q)).toThrow(/worker thread 1 exited/);
    await p.close();
  });

  it('a worker that cannot start → the promise rejects with ABORTED', async () => {
    const err = await createFunnelThreadsAt(fakeWorker('', "throw new Error('broken worker');"), { threads: 3 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FunnelError);
    expect((err as FunnelError).code).toBe('ABORTED');
    expect((err as FunnelError).message).toMatch(/could not start: broken worker/);
  });
});
