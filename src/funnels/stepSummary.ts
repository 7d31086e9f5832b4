/**
 * Per-step counts, conversion and step-to-step times of a set of units, from per-unit funnel results:
 * what a breakdown reports for each bucket. @internal
 */
import { mean, median } from '../internal/stats.js';
import type { FunnelUnitResults } from './funnelUnitResults.js';

/**
 * One step of a funnel restricted to some units (a breakdown bucket).
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface BreakdownStep {
  /** The step's label. */
  readonly label: string;
  /** Units that reached the step. */
  readonly count: number;
  /** `count / count of the previous step` (`null` for the first step or when the previous count is 0). */
  readonly conversionFromPrevious: number | null;
  /** `count / count of the first step` (`null` when nobody entered). */
  readonly conversionFromStart: number | null;
  /** `previous count − count` (0 for the first step). */
  readonly dropped: number;
  /** Mean ms from the previous step's event to this step's event (units that did both), `null` if none. */
  readonly meanTimeFromPreviousMs: number | null;
  /** Median of the same times, `null` if none. */
  readonly medianTimeFromPreviousMs: number | null;
}

/** Summarises the units with `mask[u] === 1` (all units when `mask` is null). @internal */
export function stepSummary(r: FunnelUnitResults, mask: Uint8Array | null): BreakdownStep[] {
  const n = r.stepCount;
  const counts = new Array<number>(n).fill(0);
  const gaps: number[][] = Array.from({ length: n }, () => []);
  for (let u = 0; u < r.unitCount; u++) {
    if (mask !== null && mask[u] !== 1) continue;
    for (let k = 0; k < n; k++) {
      if (r.reached[u * n + k] !== 1) continue;
      counts[k] = (counts[k] as number) + 1;
      if (k > 0 && r.reached[u * n + k - 1] === 1) {
        const d = (r.stepTime[u * n + k] as number) - (r.stepTime[u * n + k - 1] as number);
        if (Number.isFinite(d)) (gaps[k] as number[]).push(d);
      }
    }
  }
  const first = counts[0] as number;
  return counts.map((count, k) => {
    const prev = k === 0 ? null : (counts[k - 1] as number);
    return {
      label: r.rules.steps[k] as string,
      count,
      conversionFromPrevious: prev === null || prev === 0 ? null : count / prev,
      conversionFromStart: first === 0 ? null : count / first,
      dropped: prev === null ? 0 : prev - count,
      meanTimeFromPreviousMs: mean(gaps[k] as number[]),
      medianTimeFromPreviousMs: median(gaps[k] as number[]),
    };
  });
}
