/**
 * Grouping of an event log by unit and per-unit time ordering, with a two-level radix sort: one
 * stable scatter of the event columns by the high bits of the unit key into cache-sized buckets, then,
 * bucket by bucket while it sits in cache, a stable radix sort on the remaining key bits, the unit
 * boundaries and a per-unit time fix-up (one linear check; an insertion sort for the few units whose
 * rows arrived out of time order). Input already grouped by ascending key skips the sort. No
 * comparator sorts, no hash maps, no random access into the big columns. @internal
 */

import { float64Column, int32Column, uint16Column } from './columnBuffer.js';

/** Events grouped by dense unit id (CSR) and sorted by time within each unit. @internal */
export interface GroupedEvents {
  /** CSR offsets, length `unitCount + 1`. */
  readonly offsets: Int32Array;
  /** The number of distinct units. */
  readonly unitCount: number;
  /** For each dense unit id, its integer key minus {@link GroupedEvents.origin} (ascending). */
  readonly keyIndex: Uint32Array;
  /** The key of `keyIndex` 0: the `min` given to {@link groupEvents}; for {@link groupInt32Events} at most the smallest `id ^ flip`. */
  readonly origin: number;
  /** Times by sorted position. */
  readonly time: Float64Array;
  /** Action codes by sorted position. */
  readonly action: Uint16Array;
  /** Input row at each sorted position (only when requested). */
  readonly order: Int32Array | null;
}

/**
 * Target mean bucket size (events) of the first scatter, to the nearest power of two: ~16k events
 * (2^6 buckets at 1M events), so that a bucket's columns (10–11 bytes per event, plus its destination
 * range) stay in L2 while it is sorted; from {@link BIG_LOG_EVENTS} on, twice that
 * ({@link BIG_BUCKET_EVENTS}: 2^8 buckets of ~39k events at 10M, not 2^9 of ~20k), because the
 * scatter of a log that large writes to main memory, where each write stream costs more than the
 * larger buckets add (measured at 10M: about 10 % less CPU time for the whole ingest; at 1M the
 * smaller buckets are faster).
 */
const BUCKET_EVENTS = 16384;
/** The target bucket size (events) from {@link BIG_LOG_EVENTS} events on. */
const BIG_BUCKET_EVENTS = 32768;
/** Logs of at least this many events (about 54 MB of input columns: past the last-level cache) use {@link BIG_BUCKET_EVENTS}. */
const BIG_LOG_EVENTS = 1 << 22;
/** At most 2^11 buckets in the first scatter (few enough write streams for the caches and TLB). */
const MAX_HIGH_BITS = 11;
/** Local LSD digits of at most 16 bits (a 256 KiB count table), and at most about twice the bucket size. */
const MAX_DIGIT_BITS = 16;
/** Units this short are time-sorted by insertion; longer disordered ones by a merge sort. */
const INSERTION_MAX = 48;

/** The low bits of each event's unit key. */
type KeyArray = Uint16Array | Uint32Array;

/** Action codes as the grouping reads them (other code columns are narrowed to these first). */
export type ActionCodeArray = Uint8Array | Uint16Array;

/** Per-call working buffers for the bucket phase. */
interface Scratch {
  t: Float64Array;
  k: KeyArray;
  a: Uint16Array;
  o: Int32Array | null;
  count: Int32Array;
  perm: Int32Array;
  permTmp: Int32Array;
}

/** Growable output for unit boundaries and keys. */
interface Units {
  offsets: Int32Array;
  keys: Uint32Array;
  count: number;
}

