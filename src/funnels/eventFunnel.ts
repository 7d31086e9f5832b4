import { fail } from '../errors/FunnelError.js';
import type { ActionLog } from '../io/actionLog.js';
import { deepFreeze } from '../internal/freeze.js';
import { medianOf } from '../internal/medianOf.js';
import { quantilesNonNegative } from '../internal/select.js';
import type { CompiledMatcher, CompiledQuery } from './compileQuery.js';
import { matches } from './compileQuery.js';
import { compileFor, evaluateCompiled } from './evaluateFunnelUnits.js';
import type { FunnelSummary } from './funnelSummary.js';
import { canScanFunnelSummary, nextRequired, previousRequired, scanFunnelSummary, summaryFromUnits } from './funnelSummary.js';
import type { FunnelQuery, FunnelRules } from './funnelQuery.js';
import type { FunnelDropReason, FunnelUnitResults } from './funnelUnitResults.js';

/**
 * Options of {@link eventFunnel}: the {@link FunnelQuery} plus what to include in the report.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface EventFunnelOptions extends FunnelQuery {
  /** List the units that converted, dropped (with why) and are in progress at each step. Default `false`. */
  readonly units?: boolean | undefined;
  /**
   * Compute the times between steps (`meanMsFromPrevious`, `medianMsFromPrevious`). Default `true`.
   * With `false` they are `null` and every count, rate, drop-off and in-progress figure is unchanged:
   * the fused pass then tracks only each unit's deepest step — what ClickHouse's `windowFunnel`
   * computes — and is 1.5–2× faster on large logs (for dashboards of counts, sweeps over many
   * funnels, comparisons with ClickHouse).
   */
  readonly times?: boolean | undefined;
}

/**
 * A unit that dropped out before a step, and why.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelDroppedUnit {
  /** The unit's key. */
  readonly unit: string | number;
  /** Why it dropped. */
  readonly why: FunnelDropReason;
}

/**
 * The units behind one step's counts (only with `units: true`).
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface EventFunnelStepUnits {
  /** Units counted at this step, in unit-index order. */
  readonly converted: ReadonlyArray<string | number>;
  /** Units that reached the previous step but not this one, window closed, with why. */
  readonly dropped: ReadonlyArray<FunnelDroppedUnit>;
  /** Units that reached the previous step, not this one, and whose window is still open at `now`. */
  readonly inProgress: ReadonlyArray<string | number>;
}

/**
 * One step of an {@link EventFunnelReport}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface EventFunnelStep {
  /** 0-based step index. */
  readonly index: number;
  /** The step's label. */
  readonly label: string;
  /** Whether the step is optional. */
  readonly optional: boolean;
  /** Units counted at this step (see the docs for optional steps and unordered funnels). */
  readonly count: number;
  /** `count ÷ count of the previous required step`; `null` for step 0 or when that count is 0. */
  readonly fromPrevious: number | null;
  /** `count ÷ count of step 0`; `null` when step 0's count is 0. */
  readonly fromStart: number | null;
  /** Units that reached the previous required step but not this one and whose window has closed (0 for step 0 and optional steps). */
  readonly dropped: number;
  /** Units that reached the previous required step, not this one, and are still in their window at `now`. */
  readonly inProgress: number;
  /** Mean ms from the previous reached step's event to this step's event, over units counted here; `null` for step 0, none, or `times: false`. */
  readonly meanMsFromPrevious: number | null;
  /** Median of the same times (midpoint of the two middle values for an even count); `null` when none or with `times: false`. */
  readonly medianMsFromPrevious: number | null;
  /** The units behind the counts, when requested. */
  readonly units?: EventFunnelStepUnits;
}

