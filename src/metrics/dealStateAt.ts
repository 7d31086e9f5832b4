import type { DealTable } from '../io/dealTable.js';

/** The last history row of deal `i` at or before `t` (histories are time-sorted), or -1. Internal to metrics/. @internal */
export function lastRowAt(table: DealTable, i: number, t: number): number {
  const lo = table.histStart[i] as number;
  let hi = (table.histStart[i + 1] as number) - 1;
  const at = table.histAt;
  if (hi < lo || (at[lo] as number) > t) return -1;
  if ((at[hi] as number) <= t) return hi;
  let a = lo;
  while (a < hi) {
    const mid = (a + hi + 1) >> 1;
    if ((at[mid] as number) <= t) a = mid;
    else hi = mid - 1;
  }
  return a;
}

/**
 * The amount of deal `i` after history row `row` (or the deal's current amount): the last amount the
 * history records at or before that row when the source records amounts, else the current amount.
 * @internal
 */
export function amountAfterRow(table: DealTable, i: number, row: number): number {
  const h = table.histAmountMinor;
  if (h !== undefined) {
    const lo = table.histStart[i] as number;
    for (let k = row; k >= lo; k--) {
      const v = h[k] as number;
      if (v === v) return v;
    }
  }
  return table.amountMinor[i] as number;
}
