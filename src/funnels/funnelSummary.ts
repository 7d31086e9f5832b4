/**
 * The per-step figures behind {@link eventFunnel}'s report (counts, drop-off, in-progress units, and the
 * step-to-step times whose mean and median it reports), computed two ways with identical results:
 * - `summaryFromUnits`: from the per-unit results of the general engine (every query shape);
 * - `scanFunnelSummary`: a single fused pass over the log's code and time columns for the common
 *   query shapes (ordered, PostHog rules or ClickHouse default semantics, one step per action, no
 *   property filters, optional steps, per-step gaps or exclusions). It keeps no per-unit output: each
 *   unit's result goes straight into the step histogram, the drop-off counters and the time buffers.
 * @internal
 */
import type { ActionLog } from '../io/actionLog.js';
import type { CompiledQuery } from './compileQuery.js';
import type { PassSink } from './fusedPass.js';
import { fusedPassFor, newPassSink } from './fusedPass.js';
import type { FunnelUnitResults } from './funnelUnitResults.js';

/**
 * Per-step figures of a funnel. `gaps[k][0 .. gapCount[k])` holds the times from the previous reached
 * step's event to step k's event of the units counted at step k, in unit order (the order does not
 * matter for the median; `gapSum[k]` is summed in unit order, so the mean is the same whichever way the
 * summary was computed). @internal
 */
export interface FunnelSummary {
  readonly counts: Float64Array;
  readonly dropped: Float64Array;
  readonly inProgress: Float64Array;
  readonly excluded: number;
  readonly inProgressTotal: number;
  readonly gapSum: Float64Array;
  readonly gapCount: Int32Array;
  readonly gaps: ReadonlyArray<Float64Array>;
  /**
   * When true, `gapSum` is not filled: the report adds each step's times up in index order while it
   * takes their median (one pass fewer for a merged summary, see `mergePassSinks`).
   */
  readonly sumsInMedian?: boolean;
}

/** Previous required step of each step (`-1` for step 0). @internal */
export function previousRequired(q: CompiledQuery): Int32Array {
  const n = q.n;
  const prevReq = new Int32Array(n).fill(-1);
  for (let k = 1; k < n; k++) {
    let j = k - 1;
    while (j > 0 && q.optional[j] === 1) j--;
    prevReq[k] = j;
  }
  return prevReq;
}

/** First required step after each depth (`-1` when none). @internal */
export function nextRequired(q: CompiledQuery): Int32Array {
  const n = q.n;
  const nextReq = new Int32Array(n).fill(-1);
  for (let d = 0; d < n; d++) {
    let k = d + 1;
    while (k < n && q.optional[k] === 1) k++;
    nextReq[d] = k < n ? k : -1;
  }
  return nextReq;
}

/** The summary of every unit from the engine's per-unit results (any query shape); the step times only with `times`. @internal */
export function summaryFromUnits(q: CompiledQuery, r: FunnelUnitResults, times = true): FunnelSummary {
  const n = q.n;
  const U = r.unitCount;
  const deepest = r.deepest;
  const reached = r.reached;
  const stepTime = r.stepTime;
  const inProgressFlag = r.inProgress;
  const nextReq = nextRequired(q);
  // pass 1: counts, drop-off, in progress
  const counts = new Float64Array(n);
  const dropped = new Float64Array(n);
  const inProg = new Float64Array(n);
  let excluded = 0;
  let inProgressTotal = 0;
  for (let u = 0; u < U; u++) {
    const d = deepest[u] as number;
    if (d < 0) {
      if (r.excluded[u] === 1) excluded++;
      continue;
    }
    if (q.hasOptional) {
      const base = u * n;
      for (let k = 0; k <= d; k++) if (reached[base + k] === 1) counts[k] = (counts[k] as number) + 1;
    } else {
      for (let k = 0; k <= d; k++) counts[k] = (counts[k] as number) + 1;
    }
    const k = nextReq[d] as number;
    if (k >= 0) {
      if (inProgressFlag[u] === 1) {
        inProg[k] = (inProg[k] as number) + 1;
        inProgressTotal++;
      } else dropped[k] = (dropped[k] as number) + 1;
    }
  }
  // pass 2: gaps from the previous reached step
  const gaps = Array.from({ length: n }, (_, k) => new Float64Array(k === 0 || !times ? 0 : (counts[k] as number)));
  const gapCount = new Int32Array(n);
  const gapSum = new Float64Array(n);
  for (let u = 0; times && u < U; u++) {
    const d = deepest[u] as number;
    if (d < 1) continue;
    const base = u * n;
    let prevT = stepTime[base] as number;
    for (let k = 1; k <= d; k++) {
      const t = stepTime[base + k] as number;
      if (t !== t) continue;
      if ((!q.hasOptional || reached[base + k] === 1) && prevT === prevT) {
        const gap = t - prevT;
        const g = gapCount[k] as number;
        (gaps[k] as Float64Array)[g] = gap;
        gapCount[k] = g + 1;
        gapSum[k] = (gapSum[k] as number) + gap;
      }
      prevT = t;
    }
  }
  return { counts, dropped, inProgress: inProg, excluded, inProgressTotal, gapSum, gapCount, gaps };
}