/**
 * Groups events by the integer keys `((keys[i] ^ flip) - min) >>> 0` (all in `[0, range)`,
 * `range ≤ 2^32`; `flip` is `0` for signed ids and `0x80000000` for unsigned ids read through an
 * `Int32Array` view), stable (input order kept within a unit for equal times), then sorts each unit's
 * events by time. Dense unit ids follow ascending key order. The pass that moves the events also
 * checks each time (finite) and action code (an integer in `[0, actionLimit)`); it returns `null` when
 * one fails, and the caller reports the first bad row with its own validation.
 *
 * Three ways, chosen by the data: keys already ascending (a log exported grouped by unit) → one copy
 * and the per-unit time check; keys whose low part fits 16 bits (ids spanning up to about 2^27) →
 * one scatter of the time, the low key (into the output action column) and the action code (into a
 * 1- or 2-byte scratch column), each bucket a largest-bucket gap after its final range, then per
 * bucket one counting pass whose table also yields the units and one move straight into place (see
 * {@link groupNarrow}); otherwise the general LSD path. Cost: one sequential pass over the keys here
 * (plus the caller's, if it finds the range; {@link groupInt32Events} does both in one), one scatter
 * pass (11–12 bytes per event), then cache-local work per bucket; memory: the output columns (a
 * largest bucket longer, returned as views of the first `n` entries) plus 1–2 bytes per event (2–4 on
 * the general path, 4 more with the order) and small scratch buffers. @internal
 */
export function groupEvents(
  keys: Int32Array,
  n: number,
  min: number,
  range: number,
  flip: number,
  time: Float64Array,
  action: ActionCodeArray,
  needOrder: boolean,
  actionLimit = 65536,
): GroupedEvents | null {
  const bits = bitsFor(range);
  const hiBits = Math.min(bits, wantedHighBits(n));
  const loBits = bits - hiBits;
  const hiShift = loBits === 32 ? 0 : loBits;
  const hiMask = hiBits === 0 ? 0 : (1 << hiBits) - 1;
  const buckets = 1 << hiBits;

  // 1. histogram of the high digit, and whether the keys already ascend
  const start = new Int32Array(buckets + 1);
  let ascending = true;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const k = (((keys[i] as number) ^ flip) - min) >>> 0;
    if (k < prev) ascending = false;
    prev = k;
    const h = ((k >>> hiShift) & hiMask) + 1;
    start[h] = (start[h] as number) + 1;
  }
  if (ascending) return groupAscending(keys, n, min, flip, time, action, needOrder, actionLimit);
  let maxBucket = 0;
  for (let b = 0; b < buckets; b++) {
    const c = start[b + 1] as number;
    if (c > maxBucket) maxBucket = c;
    start[b + 1] = (start[b] as number) + c;
  }
  const meanBucket = Math.max(1, n / buckets);
  if (!needOrder && loBits <= 16 && 2 ** loBits <= 4 * meanBucket + 4096) return groupNarrow(keys, n, min, flip, time, action, actionLimit, loBits, start, buckets, maxBucket);

  // 2. stable scatter of (time, key, action[, row]) into the buckets
  const sTime = float64Column(n);
  // only the low key bits travel with the events (the bucket gives the high ones): 2 bytes when they fit
  const sKey: KeyArray = loBits <= 16 ? new Uint16Array(n) : new Uint32Array(n);
  const loMask = loBits === 32 ? 0xffffffff : 2 ** loBits - 1;
  const sAction = uint16Column(n);
  const order = needOrder ? new Int32Array(n) : null;
  const cursor = start.slice(0, buckets);
  let ok = true;
  if (order === null) {
    for (let i = 0; i < n; i++) {
      const k = (((keys[i] as number) ^ flip) - min) >>> 0;
      const h = (k >>> hiShift) & hiMask;
      const at = cursor[h] as number;
      cursor[h] = at + 1;
      const t = time[i] as number;
      const c = action[i] as number;
      if (!(t - t === 0 && c < actionLimit)) ok = false;
      sTime[at] = t;
      sKey[at] = k & loMask;
      sAction[at] = c;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const k = (((keys[i] as number) ^ flip) - min) >>> 0;
      const h = (k >>> hiShift) & hiMask;
      const at = cursor[h] as number;
      cursor[h] = at + 1;
      const t = time[i] as number;
      const c = action[i] as number;
      if (!(t - t === 0 && c < actionLimit)) ok = false;
      sTime[at] = t;
      sKey[at] = k & loMask;
      sAction[at] = c;
      order[at] = i;
    }
  }
  if (!ok) return null;

  // 3. per bucket: LSD radix sort on the low bits, unit boundaries, time order within units
  const maxDigit = Math.max(8, Math.min(MAX_DIGIT_BITS, Math.ceil(Math.log2(meanBucket)) + 1));
  const passes = loBits === 0 ? 0 : Math.ceil(loBits / maxDigit);
  const digitBits = passes === 0 ? 0 : Math.ceil(loBits / passes);
  const scratchLen = passes === 0 ? 0 : maxBucket;
  const scratch: Scratch = {
    t: new Float64Array(scratchLen),
    k: loBits <= 16 ? new Uint16Array(scratchLen) : new Uint32Array(scratchLen),
    a: new Uint16Array(scratchLen),
    o: order === null ? null : new Int32Array(scratchLen),
    count: new Int32Array((1 << digitBits) + 1),
    perm: new Int32Array(0),
    permTmp: new Int32Array(0),
  };
  const units = newUnits(n);
  for (let b = 0; b < buckets; b++) {
    const s = start[b] as number;
    const e = start[b + 1] as number;
    if (e - s > 1 && passes > 0) sortBucketByKey(s, e, passes, digitBits, sTime, sKey, sAction, order, scratch);
    if (e > s) collectUnits(s, e, b * 2 ** loBits, sTime, sKey, sAction, order, units, scratch);
  }
  return finish(units, n, min, sTime, sAction, order);
}

