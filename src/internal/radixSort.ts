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
