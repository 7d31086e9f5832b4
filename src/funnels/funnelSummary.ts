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

/** The summary of every unit from the engine's per-unit results (any query shape). @internal */
export function summaryFromUnits(q: CompiledQuery, r: FunnelUnitResults): FunnelSummary {
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
  const gaps = Array.from({ length: n }, (_, k) => new Float64Array(k === 0 ? 0 : (counts[k] as number)));
  const gapCount = new Int32Array(n);
  const gapSum = new Float64Array(n);
  for (let u = 0; u < U; u++) {
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

/** Growable per-step buffers of step-to-step times. */
interface GapBuffers {
  gaps: Float64Array[];
  gapCount: Int32Array;
  gapSum: Float64Array;
}

function newGapBuffers(n: number, units: number): GapBuffers {
  const cap = Math.min(units, 1 << 14);
  return {
    gaps: Array.from({ length: n }, (_, k) => new Float64Array(k === 0 ? 0 : cap)),
    gapCount: new Int32Array(n),
    gapSum: new Float64Array(n),
  };
}

/**
 * Grows step k's full buffer after `done` of `units` units: to the size the fill rate so far projects
 * (plus 5%), at least double, never more than one time per unit — so usually one copy, not a doubling
 * series.
 */
function growGaps(g: GapBuffers, k: number, done: number, units: number): Float64Array {
  const old = g.gaps[k] as Float64Array;
  const projected = Math.ceil(((old.length * units) / Math.max(1, done)) * 1.05);
  const next = new Float64Array(Math.min(units, Math.max(16, old.length * 2, projected)));
  next.set(old);
  g.gaps[k] = next;
  return next;
}

/**
 * The summary of a query {@link canScanFunnelSummary} accepts, in one pass over the log's columns:
 * per unit the same state machine as the engine's PostHog fast path (or ClickHouse's `windowFunnel`
 * level walk), feeding the unit's deepest step and step times directly into the figures. Same results
 * as `summaryFromUnits` over the general engine's output (pinned by a differential test). @internal
 */
export function scanFunnelSummary(log: ActionLog, q: CompiledQuery): FunnelSummary {
  const n = q.n;
  const A = log.actions.length;
  const codeStep = new Int8Array(A).fill(-1);
  for (let c = 0; c < A; c++) if ((q.codeStepStart[c + 1] as number) > (q.codeStepStart[c] as number)) codeStep[c] = q.codeSteps[q.codeStepStart[c] as number] as number;
  // hist[D] = units whose counted attempt reached D steps; dropped / inProgress are indexed by the step missed
  const hist = new Float64Array(n + 1);
  const dropped = new Float64Array(n);
  const inProg = new Float64Array(n);
  const g = newGapBuffers(n, log.unitCount);
  if (q.attempt === 'clickhouse') scanClickhouse(log, q, codeStep, hist, dropped, inProg, g);
  else scanPosthog(log, q, codeStep, hist, dropped, inProg, g);
  const counts = new Float64Array(n);
  let acc = 0;
  for (let k = n - 1; k >= 0; k--) {
    acc += hist[k + 1] as number;
    counts[k] = acc;
  }
  let inProgressTotal = 0;
  for (let k = 0; k < n; k++) inProgressTotal += inProg[k] as number;
  return { counts, dropped, inProgress: inProg, excluded: 0, inProgressTotal, gapSum: g.gapSum, gapCount: g.gapCount, gaps: g.gaps };
}

/**
 * A same-timestamp group of PostHog steps (rare): the group's steps in ascending order (stable), each
 * applied as in the single-event case. `st[0]` holds the unit's deepest depth so far (updated here).
 */
function posthogGroup(step0: number, t: number, p: number, b: number, codeStep: Int8Array, action: Uint16Array, time: Float64Array, window: number, n: number, start: Float64Array, times: Float64Array, maxTimes: Float64Array, grp: Int32Array, st: Int32Array): number {
  let gCount = 1;
  grp[0] = step0;
  let pe = p + 1;
  for (; pe < b && time[pe] === t; pe++) {
    const sr = codeStep[action[pe] as number] as number;
    if (sr < 0) continue;
    let i = gCount++;
    while (i > 0 && (grp[i - 1] as number) > sr) {
      grp[i] = grp[i - 1] as number;
      i--;
    }
    grp[i] = sr;
  }
  start[0] = t;
  for (let gi = 0; gi < gCount; gi++) {
    const s = grp[gi] as number;
    const prevStart = start[s] as number;
    if (!(t - prevStart <= window)) continue;
    if (start[s + 1] === prevStart) continue;
    start[s + 1] = prevStart;
    const src = s * n;
    const dst = src + n;
    for (let k = 0; k < s; k++) times[dst + k] = times[src + k] as number;
    times[dst + s] = t;
    if (s + 1 > (st[0] as number)) {
      st[0] = s + 1;
      for (let k = 0; k <= s; k++) maxTimes[k] = times[dst + k] as number;
    }
  }
  return pe;
}

/** Time of the unit's last step-1 event (`NaN` when none): where a window still open at `now` starts. */
function lastStepOne(a: number, b: number, codeStep: Int8Array, action: Uint16Array, time: Float64Array): number {
  for (let p = b - 1; p >= a; p--) if (codeStep[action[p] as number] === 0) return time[p] as number;
  return NaN;
}

/** PostHog ordered rules (the engine's fast path), fused with the summary. */
function scanPosthog(log: ActionLog, q: CompiledQuery, codeStep: Int8Array, hist: Float64Array, dropped: Float64Array, inProg: Float64Array, g: GapBuffers): void {
  const n = q.n;
  const window = q.window;
  const now = q.now;
  const time = log.time;
  const action = log.action;
  const offsets = log.offsets;
  const U = log.unitCount;
  // start[d]: start time of the path that reached d steps (NaN = none; start[0] = the current time);
  // times[d*n + k]: that path's step-k time; maxTimes: the path that first reached the deepest depth
  const start = new Float64Array(n + 1);
  const times = new Float64Array((n + 1) * n);
  const maxTimes = new Float64Array(n);
  let grp = new Int32Array(64);
  const st = new Int32Array(1);
  const gapCount = g.gapCount;
  const gapSum = g.gapSum;
  const gaps = g.gaps;
  let maxRun = 0;
  for (let u = 0; u < U; u++) {
    const a = offsets[u] as number;
    const b = offsets[u + 1] as number;
    for (let k = 1; k <= n; k++) start[k] = NaN;
    let maxDepth = 0;
    for (let p = a; p < b; p++) {
      const s = codeStep[action[p] as number] as number;
      if (s < 0) continue;
      const t = time[p] as number;
      if (p + 1 < b && time[p + 1] === t) {
        if (b - p > maxRun) {
          maxRun = b - p;
          if (grp.length < maxRun) grp = new Int32Array(maxRun);
        }
        st[0] = maxDepth;
        p = posthogGroup(s, t, p, b, codeStep, action, time, window, n, start, times, maxTimes, grp, st) - 1;
        maxDepth = st[0] as number;
        if (maxDepth === n) break;
        continue;
      }
      start[0] = t;
      const prevStart = start[s] as number;
      if (!(t - prevStart <= window)) continue; // also false when prevStart is NaN
      if (start[s + 1] === prevStart) continue; // this step already reached from the same start
      start[s + 1] = prevStart;
      const src = s * n;
      const dst = src + n;
      for (let k = 0; k < s; k++) times[dst + k] = times[src + k] as number;
      times[dst + s] = t;
      if (s + 1 > maxDepth) {
        maxDepth = s + 1;
        for (let k = 0; k <= s; k++) maxTimes[k] = times[dst + k] as number;
        if (maxDepth === n) break;
      }
    }
    if (maxDepth === 0) continue;
    hist[maxDepth] = (hist[maxDepth] as number) + 1;
    if (maxDepth < n) {
      if (now !== null && lastStepOne(a, b, codeStep, action, time) + window >= now) inProg[maxDepth] = (inProg[maxDepth] as number) + 1;
      else dropped[maxDepth] = (dropped[maxDepth] as number) + 1;
    }
    let prevT = maxTimes[0] as number;
    for (let k = 1; k < maxDepth; k++) {
      const tk = maxTimes[k] as number;
      const gap = tk - prevT;
      prevT = tk;
      const c = gapCount[k] as number;
      let buf = gaps[k] as Float64Array;
      if (c >= buf.length) buf = growGaps(g, k, u + 1, U);
      buf[c] = gap;
      gapCount[k] = c + 1;
      gapSum[k] = (gapSum[k] as number) + gap;
    }
  }
}

/** ClickHouse `windowFunnel` default semantics (the engine's level walk), fused with the summary. */
function scanClickhouse(log: ActionLog, q: CompiledQuery, codeStep: Int8Array, hist: Float64Array, dropped: Float64Array, inProg: Float64Array, g: GapBuffers): void {
  const n = q.n;
  const window = q.window;
  const now = q.now;
  const hasNow = now !== null;
  const nowT = now ?? 0;
  const time = log.time;
  const action = log.action;
  const offsets = log.offsets;
  const U = log.unitCount;
  // first[k]: first time of the chain at level k (NaN = level not reached); path[k*n + j]: its step times
  const first = new Float64Array(n);
  const path = new Float64Array(n * n);
  let grp = new Int32Array(Math.max(64, n * 4));
  const gapCount = g.gapCount;
  const gapSum = g.gapSum;
  for (let u = 0; u < U; u++) {
    const a = offsets[u] as number;
    const b = offsets[u + 1] as number;
    for (let k = 0; k < n; k++) first[k] = NaN;
    let level = 0;
    let lastEntry = NaN;
    let p = a;
    while (p < b) {
      const s = codeStep[action[p] as number] as number;
      if (s < 0) {
        p++;
        continue;
      }
      const t = time[p] as number;
      let pe = p + 1;
      let gCount = 1;
      grp[0] = s;
      if (pe < b && time[pe] === t) {
        // a same-timestamp group: its conditions in ascending order
        for (; pe < b && time[pe] === t; pe++) {
          const sr = codeStep[action[pe] as number] as number;
          if (sr < 0) continue;
          if (gCount >= grp.length) {
            const bigger = new Int32Array(grp.length * 2);
            bigger.set(grp);
            grp = bigger;
          }
          let i = gCount++;
          while (i > 0 && (grp[i - 1] as number) > sr) {
            grp[i] = grp[i - 1] as number;
            i--;
          }
          grp[i] = sr;
        }
      }
      for (let gi = 0; gi < gCount && level < n; gi++) {
        const step = grp[gi] as number;
        if (step === 0) {
          first[0] = t;
          path[0] = t;
          lastEntry = t;
          if (level < 1) level = 1;
          continue;
        }
        const f = first[step - 1] as number;
        if (!(t <= f + window)) continue; // also false when the previous level is not reached (NaN)
        first[step] = f;
        const src = (step - 1) * n;
        const dst = src + n;
        for (let k = 0; k < step; k++) path[dst + k] = path[src + k] as number;
        path[dst + step] = t;
        if (step + 1 > level) level = step + 1;
      }
      p = level === n ? b : pe;
    }
    if (level === 0) continue;
    hist[level] = (hist[level] as number) + 1;
    if (level < n) {
      if (hasNow && lastEntry + window >= nowT) inProg[level] = (inProg[level] as number) + 1;
      else dropped[level] = (dropped[level] as number) + 1;
    }
    const row = (level - 1) * n;
    let prevT = path[row] as number;
    for (let k = 1; k < level; k++) {
      const tk = path[row + k] as number;
      const gap = tk - prevT;
      prevT = tk;
      const c = gapCount[k] as number;
      let buf = g.gaps[k] as Float64Array;
      if (c >= buf.length) buf = growGaps(g, k, u + 1, U);
      buf[c] = gap;
      gapCount[k] = c + 1;
      gapSum[k] = (gapSum[k] as number) + gap;
    }
  }
}