/** The bits of the keys `0 … range − 1`. */
function bitsFor(range: number): number {
  return range <= 1 ? 0 : 32 - Math.clz32(range - 1);
}

/** How many high key bits pick the bucket for `n` events, given enough key bits (see {@link BUCKET_EVENTS}). */
function wantedHighBits(n: number): number {
  if (n <= BUCKET_EVENTS) return 0;
  return Math.min(MAX_HIGH_BITS, Math.round(Math.log2(n / (n >= BIG_LOG_EVENTS ? BIG_BUCKET_EVENTS : BUCKET_EVENTS))));
}

/** Ids read to guess the spread of ids before the pass that finds their range. */
const SAMPLE_IDS = 1024;

/**
 * {@link groupEvents} for 32-bit ids whose range is not known yet (`keys` as there, with `min` and
 * `range` unknown). One pass finds the smallest and largest `id ^ flip`, whether they ascend, and —
 * in the same pass — the bucket histogram of the narrow path, with buckets `2^shift` ids wide counted
 * from an `origin`: both guessed from a strided sample of {@link SAMPLE_IDS} ids, the histogram table
 * spanning three times the sample's spread (one spread of margin on either side). This saves the
 * separate pass over the ids that finding the range would otherwise cost. When an id falls outside the
 * table, or the guessed buckets do not suit the narrow path (row order wanted, more than 16 low bits,
 * a too sparse count table), it falls back to {@link groupEvents} with the range just found (one more
 * pass over the ids). Bucket boundaries never change the result, only its speed. The unit keys are
 * `keyIndex + origin` (`origin` is returned; at most the smallest `id ^ flip`). @internal
 */