/**
 * The result of {@link eventFunnel}: per-step counts, rates, drop-off and times, plus the rules used.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface EventFunnelReport {
  /** One entry per step. */
  readonly steps: ReadonlyArray<EventFunnelStep>;
  /** Units that entered (step 0's count). */
  readonly entered: number;
  /** Units that reached the last step. */
  readonly converted: number;
  /** `converted ÷ entered`, `null` when nobody entered. */
  readonly conversion: number | null;
  /** Units removed from the funnel by an exclusion (PostHog rules, ordered/strict). */
  readonly excluded: number;
  /** Units listed as removed by an exclusion, when `units` was requested. */
  readonly excludedUnits?: ReadonlyArray<string | number>;
  /** Units still in their window at `now` and not converted. */
  readonly inProgress: number;
  /** The rules that produced the counts. */
  readonly rules: FunnelRules;
}

/** Why a unit that reached `d` did not reach required step `k`. */
function whyDropped(log: ActionLog, q: CompiledQuery, r: FunnelUnitResults, ended: Uint8Array, u: number, d: number, k: number): FunnelDropReason {
  if (ended[u] === 1) return 'excluded';
  if (ended[u] === 2) return 'strictBroken';
  const n = q.n;
  const a = log.offsets[u] as number;
  const b = log.offsets[u + 1] as number;
  const time = log.time;
  const action = log.action;
  const entry = r.entryTime[u] as number;
  if (q.order === 'unordered') {
    if (q.exclusions.length > 0) {
      for (let p = a; p < b; p++) {
        if ((time[p] as number) < entry) continue;
        for (const ex of q.exclusions) if (matches(ex.m, action[p] as number, p)) return 'excluded';
      }
    }
    const seen = new Uint8Array(n);
    let distinct = 0;
    for (let p = a; p < b; p++) {
      for (let s = 0; s < n; s++) {
        if (seen[s] === 0 && matches(q.steps[s] as CompiledMatcher, action[p] as number, p)) {
          seen[s] = 1;
          distinct++;
        }
      }
    }
    return distinct > d + 1 ? 'timedOut' : 'neverDidNextStep';
  }
  const last = r.stepTime[u * n + d] as number;
  let later = false;
  let inWindow = false;
  const m = q.steps[k] as CompiledMatcher;
  for (let p = a; p < b; p++) {
    const t = time[p] as number;
    if (t <= last) continue;
    if (!matches(m, action[p] as number, p)) continue;
    later = true;
    if (t - entry <= q.window && t - last <= (q.maxGap[k] as number)) inWindow = true;
  }
  if (inWindow && (q.order === 'strict' || q.chModes.strictOrder)) return 'strictBroken';
  return later ? 'timedOut' : 'neverDidNextStep';
}

