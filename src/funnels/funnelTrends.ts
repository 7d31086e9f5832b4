import { fail } from '../errors/FunnelError.js';
import { nextPeriodStart, periodLabel, periodStart } from '../internal/periods.js';
import type { ActionLog } from '../io/actionLog.js';
import type { FunnelQuery, FunnelRules } from './funnelQuery.js';
import { evaluateFunnelUnits } from './evaluateFunnelUnits.js';
import { stepRange } from './stepRange.js';

/**
 * A trend period: a UTC day, an ISO week (Monday to Sunday, UTC) or a calendar month (UTC).
 *
 * @category Event funnels
 * @since 0.1.0
 */
export type FunnelTrendPeriod = 'day' | 'week' | 'month';

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
  /** Units whose counted attempt entered (did step 1) in the period and reached `fromStep`. */
  readonly entered: number;
  /** Of those, units that reached `toStep` within the window (possibly in a later period). */
  readonly converted: number;
  /** Of those, units that did not convert and whose window was still open at `now`. */
  readonly inProgress: number;
  /** `entered − converted − inProgress`: units that did not convert and can no longer. */
  readonly dropped: number;
  /** `converted / entered` (PostHog's rate, as a fraction), `null` when nobody entered. */
  readonly conversionRate: number | null;
  /** `converted / (converted + dropped)`: the rate among settled units, `null` when none settled. */
  readonly settledConversionRate: number | null;
  /** True when some unit entering in this period could still convert at `now` (period start… end + window > now). */
  readonly open: boolean;
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
  /** Totals over all periods (sums of the rows). */
  readonly total: { readonly entered: number; readonly converted: number; readonly inProgress: number; readonly dropped: number };
  /** The funnel's rules plus the period, the steps and the as-of time used. */
  readonly rules: FunnelRules & { readonly period: FunnelTrendPeriod; readonly fromStep: number; readonly toStep: number; readonly timeZone: 'UTC' };
}


/**
 * Conversion trends: units grouped by the period (UTC day, ISO week or month) of their counted
 * attempt's step-1 event; per period, how many reached `fromStep`, how many of those reached `toStep`
 * within the window, how many are still **in progress** at `now` and how many dropped.
 *
 * Counting rules:
 * - each unit belongs to exactly one period, that of the step-1 event of the attempt the funnel counts
 *   (PostHog rules: the attempt that went deepest; first-entry rule: the first entry), so the periods
 *   partition the units and the rows sum to the totals. (PostHog and Amplitude instead count a unit in
 *   every period it entered.)
 * - a unit converted in a period if it reached `toStep` within the window, even if that happened in a
 *   later period (PostHog);
 * - a unit that has not converted but whose window is still open at `now` (latest step-1 event + window
 *   ≥ now) is `inProgress`, not `dropped` — the fix for PostHog issue #33605; without `now` every
 *   unconverted unit is dropped;
 * - `conversionRate = converted / entered`; `settledConversionRate = converted / (converted + dropped)`
 *   leaves the in-progress units out.
 *
 * Cost: one funnel pass plus O(units + periods).
 *
 * @param log - the action log
 * @param query - the funnel query
 * @param options - period, as-of time, steps
 * @throws {@link FunnelError} `INVALID_OPTION` for an unknown period, a step index out of range, or a
 *   non-finite `now`; and whatever the funnel query rejects.
 * @category Event funnels
 * @since 0.1.0
 * @example
 * ```ts
 * const day = 86_400_000;
 * const log = ActionLog.fromColumns({
 *   unit: ['a', 'a', 'b', 'c', 'c'],
 *   time: [0, 3600e3, 600e3, day, day + 7200e3],
 *   action: ['visit', 'paid', 'visit', 'visit', 'paid'],
 * });
 * const t = funnelTrends(log, { steps: ['visit', 'paid'], windowMs: 7 * day }, { period: 'day', now: 2 * day });
 * t.periods.map((p) => [p.period, p.entered, p.converted, p.inProgress, p.dropped]) // => [['1970-01-01', 2, 1, 1, 0], ['1970-01-02', 1, 1, 0, 0]]
 * t.periods[0]?.conversionRate // => 0.5
 * ```
 */
export function funnelTrends(log: ActionLog, query: FunnelQuery, options: FunnelTrendsOptions = {}): FunnelTrendsReport {
  const period = options.period ?? 'day';
  if (period !== 'day' && period !== 'week' && period !== 'month') fail('INVALID_OPTION', "'day', 'week' or 'month'", period, ['period']);
  const now = options.now ?? query?.now;
  if (now !== undefined && (typeof now !== 'number' || !Number.isFinite(now))) fail('INVALID_OPTION', 'a finite time in epoch milliseconds', now, ['now']);
  const r = evaluateFunnelUnits(log, now === undefined ? query : { ...query, now });
  const n = r.stepCount;
  const { fromStep, toStep } = stepRange(options, n);

  const rows = new Map<number, { entered: number; converted: number; inProgress: number }>();
  for (let u = 0; u < r.unitCount; u++) {
    if (r.reached[u * n + fromStep] !== 1) continue;
    const entry = r.entryTime[u] as number;
    if (!Number.isFinite(entry)) continue;
    const start = periodStart(entry, period);
    let row = rows.get(start);
    if (row === undefined) rows.set(start, (row = { entered: 0, converted: 0, inProgress: 0 }));
    row.entered++;
    if (r.reached[u * n + toStep] === 1) row.converted++;
    else if (r.inProgress[u] === 1) row.inProgress++;
  }
  const periods: FunnelTrendRow[] = [];
  const total = { entered: 0, converted: 0, inProgress: 0, dropped: 0 };
  const starts = [...rows.keys()].sort((a, b) => a - b);
  const first = starts[0];
  const last = starts[starts.length - 1];
  if (first !== undefined && last !== undefined) {
    for (let s = first; s <= last; s = nextPeriodStart(s, period)) {
      const row = rows.get(s) ?? { entered: 0, converted: 0, inProgress: 0 };
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
        open: now !== undefined && end + r.rules.windowMs > now,
      });
    }
  }
  return { periods, total, rules: { ...r.rules, period, fromStep, toStep, timeZone: 'UTC' } };
}
