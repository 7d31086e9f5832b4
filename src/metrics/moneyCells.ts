import { fromMinor, scaleOf } from '../internal/money.js';
import type { DealTable } from '../io/dealTable.js';

/**
 * Exact sums of integer minor units in many cells (stage × group × currency × outcome). Sums as
 * doubles when the table's total absolute amount stays below 2^53 minor units (then every partial sum
 * is an exact integer), with BigInt otherwise. Internal to metrics/. @internal
 */
export interface MoneyCells {
  add(cell: number, minor: number): void;
  get(cell: number): bigint;
  /** The double cells when every sum is provably exact (hot loops may add into them directly), else null. */
  readonly num: Float64Array | null;
}

/** Σ|amount| over the deals that have an amount (a double; only compared with 2^53). @internal */
export function totalAbsMinor(table: DealTable): number {
  let s = 0;
  const a = table.amountMinor;
  for (let i = 0; i < a.length; i++) {
    const v = a[i] as number;
    if (v === v) s += v < 0 ? -v : v;
  }
  return s;
}

/** Creates `size` zeroed cells; `bound` is an upper bound of the absolute sum any cell can reach. @internal */
export function moneyCells(size: number, bound: number): MoneyCells {
  if (bound <= Number.MAX_SAFE_INTEGER) {
    const num = new Float64Array(size);
    return {
      num,
      add(cell, minor) {
        num[cell] = (num[cell] as number) + minor;
      },
      get(cell) {
        return BigInt(num[cell] as number);
      },
    };
  }
  const big = new Array<bigint>(size).fill(0n);
  return {
    num: null,
    add(cell, minor) {
      big[cell] = (big[cell] as bigint) + BigInt(minor);
    },
    get(cell) {
      return big[cell] as bigint;
    },
  };
}

/** Formats minor units of the table's currency `c` as a decimal string. @internal */
export function formatMinor(table: DealTable, c: number, minor: bigint): string {
  return fromMinor(minor, scaleOf(table.currencies[c] as string));
}
