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

/** Facts about a table computed once and cached (tables are immutable). @internal */
export interface TableFacts {
  /** The latest time in the table (creation or history row), -Infinity when empty. */
  readonly lastEvent: number;
  /** Σ|amount| over current and recorded history amounts (bounds any exact sum of them). */
  readonly absAmountBound: number;
}

const FACTS = new WeakMap<DealTable, TableFacts>();

/** The cached {@link TableFacts} of a table. @internal */
export function tableFacts(table: DealTable): TableFacts {
  let f = FACTS.get(table);
  if (f === undefined) {
    let last = -Infinity;
    for (let i = 0; i < table.size; i++) if ((table.createdAt[i] as number) > last) last = table.createdAt[i] as number;
    for (let k = 0; k < table.histAt.length; k++) if ((table.histAt[k] as number) > last) last = table.histAt[k] as number;
    let bound = 0;
    for (let i = 0; i < table.size; i++) {
      const v = table.amountMinor[i] as number;
      if (v === v) bound += v < 0 ? -v : v;
    }
    const h = table.histAmountMinor;
    if (h !== undefined) for (let k = 0; k < h.length; k++) if (h[k] === h[k]) bound += Math.abs(h[k] as number);
    f = { lastEvent: last, absAmountBound: bound };
    FACTS.set(table, f);
  }
  return f;
}