export function groupInt32Events(
  keys: Int32Array,
  n: number,
  flip: number,
  time: Float64Array,
  action: ActionCodeArray,
  needOrder: boolean,
  actionLimit = 65536,
): GroupedEvents | null {
  if (n === 0) return groupAscending(keys, 0, 0, flip, time, action, needOrder, actionLimit);
  const step = Math.max(1, Math.floor(n / SAMPLE_IDS));
  let sMin = 2147483647;
  let sMax = -2147483648;
  for (let i = 0; i < n; i += step) {
    const v = (keys[i] as number) ^ flip;
    if (v < sMin) sMin = v;
    if (v > sMax) sMax = v;
  }
  const spread = sMax - sMin + 1;
  const shift = Math.max(0, bitsFor(spread) - wantedHighBits(n));
  const width = 2 ** shift;
  const origin = Math.max(-2147483648, sMin - spread) | 0;
  const span = Math.floor((Math.min(2147483647, sMax + spread) - origin) / width) + 1;
  // no histogram (limit 0) when the narrow path is out of reach anyway (row order wanted, more than 16
  // low bits) or when an id below `origin` could wrap into the table (see scanIds)
  const narrow = !needOrder && shift <= 16 && span * width <= 2147483648 - Math.max(0, origin);
  const size = narrow ? span : 0;
  const table = new Int32Array(size);
  const scan = scanIds(keys, n, flip, origin, shift, size * width, table);
  const min = scan[0] as number;
  const max = scan[1] as number;
  if (scan[2] === 1) return groupAscending(keys, n, min, flip, time, action, needOrder, actionLimit);
  if (narrow && scan[3] === 0) {
    const hLo = Math.floor((min - origin) / width);
    const buckets = Math.floor((max - origin) / width) - hLo + 1;
    if (width <= (4 * n) / buckets + 4096) {
      const start = new Int32Array(buckets + 1);
      let maxBucket = 0;
      for (let b = 0; b < buckets; b++) {
        const c = table[hLo + b] as number;
        if (c > maxBucket) maxBucket = c;
        start[b + 1] = (start[b] as number) + c;
      }
      return groupNarrow(keys, n, (origin + hLo * width) | 0, flip, time, action, actionLimit, shift, start, buckets, maxBucket);
    }
  }
  return groupEvents(keys, n, min, max - min + 1, flip, time, action, needOrder, actionLimit);
}

/**
 * The pass of {@link groupInt32Events}: `[min, max, ascending (1/0), outside (1/0)]` of `v = id ^ flip`,
 * and `table[(v − origin) >>> shift]` counts for `0 ≤ v − origin < limit` ("outside" when any is not).
 * The test is one unsigned compare of `(v − origin) >>> 0`: an id below `origin` wraps to at least
 * `2^31 − max(0, origin)`, which the caller keeps at or above `limit`. The descent flag is accumulated
 * without a branch (on unsorted ids a branch on it would be mispredicted about every other id).
 */
function scanIds(keys: Int32Array, n: number, flip: number, origin: number, shift: number, limit: number, table: Int32Array): Float64Array {
  let min = 2147483647;
  let max = -2147483648;
  let prev = -2147483648;
  let descents = 0;
  let outside = 0;
  for (let i = 0; i < n; i++) {
    const v = (keys[i] as number) ^ flip;
    if (v < min) min = v;
    if (v > max) max = v;
    descents |= +(v < prev);
    prev = v;
    const o = (v - origin) >>> 0;
    if (o < limit) {
      const h = o >>> shift;
      table[h] = (table[h] as number) + 1;
    } else outside = 1;
  }
  return Float64Array.of(min, max, descents === 0 ? 1 : 0, outside);
}

function newScratch(len: number): Scratch {
  return { t: new Float64Array(0), k: new Uint16Array(0), a: new Uint16Array(0), o: null, count: new Int32Array(0), perm: new Int32Array(len), permTmp: new Int32Array(len) };
}

function newUnits(n: number): Units {
  const capacity = Math.max(16, (n >>> 3) + 1);
  return { offsets: int32Column(capacity), keys: new Uint32Array(capacity), count: 0 };
}

/** Makes room for `more` units (and the final offset). */
function reserveUnits(units: Units, more: number): void {
  const need = units.count + more + 1;
  if (need <= units.offsets.length) return;
  const capacity = Math.max(need, units.offsets.length * 2);
  const o = int32Column(capacity);
  o.set(units.offsets.subarray(0, units.count));
  units.offsets = o;
  const k = new Uint32Array(capacity);
  k.set(units.keys.subarray(0, units.count));
  units.keys = k;
}

/**
 * The result. The offsets are cut to `unitCount + 1` without a copy (a view) when at most a quarter of
 * their capacity is unused — the usual case, the first guess being one unit per 8 events — else copied
 * so that a log does not keep a mostly empty buffer alive; the keys (read once by the caller) are a view.
 */