/** True when {@link scanFunnelSummary} handles the query. @internal */
export function canScanFunnelSummary(q: CompiledQuery): boolean {
  if (q.hasFilters || q.hasOptional || q.hasGaps || q.exclusions.length > 0 || q.order !== 'ordered') return false;
  if (q.attempt === 'clickhouse') {
    const m = q.chModes;
    if (m.dedup || m.strictOrder || m.strictIncrease || m.once || m.allowReentry) return false;
  } else if (q.attempt !== 'posthog') return false;
  const css = q.codeStepStart;
  for (let c = 0; c + 1 < css.length; c++) if ((css[c + 1] as number) - (css[c] as number) > 1) return false;
  return true;
}

/**
 * The summary of a query {@link canScanFunnelSummary} accepts, in one pass over the log's columns:
 * per unit the same state machine as the engine's PostHog fast path (or ClickHouse's `windowFunnel`
 * level walk), feeding the unit's deepest step and step times directly into the figures. Same results
 * as `summaryFromUnits` over the general engine's output (pinned by a differential test). With `times`
 * false the step times are left out (empty time buffers) and the lighter counting pass runs. @internal
 */
export function scanFunnelSummary(log: ActionLog, q: CompiledQuery, times = true): FunnelSummary {
  const g = newPassSink(q.n, log.unitCount, 0, times ? undefined : 0);
  fusedPassFor(q.attempt === 'clickhouse', times)(log, q, fusedCodeSteps(log, q), g, 0, log.unitCount);
  return summaryOfSink(q.n, g);
}

/** Action code → the step it matches, `-1` for none (for a query {@link canScanFunnelSummary} accepts). @internal */
export function fusedCodeSteps(log: ActionLog, q: CompiledQuery): Int8Array {
  const A = log.actions.length;
  const codeStep = new Int8Array(A).fill(-1);
  for (let c = 0; c < A; c++) if ((q.codeStepStart[c + 1] as number) > (q.codeStepStart[c] as number)) codeStep[c] = q.codeSteps[q.codeStepStart[c] as number] as number;
  return codeStep;
}

/**
 * The summary from a fused pass's sink (`hist[D]` = units whose counted attempt reached D steps);
 * `sumsInMedian` for a sink whose `gapSum` is left to the report (see {@link FunnelSummary}). @internal
 */
export function summaryOfSink(n: number, g: PassSink, sumsInMedian = false): FunnelSummary {
  const hist = g.hist;
  const counts = new Float64Array(n);
  let acc = 0;
  for (let k = n - 1; k >= 0; k--) {
    acc += hist[k + 1] as number;
    counts[k] = acc;
  }
  let inProgressTotal = 0;
  for (let k = 0; k < n; k++) inProgressTotal += g.inProg[k] as number;
  return { counts, dropped: g.dropped, inProgress: g.inProg, excluded: 0, inProgressTotal, gapSum: g.gapSum, gapCount: g.gapCount, gaps: g.gaps, ...(sumsInMedian ? { sumsInMedian } : {}) };
}
