import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import { quantileInPlace, quantilesNonNegative } from '../internal/select.js';
import { DAY_MS, toEpochMs } from '../internal/time.js';
import { DEAL_OPEN, type DealTable } from '../io/dealTable.js';
import { groupDeals, type DealGroupBy } from '../io/groupDeals.js';
import type { TimestampInput } from '../model/time.js';

/**
 * Options for {@link timeInStage}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface TimeInStageOptions {
  /** The instant ongoing stays are measured up to; without it, ongoing stays are not measured (`ongoing` is `null`). Stays that start after `now` are ignored. */
  readonly now?: TimestampInput;
  /** `each` (default): every visit is one stay; `total`: a deal's visits to a stage are added up into one stay (Odoo's duration tracking). */
  readonly visits?: 'each' | 'total';
  /** Group the deals (see {@link DealGroupBy}). */
  readonly groupBy?: DealGroupBy;
}

/**
 * Statistics of stay durations, in days.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface StayStats {
  /** Number of stays. */
  readonly count: number;
  /** Mean duration in days; `null` without stays. */
  readonly mean: number | null;
  /** Median in days (type-7 quantile 0.5); `null` without stays. */
  readonly median: number | null;
  /** 90th percentile in days (type-7); `null` without stays. */
  readonly p90: number | null;
}

/**
 * Time in one stage.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface TimeInStageStage {
  /** Stage id. */
  readonly stageId: string;
  /** Stage name. */
  readonly name: string;
  /** Stays that ended (the deal moved on, was won or lost). */
  readonly completed: StayStats;
  /** Stays still running at `now` (censored: a lower bound of the final stay); `null` without `now`. */
  readonly ongoing: StayStats | null;
}

/**
 * Time in stage for one group.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface TimeInStageGroup {
  /** Group key (`null` for the total). */
  readonly key: string | null;
  /** Per open stage, in funnel order. */
  readonly stages: readonly TimeInStageStage[];
}

/**
 * The result of {@link timeInStage}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface TimeInStageReport {
  /** The rules used. */
  readonly rules: {
    /** `now` as ISO, or `null`. */
    readonly now: string | null;
    /** How repeated visits count. */
    readonly visits: 'each' | 'total';
    /** Unit of every duration. */
    readonly unit: 'days';
    /** The quantile definition. */
    readonly quantile: 'type 7 (linear interpolation between order statistics, as R and NumPy)';
    /** The grouping: key name, `'function'` or `null`. */
    readonly groupBy: string | null;
  };
  /** All deals. */
  readonly total: TimeInStageGroup;
  /** Per group when `groupBy` is given. */
  readonly groups: readonly TimeInStageGroup[];
}

/**
 * How long deals stay in each open stage, from their stage histories: mean, median and 90th
 * percentile, with **completed stays** (the deal left the stage: moved on or back, won, lost) and
 * **ongoing stays** (still open in the stage at `now`, measured up to `now`) reported separately —
 * an ongoing stay is censored, so mixing it into the completed ones would bias every statistic.
 *
 * A stay starts when a deal enters an open stage (or is reopened into it) and ends at the deal's next
 * stage change or close. History rows that keep the stage and the status (an amount change) do not
 * split a stay. Only open stages are measured. With `visits: 'total'`, a deal's visits to one stage
 * are added up (Odoo's duration tracking); the sum is ongoing when its last visit is.
 *
 * Cost: O(history rows) plus a selection per stage and group (no full sort). Without grouping and
 * with `visits: 'each'`, when no stay is cut by `now` (no `now`, or `now` at or after the table's
 * last event), the stays come from the columns derived when the table is built
 * ({@link DealTable.stayDurations}, {@link DealTable.runningStayStarts}): each stage's stays are one
 * contiguous run, and the median and P90 are a radix selection over it (two sequential passes, the sum
 * taken in the first); no pass over the history rows. The completed statistics are then kept per
 * table, so a repeated call only measures the running stays. An earlier `now` reads
 * {@link DealTable.histStayEnd} in two flat passes over the history rows (see docs/performance.md).
 *
 * @param table - the deals
 * @param options - `now`, visit rule, grouping
 * @returns per open stage: completed and ongoing stay statistics in days
 * @throws FunnelError INVALID_DATE for an invalid `now`, INVALID_OPTION for an unknown `visits`
 * @category Metrics
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B', stages: [
 *   { id: 'lead', name: 'Lead' }, { id: 'won', name: 'Won', category: 'won' },
 * ] });
 * const table = DealTable.fromRows([
 *   { id: 'a', funnelId: 'b2b', createdAt: '2026-03-01', stageId: 'won', status: 'won', closedAt: '2026-03-03' },
 *   { id: 'b', funnelId: 'b2b', createdAt: '2026-03-01', stageId: 'won', status: 'won', closedAt: '2026-03-11' },
 *   { id: 'c', funnelId: 'b2b', createdAt: '2026-03-05', stageId: 'lead' },
 * ], funnel);
 * const lead = timeInStage(table, { now: '2026-03-20' }).total.stages[0];
 * lead.completed // => { count: 2, mean: 6, median: 6, p90: 9.2 }
 * lead.ongoing // => { count: 1, mean: 15, median: 15, p90: 15 }
 * ```
 */
