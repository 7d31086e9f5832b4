/**
 * ClickHouse windowFunnel modes strict_once and allow_reentry. Expected levels are ClickHouse's own:
 * the cases of its test 00632_aggregation_window_funnel, with the values ClickHouse 26.7.2 (chdb)
 * returns for them (bench/clickhouse-modes.mjs compares the two engines on random logs). Where an older
 * stored copy of that test's .reference expects other values for strict_order / allow_reentry (it
 * predates the #37177 fix and a change of strict_order), 26.7's values are used and noted.
 */
import { describe, expect, it } from 'vitest';
import { ActionLog, evaluateFunnelUnits } from '../../src/index.js';
import type { ClickHouseFunnelMode } from '../../src/index.js';
import { caught } from '../support/caught.js';

/** Levels (deepest + 1, ClickHouse's result) per unit, in unit order. */
function levels(rows: Array<[number, number, string]>, steps: string[], windowMs: number, modes: ClickHouseFunnelMode[] | true): number[] {
  const log = ActionLog.fromColumns({ unit: rows.map((r) => r[0]), time: rows.map((r) => r[1]), action: rows.map((r) => r[2]) });
  const r = evaluateFunnelUnits(log, { steps, windowMs, clickhouse: modes });
  return Array.from(r.deepest, (d) => d + 1);
}

// ClickHouse's allow_reentry table: user, time, event
const reentry: Array<[number, number, string]> = [
  [1, 1, 'a'], [1, 2, 'b'], [1, 3, 'a'], [1, 4, 'c'],
  [2, 1, 'a'], [2, 2, 'b'], [2, 3, 'a'], [2, 4, 'b'], [2, 5, 'c'],
  [3, 1, 'a'], [3, 2, 'b'], [3, 3, 'c'], [3, 4, 'b'], [3, 5, 'd'],
  [4, 1, 'a'], [4, 2, 'c'], [4, 3, 'b'],
  [5, 1, 'a'], [5, 2, 'b'], [5, 3, 'c'], [5, 4, 'a'], [5, 5, 'b'], [5, 6, 'c'], [5, 7, 'd'],
];
const abc = ['a', 'b', 'c'];
const abcd = ['a', 'b', 'c', 'd'];
const DAY = 86_400;

describe('ClickHouse strict_once', () => {
  // (0,1000),(1,1001),(1,1002),(1,1003),(2,1004); windowFunnel(10000)(event = 1004 ×3)
  const one: Array<[number, number, string]> = [[1, 0, 'e1000'], [1, 1, 'e1001'], [1, 1, 'e1002'], [1, 1, 'e1003'], [1, 2, 'e1004']];
  it('one row fills one step of a chain: the same condition three times needs three rows', () => {
    expect(levels(one, ['e1004', 'e1004', 'e1004'], 10_000, true)).toEqual([3]);
    expect(levels(one, ['e1004', 'e1004', 'e1004'], 10_000, ['strict_once'])).toEqual([1]);
    expect(levels(one, ['e1004', 'e1004', 'e1004'], 10_000, ['strict_increase'])).toEqual([1]);
  });

  // (event_ts, result, uid); windowFunnel(200, 'strict_once', …)(result='failure', result='failure', result='success')
  const outcomes: Array<[number, number, string]> = [
    [234, 100, 'failure'], [345, 200, 'success'], [345, 210, 'failure'], [345, 230, 'success'],
    [234, 250, 'failure'], [123, 180, 'failure'], [123, 220, 'failure'], [123, 250, 'success'],
  ];
  it('failure → failure → success: 123 → 3, 234 → 2, 345 → 1 (with strict_increase or strict_deduplication too)', () => {
    const steps = ['failure', 'failure', 'success'];
    for (const modes of [['strict_once'], ['strict_once', 'strict_increase'], ['strict_once', 'strict_deduplication']] as ClickHouseFunnelMode[][]) {
      expect(levels(outcomes, steps, 200, modes)).toEqual([3, 2, 1]);
    }
    // without strict_once one failure row fills both failure steps: 345 reaches 3 through 210 → 230
    expect(levels(outcomes, steps, 200, true)).toEqual([3, 2, 3]);
  });

  it('on the re-entry table (ClickHouse 26.7.2)', () => {
    expect(levels(reentry, abc, DAY, ['strict_once'])).toEqual([3, 3, 3, 2, 3]);
    expect(levels(reentry, abcd, DAY, ['strict_once'])).toEqual([3, 3, 4, 2, 4]);
  });

  it('records the chain: the complete one, else the oldest chain of the deepest level', () => {
    const log = ActionLog.fromColumns({ unit: [1, 1, 1, 1], time: [0, 5, 6, 20], action: ['a', 'a', 'b', 'c'] });
    const r = evaluateFunnelUnits(log, { steps: abc, windowMs: 10, clickhouse: ['strict_once'] });
    // chains a@0 → b@6 and a@5 → b@6; c@20 is out of both windows and drops a@0 → b@6 (more than one left)
    expect(Array.from(r.stepTime)).toEqual([5, 6, NaN]);
    const r2 = evaluateFunnelUnits(log, { steps: abc, windowMs: 15, clickhouse: ['strict_once'] });
    // a@0 + 15 < 20: that chain is dropped (more than one is left), a@5 → b@6 → c@20 completes
    expect(Array.from(r2.stepTime)).toEqual([5, 6, 20]);
  });
});

describe('ClickHouse allow_reentry (requires strict_order)', () => {
  it('a step whose previous level is empty is skipped instead of stopping the walk (ClickHouse 26.7.2)', () => {
    expect(levels(reentry, abc, DAY, true)).toEqual([3, 3, 3, 2, 3]);
    expect(levels(reentry, abc, DAY, ['strict_order'])).toEqual([3, 3, 3, 1, 3]);
    expect(levels(reentry, abc, DAY, ['strict_order', 'allow_reentry'])).toEqual([3, 3, 3, 2, 3]);
    expect(levels(reentry, abcd, DAY, ['strict_order'])).toEqual([3, 3, 4, 1, 4]);
    expect(levels(reentry, abcd, DAY, ['strict_order', 'allow_reentry'])).toEqual([3, 3, 4, 2, 4]);
    // with strict_deduplication user 2's second b stops the walk at level 2
    expect(levels(reentry, abc, DAY, ['strict_order', 'allow_reentry', 'strict_deduplication'])).toEqual([3, 2, 3, 2, 3]);
    // (the older stored .reference expects [2, 2, 3, 1, 3], [3, 3, 3, 1, 3], [2, 2, 4, 1, 3], [3, 3, 4, 1, 4], [3, 1, 3, 1, 3])
  });

  it('allow_reentry without strict_order, or an unknown mode, is refused naming the field', () => {
    const log = ActionLog.fromColumns({ unit: [1], time: [0], action: ['a'] });
    const e = caught(() => evaluateFunnelUnits(log, { steps: ['a'], clickhouse: ['allow_reentry'] }));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.path).toEqual(['query', 'clickhouse']);
    const u = caught(() => evaluateFunnelUnits(log, { steps: ['a'], clickhouse: ['strict' as ClickHouseFunnelMode] }));
    expect(u.path).toEqual(['query', 'clickhouse', 0]);
  });
});
