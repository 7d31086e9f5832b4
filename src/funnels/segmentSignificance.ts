import { fail } from '../errors/FunnelError.js';
import { hypergeometricTails } from '../internal/stats.js';

/**
 * Entrants and converters of a funnel (the whole funnel or one segment of it).
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface ConversionCounts {
  /** Units that entered (did step 1). */
  readonly entered: number;
  /** Units that converted (reached the step being compared, usually the last). */
  readonly converted: number;
}

/**
 * Options of {@link segmentSignificance}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface SegmentSignificanceOptions {
  /** Confidence above which a difference is called significant. Default 0.95 (Mixpanel's green). */
  readonly confidenceLevel?: number | undefined;
  /** Segments with fewer entrants are marked insufficient. Default 30 (Mixpanel). */
  readonly minSample?: number | undefined;
}

/**
 * Whether a segment converts differently from the whole funnel, by {@link segmentSignificance}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface SegmentSignificance {
  /** P(X < k): a random segment of the same size would convert fewer units (the segment outperforms). */
  readonly outperform: number;
  /** P(X > k): a random segment of the same size would convert more units (the segment underperforms). */
  readonly underperform: number;
  /** `1 − max(outperform, underperform)`. */
  readonly pValue: number;
  /** `1 − pValue`. */
  readonly confidence: number;
  /** Which way the segment leans; `neutral` when both probabilities are equal. */
  readonly direction: 'outperform' | 'underperform' | 'neutral';
  /** `sufficient && confidence > confidenceLevel`. */
  readonly significant: boolean;
  /** The segment has at least `minSample` entrants. */
  readonly sufficient: boolean;
  /** The rules: the distribution and thresholds used. */
  readonly rules: {
    readonly test: 'hypergeometric';
    readonly population: number;
    readonly successes: number;
    readonly draws: number;
    readonly observed: number;
    readonly confidenceLevel: number;
    readonly minSample: number;
  };
}

function count(v: unknown, path: ReadonlyArray<string | number>): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail('INVALID_INPUT', 'a non-negative integer count', v, path);
  return v;
}

/**
 * Mixpanel's per-segment statistical significance: is this segment's conversion different from the
 * whole funnel's, beyond chance?
 *
 * Model: the N units that entered the funnel, K of whom converted, form an urn; a segment with n
 * entrants is a draw of n units without replacement, so under "the segment is like everyone else" its
 * converters X follow a hypergeometric distribution (N, K, n). With k the segment's observed
 * converters, `outperform = P(X < k)`, `underperform = P(X > k)`, and
 * `pValue = 1 − max(outperform, underperform)` — the smaller one-sided tail P(X ≥ k) or P(X ≤ k).
 * Confidence is `1 − pValue`; the segment is significant when it has at least 30 entrants and the
 * confidence exceeds 0.95.
 *
 * Exact: every point probability is computed in log space with log-gamma, and the tails are summed
 * directly. Cost O(min(n, K)).
 *
 * @param overall - entrants and converters of the whole funnel (N, K)
 * @param segment - entrants and converters of the segment (n, k); the segment is part of the whole
 * @throws {@link FunnelError} `INVALID_INPUT` for counts that are not non-negative integers or that cannot
 *   come from a segment of the whole (k > n, n > N, k > K, or more segment failures than overall failures).
 * @category Event funnels
 * @since 0.1.0
 * @example
 * ```ts
 * // 8 entrants, 4 converted; a segment of 4 entrants converted 3
 * const s = segmentSignificance({ entered: 8, converted: 4 }, { entered: 4, converted: 3 });
 * s.outperform // => 53 / 70
 * s.pValue // => 17 / 70
 * s.direction // => 'outperform'
 * s.sufficient // => false
 * ```
 */
export function segmentSignificance(overall: ConversionCounts, segment: ConversionCounts, options: SegmentSignificanceOptions = {}): SegmentSignificance {
  const N = count(overall?.entered, ['overall', 'entered']);
  const K = count(overall?.converted, ['overall', 'converted']);
  const n = count(segment?.entered, ['segment', 'entered']);
  const k = count(segment?.converted, ['segment', 'converted']);
  if (K > N) fail('INVALID_INPUT', `at most ${N} converters (the entrants)`, K, ['overall', 'converted']);
  if (n > N) fail('INVALID_INPUT', `at most ${N} segment entrants (the overall entrants)`, n, ['segment', 'entered']);
  if (k > n || k > K) fail('INVALID_INPUT', `at most ${Math.min(n, K)} segment converters`, k, ['segment', 'converted']);
  if (n - k > N - K) fail('INVALID_INPUT', `at most ${N - K} segment non-converters (the overall non-converters)`, n - k, ['segment']);
  const confidenceLevel = options.confidenceLevel ?? 0.95;
  const minSample = options.minSample ?? 30;
  if (!(confidenceLevel > 0 && confidenceLevel < 1)) fail('INVALID_OPTION', 'a confidence level strictly between 0 and 1', confidenceLevel, ['options', 'confidenceLevel']);
  if (!Number.isSafeInteger(minSample) || minSample < 0) fail('INVALID_OPTION', 'a non-negative integer', minSample, ['options', 'minSample']);
  const t = hypergeometricTails(k, { population: N, successes: K, draws: n });
  // 1 − max(P(X<k), P(X>k)) = min(P(X≥k), P(X≤k)), summed directly so tiny p-values keep their digits
  const pValue = Math.min(1, t.equal + Math.min(t.below, t.above));
  const sufficient = n >= minSample;
  return {
    outperform: t.below,
    underperform: t.above,
    pValue,
    confidence: 1 - pValue,
    direction: t.below > t.above ? 'outperform' : t.above > t.below ? 'underperform' : 'neutral',
    significant: sufficient && 1 - pValue > confidenceLevel,
    sufficient,
    rules: { test: 'hypergeometric', population: N, successes: K, draws: n, observed: k, confidenceLevel, minSample },
  };
}
