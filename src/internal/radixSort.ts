/**
 * Sorting many doubles fast: an LSD radix sort (16-bit digits over the IEEE-754 bit pattern) for
 * arrays of non-negative numbers, whose bit patterns order like the numbers themselves. Passes whose
 * digit is the same for every value are skipped (durations in ms use few of the 64 bits). Falls back
 * to the native sort for short arrays, negative zero, negative numbers or NaN. Internal. @internal
 */

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** Sorts `a` ascending in place (the same order as `Float64Array.prototype.sort`). O(n) for n ≥ 4096. @internal */
export function sortNonNegativeInPlace(a: Float64Array): void {
  const n = a.length;
  if (n < 4096 || !LITTLE_ENDIAN) {
    a.sort();
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = a[i] as number;
    if (!(v > 0 || (v === 0 && 1 / v > 0))) {
      a.sort();
      return;
    }
  }
  let src: Float64Array = a;
  let dst: Float64Array = new Float64Array(n);
  let srcU: Uint32Array = new Uint32Array(src.buffer, src.byteOffset, 2 * n);
  let dstU: Uint32Array = new Uint32Array(dst.buffer, dst.byteOffset, 2 * n);
  const count = new Int32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1; // 0: low 32 bits, 1: high 32 bits (little-endian)
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let i = 0; i < n; i++) {
      const d = ((srcU[2 * i + word] as number) >>> shift) & 0xffff;
      count[d] = (count[d] as number) + 1;
    }
    const first = ((srcU[word] as number) >>> shift) & 0xffff;
    if (count[first] === n) continue; // every value has this digit: the pass would not move anything
    let acc = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d] as number;
      count[d] = acc;
      acc += c;
    }
    for (let i = 0; i < n; i++) {
      const d = ((srcU[2 * i + word] as number) >>> shift) & 0xffff;
      const w = count[d] as number;
      count[d] = w + 1;
      dstU[2 * w] = srcU[2 * i] as number;
      dstU[2 * w + 1] = srcU[2 * i + 1] as number;
    }
    [src, dst] = [dst, src];
    [srcU, dstU] = [dstU, srcU];
  }
  if (src !== a) a.set(src);
}

/**
 * The indexes `idx` reordered so that `keys[idx[0]] ≤ keys[idx[1]] ≤ …` (a stable argsort: equal keys
 * keep the order of `idx`), for non-negative keys, by the same LSD radix sort over the bit patterns.
 * Falls back to a stable comparison sort for short inputs, negative zero, negative keys or NaN.
 * Returns a new array. O(n) for n ≥ 4096. @internal
 */
export function argsortNonNegative(keys: Float64Array, idx: Int32Array): Int32Array {
  const n = idx.length;
  let fallback = n < 4096 || !LITTLE_ENDIAN;
  for (let j = 0; j < n && !fallback; j++) {
    const v = keys[idx[j] as number] as number;
    if (!(v > 0 || (v === 0 && 1 / v > 0))) fallback = true;
  }
  if (fallback) return Int32Array.from(Array.from(idx).sort((x, y) => (keys[x] as number) - (keys[y] as number) || 0));
  const bits = new Uint32Array(keys.buffer, keys.byteOffset, 2 * keys.length);
  let src = Int32Array.from(idx);
  let dst = new Int32Array(n);
  const count = new Int32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1;
    const shift = (pass & 1) * 16;
    count.fill(0);
    for (let j = 0; j < n; j++) {
      const d = ((bits[2 * (src[j] as number) + word] as number) >>> shift) & 0xffff;
      count[d] = (count[d] as number) + 1;
    }
    const first = ((bits[2 * (src[0] as number) + word] as number) >>> shift) & 0xffff;
    if (count[first] === n) continue; // the same digit everywhere: nothing would move
    let acc = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d] as number;
      count[d] = acc;
      acc += c;
    }
    for (let j = 0; j < n; j++) {
      const i = src[j] as number;
      const d = ((bits[2 * i + word] as number) >>> shift) & 0xffff;
      const w = count[d] as number;
      count[d] = w + 1;
      dst[w] = i;
    }
    [src, dst] = [dst, src];
  }
  return src;
}
