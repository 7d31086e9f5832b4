/**
 * Order statistics by selection (no full sort): Hoare's quickselect with a median-of-three pivot,
 * in place on a caller-owned buffer. Used where thousands of groups each need a few quantiles.
 * @internal
 */

/** Rearranges `a[lo..hi)` so that `a[k]` is the value it would have if sorted; O(n) expected. @internal */
export function selectInPlace(a: Float64Array, lo: number, hi: number, k: number): number {
  let l = lo;
  let r = hi - 1;
  while (r > l) {
    const m = (l + r) >> 1;
    // median of three to the middle
    let x = a[l] as number;
    let y = a[m] as number;
    let z = a[r] as number;
    if (x > y) [x, y] = [y, x];
    if (y > z) [y, z] = [z, y];
    if (x > y) [x, y] = [y, x];
    const pivot = y;
    let i = l;
    let j = r;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else break;
  }
  return a[k] as number;
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
