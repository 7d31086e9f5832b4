/**
 * The fused single-pass summary (eventFunnel's fast path for plain ordered queries, PostHog rules and
 * ClickHouse default semantics) against (a) the general engine's per-unit results summarised step by
 * step, (b) the naive reference, and (c) eventFunnel's own general path (`units: true`), on thousands of
 * random logs with ties, repeated steps, rows out of order, every window size and `now`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionLog, eventFunnel } from '../../src/index.js';
import type { FunnelQuery } from '../../src/index.js';
import { compileFor, evaluateCompiled } from '../../src/funnels/evaluateFunnelUnits.js';
import { canScanFunnelSummary, scanFunnelSummary, summaryFromUnits } from '../../src/funnels/funnelSummary.js';
import type { FunnelSummary } from '../../src/funnels/funnelSummary.js';
import { referenceFunnel } from './reference.js';

const ACTIONS = ['a', 'b', 'c', 'd', 'e', 'x'] as const;

interface Row {
  unit: number;
  time: number;
  action: string;
}

/** Up to 6 units (about 5 rows each on average), times on a coarse grid (many ties), rows in random order; every action occurs. */
const rowsArb: fc.Arbitrary<Row[]> = fc
  .array(fc.record({ unit: fc.integer({ min: 0, max: 5 }), time: fc.integer({ min: 0, max: 20 }), action: fc.constantFrom(...ACTIONS) }), { maxLength: 60, size: 'max' })
  .map((rows) => [...rows.map((r) => ({ ...r, time: r.time * 1000 })), ...ACTIONS.map((action, i) => ({ unit: 99, time: i * 5000, action }))]);

/**
 * Logs without same-timestamp events (distinct times on a fine grid), so the fused pass takes its
 * branch-free path for every unit: 1–9 units (odd and even counts, units of different lengths, so
 * the two-unit interleaving has tails on either side), every action occurs.
 */
const distinctRowsArb: fc.Arbitrary<Row[]> = fc
  .array(fc.record({ unit: fc.integer({ min: 0, max: 8 }), action: fc.constantFrom(...ACTIONS) }), { maxLength: 80, size: 'max' })
  .chain((rows) =>
    fc.shuffledSubarray(Array.from({ length: 400 }, (_, i) => i), { minLength: rows.length, maxLength: rows.length }).map((ts) => [
      ...rows.map((r, i) => ({ ...r, time: (ts[i] as number) * 100 })),
      ...ACTIONS.map((action, i) => ({ unit: 99, time: 100_000 + i * 5000, action })),
    ]),
  );

/** Plain ordered queries the fused pass accepts: 1–5 distinct actions, any window, maybe `now`. */
const queryArb = (clickhouse: boolean): fc.Arbitrary<FunnelQuery> =>
  fc
    .record({
      steps: fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 5 }),
      window: fc.integer({ min: 0, max: 16 }),
      now: fc.option(fc.integer({ min: 0, max: 40 }), { nil: undefined }),
    })
    .map((r) => ({
      steps: r.steps,
      windowMs: r.window * 1000,
      ...(r.now !== undefined ? { now: r.now * 1000 } : {}),
      ...(clickhouse ? { clickhouse: true as const } : {}),
    }));

function sortedGaps(s: FunnelSummary, k: number): number[] {
  return Array.from((s.gaps[k] as Float64Array).subarray(0, s.gapCount[k] as number)).sort((a, b) => a - b);
}

function plain(s: FunnelSummary, n: number) {
  return {
    counts: Array.from(s.counts),
    dropped: Array.from(s.dropped),
    inProgress: Array.from(s.inProgress),
    excluded: s.excluded,
    inProgressTotal: s.inProgressTotal,
    gapSum: Array.from(s.gapSum),
    gapCount: Array.from(s.gapCount),
    gaps: Array.from({ length: n }, (_, k) => sortedGaps(s, k)),
  };
}

