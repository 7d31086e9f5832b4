/**
 * Differential property test: on thousands of random small logs (ties, repeats, out-of-order rows,
 * exclusions, optional steps, gaps, every order mode, both attempt rules, ClickHouse modes) the engine
 * and the naive reference (test/funnels/reference.ts) agree exactly, unit by unit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionLog, evaluateFunnelUnits, eventFunnel } from '../../src/index.js';
import type { FunnelQuery } from '../../src/index.js';
import { queryArb, rowsArb } from '../arbitraries/actionLog.js';
import type { ArbRow, QueryKind } from '../arbitraries/actionLog.js';
import { referenceCounts, referenceFunnel } from './reference.js';

function buildLog(rows: ArbRow[]) {
  return ActionLog.fromColumns({
    unit: rows.map((r) => r.unit) as string[] | number[],
    time: rows.map((r) => r.time),
    action: rows.map((r) => r.action),
    properties: { p: rows.map((r) => r.props.p) },
  });
}

function check(rows: ArbRow[], q: FunnelQuery): void {
  const log = buildLog(rows);
  const r = evaluateFunnelUnits(log, q);
  const ref = referenceFunnel(
    rows.map((x) => ({ unit: x.unit, time: x.time, action: x.action, props: x.props })),
    q,
  );
  const n = q.steps.length;
  for (let u = 0; u < log.unitCount; u++) {
    const key = log.unitKeys[u] as string | number;
    const want = ref.get(key);
    expect(want, `unit ${String(key)}`).toBeDefined();
    const got = {
      deepest: r.deepest[u],
      excluded: r.excluded[u] === 1,
      times: Array.from(r.stepTime.subarray(u * n, u * n + n), (t) => (Number.isNaN(t) ? null : t)),
    };
    expect(got, `unit ${String(key)}`).toEqual({ deepest: want!.deepest, excluded: want!.excluded, times: want!.times });
  }
  const report = eventFunnel(log, q);
  expect(report.steps.map((s) => s.count)).toEqual(referenceCounts(ref, q));
  // mean and median time from the previous reached step, computed naively from the reference
  for (let k = 1; k < n; k++) {
    const gaps: number[] = [];
    for (const res of ref.values()) {
      const t = res.times[k];
      if (res.deepest < k || t === null || t === undefined) continue;
      const before = res.times.slice(0, k).filter((x): x is number => x !== null);
      if (before.length > 0) gaps.push(t - before[before.length - 1]!);
    }
    gaps.sort((a, b) => a - b);
    const m = gaps.length;
    const step = report.steps[k]!;
    expect(step.medianMsFromPrevious).toBe(m === 0 ? null : m % 2 === 1 ? gaps[(m - 1) / 2]! : (gaps[m / 2 - 1]! + gaps[m / 2]!) / 2);
    if (m === 0) expect(step.meanMsFromPrevious).toBeNull();
    else expect(step.meanMsFromPrevious).toBeCloseTo(gaps.reduce((a, b) => a + b, 0) / m, 6);
  }
}

const kinds: Array<[QueryKind, number]> = [
  ['ordered', 1500],
  ['strict', 1000],
  ['unordered', 1000],
  ['firstEntry', 1000],
  ['clickhouse', 1000],
];

describe('engine = naive reference on random logs', () => {
  for (const [kind, numRuns] of kinds) {
    it(`${kind} (${numRuns} logs)`, () => {
      fc.assert(
        fc.property(rowsArb, queryArb(kind), (rows, q) => check(rows, q)),
        { numRuns, seed: 20261123 },
      );
    });
  }
});
