/**
 * The median of a large array of numbers with one branch-free pass: a strided sample gives two bounds
 * that bracket the middle rank(s); one pass counts the values below the lower bound and copies the
 * values between the bounds into a small buffer; the selection runs there. Quickselect over the whole
 * array pays a mispredicted branch for about every other comparison; this pass has none, so it is
 * several times faster on large arrays. When the bounds miss (the sample was unrepresentative) it falls
 * back to the in-place selection, so the result is always exact: the same value as
 * `quantileInPlace(a, 0, n, 0.5)` (order statistics do not depend on the method). @internal
 */
import { quantileInPlace, selectInPlace } from './select.js';

/** Below this many values the plain in-place selection is used. @internal */
export const SAMPLED_MEDIAN_MIN = 8192;

/**
 * Median of `a[0 .. n)` (midpoint of the two middle values for an even count), `null` when `n` is 0.
 * May reorder `a[0 .. n)`. No NaN in the range. @internal
 */
export function medianOf(a: Float64Array, n: number): number | null {
  if (n < SAMPLED_MEDIAN_MIN) return quantileInPlace(a, 0, n, 0.5);
  const h = (n - 1) * 0.5;
  const f = Math.floor(h);
  const last = f + 1 < n && h !== f ? f + 1 : f; // the highest rank needed
  // a strided sample of about n^(2/3) values, sorted; bounds about 3 standard deviations around the rank
  const s = Math.min(n, Math.max(1024, Math.floor(Math.cbrt(n) ** 2)));
  const sample = new Float64Array(s);
  const stride = n / s;
  for (let i = 0; i < s; i++) sample[i] = a[Math.floor(i * stride)] as number;
  sample.sort();
  const r = (f / n) * s;
  const d = 3 * Math.sqrt(s) + 2;
  const lo = sample[Math.max(0, Math.floor(r - d))] as number;
  const hi = sample[Math.min(s - 1, Math.ceil(r + d))] as number;
  // one pass: values below lo are counted, values in [lo, hi] copied (branch-free)
  const cap = Math.min(n, Math.ceil(((2 * d + 2) / s) * n * 4) + 64);
  const buf = new Float64Array(cap + 1);
  let below = 0;
  let j = 0;
  let overflow = false;
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    below += +(x < lo);
    buf[j] = x;
    j += +(x >= lo) & +(x <= hi);
    if (j === cap) {
      overflow = true;
      break;
    }
  }
  if (overflow || below > f || below + j <= last) return quantileInPlace(a, 0, n, 0.5);
  const k = f - below;
  const x = selectInPlace(buf, 0, j, k);
  if (last === f) return x;
  let y = Infinity;
  for (let i = k + 1; i < j; i++) if ((buf[i] as number) < y) y = buf[i] as number;
  return x + (h - f) * (y - x);
}
