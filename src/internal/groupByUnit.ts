/**
 * Grouping of an event log by unit (counting sort / LSD radix sort) and per-unit time ordering.
 * No comparator sorts and no hash maps on the hot path. @internal
 */

/** A permutation of event rows grouped by dense unit id, with CSR offsets. @internal */
export interface UnitGrouping {
  /** `order[p]` = input row placed at sorted position p. */
  readonly order: Int32Array;
  /** CSR offsets, length `unitCount + 1`. */
  readonly offsets: Int32Array;
  /** The number of distinct units. */
  readonly unitCount: number;
  /** For each dense unit id, the smallest input row of that unit (a representative, to read its key). */
  readonly firstRow: Int32Array;
}

/**
 * Groups rows by integer keys `key[i] - min` (all in `[0, range)`), stable (input order kept within a
 * unit). Dense unit ids follow ascending key order. Uses a counting sort when the key range is small
 * compared with the row count, otherwise a two-pass LSD radix sort on 16-bit digits. @internal
 */
export function groupByIntegerKey(keys: ArrayLike<number>, n: number, min: number, range: number): UnitGrouping {
  if (range <= 2 * n + 65536) return countingGroup(keys, n, min, range);
  return radixGroup(keys, n, min);
}

function countingGroup(keys: ArrayLike<number>, n: number, min: number, range: number): UnitGrouping {
  const cursor = new Int32Array(range + 1);
  for (let i = 0; i < n; i++) {
    const k = (keys[i] as number) - min;
    cursor[k] = (cursor[k] as number) + 1;
  }
  // dense ids for present keys, prefix sums into cursor
  let unitCount = 0;
  for (let k = 0; k < range; k++) if (cursor[k] !== 0) unitCount++;
  const offsets = new Int32Array(unitCount + 1);
  const firstRow = new Int32Array(unitCount).fill(-1);
  let pos = 0;
  let u = 0;
  for (let k = 0; k < range; k++) {
    const c = cursor[k] as number;
    if (c !== 0) {
      offsets[u] = pos;
      u++;
    }
    cursor[k] = pos;
    pos += c;
  }
  offsets[unitCount] = n;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = (keys[i] as number) - min;
    const at = cursor[k] as number;
    cursor[k] = at + 1;
    order[at] = i;
  }
  for (let q = 0; q < unitCount; q++) firstRow[q] = order[offsets[q] as number] as number;
  return { order, offsets, unitCount, firstRow };
}

function radixGroup(keys: ArrayLike<number>, n: number, min: number): UnitGrouping {
  const lo = new Int32Array(65537);
  const hi = new Int32Array(65537);
  for (let i = 0; i < n; i++) {
    const k = ((keys[i] as number) - min) >>> 0;
    const a = (k & 0xffff) + 1;
    const b = (k >>> 16) + 1;
    lo[a] = (lo[a] as number) + 1;
    hi[b] = (hi[b] as number) + 1;
  }
  for (let d = 0; d < 65536; d++) {
    lo[d + 1] = (lo[d + 1] as number) + (lo[d] as number);
    hi[d + 1] = (hi[d + 1] as number) + (hi[d] as number);
  }
  const tmp = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = ((keys[i] as number) - min) >>> 0;
    const d = k & 0xffff;
    const at = lo[d] as number;
    lo[d] = at + 1;
    tmp[at] = i;
  }
  const order = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    const i = tmp[p] as number;
    const k = ((keys[i] as number) - min) >>> 0;
    const d = k >>> 16;
    const at = hi[d] as number;
    hi[d] = at + 1;
    order[at] = i;
  }
  let unitCount = 0;
  let prev = -1;
  for (let p = 0; p < n; p++) {
    const k = ((keys[order[p] as number] as number) - min) >>> 0;
    if (k !== prev || p === 0) unitCount++;
    prev = k;
  }
  const offsets = new Int32Array(unitCount + 1);
  const firstRow = new Int32Array(unitCount);
  let u = -1;
  prev = -1;
  for (let p = 0; p < n; p++) {
    const i = order[p] as number;
    const k = ((keys[i] as number) - min) >>> 0;
    if (k !== prev || p === 0) {
      u++;
      offsets[u] = p;
      firstRow[u] = i;
    }
    prev = k;
  }
  offsets[unitCount] = n;
  return { order, offsets, unitCount, firstRow };
}

/**
 * Within each unit segment of `order`, makes times non-decreasing (stable). Mostly-sorted input needs
 * one linear check; a disordered segment is fixed by insertion sort (short segments) or a stable merge
 * sort of the segment (long ones). `time` is indexed by input row. @internal
 */
export function sortSegmentsByTime(order: Int32Array, offsets: Int32Array, unitCount: number, time: ArrayLike<number>): void {
  let scratch: Int32Array | null = null;
  for (let u = 0; u < unitCount; u++) {
    const a = offsets[u] as number;
    const b = offsets[u + 1] as number;
    let sorted = true;
    let prev = time[order[a] as number] as number;
    for (let p = a + 1; p < b; p++) {
      const t = time[order[p] as number] as number;
      if (t < prev) {
        sorted = false;
        break;
      }
      prev = t;
    }
    if (sorted) continue;
    if (b - a <= 48) {
      for (let p = a + 1; p < b; p++) {
        const row = order[p] as number;
        const t = time[row] as number;
        let q = p - 1;
        while (q >= a && (time[order[q] as number] as number) > t) {
          order[q + 1] = order[q] as number;
          q--;
        }
        order[q + 1] = row;
      }
    } else {
      if (scratch === null || scratch.length < b - a) scratch = new Int32Array(Math.max(b - a, 1024));
      mergeSortSegment(order, a, b, time, scratch);
    }
  }
}

function mergeSortSegment(order: Int32Array, a: number, b: number, time: ArrayLike<number>, scratch: Int32Array): void {
  const n = b - a;
  for (let width = 1; width < n; width *= 2) {
    for (let lo = a; lo < b; lo += 2 * width) {
      const mid = Math.min(lo + width, b);
      const hi = Math.min(lo + 2 * width, b);
      let i = lo;
      let j = mid;
      let k = 0;
      while (i < mid && j < hi) {
        if ((time[order[j] as number] as number) < (time[order[i] as number] as number)) scratch[k++] = order[j++] as number;
        else scratch[k++] = order[i++] as number;
      }
      while (i < mid) scratch[k++] = order[i++] as number;
      while (j < hi) scratch[k++] = order[j++] as number;
      for (let q = 0; q < k; q++) order[lo + q] = scratch[q] as number;
    }
  }
}
