/**
 * Grouping of an event log by unit (counting sort / LSD radix sort) and per-unit time ordering.
 * No comparator sorts and no hash maps on the hot path. @internal
 */

/** Events grouped by dense unit id (CSR) and sorted by time within each unit. @internal */
export interface GroupedEvents {
  /** CSR offsets, length `unitCount + 1`. */
  readonly offsets: Int32Array;
  /** The number of distinct units. */
  readonly unitCount: number;
  /** For each dense unit id, its integer key minus `min` (ascending). */
  readonly keyIndex: Float64Array;
  /** Times by sorted position. */
  readonly time: Float64Array;
  /** Action codes by sorted position. */
  readonly action: Uint16Array;
  /** Input row at each sorted position (only when requested). */
  readonly order: Int32Array | null;
}

/**
 * Groups events by integer keys `key[i] - min` (all in `[0, range)`), stable (input order kept within
 * a unit for equal times), then sorts each unit's events by time. Dense unit ids follow ascending key
 * order. A counting sort scatters the columns directly when the key range is small compared with the
 * row count; otherwise a two-pass LSD radix sort on 16-bit digits builds a permutation. @internal
 */
export function groupEvents(
  keys: ArrayLike<number>,
  n: number,
  min: number,
  range: number,
  time: ArrayLike<number>,
  action: ArrayLike<number>,
  needOrder: boolean,
): GroupedEvents {
  const g = range <= 2 * n + 65536 ? countingGroup(keys, n, min, range, time, action, needOrder) : radixGroup(keys, n, min, time, action);
  sortSegmentsByTime(g.offsets, g.unitCount, g.time, g.action, g.order);
  return g;
}

function countingGroup(keys: ArrayLike<number>, n: number, min: number, range: number, time: ArrayLike<number>, action: ArrayLike<number>, needOrder: boolean): GroupedEvents {
  const cursor = new Int32Array(range + 1);
  for (let i = 0; i < n; i++) {
    const k = (keys[i] as number) - min;
    cursor[k] = (cursor[k] as number) + 1;
  }
  let unitCount = 0;
  for (let k = 0; k < range; k++) if (cursor[k] !== 0) unitCount++;
  const offsets = new Int32Array(unitCount + 1);
  const keyIndex = new Float64Array(unitCount);
  let pos = 0;
  let u = 0;
  for (let k = 0; k < range; k++) {
    const c = cursor[k] as number;
    if (c !== 0) {
      offsets[u] = pos;
      keyIndex[u] = k;
      u++;
    }
    cursor[k] = pos;
    pos += c;
  }
  offsets[unitCount] = n;
  const sTime = new Float64Array(n);
  const sAction = new Uint16Array(n);
  let order: Int32Array | null = null;
  if (needOrder) {
    const ord = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const k = (keys[i] as number) - min;
      const at = cursor[k] as number;
      cursor[k] = at + 1;
      sTime[at] = time[i] as number;
      sAction[at] = action[i] as number;
      ord[at] = i;
    }
    order = ord;
  } else {
    for (let i = 0; i < n; i++) {
      const k = (keys[i] as number) - min;
      const at = cursor[k] as number;
      cursor[k] = at + 1;
      sTime[at] = time[i] as number;
      sAction[at] = action[i] as number;
    }
  }
  return { offsets, unitCount, keyIndex, time: sTime, action: sAction, order };
}

function radixGroup(keys: ArrayLike<number>, n: number, min: number, time: ArrayLike<number>, action: ArrayLike<number>): GroupedEvents {
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
  const keyIndex = new Float64Array(unitCount);
  const sTime = new Float64Array(n);
  const sAction = new Uint16Array(n);
  let u = -1;
  prev = -1;
  for (let p = 0; p < n; p++) {
    const i = order[p] as number;
    const k = ((keys[i] as number) - min) >>> 0;
    if (k !== prev || p === 0) {
      u++;
      offsets[u] = p;
      keyIndex[u] = k;
    }
    prev = k;
    sTime[p] = time[i] as number;
    sAction[p] = action[i] as number;
  }
  offsets[unitCount] = n;
  return { offsets, unitCount, keyIndex, time: sTime, action: sAction, order };
}

/**
 * Within each unit segment, makes times non-decreasing (stable), moving actions (and the order) along.
 * Mostly-sorted input needs one linear check; a disordered segment is fixed by insertion sort (short
 * segments) or a stable merge sort of a local permutation (long ones). @internal
 */
function sortSegmentsByTime(offsets: Int32Array, unitCount: number, time: Float64Array, action: Uint16Array, order: Int32Array | null): void {
  let perm: Int32Array | null = null;
  let scratch: Int32Array | null = null;
  for (let u = 0; u < unitCount; u++) {
    const a = offsets[u] as number;
    const b = offsets[u + 1] as number;
    let sorted = true;
    for (let p = a + 1; p < b; p++) {
      if ((time[p] as number) < (time[p - 1] as number)) {
        sorted = false;
        break;
      }
    }
    if (sorted) continue;
    if (b - a <= 48) {
      for (let p = a + 1; p < b; p++) {
        const t = time[p] as number;
        const c = action[p] as number;
        const o = order === null ? 0 : (order[p] as number);
        let q = p - 1;
        while (q >= a && (time[q] as number) > t) {
          time[q + 1] = time[q] as number;
          action[q + 1] = action[q] as number;
          if (order !== null) order[q + 1] = order[q] as number;
          q--;
        }
        time[q + 1] = t;
        action[q + 1] = c;
        if (order !== null) order[q + 1] = o;
      }
    } else {
      const len = b - a;
      if (perm === null || perm.length < len) {
        perm = new Int32Array(Math.max(len, 1024));
        scratch = new Int32Array(perm.length);
      }
      for (let i = 0; i < len; i++) perm[i] = a + i;
      mergeSortPerm(perm, len, time, scratch as Int32Array);
      const t2 = new Float64Array(len);
      const c2 = new Uint16Array(len);
      const o2 = order === null ? null : new Int32Array(len);
      for (let i = 0; i < len; i++) {
        const src = perm[i] as number;
        t2[i] = time[src] as number;
        c2[i] = action[src] as number;
        if (o2 !== null && order !== null) o2[i] = order[src] as number;
      }
      time.set(t2, a);
      action.set(c2, a);
      if (o2 !== null && order !== null) order.set(o2, a);
    }
  }
}

function mergeSortPerm(perm: Int32Array, n: number, time: Float64Array, scratch: Int32Array): void {
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = 0;
      while (i < mid && j < hi) {
        if ((time[perm[j] as number] as number) < (time[perm[i] as number] as number)) scratch[k++] = perm[j++] as number;
        else scratch[k++] = perm[i++] as number;
      }
      while (i < mid) scratch[k++] = perm[i++] as number;
      while (j < hi) scratch[k++] = perm[j++] as number;
      for (let q = 0; q < k; q++) perm[lo + q] = scratch[q] as number;
    }
  }
}
