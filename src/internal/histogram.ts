/**
 * PostHog's time-to-convert histogram (`funnel_time_to_convert_udf.py`), in seconds:
 * - bin count: automatic `ceil(cbrt(samples))` clamped to 1..60, or a requested count clamped to 1..90;
 * - `min = floor(min time)`, `max = ceil(max time)`, `width = ceil((max − min) / bins)`, or 60 s if 0;
 * - bin starts `min + k·width` for k = 0..bins (bins + 1 rows); a time t goes to row
 *   `floor((t − min) / width)`, so the maximum can land in the extra last row.
 * @internal
 */
import { fail } from '../errors/FunnelError.js';

/** One histogram row: times in [startSeconds, startSeconds + widthSeconds). @internal */
export interface HistogramRow {
  readonly startSeconds: number;
  readonly count: number;
}

/** The binned sample. @internal */
export interface Histogram {
  readonly binCount: number;
  readonly widthSeconds: number;
  readonly rows: readonly HistogramRow[];
}

/** ceil(cbrt(n)) computed exactly for integers (no floating-point surprise at perfect cubes). @internal */
export function ceilCbrt(n: number): number {
  let b = Math.max(0, Math.ceil(Math.cbrt(n)));
  while (b > 0 && (b - 1) ** 3 >= n) b--;
  while (b ** 3 < n) b++;
  return b;
}

/**
 * Bins times given in seconds with PostHog's rule. An empty sample gives no rows (`binCount` 0).
 * `requested`, when given, must be an integer; it is clamped to 1..90 as PostHog does (0 or less gives 1 bin).
 * Cost O(n).
 * @internal
 */
export function postHogHistogram(seconds: ArrayLike<number>, requested?: number): Histogram {
  if (requested !== undefined && !Number.isInteger(requested)) {
    fail('INVALID_OPTION', 'an integer number of bins (clamped to 1..90)', requested, ['options', 'bins']);
  }
  const n = seconds.length;
  if (n === 0) return { binCount: 0, widthSeconds: 0, rows: [] };
  const binCount = requested === undefined ? Math.min(60, Math.max(1, ceilCbrt(n))) : Math.min(90, Math.max(1, requested));
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = seconds[i] as number;
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  const min = Math.floor(lo);
  const max = Math.ceil(hi);
  const raw = Math.ceil((max - min) / binCount);
  const width = raw === 0 ? 60 : raw;
  const counts = new Array<number>(binCount + 1).fill(0);
  for (let i = 0; i < n; i++) {
    const k = Math.floor(((seconds[i] as number) - min) / width);
    counts[k] = (counts[k] as number) + 1;
  }
  return { binCount, widthSeconds: width, rows: counts.map((count, k) => ({ startSeconds: min + k * width, count })) };
}