/**
 * The event funnel: of the units that did step 1, how many did each later step, in order, within the
 * conversion window — with drop-off, times between steps and (on request) the units behind each number
 * and why each dropped unit dropped.
 *
 * Definitions (step k, 0-based; "previous" = previous required step):
 * - `count` = units whose counted attempt reached step k (see {@link FunnelUnitResults});
 * - `fromPrevious = count_k ÷ count_prev`, `fromStart = count_k ÷ count_0`;
 * - `inProgress` = units that reached the previous step, not step k, and whose window is still open at
 *   `now` (latest step-1 event + window ≥ now) — they are not dropped (PostHog issue #33605);
 * - `dropped = count_prev − count_k − inProgress`;
 * - `meanMsFromPrevious` / `medianMsFromPrevious` = mean and median of (this step's event time − the
 *   previous reached step's event time) over the units counted at step k, on the attempt that counts
 *   (with PostHog rules: the first complete conversion).
 *
 * The rules (order, attempt, window, exclusions, ClickHouse modes) are described in
 * `docs/event-funnels.md`; every report records them in `rules`. Rates are `null`, not NaN, when their
 * denominator is 0.
 *
 * Cost: one pass over the log. The common query — ordered, one action per step, no property filters,
 * optional steps, per-step gaps or exclusions, PostHog rules or ClickHouse's default semantics, no unit
 * lists — runs as a single fused pass over the log's action and time columns that feeds each unit's
 * result straight into the step counts and time buffers (no per-unit arrays). The pass is branch-free
 * and works on two units at once; a unit with two events at the same timestamp is redone step by step
 * (about 15–20 ns per event on a 2-core cloud VM, see `docs/performance.md`). With `times: false` a
 * lighter pass tracks only each unit's deepest step (1.5–2× faster). Every other query runs the engine
 * ({@link evaluateFunnelUnits}: `unitCount × steps × 10` bytes of per-unit output) and two passes over
 * its results. Medians by selection, not sorting (a radix selection: two sequential passes over each
 * step's times). `units: true` adds a scan of each dropped unit's events. In Node, the fused pass can
 * run on several cores: `createFunnelThreads` from `funnelwise/threads` returns the same report.
 *
 * @param log - The action log.
 * @param options - The query (steps, window, order, attempt rule, exclusions, `now`), `units` and `times`.
 * @returns A frozen report.
 * @throws {@link FunnelError} as {@link evaluateFunnelUnits}.
 * @category Event funnels
 * @since 0.1.0
 * @example
 * ```ts
 * const log = ActionLog.fromColumns({
 *   unit: ['a', 'a', 'a', 'b', 'b', 'c'],
 *   time: [0, 60_000, 120_000, 0, 30_000, 0],
 *   action: ['visit', 'signup', 'paid', 'visit', 'signup', 'visit'],
 * });
 * const f = eventFunnel(log, { steps: ['visit', 'signup', 'paid'], windowMs: 3_600_000, units: true });
 * f.steps.map((s) => s.count) // => [3, 2, 1]
 * f.steps[1].fromPrevious // => 2 / 3
 * f.steps[1].medianMsFromPrevious // => 45_000
 * f.steps[2].units.dropped // => [{ unit: 'b', why: 'neverDidNextStep' }]
 * f.conversion // => 1 / 3
 * // counts only (no step times): the same counts, times null, a lighter pass
 * const c = eventFunnel(log, { steps: ['visit', 'signup', 'paid'], windowMs: 3_600_000, times: false });
 * c.steps.map((s) => s.count) // => [3, 2, 1]
 * c.steps[1].medianMsFromPrevious // => null
 * ```
 */
export function eventFunnel(log: ActionLog, options: EventFunnelOptions): EventFunnelReport {
  return runEventFunnel(log, options, null);
}

/**
 * A fused pass done elsewhere (the threaded handle of `funnelwise/threads`): the summary of a query
 * {@link canScanFunnelSummary} accepts (with the step times or without), and how many threads computed it. @internal
 */
export type FusedScan = (log: ActionLog, q: CompiledQuery, times: boolean) => { readonly summary: FunnelSummary; readonly threads: number };

/**
 * {@link eventFunnel}, with the fused pass done by `scan` when given; then `rules.threads` records the
 * threads used (1 for the query shapes that run the engine). Same report otherwise. @internal
 */
export function runEventFunnel(log: ActionLog, options: EventFunnelOptions, scan: FusedScan | null): EventFunnelReport {
  const q = compileFor(log, options);
  const n = q.n;
  if (options.units !== undefined && typeof options.units !== 'boolean') fail('INVALID_OPTION', 'true or false', options.units, ['query', 'units']);
  if (options.times !== undefined && typeof options.times !== 'boolean') fail('INVALID_OPTION', 'true or false', options.times, ['query', 'times']);
  const wantUnits = options.units === true;
  const times = options.times !== false;
  const prevReq = previousRequired(q);
  const single = scan === null ? undefined : 1;
  if (!wantUnits && canScanFunnelSummary(q)) {
    if (scan === null) return report(q, scanFunnelSummary(log, q, times), prevReq, null, [], undefined);
    const s = scan(log, q, times);
    return report(q, s.summary, prevReq, null, [], s.threads);
  }
  const { result: r, ended } = evaluateCompiled(log, q, true);
  const sum = summaryFromUnits(q, r, times);
  if (!wantUnits) return report(q, sum, prevReq, null, [], single);
  const U = r.unitCount;
  const deepest = r.deepest;
  const reached = r.reached;
  const inProgressFlag = r.inProgress;
  const nextReq = nextRequired(q);
  // pass 3 (on request): the units behind the numbers
  const lists = Array.from({ length: n }, () => ({ converted: [] as Array<string | number>, dropped: [] as FunnelDroppedUnit[], inProgress: [] as Array<string | number> }));
  const excludedUnits: Array<string | number> = [];
  for (let u = 0; u < U; u++) {
    const key = log.unitKeys[u] as string | number;
    const d = deepest[u] as number;
    if (d < 0) {
      if (r.excluded[u] === 1) excludedUnits.push(key);
      continue;
    }
    const base = u * n;
    for (let k = 0; k <= d; k++) if (!q.hasOptional || reached[base + k] === 1) (lists[k] as { converted: Array<string | number> }).converted.push(key);
    const k = nextReq[d] as number;
    if (k >= 0) {
      const l = lists[k] as { dropped: FunnelDroppedUnit[]; inProgress: Array<string | number> };
      if (inProgressFlag[u] === 1) l.inProgress.push(key);
      else l.dropped.push({ unit: key, why: whyDropped(log, q, r, ended, u, d, k) });
    }
  }
  return report(q, sum, prevReq, lists, excludedUnits, single);
}

