import { postHogHistogram } from '../internal/histogram.js';
import { mean, median } from '../internal/stats.js';
import type { ActionLog } from '../io/actionLog.js';
import type { FunnelQuery, FunnelRules } from './funnelQuery.js';
import { evaluateFunnelUnits } from './evaluateFunnelUnits.js';
import { stepRange } from './stepRange.js';
import type { FunnelUnitResults } from './funnelUnitResults.js';

/**
 * Options of {@link timeToConvert}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface TimeToConvertOptions {
  /** 0-based step the clock starts at. Default 0 (the entry step). */
  readonly fromStep?: number | undefined;
  /** 0-based step the clock stops at (`> fromStep`). Default the last step. */
  readonly toStep?: number | undefined;
  /** Number of histogram bins, an integer clamped to 1..90 as PostHog (0 or less gives 1, more than 90 gives 90). Default automatic: `ceil(cbrt(n))`, at most 60. */
  readonly bins?: number | undefined;
}

/**
 * One histogram row of {@link TimeToConvertReport}: units whose time to convert lies in `[fromMs, toMs)`.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface TimeToConvertBin {
  /** Lower bound (inclusive), in ms. */
  readonly fromMs: number;
  /** Upper bound (exclusive), in ms. */
  readonly toMs: number;
  /** Units in the bin. */
  readonly count: number;
}

/**
 * How long units took from one funnel step to another: the result of {@link timeToConvert}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface TimeToConvertReport {
  /** Units that reached both steps on their counted attempt (the sample). */
  readonly units: number;
  /** Mean time in ms, `null` when no unit converted. */
  readonly meanMs: number | null;
  /** Median time in ms (midpoint of the two middle values for an even count), `null` when no unit converted. */
  readonly medianMs: number | null;
  /** Shortest time in ms, `null` when empty. */
  readonly minMs: number | null;
  /** Longest time in ms, `null` when empty. */
  readonly maxMs: number | null;
  /** Histogram rows (PostHog's rule: `bins + 1` rows; empty when no unit converted). */
  readonly bins: readonly TimeToConvertBin[];
  /** The rules: the funnel's rules plus the steps measured and the binning. */
  readonly rules: FunnelRules & {
    readonly fromStep: number;
    readonly toStep: number;
    /** Bins used (0 for an empty sample). */
    readonly binCount: number;
    /** Bin width in ms. */
    readonly binWidthMs: number;
    /** `'auto'` (`ceil(cbrt(n))`, 1..60) or `'requested'` (1..90). */
    readonly binRule: 'auto' | 'requested';
  };
}


/**
 * Per-unit conversion times (ms) from `fromStep` to `toStep` on each unit's counted attempt. @internal
 */
export function conversionTimes(r: FunnelUnitResults, fromStep: number, toStep: number): Float64Array {
  const n = r.stepCount;
  const out: number[] = [];
  for (let u = 0; u < r.unitCount; u++) {
    if (r.reached[u * n + toStep] !== 1 || r.reached[u * n + fromStep] !== 1) continue;
    const d = (r.stepTime[u * n + toStep] as number) - (r.stepTime[u * n + fromStep] as number);
    if (Number.isFinite(d)) out.push(d);
  }
  return Float64Array.from(out);
}

/**
 * Time to convert between two steps of an event funnel: mean, median, extremes and PostHog's
 * histogram, over the units that reached both steps on their counted attempt.
 *
 * Definitions:
 * - a unit's time is `time(toStep event) − time(fromStep event)` on the attempt the funnel counts (with
 *   PostHog rules, the first complete conversion; times are measured from its latest step-1 event), which
 *   equals the sum of the step-to-step gaps between the two steps;
 * - units that skipped an optional `fromStep` or never reached `toStep` are not in the sample;
 * - histogram (PostHog's `funnel_time_to_convert_udf`), on times in whole seconds: bins = `ceil(cbrt(n))`
 *   clamped to 1..60 (or the requested count, clamped to 1..90); `min = floor(min)`, `max = ceil(max)`,
 *   `width = ceil((max − min) / bins)` or 60 s if that is 0; rows start at `min + k·width` for
 *   k = 0..bins (bins + 1 rows, the maximum may land in the last one).
 *
 * In unordered funnels "step k" means the (k+1)-th step completed, in time order.
 * Empty sample: `units` 0, every statistic `null`, no bins. Cost: one funnel pass plus O(n log n).
 *
 * @param log - the action log
 * @param query - the funnel query (steps, window, order, …)
 * @param options - steps to measure between, number of bins
 * @throws {@link FunnelError} `INVALID_OPTION` for a step index out of range or `fromStep ≥ toStep`, and
 *   whatever the funnel query itself rejects.
 * @category Event funnels
 * @since 0.1.0
 * @example
 * ```ts
 * const h = 3_600_000;
 * const log = ActionLog.fromColumns({
 *   unit: ['a', 'a', 'b', 'b', 'c', 'c', 'd'],
 *   time: [0, 1 * h, 0, 2 * h, 0, 6 * h, 0],
 *   action: ['visit', 'paid', 'visit', 'paid', 'visit', 'paid', 'visit'],
 * });
 * const t = timeToConvert(log, { steps: ['visit', 'paid'] });
 * t.units // => 3
 * t.meanMs // => 3 * h
 * t.medianMs // => 2 * h
 * t.bins.map((b) => b.count) // => [2, 0, 1]
 * ```
 */
export function timeToConvert(log: ActionLog, query: FunnelQuery, options: TimeToConvertOptions = {}): TimeToConvertReport {
  const r = evaluateFunnelUnits(log, query);
  const n = r.stepCount;
  const { fromStep, toStep } = stepRange(options, n);
  const times = conversionTimes(r, fromStep, toStep);
  const hist = postHogHistogram(Float64Array.from(times, (ms) => ms / 1000), options.bins);
  let minMs: number | null = null;
  let maxMs: number | null = null;
  for (const t of times) {
    if (minMs === null || t < minMs) minMs = t;
    if (maxMs === null || t > maxMs) maxMs = t;
  }
  const widthMs = hist.widthSeconds * 1000;
  return {
    units: times.length,
    meanMs: mean(times),
    medianMs: median(times),
    minMs,
    maxMs,
    bins: hist.rows.map((row) => ({ fromMs: row.startSeconds * 1000, toMs: row.startSeconds * 1000 + widthMs, count: row.count })),
    rules: {
      ...r.rules,
      fromStep,
      toStep,
      binCount: hist.binCount,
      binWidthMs: widthMs,
      binRule: options.bins === undefined ? 'auto' : 'requested',
    },
  };
}
