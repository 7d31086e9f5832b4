/**
 * Per-step counts, rates, drop-off and step-to-step times of a subset of units, from per-unit funnel
 * results — the figures of {@link eventFunnel}'s steps, for one breakdown bucket. Same definitions:
 * "previous" is the previous required step; in-progress units are not dropped; times run from the
 * previous reached step's event. @internal
 */
import { mean, median } from '../internal/stats.js';
import type { EventFunnelStep } from './eventFunnel.js';
import type { FunnelUnitResults } from './funnelUnitResults.js';

/** Summarises the units with `mask[u] === 1` (all units when `mask` is null). @internal */
export function stepSummary(r: FunnelUnitResults, mask: Uint8Array | null): EventFunnelStep[] {
  const n = r.stepCount;
  const optional = r.rules.optional;
  const counts = new Array<number>(n).fill(0);
  const inProgress = new Array<number>(n).fill(0);
  const gaps: number[][] = Array.from({ length: n }, () => []);
  const prevOf = (k: number): number => {
    let j = k - 1;
    while (j > 0 && optional[j] === true) j--;
    return j;
  };
  for (let u = 0; u < r.unitCount; u++) {
    if (mask !== null && mask[u] !== 1) continue;
    const base = u * n;
    for (let k = 0; k < n; k++) {
      if (r.reached[base + k] === 1) {
        counts[k] = (counts[k] as number) + 1;
        if (k === 0) continue;
        let j = k - 1;
        while (j >= 0 && Number.isNaN(r.stepTime[base + j] as number)) j--;
        const t = r.stepTime[base + k] as number;
        if (j >= 0 && !Number.isNaN(t)) (gaps[k] as number[]).push(t - (r.stepTime[base + j] as number));
      } else if (k > 0 && optional[k] !== true && r.reached[base + prevOf(k)] === 1 && r.inProgress[u] === 1) {
        inProgress[k] = (inProgress[k] as number) + 1;
      }
    }
  }
  const start = counts[0] as number;
  return counts.map((count, k) => {
    const prev = k === 0 ? -1 : prevOf(k);
    const prevCount = prev < 0 ? 0 : (counts[prev] as number);
    const isOptional = optional[k] === true;
    return {
      index: k,
      label: r.rules.steps[k] as string,
      optional: isOptional,
      count,
      fromPrevious: prev < 0 || prevCount === 0 ? null : count / prevCount,
      fromStart: start === 0 ? null : count / start,
      dropped: prev < 0 || isOptional ? 0 : prevCount - count - (inProgress[k] as number),
      inProgress: inProgress[k] as number,
      meanMsFromPrevious: mean(gaps[k] as number[]),
      medianMsFromPrevious: median(gaps[k] as number[]),
    };
  });
}
