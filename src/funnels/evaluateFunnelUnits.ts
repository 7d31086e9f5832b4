import type { ActionLog } from '../io/actionLog.js';
import { fail } from '../errors/FunnelError.js';
import type { CompiledQuery } from './compileQuery.js';
import { compileQuery } from './compileQuery.js';
import { runEngine } from './engine.js';
import type { FunnelQuery } from './funnelQuery.js';
import type { FunnelUnitResults } from './funnelUnitResults.js';


/**
 * Evaluates a funnel query for every unit of an {@link ActionLog} and returns the per-unit results
 * (deepest step, step times of the attempt that counts, entry time, exclusion and in-progress flags) —
 * the lower-level contract under {@link eventFunnel}, for breakdowns, trends, time to convert and
 * correlation. See {@link FunnelUnitResults} for how to read it and `docs/event-funnels.md` for the
 * exact counting rules of each order mode, attempt rule and ClickHouse mode.
 *
 * Cost: one pass over the log's events (about 20–30 ns per event for the common ordered query on a
 * 2-core cloud VM), plus `unitCount × steps` × 10 bytes of output. {@link eventFunnel} without unit lists
 * skips these per-unit arrays for the common query shapes (one fused pass).
 *
 * @param log - The action log, built once by `ActionLog.fromColumns` or `ActionLog.fromRows`.
 * @param query - Steps and counting rules.
 * @returns Per-unit arrays indexed by the log's unit index.
 * @throws {@link FunnelError} `INVALID_OPTION` for more than 64 steps, a negative window, misplaced
 * optional steps or options that do not combine; `UNKNOWN_ACTION` for a step, exclusion or ignore-list
 * action that never occurs in the log (naming the step).
 * @category Event funnels
 * @since 0.1.0
 * @example
 * ```ts
 * const log = ActionLog.fromColumns({
 *   unit: [1, 1, 1, 2, 2],
 *   time: [0, 1000, 2000, 0, 5000],
 *   action: ['visit', 'signup', 'paid', 'visit', 'paid'],
 * });
 * const r = evaluateFunnelUnits(log, { steps: ['visit', 'signup', 'paid'], windowMs: 10_000 });
 * Array.from(r.deepest) // => [2, 0]
 * Array.from(r.stepTime.subarray(0, 3)) // => [0, 1000, 2000]
 * ```
 */
export function evaluateFunnelUnits(log: ActionLog, query: FunnelQuery): FunnelUnitResults {
  return evaluateCompiled(log, compileFor(log, query)).result;
}

/** Validates the log and compiles the query. @internal */
export function compileFor(log: ActionLog, query: FunnelQuery): CompiledQuery {
  if (log === null || typeof log !== 'object' || !(log.time instanceof Float64Array) || !(log.offsets instanceof Int32Array)) {
    fail('INVALID_INPUT', 'an ActionLog built by ActionLog.fromColumns or ActionLog.fromRows', log, ['log']);
  }
  return compileQuery(log, query);
}

/** Runs a compiled query; also returns why each attempt ended (0 none, 1 excluded, 2 strict break). @internal */
export function evaluateCompiled(log: ActionLog, q: CompiledQuery, lean = false): { result: FunnelUnitResults; ended: Uint8Array } {
  // lean (for eventFunnel's report): steps after the deepest keep 0 instead of NaN in stepTime, stepOf is
  // not initialised and `reached` is only filled for optional steps — the report reads none of these.
  const U = log.unitCount;
  const n = q.n;
  const out = {
    deepest: new Int8Array(U).fill(-1),
    excluded: new Uint8Array(U),
    stepTime: lean ? new Float64Array(U * n) : new Float64Array(U * n).fill(NaN),
    stepOf: lean ? new Int8Array(U * n) : new Int8Array(U * n).fill(-1),
    entryTime: new Float64Array(U).fill(NaN),
    lastEntryTime: new Float64Array(U).fill(NaN),
    ended: new Uint8Array(U),
  };
  runEngine(log, q, out);
  const fillReached = !lean || q.hasOptional;
  const reached = new Uint8Array(fillReached ? U * n : 0);
  const inProgress = new Uint8Array(U);
  const now = q.now;
  if (fillReached || now !== null) {
    for (let u = 0; u < U; u++) {
      const d = out.deepest[u] as number;
      if (d < 0) continue;
      const base = u * n;
      if (q.hasOptional) {
        for (let k = 0; k <= d; k++) {
          if (q.optional[k] === 0) reached[base + k] = 1;
          else {
            const t = out.stepTime[base + k] as number;
            if (t === t) reached[base + k] = 1;
          }
        }
      } else if (fillReached) for (let k = 0; k <= d; k++) reached[base + k] = 1;
      if (now !== null && d < n - 1 && out.ended[u] === 0) {
        const from = q.attempt === 'firstEntry' ? (out.entryTime[u] as number) : (out.lastEntryTime[u] as number);
        if (from + q.window >= now) inProgress[u] = 1;
      }
    }
  }
  const result: FunnelUnitResults = Object.freeze({
    rules: q.rules,
    stepCount: n,
    unitCount: U,
    deepest: out.deepest,
    excluded: out.excluded,
    reached,
    stepTime: out.stepTime,
    stepOf: out.stepOf,
    entryTime: out.entryTime,
    lastEntryTime: out.lastEntryTime,
    inProgress,
  });
  return { result, ended: out.ended };
}