export function timeInStage(table: DealTable, options: TimeInStageOptions = {}): TimeInStageReport {
  const now = options.now === undefined ? Number.NaN : toEpochMs(options.now, ['options', 'now']);
  const visits = options.visits ?? 'each';
  if (visits !== 'each' && visits !== 'total') fail('INVALID_OPTION', "visits 'each' or 'total'", visits, ['options', 'visits']);
  const S = table.stageIds.length;
  const groups = options.groupBy === undefined ? null : groupDeals(table, options.groupBy);
  const G = groups === null ? 1 : groups.keys.length;
  const isOpen = new Uint8Array(S);
  table.funnel.stages.forEach((s, i) => {
    isOpen[i] = s.category === 'open' ? 1 : 0;
  });
  const hasNow = now === now;
  if (visits === 'each' && groups === null) return report(table, now, visits, options.groupBy, ungrouped(table, isOpen, now), []);
  // cell = (group * S + stage) * 2 + (0 completed | 1 ongoing)
  const CELLS = G * S * 2;
  const m = table.histAt.length;
  const cellOf = new Int32Array(m);
  const dur = new Float64Array(m);
  let w = 0;
  const { histStart, histTo, histAt, histStatus } = table;
  if (visits === 'each') {
    w = collectStays(table, groups === null ? null : groups.index, S, isOpen, now, cellOf, dur);
  } else {
    // visits added up per deal and stage; the sum is ongoing when the last visit is
    const acc = new Float64Array(S);
    const accOngoing = new Uint8Array(S);
    const touched = new Int32Array(S);
    const stamp = new Int32Array(S).fill(-1);
    for (let i = 0; i < table.size; i++) {
      const base = (groups === null ? 0 : (groups.index[i] as number)) * S;
      const hi = histStart[i + 1] as number;
      let nt = 0;
      const add = (stage: number, d: number, ongoing: boolean): void => {
        if (stamp[stage] !== i) {
          stamp[stage] = i;
          acc[stage] = 0;
          accOngoing[stage] = 0;
          touched[nt++] = stage;
        }
        acc[stage] = (acc[stage] as number) + d;
        if (ongoing) accOngoing[stage] = 1;
      };
      let cur = -1;
      let start = 0;
      for (let k = histStart[i] as number; k < hi; k++) {
        const at = histAt[k] as number;
        if (hasNow && at > now) break;
        const to = histTo[k] as number;
        const open = histStatus[k] === DEAL_OPEN;
        if (cur >= 0 && (!open || to !== cur)) {
          add(cur, at - start, false);
          cur = -1;
        }
        if (open && cur < 0 && isOpen[to] === 1) {
          cur = to;
          start = at;
        }
      }
      if (cur >= 0 && hasNow) add(cur, now - start, true);
      for (let j = 0; j < nt; j++) {
        const st = touched[j] as number;
        cellOf[w] = (base + st) * 2 + (accOngoing[st] as number);
        dur[w++] = acc[st] as number;
      }
    }
  }
  // counting sort of the stays by cell
  const start = new Int32Array(CELLS + 1);
  for (let k = 0; k < w; k++) start[(cellOf[k] as number) + 1] = (start[(cellOf[k] as number) + 1] as number) + 1;
  for (let c = 0; c < CELLS; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const fill = start.slice(0, CELLS);
  const sorted = new Float64Array(w);
  for (let k = 0; k < w; k++) {
    const c = cellOf[k] as number;
    sorted[fill[c] as number] = dur[k] as number;
    fill[c] = (fill[c] as number) + 1;
  }
  const statsOf = (lo: number, hi: number): StayStats => statsFrom(sorted, lo, hi);
  const openStages = table.funnel.stages.map((s, i) => [s, i] as const).filter(([s]) => s.category === 'open');
  const groupOut = (g: number, key: string | null): TimeInStageGroup => ({
    key,
    stages: openStages.map(([stage, s]) => {
      const c = (g * S + s) * 2;
      return {
        stageId: stage.id,
        name: stage.name,
        completed: statsOf(start[c] as number, start[c + 1] as number),
        ongoing: hasNow ? statsOf(start[c + 1] as number, start[c + 2] as number) : null,
      };
    }),
  });
  let total: TimeInStageGroup;
  const list: TimeInStageGroup[] = [];
  if (groups === null) total = groupOut(0, null);
  else {
    groups.keys.forEach((k, g) => list.push(groupOut(g, k)));
    // the total pools the stays of every group, per stage
    total = {
      key: null,
      stages: openStages.map(([stage, s]) => {
        const pool = (kind: number): StayStats => {
          const parts: number[] = [];
          for (let g = 0; g < G; g++) {
            const c = (g * S + s) * 2 + kind;
            for (let k = start[c] as number; k < (start[c + 1] as number); k++) parts.push(sorted[k] as number);
          }
          return statsFrom(Float64Array.from(parts), 0, parts.length);
        };
        return { stageId: stage.id, name: stage.name, completed: pool(0), ongoing: hasNow ? pool(1) : null };
      }),
    };
  }
  return report(table, now, visits, options.groupBy, total, list);
}

function report(table: DealTable, now: number, visits: 'each' | 'total', groupBy: DealGroupBy | undefined, total: TimeInStageGroup, groups: TimeInStageGroup[]): TimeInStageReport {
  return deepFreeze({
    rules: {
      now: now === now ? new Date(now).toISOString() : null,
      visits,
      unit: 'days' as const,
      quantile: 'type 7 (linear interpolation between order statistics, as R and NumPy)' as const,
      groupBy: groupBy === undefined ? null : typeof groupBy === 'function' ? 'function' : groupBy,
    },
    total,
    groups,
  });
}

/** Per table, for `visits: 'each'` without grouping: stage index → completed-stay statistics (open stages only). */
const COMPLETED_CACHE = new WeakMap<DealTable, ReadonlyArray<StayStats | undefined>>();

/**
 * The fast path of {@link timeInStage} (`visits: 'each'`, no grouping). When no stay is cut by `now`
 * (no `now`, or `now` at or after the table's last event), the stays are read from the columns derived
 * at build: each stage's completed durations are one run of {@link DealTable.stayDurations} (their
 * statistics are then kept per table for repeated calls) and its running stays are measured from
 * {@link DealTable.runningStayStarts} up to `now`. Otherwise two flat passes over the history rows
 * (count per cell, then write each duration into its cell, in deal order) using
 * {@link DealTable.histStayEnd}; then a selection per cell.
 */
function ungrouped(table: DealTable, isOpen: Uint8Array, now: number): TimeInStageGroup {
  const hasNow = now === now;
  const S = isOpen.length;
  const completed: Array<StayStats | undefined> = [];
  const ongoing: Array<StayStats | undefined> = [];
  if (!hasNow || now >= table.lastEventAt) {
    const { stayCounts, stayDurations, runningStayStarts } = table;
    const cached = COMPLETED_CACHE.get(table);
    const buf = hasNow ? new Float64Array(runningStayStarts.length) : null;
    let done = 0;
    let running = 0;
    for (let s = 0; s < S; s++) {
      const nDone = stayCounts[2 * s] as number;
      const nRunning = stayCounts[2 * s + 1] as number;
      if (isOpen[s] === 1) {
        completed[s] = cached === undefined ? readOnlyStats(stayDurations, done, done + nDone) : cached[s];
        if (buf !== null) {
          for (let k = running; k < running + nRunning; k++) buf[k] = now - (runningStayStarts[k] as number);
          ongoing[s] = statsFrom(buf, running, running + nRunning);
        }
      }
      done += nDone;
      running += nRunning;
    }
    if (cached === undefined) COMPLETED_CACHE.set(table, completed);
  } else {
    const { histTo, histAt, histStayEnd } = table;
    const m = histTo.length;
    // cell = stage * 2 + (0 completed | 1 ongoing); pass 1 counts per cell: a stay counts when it
    // starts by `now`, as completed when it ends by then
    const start = new Int32Array(2 * S + 1);
    for (let k = 0; k < m; k++) {
      const e = histStayEnd[k] as number;
      if (e !== e) continue;
      if ((histAt[k] as number) > now) continue;
      const c = (histTo[k] as number) * 2 + (e <= now ? 1 : 2);
      start[c] = (start[c] as number) + 1;
    }
    for (let c = 0; c < 2 * S; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
    const fill = start.slice(0, 2 * S);
    const buf = new Float64Array(start[2 * S] as number);
    writeStays(histTo, histAt, histStayEnd, now, fill, buf);
    for (let s = 0; s < S; s++) {
      if (isOpen[s] !== 1) continue;
      completed[s] = statsFrom(buf, start[2 * s] as number, start[2 * s + 1] as number);
      ongoing[s] = statsFrom(buf, start[2 * s + 1] as number, start[2 * s + 2] as number);
    }
  }
  const stages: TimeInStageStage[] = [];
  table.funnel.stages.forEach((stage, s) => {
    if (stage.category !== 'open') return;
    stages.push({ stageId: stage.id, name: stage.name, completed: completed[s] as StayStats, ongoing: hasNow ? (ongoing[s] as StayStats) : null });
  });
  return { key: null, stages };
}

/** The second pass of {@link ungrouped} when `now` cuts stays: each stay's duration into its cell (in row order). */
function writeStays(histTo: Int32Array, histAt: Float64Array, histStayEnd: Float64Array, now: number, fill: Int32Array, buf: Float64Array): void {
  const m = histTo.length;
  for (let k = 0; k < m; k++) {
    const e = histStayEnd[k] as number;
    if (e !== e) continue;
    const at = histAt[k] as number;
    if (at > now) continue;
    const c = 2 * (histTo[k] as number);
    if (e <= now) {
      const w = fill[c] as number;
      buf[w] = e - at;
      fill[c] = w + 1;
    } else {
      const w = fill[c + 1] as number;
      buf[w] = now - at;
      fill[c + 1] = w + 1;
    }
  }
}

const QUANTILES = [0.5, 0.9] as const;
/** Scratch for the sum written by {@link quantilesNonNegative}. */
const SUM = new Float64Array(1);

/** {@link statsFrom} of `a[lo..hi)` without reordering `a` (a table column): small ranges are copied first. */
function readOnlyStats(a: Float64Array, lo: number, hi: number): StayStats {
  const n = hi - lo;
  if (n === 0) return { count: 0, mean: null, median: null, p90: null };
  const q = quantilesNonNegative(a, lo, hi, QUANTILES, SUM);
  if (q !== null) return { count: n, mean: (SUM[0] as number) / n / DAY_MS, median: (q[0] as number) / DAY_MS, p90: (q[1] as number) / DAY_MS };
  return statsFrom(a.slice(lo, hi), 0, n);
}

/** Count, mean, median and P90 (type 7) of `buf[lo..hi)` in days; may reorder that range. */
function statsFrom(buf: Float64Array, lo: number, hi: number): StayStats {
  const n = hi - lo;
  if (n === 0) return { count: 0, mean: null, median: null, p90: null };
  // large ranges: radix selection of both quantiles in two passes, the sum taken in the first one
  const q = quantilesNonNegative(buf, lo, hi, QUANTILES, SUM);
  if (q !== null) return { count: n, mean: (SUM[0] as number) / n / DAY_MS, median: (q[0] as number) / DAY_MS, p90: (q[1] as number) / DAY_MS };
  // small ones: quickselect (the sum first: the selection reorders the range)
  let sum = 0;
  for (let k = lo; k < hi; k++) sum += buf[k] as number;
  const median = quantileInPlace(buf, lo, hi, 0.5) as number;
  const p90 = quantileInPlace(buf, lo, hi, 0.9) as number;
  return { count: n, mean: sum / n / DAY_MS, median: median / DAY_MS, p90: p90 / DAY_MS };
}

/** The hot loop of {@link timeInStage} for `visits: 'each'` (a top-level function so V8 keeps its locals in registers). */
function collectStays(table: DealTable, groupIndex: Int32Array | null, S: number, isOpen: Uint8Array, now: number, cellOf: Int32Array, dur: Float64Array): number {
  const { histStart, histTo, histAt, histStatus } = table;
  const hasNow = now === now;
  let w = 0;
  for (let i = 0; i < table.size; i++) {
    const base = (groupIndex === null ? 0 : (groupIndex[i] as number)) * S;
    const hi = histStart[i + 1] as number;
    let cur = -1; // stage of the running stay, -1 when none
    let start = 0;
    for (let k = histStart[i] as number; k < hi; k++) {
      const at = histAt[k] as number;
      if (hasNow && at > now) break;
      const to = histTo[k] as number;
      const open = histStatus[k] === DEAL_OPEN;
      if (cur >= 0 && (!open || to !== cur)) {
        cellOf[w] = (base + cur) * 2;
        dur[w++] = at - start;
        cur = -1;
      }
      if (open && cur < 0 && isOpen[to] === 1) {
        cur = to;
        start = at;
      }
    }
    if (cur >= 0 && hasNow) {
      cellOf[w] = (base + cur) * 2 + 1;
      dur[w++] = now - start;
    }
  }
  return w;
}
