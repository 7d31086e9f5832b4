import { fail } from '../errors/FunnelError.js';
import { nextPeriodStart, periodLabel, periodStart } from '../internal/periods.js';
import type { ActionLog } from '../io/actionLog.js';
import type { FunnelQuery, FunnelRules } from './funnelQuery.js';
import { evaluateByEntryPeriod } from './entryPeriodUnits.js';
import { compileFor, evaluateCompiled } from './evaluateFunnelUnits.js';
import { stepRange } from './stepRange.js';

/**
 * A trend period: a UTC day, an ISO week (Monday to Sunday, UTC) or a calendar month (UTC).
 *
 * @category Event funnels
 * @since 0.1.0
 */
export type FunnelTrendPeriod = 'day' | 'week' | 'month';

/**
 * How units were assigned to periods (recorded in {@link FunnelTrendsReport.rules}):
 * - `'everyEntryPeriod'` (ordered and strict funnels, every attempt rule, ClickHouse mode): a unit
 *   counts once in **every** period in which it did step 1, with the result of the attempts that start
 *   in that period (PostHog, Amplitude);
 * - `'countedWindow'` (unordered funnels, which have no step-1 entry): a unit counts once, in the period
 *   of the earliest event of the window the funnel kept.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export type FunnelTrendBucketing = 'everyEntryPeriod' | 'countedWindow';

/**
 * Options of {@link funnelTrends}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelTrendsOptions {
  /** Period of the entry time units are grouped by. Default `'day'`. */
  readonly period?: FunnelTrendPeriod | undefined;
  /** As-of time (epoch ms): units whose window is still open are in progress, not dropped. Default the query's `now`; without either, no unit is in progress. */
  readonly now?: number | undefined;
  /** 0-based step whose units form the base of the rate. Default 0. */
  readonly fromStep?: number | undefined;
  /** 0-based step counted as converted (`> fromStep`). Default the last step. */
  readonly toStep?: number | undefined;
  /** List the units behind each period's numbers (`units` on every row). Default `false`. */
  readonly units?: boolean | undefined;
}

/**
 * The units behind one period's numbers (only with `units: true`), by unit key, in unit order.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelTrendUnits {
  /** Units that reached `toStep` from an attempt started in the period. */
  readonly converted: ReadonlyArray<string | number>;
  /** Units that reached `fromStep` but not `toStep`, and can no longer. */
  readonly dropped: ReadonlyArray<string | number>;
  /** Units that reached `fromStep` but not yet `toStep`, with a window still open at `now`. */
  readonly inProgress: ReadonlyArray<string | number>;
}

/**
 * One period of a {@link FunnelTrendsReport}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelTrendRow {
  /** `2026-03-02` (day), `2026-W10` (ISO week), `2026-03` (month). */
  readonly period: string;
  /** Period start, ISO UTC (inclusive). */
  readonly start: string;
  /** Period end, ISO UTC (exclusive). */
  readonly end: string;
  /** Units that entered (did step 1) in the period and, from an attempt started in the period, reached `fromStep` (PostHog's `reached_from_step_count`). */
  readonly entered: number;
  /** Of those, units that reached `toStep` within the window, possibly in a later period (PostHog's `reached_to_step_count`). */
  readonly converted: number;
  /** Of those, units that did not convert and whose window (from their latest step-1 event of the period) was still open at `now`. */
  readonly inProgress: number;
  /** `entered − converted − inProgress`: units that did not convert and can no longer. */
  readonly dropped: number;
  /** `converted / entered` (PostHog's rate, as a fraction), `null` when nobody entered. */
  readonly conversionRate: number | null;
  /** `converted / (converted + dropped)`: the rate among settled units, `null` when none settled. */
  readonly settledConversionRate: number | null;
  /** True when some unit entering in this period could still convert at `now` (period end + window > now). */
  readonly open: boolean;
  /** The units behind the numbers (with `units: true`). */
  readonly units?: FunnelTrendUnits;
}