/**
 * Median of the step times `a[0 .. n)` (`null` when none): by the radix selection (two sequential
 * passes, `a` left in place) when they are all non-negative finite numbers — ordered funnels' times
 * always are — else by the sampled selection. Both give the exact order statistic.
 */
function medianOfGaps(a: Float64Array, n: number): number | null {
  if (n === 0) return null;
  return quantilesNonNegative(a, 0, n, [0.5])?.[0] ?? medianOf(a, n);
}

/**
 * {@link medianOfGaps}, plus the sum of `a[0 .. n)` added in index order (the radix selection's counting
 * pass adds it on the way; else one loop before the sampled selection, which reorders `a`).
 */
function medianAndSumOfGaps(a: Float64Array, n: number): [number | null, number] {
  const sum = new Float64Array(1);
  if (n === 0) return [null, 0];
  const q = quantilesNonNegative(a, 0, n, [0.5], sum);
  if (q !== null) return [q[0] as number, sum[0] as number];
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] as number;
  return [medianOf(a, n), s];
}

/** Assembles the frozen report from the summary (and the unit lists, when requested); a summary without step times (`times: false`) gives `null` times. */
function report(q: CompiledQuery, sum: FunnelSummary, prevReq: Int32Array, lists: EventFunnelStepUnits[] | null, excludedUnits: Array<string | number>, threads: number | undefined): EventFunnelReport {
  const n = q.n;
  const { counts, dropped, inProgress: inProg, gapSum, gapCount, gaps } = sum;
  const start = counts[0] as number;
  const steps: EventFunnelStep[] = [];
  for (let k = 0; k < n; k++) {
    const count = counts[k] as number;
    const prev = prevReq[k] as number;
    const prevCount = prev < 0 ? 0 : (counts[prev] as number);
    const g = gapCount[k] as number;
    // a merged summary (funnelwise/threads) leaves the sums to the median's counting pass: same order, same sum
    const [median, gapTotal] = sum.sumsInMedian === true ? medianAndSumOfGaps(gaps[k] as Float64Array, g) : [medianOfGaps(gaps[k] as Float64Array, g), gapSum[k] as number];
    steps.push({
      index: k,
      label: q.rules.steps[k] as string,
      optional: q.optional[k] === 1,
      count,
      fromPrevious: prev < 0 || prevCount === 0 ? null : count / prevCount,
      fromStart: start === 0 ? null : count / start,
      dropped: dropped[k] as number,
      inProgress: inProg[k] as number,
      meanMsFromPrevious: g === 0 ? null : gapTotal / g,
      medianMsFromPrevious: median,
      ...(lists !== null ? { units: lists[k] as EventFunnelStepUnits } : {}),
    });
  }
  const convertedCount = counts[n - 1] as number;
  return deepFreeze({
    steps,
    entered: start,
    converted: convertedCount,
    conversion: start === 0 ? null : convertedCount / start,
    excluded: sum.excluded,
    ...(lists !== null ? { excludedUnits } : {}),
    inProgress: sum.inProgressTotal,
    rules: threads === undefined ? q.rules : { ...q.rules, threads },
  });
}