function check(rows: Row[], query: FunnelQuery): void {
  const log = ActionLog.fromColumns({ unit: rows.map((r) => r.unit), time: rows.map((r) => r.time), action: rows.map((r) => r.action) });
  const q = compileFor(log, query);
  expect(canScanFunnelSummary(q)).toBe(true);
  const n = q.n;
  const fast = scanFunnelSummary(log, q);
  // (a) the general engine's per-unit results, summarised — identical, including the float sums
  const general = summaryFromUnits(q, evaluateCompiled(log, q).result);
  expect(plain(fast, n)).toEqual(plain(general, n));
  // (b) the naive reference: counts, drop-off, in-progress and gaps derived by hand
  const ref = referenceFunnel(rows, query);
  const counts = new Array<number>(n).fill(0);
  const dropped = new Array<number>(n).fill(0);
  const inProgress = new Array<number>(n).fill(0);
  const gaps: number[][] = Array.from({ length: n }, () => []);
  for (const [unit, res] of ref) {
    const d = res.deepest;
    if (d < 0) continue;
    for (let k = 0; k <= d; k++) counts[k]! += 1;
    for (let k = 1; k <= d; k++) gaps[k]!.push(res.times[k]! - res.times[k - 1]!);
    if (d === n - 1) continue;
    const starts = rows.filter((r) => r.unit === unit && r.action === query.steps[0]).map((r) => r.time);
    const open = query.now !== undefined && Math.max(...starts) + (query.windowMs ?? 0) >= query.now;
    (open ? inProgress : dropped)[d + 1]! += 1;
  }
  expect(Array.from(fast.counts)).toEqual(counts);
  expect(Array.from(fast.dropped)).toEqual(dropped);
  expect(Array.from(fast.inProgress)).toEqual(inProgress);
  for (let k = 0; k < n; k++) expect(sortedGaps(fast, k)).toEqual(gaps[k]!.sort((a, b) => a - b));
  // (c) the public report: the fused pass (no unit lists) equals the general path (unit lists requested)
  const quick = eventFunnel(log, query);
  const full = eventFunnel(log, { ...query, units: true });
  expect(quick.steps).toEqual(full.steps.map(({ units: _units, ...rest }) => rest));
  expect({ ...quick, steps: null }).toEqual({ ...full, steps: null, excludedUnits: undefined });
  // (d) without the step times (the counting pass): every other figure identical, times null, no time buffers
  const counted = scanFunnelSummary(log, q, false);
  expect({ ...plain(counted, n), gapSum: null }).toEqual({ ...plain(fast, n), gapSum: null, gapCount: new Array<number>(n).fill(0), gaps: new Array(n).fill([]) });
  const noTimes = (r: typeof quick) => ({ ...r, steps: r.steps.map((st) => ({ ...st, meanMsFromPrevious: null, medianMsFromPrevious: null })) });
  expect(eventFunnel(log, { ...query, times: false })).toEqual(noTimes(quick));
  expect(eventFunnel(log, { ...query, times: false, units: true })).toEqual(noTimes(full));
}