/**
 * Conversion by entry period: the result of {@link funnelTrends}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelTrendsReport {
  /** One row per period from the first to the last entry period, gaps filled with zero rows. */
  readonly periods: readonly FunnelTrendRow[];
  /**
   * Sums of the rows. With `'everyEntryPeriod'` bucketing a unit that entered in two periods counts
   * twice, so `total.entered` may exceed the funnel's count at `fromStep`; `distinctUnits` counts it once.
   */
  readonly total: { readonly entered: number; readonly converted: number; readonly inProgress: number; readonly dropped: number; readonly distinctUnits: number };
  /** The funnel's rules plus the period, the steps, the bucketing rule and the as-of time used. */
  readonly rules: FunnelRules & {
    readonly period: FunnelTrendPeriod;
    readonly fromStep: number;
    readonly toStep: number;
    readonly bucketing: FunnelTrendBucketing;
    readonly timeZone: 'UTC';
  };
}

interface RowAcc {
  entered: number;
  converted: number;
  inProgress: number;
  lists: { converted: Array<string | number>; dropped: Array<string | number>; inProgress: Array<string | number> } | null;
}

/**
 * Conversion trends (PostHog's "historical trends"): for each period (UTC day, ISO week or month), the
 * units that entered the funnel in that period, how many of them reached `fromStep`, how many reached
 * `toStep` within the window, how many are still **in progress** at `now` and how many dropped.
 *
 * Counting rules (ordered and strict funnels, either attempt rule, ClickHouse mode):
 * - a unit counts once in **every** period in which it did step 1 (PostHog, Amplitude). Its result in
 *   period P is the funnel's result when only step-1 events of P may start an attempt — as if step 1
 *   had the extra filter "in P" — under the query's rules (window, order, attempt rule, exclusions,
 *   same-timestamp rule): with PostHog rules the deepest step reached by an attempt that started in P;
 *   with the first-entry rule the attempt started by the unit's first step-1 event of P;
 * - `entered` = units that reached `fromStep` that way; `converted` = those that reached `toStep` within
 *   the window, even if that happened in a later period;
 * - a unit that has not converted but whose window is still open at `now` (its latest step-1 event of
 *   the period — first-entry rule: its first — plus the window ≥ now) is `inProgress`, not `dropped`:
 *   the fix for PostHog issue #33605. Without `now` every unconverted unit is dropped;
 * - an attempt removed by an exclusion removes the unit from that period only;
 * - `conversionRate = converted / entered`; `settledConversionRate = converted / (converted + dropped)`.
 *
 * Unordered funnels have no step-1 entry (any step may start the window): a unit counts once, in the
 * period of the earliest event of the window the funnel kept (`rules.bucketing = 'countedWindow'`).
 *
 * Cost: one pass to find each unit's entry periods, then one funnel pass over each (unit, period)'s
 * events from its first step-1 event of the period to its last one + the window (each event is read
 * once per entry period whose span covers it), plus O(periods).
 *
 * @param log - the action log
 * @param query - the funnel query
 * @param options - period, as-of time, steps, unit lists
 * @throws {@link FunnelError} `INVALID_OPTION` for an unknown period, a step index out of range, or a
 *   non-finite `now`; and whatever the funnel query rejects.
 * @category Event funnels
 * @since 0.1.0
 * @example
 * ```ts
 * const day = 86_400_000;
 * // a enters on day 0 (no purchase), enters again on day 1 and pays on day 2; b enters on day 0, pays an hour later
 * const log = ActionLog.fromColumns({
 *   unit: ['a', 'b', 'b', 'a', 'a'],
 *   time: [0, 600e3, 4200e3, day, 2 * day],
 *   action: ['visit', 'visit', 'paid', 'visit', 'paid'],
 * });
 * const t = funnelTrends(log, { steps: ['visit', 'paid'], windowMs: 1.5 * day }, { period: 'day', units: true });
 * t.periods.map((p) => [p.period, p.entered, p.converted, p.dropped]) // => [['1970-01-01', 2, 1, 1], ['1970-01-02', 1, 1, 0]]
 * t.periods[0]?.units?.dropped // => ['a']
 * t.total.distinctUnits // => 2
 * ```
 */
