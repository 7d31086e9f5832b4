/**
 * A small, fast, seeded PRNG (sfc32 seeded through splitmix32). Deterministic across platforms.
 * Returns a function producing floats in [0, 1). @internal
 */
export function createRng(seed: number): () => number {
  const st = rngState(seed);
  let a = st[0] as number;
  let b = st[1] as number;
  let c = st[2] as number;
  let d = st[3] as number;
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

/**
 * The initial sfc32 state [a, b, c, d] of {@link createRng} for a seed (splitmix32), for hot loops
 * that inline the sfc32 step themselves and must produce exactly the same stream. @internal
 */
export function rngState(seed: number): Uint32Array {
  let s = seed >>> 0;
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const a = split();
  const b = split();
  const c = split();
  const d = split();
  return Uint32Array.of(a, b, c, d);
}