describe('fused funnel summary = general engine = reference', () => {
  it('PostHog rules (2,000 random logs)', () => {
    fc.assert(
      fc.property(rowsArb, queryArb(false), (rows, q) => check(rows, q)),
      { numRuns: 2000, seed: 5150 },
    );
  });
  it('ClickHouse windowFunnel default semantics (1,500 random logs)', () => {
    fc.assert(
      fc.property(rowsArb, queryArb(true), (rows, q) => check(rows, q)),
      { numRuns: 1500, seed: 5151 },
    );
  });
  it('logs without ties (the branch-free path), both rule sets, windows up to infinite (1,500 random logs)', () => {
    const windowArb = fc.oneof(fc.integer({ min: 0, max: 20 }).map((w) => w * 500), fc.constant(Number.POSITIVE_INFINITY));
    fc.assert(
      fc.property(distinctRowsArb, queryArb(false), queryArb(true), windowArb, fc.boolean(), (rows, qp, qc, w, ch) => {
        const q = ch ? qc : qp;
        check(rows, { ...q, windowMs: w, ...(q.now !== undefined ? { now: q.now * 10 } : {}) });
      }),
      { numRuns: 1500, seed: 5152 },
    );
  });
  it('long units of distinct times: scratch growth, early stop at the last step, odd unit count', () => {
    const rows: Row[] = [];
    for (let i = 0; i < 700; i++) rows.push({ unit: 1, time: 1000 * i, action: ACTIONS[(i * 7) % 6] as string });
    for (let i = 0; i < 150; i++) rows.push({ unit: 2, time: 1000 * i + 1, action: ACTIONS[(i * 5 + (i >> 3)) % 6] as string });
    for (let i = 0; i < 3; i++) rows.push({ unit: 3, time: 1000 * i + 2, action: ACTIONS[i] as string });
    rows.reverse();
    for (const clickhouse of [false, true]) {
      for (const windowMs of [0, 2_500, 40_000, Number.POSITIVE_INFINITY]) {
        check(rows, { steps: ['a', 'b', 'c', 'd', 'e'], windowMs, ...(clickhouse ? { clickhouse: true } : {}) });
        check(rows, { steps: ['c', 'a', 'x'], windowMs, now: 500_000, ...(clickhouse ? { clickhouse: true } : {}) });
      }
    }
  });
  it('long units: same-timestamp groups longer than the scratch buffers, repeats, late rows', () => {
    const rows: Row[] = [];
    for (let i = 0; i < 300; i++) rows.push({ unit: 1, time: 1000 * (i % 3), action: ACTIONS[(i * 7) % 6] as string });
    for (let i = 0; i < 5000; i++) rows.push({ unit: 2 + (i % 40), time: 1000 * ((i * 13) % 97), action: ACTIONS[(i * 5) % 6] as string });
    rows.reverse();
    for (const clickhouse of [false, true]) {
      check(rows, { steps: ['a', 'b', 'c', 'd', 'e'], windowMs: 30_000, ...(clickhouse ? { clickhouse: true } : {}) });
      check(rows, { steps: ['c', 'a'], windowMs: 0, now: 96_000, ...(clickhouse ? { clickhouse: true } : {}) });
    }
  });
  it('queries outside the fused shape are not taken by it', () => {
    const log = ActionLog.fromColumns({ unit: [1, 1, 1], time: [0, 1, 2], action: ['a', 'b', 'c'], properties: { p: ['u', 'v', 'u'] } });
    const shapes: FunnelQuery[] = [
      { steps: ['a', 'a'] },
      { steps: [{ action: ['a', 'b'] }, 'b'] },
      { steps: ['a', { action: 'b', where: { p: 'u' } }] },
      { steps: ['a', { action: 'b', optional: true }, 'c'] },
      { steps: ['a', { action: 'b', maxGapMs: 5 }] },
      { steps: ['a', 'b'], exclusions: [{ action: 'a', from: 0, to: 1 }] },
      { steps: ['a', 'b'], order: 'strict' },
      { steps: ['a', 'b'], order: 'unordered' },
      { steps: ['a', 'b'], attempt: 'firstEntry' },
      { steps: ['a', 'b'], clickhouse: ['strict_increase'] },
      { steps: ['a', 'b'], clickhouse: ['strict_once'] },
      { steps: ['a', 'b'], clickhouse: ['strict_order', 'allow_reentry'] },
      { steps: ['a', 'b'], clickhouse: ['strict_deduplication'] },
    ];
    for (const s of shapes) expect(canScanFunnelSummary(compileFor(log, s)), JSON.stringify(s)).toBe(false);
    expect(canScanFunnelSummary(compileFor(log, { steps: ['a', 'b'] }))).toBe(true);
  });
});