export function funnelTrends(log: ActionLog, query: FunnelQuery, options: FunnelTrendsOptions = {}): FunnelTrendsReport {
  const period = options.period ?? 'day';
  if (period !== 'day' && period !== 'week' && period !== 'month') fail('INVALID_OPTION', "'day', 'week' or 'month'", period, ['options', 'period']);
  const now = options.now ?? query?.now;
  if (now !== undefined && (typeof now !== 'number' || !Number.isFinite(now))) fail('INVALID_OPTION', 'a finite time in epoch milliseconds', now, ['options', 'now']);
  const q = compileFor(log, now === undefined ? query : { ...query, now });
  const n = q.n;
  const { fromStep, toStep } = stepRange(options, n);
  if (options.units !== undefined && typeof options.units !== 'boolean') fail('INVALID_OPTION', 'true or false', options.units, ['options', 'units']);
  const wantUnits = options.units === true;

  // per (unit, period) pair: the unit index, the period start and the funnel's per-pair results
  let unitOf: Int32Array;
  let periodOf: Float64Array;
  let bucketing: FunnelTrendBucketing;
  let r;
  if (q.order === 'unordered') {
    r = evaluateCompiled(log, q).result;
    unitOf = new Int32Array(r.unitCount);
    periodOf = new Float64Array(r.unitCount);
    for (let u = 0; u < r.unitCount; u++) {
      unitOf[u] = u;
      const entry = r.entryTime[u] as number;
      periodOf[u] = Number.isFinite(entry) ? periodStart(entry, period) : NaN;
    }
    bucketing = 'countedWindow';
  } else {
    const e = evaluateByEntryPeriod(log, q, period);
    r = e.result;
    unitOf = e.unitOf;
    periodOf = e.periodOf;
    bucketing = 'everyEntryPeriod';
  }

  const rows = new Map<number, RowAcc>();
  const seen = new Uint8Array(log.unitCount);
  let distinctUnits = 0;
  for (let i = 0; i < r.unitCount; i++) {
    if (r.reached[i * n + fromStep] !== 1) continue;
    const start = periodOf[i] as number;
    if (!Number.isFinite(start)) continue;
    const u = unitOf[i] as number;
    if (seen[u] === 0) {
      seen[u] = 1;
      distinctUnits++;
    }
    let row = rows.get(start);
    if (row === undefined) rows.set(start, (row = { entered: 0, converted: 0, inProgress: 0, lists: wantUnits ? { converted: [], dropped: [], inProgress: [] } : null }));
    row.entered++;
    const key = log.unitKeys[u] as string | number;
    if (r.reached[i * n + toStep] === 1) {
      row.converted++;
      row.lists?.converted.push(key);
    } else if (r.inProgress[i] === 1) {
      row.inProgress++;
      row.lists?.inProgress.push(key);
    } else row.lists?.dropped.push(key);
  }
  const periods: FunnelTrendRow[] = [];
  const total = { entered: 0, converted: 0, inProgress: 0, dropped: 0, distinctUnits };
  const starts = [...rows.keys()].sort((a, b) => a - b);
  const first = starts[0];
  const last = starts[starts.length - 1];
  if (first !== undefined && last !== undefined) {
    for (let s = first; s <= last; s = nextPeriodStart(s, period)) {
      const row = rows.get(s) ?? { entered: 0, converted: 0, inProgress: 0, lists: wantUnits ? { converted: [], dropped: [], inProgress: [] } : null };
      const end = nextPeriodStart(s, period);
      const dropped = row.entered - row.converted - row.inProgress;
      total.entered += row.entered;
      total.converted += row.converted;
      total.inProgress += row.inProgress;
      total.dropped += dropped;
      periods.push({
        period: periodLabel(s, period),
        start: new Date(s).toISOString(),
        end: new Date(end).toISOString(),
        entered: row.entered,
        converted: row.converted,
        inProgress: row.inProgress,
        dropped,
        conversionRate: row.entered === 0 ? null : row.converted / row.entered,
        settledConversionRate: row.converted + dropped === 0 ? null : row.converted / (row.converted + dropped),
        open: now !== undefined && end + q.window > now,
        ...(row.lists !== null ? { units: row.lists } : {}),
      });
    }
  }
  return { periods, total, rules: { ...q.rules, period, fromStep, toStep, bucketing, timeZone: 'UTC' } };
}
