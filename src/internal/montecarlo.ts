/**
 * Seeded Monte-Carlo of S = Σ_i X_i·a_i (X_i ~ Bernoulli(p_i), independent) plus a compound Poisson
 * term (K ~ Poisson(μ) extra wins, each with an amount drawn uniformly from an empirical list).
 * Typed arrays, no allocation in the inner loop; the PRNG is the stream of `createRng(seed)` (sfc32)
 * with its step inlined, and u < p is tested as the integer draw t < p·2³² (the same comparison,
 * without a division). Draws happen in a fixed order, so the same seed gives the same totals on every
 * platform. @internal
 */
import { FunnelError } from '../errors/FunnelError.js';
import { rngState } from './prng.js';

/** Options of {@link simulateRevenue}. @internal */
export interface SimulationInput {
  readonly amounts: Float64Array;
  readonly probs: Float64Array;
  readonly simulations: number;
  readonly seed: number;
  /** Poisson mean of extra wins per simulation (0 = none). */
  readonly extraMean?: number;
  /** Amounts to draw the extra wins from (uniformly). */
  readonly extraAmounts?: Float64Array;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: { readonly aborted: boolean } | undefined;
}

function poisson(mu: number, rng: () => number): number {
  if (mu <= 0) return 0;
  if (mu > 500) {
    // normal approximation (Box–Muller) for large means, rounded and floored at 0
    const u1 = Math.max(rng(), 1e-300);
    const u2 = rng();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.max(0, Math.round(mu + Math.sqrt(mu) * z));
  }
  // inversion by sequential search
  const u = rng();
  let k = 0;
  let p = Math.exp(-mu);
  let c = p;
  while (u > c && k < 10_000) {
    k++;
    p *= mu / k;
    c += p;
  }
  return k;
}

/** One sfc32 step on a state array (the same step as createRng). @internal */
function stepState(st: Uint32Array): number {
  const a = st[0] as number;
  const b = st[1] as number;
  let c = st[2] as number;
  const d = st[3] as number;
  const t = (((a + b) >>> 0) + d) >>> 0;
  st[3] = (d + 1) >>> 0;
  st[0] = b ^ (b >>> 9);
  st[1] = (c + (c << 3)) >>> 0;
  c = (c << 21) | (c >>> 11);
  st[2] = (c + t) >>> 0;
  return t / 4294967296;
}

/** Totals of each simulation (unsorted, in simulation order). @internal */
export function simulateRevenue(input: SimulationInput): Float64Array {
  const { amounts, probs, simulations, seed } = input;
  const n = amounts.length;
  const thr = new Float64Array(n);
  // u < p ⇔ t < p·2³² for the unsigned draw t; with t kept as a signed int32, flip the sign bit and
  // compare with p·2³² − 2³¹ (all sfc32 arithmetic stays in int32, which V8 keeps in registers)
  for (let i = 0; i < n; i++) thr[i] = (probs[i] as number) * 4294967296 - 2147483648;
  const st = rngState(seed);
  const rng = (): number => stepState(st);
  let a = (st[0] as number) | 0;
  let b = (st[1] as number) | 0;
  let c = (st[2] as number) | 0;
  let d = (st[3] as number) | 0;
  const out = new Float64Array(simulations);
  const mu = input.extraMean ?? 0;
  const extra = input.extraAmounts;
  const m = extra === undefined ? 0 : extra.length;
  const batch = 64;
  for (let s0 = 0; s0 < simulations; s0 += batch) {
    if (input.signal?.aborted === true) throw new FunnelError('ABORTED', 'funnelwise: the simulation was aborted through its AbortSignal', { path: ['options', 'signal'] });
    const s1 = Math.min(simulations, s0 + batch);
    for (let s = s0; s < s1; s++) {
      let total = 0;
      for (let i = 0; i < n; i++) {
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        total += (amounts[i] as number) * +((t ^ -2147483648) < (thr[i] as number));
      }
      if (mu > 0 && m > 0 && extra !== undefined) {
        st[0] = a;
        st[1] = b;
        st[2] = c;
        st[3] = d;
        const k = poisson(mu, rng);
        for (let j = 0; j < k; j++) total += extra[Math.min(m - 1, Math.floor(rng() * m))] as number;
        a = (st[0] as number) | 0;
        b = (st[1] as number) | 0;
        c = (st[2] as number) | 0;
        d = (st[3] as number) | 0;
      }
      out[s] = total;
    }
    input.onProgress?.(s1, simulations);
  }
  return out;
}
