import { sortNonNegativeInPlace } from '../internal/radixSort.js';
import { DEAL_LOST, DEAL_OPEN, type DealTable } from '../io/dealTable.js';
import { dealPath, terminalOf } from './dealPath.js';

/**
 * Per-table derived columns, computed on first use and cached in WeakMaps keyed by the table (tables
 * are read-only, so a derived column never goes stale; the public {@link DealTable} stays a plain
 * object and the cache dies with the table). Internal to metrics/.
 * @internal
 */

const TERMINAL = new WeakMap<DealTable, Int32Array>();
const OPEN = new WeakMap<DealTable, OpenDeals>();
const STAYS = new WeakMap<DealTable, CompletedStays>();

/**
 * Each deal's terminal position on the path ({@link terminalOf}: furthest path stage reached, or the
 * lost-at stage; -1 when it cannot be placed). One pass over the deals and history rows, once per table.
 * @internal
 */
export function terminalPositions(table: DealTable): Int32Array {
  let out = TERMINAL.get(table);
  if (out === undefined) {
    const { position, openStage } = dealPath(table);
    out = new Int32Array(table.size);
    const { status, stage, histStart, histTo } = table;
    // the same rule as terminalOf, inlined: one pass over the deals and their history rows
    for (let i = 0; i < table.size; i++) {
      const lo = histStart[i] as number;
      const hi = histStart[i + 1] as number;
      if (status[i] === DEAL_LOST) {
        out[i] = terminalOf(table, i, position, openStage);
        continue;
      }
      let t = position[stage[i] as number] as number;
      for (let k = lo; k < hi; k++) {
        const p = position[histTo[k] as number] as number;
        if (p > t) t = p;
      }
      out[i] = t;
    }
    TERMINAL.set(table, out);
  }
  return out;
}

/** The open deals (current status open), compacted: their stage, currency index and amount in minor units, in deal order. @internal */
export interface OpenDeals {
  /** Stage index of each open deal. */
  readonly stage: Int32Array;
  /** Currency index of each open deal (-1 = no amount). */
  readonly currency: Int32Array;
  /** Amount in minor units of each open deal (NaN = no amount). */
  readonly amount: Float64Array;
}

/** The cached {@link OpenDeals} of a table (one pass over the deals, once per table). @internal */
export function openDeals(table: DealTable): OpenDeals {
  let out = OPEN.get(table);
  if (out === undefined) {
    const { status, stage, currencyIndex, amountMinor } = table;
    let n = 0;
    for (let i = 0; i < table.size; i++) if (status[i] === DEAL_OPEN) n++;
    out = { stage: new Int32Array(n), currency: new Int32Array(n), amount: new Float64Array(n) };
    let w = 0;
    for (let i = 0; i < table.size; i++) {
      if (status[i] !== DEAL_OPEN) continue;
      out.stage[w] = stage[i] as number;
      out.currency[w] = currencyIndex[i] as number;
      out.amount[w++] = amountMinor[i] as number;
    }
    OPEN.set(table, out);
  }
  return out;
}

/**
 * Every stay of every deal in an open stage (visits counted each), with no time cut-off, by stage:
 * completed stays sorted ascending (with their sum taken in deal order, before sorting) and the start
 * times of the ongoing stays (in deal order). Valid for any `now` at or after the table's last event.
 * @internal
 */
export interface CompletedStays {
  /** Stage index → offsets into `sorted` (length stages + 1). */
  readonly start: Int32Array;
  /** Completed stay durations in ms, sorted ascending within each stage. */
  readonly sorted: Float64Array;
  /** Stage index → Σ of its completed durations, summed in deal order. */
  readonly sum: Float64Array;
  /** Stage index → offsets into `ongoingStart` (length stages + 1). */
  readonly ongoingOffset: Int32Array;
  /** Start times (epoch ms) of the stays still running after the last event, by stage, in deal order. */
  readonly ongoingStart: Float64Array;
}

/** The cached {@link CompletedStays} of a table (one pass over the history, one sort per stage). @internal */
export function completedStays(table: DealTable, isOpen: Uint8Array): CompletedStays {
  let out = STAYS.get(table);
  if (out !== undefined) return out;
  const S = isOpen.length;
  const { histStart, histTo, histAt, histStatus } = table;
  // pass 1: count the stays per stage (completed, ongoing)
  const countC = new Int32Array(S + 1);
  const countO = new Int32Array(S + 1);
  for (let i = 0; i < table.size; i++) {
    const hi = histStart[i + 1] as number;
    let cur = -1;
    for (let k = histStart[i] as number; k < hi; k++) {
      const to = histTo[k] as number;
      const open = histStatus[k] === DEAL_OPEN;
      if (cur >= 0 && (!open || to !== cur)) {
        countC[cur + 1] = (countC[cur + 1] as number) + 1;
        cur = -1;
      }
      if (open && cur < 0 && isOpen[to] === 1) cur = to;
    }
    if (cur >= 0) countO[cur + 1] = (countO[cur + 1] as number) + 1;
  }
  for (let s = 0; s < S; s++) {
    countC[s + 1] = (countC[s + 1] as number) + (countC[s] as number);
    countO[s + 1] = (countO[s + 1] as number) + (countO[s] as number);
  }
  const sorted = new Float64Array(countC[S] as number);
  const ongoingStart = new Float64Array(countO[S] as number);
  const fillC = countC.slice(0, S);
  const fillO = countO.slice(0, S);
  // pass 2: write them, grouped by stage, in deal order
  for (let i = 0; i < table.size; i++) {
    const hi = histStart[i + 1] as number;
    let cur = -1;
    let begin = 0;
    for (let k = histStart[i] as number; k < hi; k++) {
      const at = histAt[k] as number;
      const to = histTo[k] as number;
      const open = histStatus[k] === DEAL_OPEN;
      if (cur >= 0 && (!open || to !== cur)) {
        const w = fillC[cur] as number;
        sorted[w] = at - begin;
        fillC[cur] = w + 1;
        cur = -1;
      }
      if (open && cur < 0 && isOpen[to] === 1) {
        cur = to;
        begin = at;
      }
    }
    if (cur >= 0) {
      const w = fillO[cur] as number;
      ongoingStart[w] = begin;
      fillO[cur] = w + 1;
    }
  }
  const sum = new Float64Array(S);
  for (let s = 0; s < S; s++) {
    const lo = countC[s] as number;
    const hi = countC[s + 1] as number;
    let acc = 0;
    for (let k = lo; k < hi; k++) acc += sorted[k] as number;
    sum[s] = acc;
    sortNonNegativeInPlace(sorted.subarray(lo, hi));
  }
  out = { start: countC, sorted, sum, ongoingOffset: countO, ongoingStart };
  STAYS.set(table, out);
  return out;
}
