/**
 * Order statistics by selection (no full sort): Hoare's quickselect with a median-of-three pivot,
 * in place on a caller-owned buffer. Used where thousands of groups each need a few quantiles.
 * @internal
 */

/**
 * Rearranges `a[lo..hi)` so that `a[k]` is the value it would have if sorted, smaller-or-equal values
 * before it and greater-or-equal after; returns `a[k]`. Floyd–Rivest selection (as d3-array's
 * `quickselect`): about n + min(k, n − k) comparisons, O(n) expected. No NaN in the range. @internal
 */
export function selectInPlace(a: Float64Array, lo: number, hi: number, k: number): number {
  floydRivest(a, k, lo, hi - 1);
  return a[k] as number;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i] as number;
  a[i] = a[j] as number;
  a[j] = t;
}

function floydRivest(a: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      // recurse on a sample window around k so the pivot lands close to the k-th value
      const n = right - left + 1;
      const m = k - left + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      floydRivest(a, k, Math.max(left, Math.floor(k - (m * s) / n + sd)), Math.min(right, Math.floor(k + ((n - m) * s) / n + sd)));
    }
    const t = a[k] as number;
    let i = left;
    let j = right;
    swap(a, left, k);
    if ((a[right] as number) > t) swap(a, left, right);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while ((a[i] as number) < t) i++;
      while ((a[j] as number) > t) j--;
    }
    if (a[left] === t) swap(a, left, j);
    else {
      j++;
      swap(a, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

/**
 * The type-7 p-quantile (Hyndman & Fan; R's and NumPy's default — the same definition as
 * `quantileSorted` in stats.ts) of `a[lo..hi)`, by selection; reorders that range. `null` when empty.
 * @internal
 */
export function quantileInPlace(a: Float64Array, lo: number, hi: number, p: number): number | null {
  const n = hi - lo;
  if (n <= 0) return null;
  const h = (n - 1) * p;
  const f = Math.floor(h);
  const x = selectInPlace(a, lo, hi, lo + f);
  if (f + 1 >= n || h === f) return x;
  // the next order statistic is the minimum of the part right of lo + f
  let y = Infinity;
  for (let i = lo + f + 1; i < hi; i++) if ((a[i] as number) < y) y = a[i] as number;
  return x + (h - f) * (y - x);
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
/** Below this many values, {@link quantilesNonNegative} declines (clearing its 64k-bucket histogram would dominate). */
const RADIX_MIN = 4096;
/** Scratch histogram of the top 16 bits (reused: every call fills it before reading it). */
const COUNT = new Int32Array(65536);
/** Scratch marks of the buckets a call needs (reset before returning). */
const TARGET = new Int32Array(65536).fill(-1);

/**
 * Type-7 quantiles (the same definition as {@link quantileInPlace}) of the non-negative numbers in
 * `a[lo..hi)`, for several `ps` at once, by a radix selection: one pass counts the values by the top
 * 16 bits of their IEEE-754 pattern (which order like the numbers for non-negative doubles), a second
 * pass copies out only the values of the few buckets that hold the wanted order statistics, which are
 * then selected there. Two sequential passes instead of partitioning the whole range; `a` is not
 * reordered. With `sum`, the counting pass also adds up the range in index order (the same sum as a
 * plain loop from `lo` to `hi`) into `sum[0]`. Returns null (use {@link quantileInPlace}; `sum` is then
 * not written) for fewer than 4096 values, on a big-endian platform, or when the range holds a negative
 * number, -0, an infinity or NaN. Each pass is its own small function, so V8 optimises it once and
 * keeps it (one large function was re-optimised on every call). @internal
 */
export function quantilesNonNegative(a: Float64Array, lo: number, hi: number, ps: readonly number[], sum?: Float64Array): number[] | null {
  const n = hi - lo;
  if (n < RADIX_MIN || !LITTLE_ENDIAN) return null;
  const words = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
  const total = sumTopCounts(a, words, lo, hi, COUNT);
  // sign bit set (negative or -0), or exponent all ones (infinity, NaN): not for this path
  let bad = 0;
  for (let t = 0x7ff0; t < 65536; t++) bad += COUNT[t] as number;
  if (bad > 0) return null;
  if (sum !== undefined) sum[0] = total;
  // the order statistics needed: ⌊h⌋ and ⌊h⌋ + 1 of each p (h = (n − 1)p)
  const ranks: number[] = [];
  for (const p of ps) {
    const h = (n - 1) * p;
    const f = Math.floor(h);
    ranks.push(f);
    if (f + 1 < n && h !== f) ranks.push(f + 1);
  }
  // bucket of each rank, and the rank within it
  const bucketOf: number[] = [];
  const within: number[] = [];
  const buckets: number[] = [];
  // one scan of the buckets for every rank, in ascending rank order
  const byRank = ranks.map((_, k) => k).sort((x, y) => (ranks[x] as number) - (ranks[y] as number));
  let acc = 0;
  let b = 0;
  for (const k of byRank) {
    const r = ranks[k] as number;
    while (acc + (COUNT[b] as number) <= r) acc += COUNT[b++] as number;
    bucketOf[k] = b;
    within[k] = r - acc;
    if (TARGET[b] === -1) {
      TARGET[b] = buckets.length;
      buckets.push(b);
    }
  }
  // copy out the values of the wanted buckets, each bucket into its own run of `pool`
  const fill = new Int32Array(buckets.length);
  let size = 0;
  for (let j = 0; j < buckets.length; j++) {
    fill[j] = size;
    size += COUNT[buckets[j] as number] as number;
  }
  const offset = fill.slice();
  const pool = new Float64Array(size);
  gatherBuckets(a, words, lo, hi, TARGET, pool, fill);
  const value = (k: number): number => {
    const j = TARGET[bucketOf[k] as number] as number;
    const o = offset[j] as number;
    return selectInPlace(pool, o, o + (COUNT[bucketOf[k] as number] as number), o + (within[k] as number));
  };
  const out: number[] = [];
  let k = 0;
  for (const p of ps) {
    const h = (n - 1) * p;
    const f = Math.floor(h);
    const x = value(k++);
    if (f + 1 < n && h !== f) {
      const y = value(k++);
      out.push(x + (h - f) * (y - x));
    } else out.push(x);
  }
  for (const b of buckets) TARGET[b] = -1;
  return out;
}

/** From this many values the counting pass keeps four histograms (below, clearing and folding them costs more than it saves). */
const LANES_MIN = 65536;
/** Four histograms side by side (lane j at `j × 65536`), allocated on first use. */
let lanes: Int32Array | null = null;

/**
 * Counting pass of {@link quantilesNonNegative}: the histogram of the top 16 bits into `count` (all
 * 65,536 entries written); returns Σ a[lo..hi) in index order. Consecutive values mostly share a
 * bucket, so with one histogram each increment waits for the previous one's store; from
 * {@link LANES_MIN} values, four histograms, one per value position mod 4, keep four increments in
 * flight (measured on 2.0M step times: about 60 % of the time of one histogram).
 */
function sumTopCounts(a: Float64Array, words: Uint32Array, lo: number, hi: number, count: Int32Array): number {
  if (hi - lo < LANES_MIN) {
    count.fill(0);
    return sumTopCountsOne(a, words, lo, hi, count);
  }
  if (lanes === null) lanes = new Int32Array(4 * 65536);
  const L = lanes;
  L.fill(0);
  let sum = 0;
  let i = lo;
  for (const end = hi - 3; i < end; i += 4) {
    sum += a[i] as number;
    sum += a[i + 1] as number;
    sum += a[i + 2] as number;
    sum += a[i + 3] as number;
    const t0 = (words[2 * i + 1] as number) >>> 16;
    const t1 = 65536 + ((words[2 * i + 3] as number) >>> 16);
    const t2 = 131072 + ((words[2 * i + 5] as number) >>> 16);
    const t3 = 196608 + ((words[2 * i + 7] as number) >>> 16);
    L[t0] = (L[t0] as number) + 1;
    L[t1] = (L[t1] as number) + 1;
    L[t2] = (L[t2] as number) + 1;
    L[t3] = (L[t3] as number) + 1;
  }
  for (; i < hi; i++) {
    sum += a[i] as number;
    const top = (words[2 * i + 1] as number) >>> 16;
    L[top] = (L[top] as number) + 1;
  }
  for (let t = 0; t < 65536; t++) count[t] = (L[t] as number) + (L[65536 + t] as number) + (L[131072 + t] as number) + (L[196608 + t] as number);
  return sum;
}

/** {@link sumTopCounts} with one histogram (`count` zeroed). */
function sumTopCountsOne(a: Float64Array, words: Uint32Array, lo: number, hi: number, count: Int32Array): number {
  let sum = 0;
  for (let i = lo; i < hi; i++) {
    sum += a[i] as number;
    const top = (words[2 * i + 1] as number) >>> 16;
    count[top] = (count[top] as number) + 1;
  }
  return sum;
}

/** Copy pass of {@link quantilesNonNegative}: the values whose top 16 bits mark a wanted bucket, each into its bucket's run. */
function gatherBuckets(a: Float64Array, words: Uint32Array, lo: number, hi: number, target: Int32Array, pool: Float64Array, fill: Int32Array): void {
  for (let i = lo; i < hi; i++) {
    const j = target[(words[2 * i + 1] as number) >>> 16] as number;
    if (j < 0) continue;
    const w = fill[j] as number;
    pool[w] = a[i] as number;
    fill[j] = w + 1;
  }
}
