/**
 * Memory for a big output column (an `ActionLog`'s grouped times, action codes and offsets): a
 * `SharedArrayBuffer` where the platform has one (Node; browser pages only when cross-origin isolated),
 * else an `ArrayBuffer`. Both start zero-filled and read and write alike; shared memory lets the worker
 * threads of `funnelwise/threads` read the log without a copy. @internal
 */
export function columnBuffer(bytes: number): ArrayBuffer | SharedArrayBuffer {
  return typeof SharedArrayBuffer === 'function' ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** A zero-filled `Float64Array` column of length `n` on {@link columnBuffer} memory. @internal */
export function float64Column(n: number): Float64Array {
  return new Float64Array(columnBuffer(n * 8));
}

/** A zero-filled `Uint16Array` column of length `n` on {@link columnBuffer} memory. @internal */
export function uint16Column(n: number): Uint16Array {
  return new Uint16Array(columnBuffer(n * 2));
}

/** A zero-filled `Int32Array` column of length `n` on {@link columnBuffer} memory. @internal */
export function int32Column(n: number): Int32Array {
  return new Int32Array(columnBuffer(n * 4));
}