function finish(units: Units, n: number, origin: number, time: Float64Array, action: Uint16Array, order: Int32Array | null): GroupedEvents {
  const unitCount = units.count;
  // the output columns are on shared memory where there is some (see columnBuffer): the offsets are
  // allocated there from the start, so the view is shared too; a copy is made on it as well
  const cut = units.offsets.length - (unitCount + 1) <= unitCount >>> 2;
  let offsets: Int32Array;
  if (cut) offsets = units.offsets.subarray(0, unitCount + 1);
  else {
    offsets = int32Column(unitCount + 1);
    offsets.set(units.offsets.subarray(0, unitCount));
  }
  offsets[unitCount] = n;
  const keyIndex = units.keys.subarray(0, unitCount);
  return { offsets, unitCount, keyIndex, origin, time, action, order };
}

/** Keys already ascending: copy (and check) the columns, record the units, fix each unit's time order. */
function groupAscending(keys: Int32Array, n: number, min: number, flip: number, time: Float64Array, action: ActionCodeArray, needOrder: boolean, actionLimit: number): GroupedEvents | null {
  const oTime = float64Column(n);
  const oAction = uint16Column(n);
  let ok = true;
  for (let i = 0; i < n; i++) {
    const t = time[i] as number;
    const c = action[i] as number;
    if (!(t - t === 0 && c < actionLimit)) ok = false;
    oTime[i] = t;
    oAction[i] = c;
  }
  if (!ok) return null;
  let order: Int32Array | null = null;
  if (needOrder) {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  const units = newUnits(n);
  const sc = newScratch(0);
  let u0 = 0;
  let prevK = -1;
  let prevT = 0;
  let disordered = false;
  for (let p = 0; p < n; p++) {
    const k = (((keys[p] as number) ^ flip) - min) >>> 0;
    const t = oTime[p] as number;
    if (k !== prevK) {
      if (disordered) sortUnitByTime(u0, p, oTime, oAction, order, sc);
      reserveUnits(units, 1);
      units.offsets[units.count] = p;
      units.keys[units.count] = k;
      units.count++;
      u0 = p;
      prevK = k;
      disordered = false;
    } else if (t < prevT) disordered = true;
    prevT = t;
  }
  if (disordered) sortUnitByTime(u0, n, oTime, oAction, order, sc);
  return finish(units, n, min, oTime, oAction, order);
}

/**
 * Low key bits ≤ 16 and no row order. The result columns are allocated `gap` (the largest bucket's
 * size) entries longer than `n`, and the scatter writes bucket `[s, e)` at `[s + gap, e + gap)`:
 * each event's time into the result's time column, its low key into the result's action column and
 * its action code into a narrow scratch column (1 byte per event when the codes fit, else 2) — three
 * write streams per bucket and no other column of the input's size. Then, bucket by bucket in
 * ascending order, one counting pass on the low key gives the units (the count table's non-empty
 * slots) and their final positions, and one pass moves each event from `p + gap` straight to its final
 * place in `[s, e)`: that range never overlaps the bucket's own source (`e − s ≤ gap`) nor any later
 * bucket's (which starts at or after `e + gap`), so no bucket-sized scratch and no copy back are
 * needed. A read-only pass over `[s, e)` then checks each unit's time order. The result is the first
 * `n` entries of the two columns.
 */
function groupNarrow(
  keys: Int32Array,
  n: number,
  min: number,
  flip: number,
  time: Float64Array,
  action: ActionCodeArray,
  actionLimit: number,
  loBits: number,
  start: Int32Array,
  buckets: number,
  maxBucket: number,
): GroupedEvents | null {
  const gap = maxBucket;
  const oTime = float64Column(n + gap);
  const oAction = uint16Column(n + gap);
  const codes: ActionCodeArray = actionLimit <= 256 ? new Uint8Array(n) : new Uint16Array(n);
  const ok = scatterNarrow(keys, n, min, flip, time, action, actionLimit, loBits, start.slice(0, buckets), oTime.subarray(gap), oAction.subarray(gap), codes);
  if (!ok) return null;
  const digits = 1 << loBits;
  const bucket: NarrowBucket = { codes, time: oTime, action: oAction, gap, count: new Int32Array(digits), units: newUnits(n), sc: newScratch(0) };
  for (let b = 0; b < buckets; b++) {
    const s = start[b] as number;
    const e = start[b + 1] as number;
    if (e > s) sortNarrowBucket(bucket, s, e, b * digits, digits);
  }
  return finish(bucket.units, n, min, oTime.subarray(0, n), oAction.subarray(0, n), null);
}

/** The scatter of {@link groupNarrow}; returns whether every time and code passed the checks. */
function scatterNarrow(
  keys: Int32Array,
  n: number,
  min: number,
  flip: number,
  time: Float64Array,
  action: ActionCodeArray,
  actionLimit: number,
  loBits: number,
  cursor: Int32Array,
  oTime: Float64Array,
  oKey: Uint16Array,
  codes: ActionCodeArray,
): boolean {
  const loMask = (1 << loBits) - 1;
  let ok = true;
  for (let i = 0; i < n; i++) {
    const k = (((keys[i] as number) ^ flip) - min) >>> 0;
    const h = k >>> loBits;
    const at = cursor[h] as number;
    cursor[h] = at + 1;
    const t = time[i] as number;
    const c = action[i] as number;
    if (!(t - t === 0 && c < actionLimit)) ok = false;
    oTime[at] = t;
    oKey[at] = k & loMask;
    codes[at] = c;
  }
  return ok;
}

/** The narrow path's columns and per-bucket buffers. */
interface NarrowBucket {
  /** Action codes by scattered position. */
  readonly codes: ActionCodeArray;
  /** Times: scattered at `p + gap`, then moved to their final place `[0, n)`. */
  readonly time: Float64Array;
  /** Low keys at scattered position `p + gap`, then the final action codes at `[0, n)`. */
  readonly action: Uint16Array;
  /** How far after its final range each bucket was scattered (the largest bucket's size). */
  readonly gap: number;
  /** Per low-key counts, zero between buckets. */
  readonly count: Int32Array;
  readonly units: Units;
  readonly sc: Scratch;
}

/**
 * One bucket `[s, e)` of the narrow path (keys `high + low`): counting sort by the low key from
 * `[s + gap, e + gap)` into `[s, e)`, units, time check. Each loop is a function of its own, so that
 * a loop V8 compiles on the fly (on-stack replacement, in the first bucket) never carries code after
 * it that had not run yet — such code would send every later bucket back to the interpreter.
 */
function sortNarrowBucket(bk: NarrowBucket, s: number, e: number, high: number, digits: number): void {
  const units = bk.units;
  const gap = bk.gap;
  countLowKeys(bk.action, s + gap, e + gap, bk.count);
  reserveUnits(units, Math.min(e - s, digits));
  const u0 = units.count;
  const uc = unitsFromCounts(bk.count, digits, s, high, units.offsets, units.keys, u0);
  units.count = uc;
  moveByLowKey(bk.action, bk.time, bk.codes, bk.count, s, e, gap);
  clearCounts(bk.count, units.keys, u0, uc, high);
  fixUnitTimeOrder(bk.time, bk.action, s, e, units.offsets, u0, uc, bk.sc);
}

function countLowKeys(key: Uint16Array, s: number, e: number, count: Int32Array): void {
  for (let p = s; p < e; p++) {
    const d = key[p] as number;
    count[d] = (count[d] as number) + 1;
  }
}

/** The non-empty digits, in order, are the bucket's units; their counts become their first positions (from `s`). Returns the new unit count. */
function unitsFromCounts(count: Int32Array, digits: number, s: number, high: number, offsets: Int32Array, unitKeys: Uint32Array, u0: number): number {
  let uc = u0;
  let at = s;
  for (let d = 0; d < digits; d++) {
    const c = count[d] as number;
    if (c !== 0) {
      offsets[uc] = at;
      unitKeys[uc] = high + d;
      uc++;
      count[d] = at;
      at += c;
    }
  }
  return uc;
}

/** Moves `[s + gap, e + gap)` (low key in `action`, time) and `codes[s, e)` to their key-sorted places in `[s, e)`. */
function moveByLowKey(action: Uint16Array, time: Float64Array, codes: ActionCodeArray, count: Int32Array, s: number, e: number, gap: number): void {
  for (let p = s; p < e; p++) {
    const d = action[p + gap] as number;
    const at = count[d] as number;
    count[d] = at + 1;
    time[at] = time[p + gap] as number;
    action[at] = codes[p] as number;
  }
}

function clearCounts(count: Int32Array, unitKeys: Uint32Array, u0: number, uc: number, high: number): void {
  for (let u = u0; u < uc; u++) count[(unitKeys[u] as number) - high] = 0;
}

/**
 * Checks the time order of units `u0 … uc − 1` (positions `[s, e)`); a unit whose times go down gets
 * sorted. The last unit is closed inside the loop (at `p = e`), so nothing runs after the loop.
 */
function fixUnitTimeOrder(time: Float64Array, action: Uint16Array, s: number, e: number, offsets: Int32Array, u0: number, uc: number, sc: Scratch): void {
  let u = u0;
  let next = s;
  let ua = s;
  let prevT = 0;
  let disordered = false;
  for (let p = s; p <= e; p++) {
    if (p === next) {
      if (disordered) sortUnitByTime(ua, p, time, action, null, sc);
      if (p === e) break;
      disordered = false;
      ua = p;
      u++;
      next = u < uc ? (offsets[u] as number) : e;
      prevT = -Infinity;
    }
    const t = time[p] as number;
    if (t < prevT) disordered = true;
    prevT = t;
  }
}

/**
 * Stable LSD radix sort of positions `[s, e)` by the low key bits, ping-ponging with the scratch.
 * Each loop is a function of its own (see {@link sortNarrowBucket}).
 */
function sortBucketByKey(
  s: number,
  e: number,
  passes: number,
  digitBits: number,
  time: Float64Array,
  key: KeyArray,
  action: Uint16Array,
  order: Int32Array | null,
  sc: Scratch,
): void {
  const len = e - s;
  const count = sc.count;
  const mask = (1 << digitBits) - 1;
  const digits = 1 << digitBits;
  // already sorted by key (e.g. a bucket holding one unit)? nothing to do
  if (keysAscend(key, s, e)) return;
  for (let pass = 0; pass < passes; pass++) {
    const shift = pass * digitBits;
    const toScratch = (pass & 1) === 0;
    const from = toScratch ? s : 0;
    count.fill(0, 0, digits + 1);
    countDigits(toScratch ? key : sc.k, from, from + len, shift, mask, count);
    prefixCounts(count, digits, toScratch ? 0 : s);
    if (order === null) scatterDigits(toScratch ? time : sc.t, toScratch ? key : sc.k, toScratch ? action : sc.a, toScratch ? sc.t : time, toScratch ? sc.k : key, toScratch ? sc.a : action, from, from + len, shift, mask, count);
    else scatterDigitsWithOrder(toScratch ? time : sc.t, toScratch ? key : sc.k, toScratch ? action : sc.a, (toScratch ? order : sc.o) as Int32Array, toScratch ? sc.t : time, toScratch ? sc.k : key, toScratch ? sc.a : action, (toScratch ? sc.o : order) as Int32Array, from, from + len, shift, mask, count);
  }
  if ((passes & 1) === 1) {
    time.set(sc.t.subarray(0, len), s);
    key.set(sc.k.subarray(0, len), s);
    action.set(sc.a.subarray(0, len), s);
    if (order !== null && sc.o !== null) order.set(sc.o.subarray(0, len), s);
  }
}

function keysAscend(key: KeyArray, s: number, e: number): boolean {
  for (let p = s + 1; p < e; p++) if ((key[p] as number) < (key[p - 1] as number)) return false;
  return true;
}

function countDigits(key: KeyArray, from: number, to: number, shift: number, mask: number, count: Int32Array): void {
  for (let p = from; p < to; p++) {
    const d = (((key[p] as number) >>> shift) & mask) + 1;
    count[d] = (count[d] as number) + 1;
  }
}

/** Counts (at `d + 1`) → start positions (at `d`), the first at `base`. */
function prefixCounts(count: Int32Array, digits: number, base: number): void {
  let acc = base;
  for (let d = 0; d < digits; d++) {
    const c = count[d + 1] as number;
    count[d] = acc;
    acc += c;
  }
}

function scatterDigits(fT: Float64Array, fK: KeyArray, fA: Uint16Array, tT: Float64Array, tK: KeyArray, tA: Uint16Array, from: number, to: number, shift: number, mask: number, count: Int32Array): void {
  for (let p = from; p < to; p++) {
    const k = fK[p] as number;
    const d = (k >>> shift) & mask;
    const at = count[d] as number;
    count[d] = at + 1;
    tT[at] = fT[p] as number;
    tK[at] = k;
    tA[at] = fA[p] as number;
  }
}

function scatterDigitsWithOrder(fT: Float64Array, fK: KeyArray, fA: Uint16Array, fO: Int32Array, tT: Float64Array, tK: KeyArray, tA: Uint16Array, tO: Int32Array, from: number, to: number, shift: number, mask: number, count: Int32Array): void {
  for (let p = from; p < to; p++) {
    const k = fK[p] as number;
    const d = (k >>> shift) & mask;
    const at = count[d] as number;
    count[d] = at + 1;
    tT[at] = fT[p] as number;
    tK[at] = k;
    tA[at] = fA[p] as number;
    tO[at] = fO[p] as number;
  }
}

/**
 * Records the units (key = `high` + low bits) of key-sorted positions `[s, e)` and puts each unit's
 * events in time order. The last unit is closed inside the loop (at `p = e`), so nothing runs after it.
 */
function collectUnits(s: number, e: number, high: number, time: Float64Array, key: KeyArray, action: Uint16Array, order: Int32Array | null, units: Units, sc: Scratch): void {
  let u0 = s;
  let prevK = -1;
  let prevT = 0;
  let disordered = false;
  for (let p = s; p <= e; p++) {
    const k = p === e ? -2 : (key[p] as number);
    if (k !== prevK) {
      if (disordered) sortUnitByTime(u0, p, time, action, order, sc);
      if (p === e) break;
      pushUnit(units, p, high + k);
      u0 = p;
      prevK = k;
      disordered = false;
      prevT = -Infinity;
    }
    const t = time[p] as number;
    if (t < prevT) disordered = true;
    prevT = t;
  }
}

function pushUnit(units: Units, offset: number, key: number): void {
  reserveUnits(units, 1);
  const c = units.count;
  units.offsets[c] = offset;
  units.keys[c] = key;
  units.count = c + 1;
}

/**
 * Makes times non-decreasing on positions `[a, b)` (stable), moving actions (and the order) along:
 * insertion sort for short units (mostly-ordered input needs few moves), a stable merge sort of a
 * local permutation for long ones.
 */
function sortUnitByTime(a: number, b: number, time: Float64Array, action: Uint16Array, order: Int32Array | null, sc: Scratch): void {
  if (b - a <= INSERTION_MAX) {
    for (let p = a + 1; p < b; p++) {
      const t = time[p] as number;
      if (t >= (time[p - 1] as number)) continue;
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
    return;
  }
  const len = b - a;
  if (sc.perm.length < len) {
    sc.perm = new Int32Array(Math.max(len, 1024));
    sc.permTmp = new Int32Array(sc.perm.length);
  }
  const perm = sc.perm;
  for (let i = 0; i < len; i++) perm[i] = a + i;
  mergeSortPerm(perm, len, time, sc.permTmp);
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
