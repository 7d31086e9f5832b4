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
