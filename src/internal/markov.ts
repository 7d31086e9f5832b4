/**
 * Absorbing Markov chains over k transient states plus two absorbing ones (won, lost), in canonical
 * form P = [[Q, R], [0, I]] (Grinstead & Snell, ch. 11): fundamental matrix N = (I − Q)⁻¹ (found by
 * solving linear systems, never by forming an explicit inverse of anything but I − Q itself),
 * absorption probabilities B = N R, expected moves to absorption t = N 1. @internal
 */
import { solveLinear } from './stats.js';

/** Q (k×k) and R (k×2, columns won then lost), row-major. @internal */
export interface AbsorbingChain {
  readonly k: number;
  readonly Q: Float64Array;
  readonly R: Float64Array;
}

/** The absorption quantities of a chain. @internal */
export interface Absorption {
  /** N = (I − Q)⁻¹, k×k row-major: expected visits to j starting from i. */
  readonly N: Float64Array;
  /** B = N R, k×2: P(absorbed in won | start i) at [2i], in lost at [2i + 1]. */
  readonly B: Float64Array;
  /** t = N 1: expected number of moves until absorption from each transient state. */
  readonly t: Float64Array;
}

/**
 * Row-normalises a transition count matrix with k + 2 columns (transient states, then won, then lost)
 * into Q and R. A row with no observed moves stays all-zero in Q and R (it then absorbs nowhere:
 * B = 0 for it) and is reported in `unobserved`. @internal
 */
export function chainFromCounts(counts: ArrayLike<number>, k: number): AbsorbingChain & { readonly rowTotals: Float64Array; readonly unobserved: number[] } {
  const w = k + 2;
  const Q = new Float64Array(k * k);
  const R = new Float64Array(k * 2);
  const rowTotals = new Float64Array(k);
  const unobserved: number[] = [];
  for (let i = 0; i < k; i++) {
    let tot = 0;
    for (let j = 0; j < w; j++) tot += counts[i * w + j] as number;
    rowTotals[i] = tot;
    if (tot === 0) {
      unobserved.push(i);
      continue;
    }
    for (let j = 0; j < k; j++) Q[i * k + j] = (counts[i * w + j] as number) / tot;
    R[i * 2] = (counts[i * w + k] as number) / tot;
    R[i * 2 + 1] = (counts[i * w + k + 1] as number) / tot;
  }
  return { k, Q, R, rowTotals, unobserved };
}

/** N, B and t for a chain, or null when I − Q is singular (a set of stages that never exits). @internal */
export function absorb(chain: AbsorbingChain): Absorption | null {
  const { k, Q, R } = chain;
  const A = new Float64Array(k * k);
  const I = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    I[i * k + i] = 1;
    for (let j = 0; j < k; j++) A[i * k + j] = (i === j ? 1 : 0) - (Q[i * k + j] as number);
  }
  const N = solveLinear(A, I, k, k);
  if (N === null) return null;
  const B = new Float64Array(k * 2);
  const t = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    let bw = 0;
    let bl = 0;
    for (let j = 0; j < k; j++) {
      const n = N[i * k + j] as number;
      s += n;
      bw += n * (R[j * 2] as number);
      bl += n * (R[j * 2 + 1] as number);
    }
    t[i] = s;
    B[i * 2] = bw;
    B[i * 2 + 1] = bl;
  }
  return { N, B, t };
}

/** One candidate improvement: move δ of probability mass from (i → lost) to (i → to). @internal */
export interface TransitionImprovement {
  /** Transient state whose row changes. */
  readonly from: number;
  /** Target: a transient state index, or k for won. */
  readonly to: number;
  /** The mass actually moved: min(δ, R[i][lost]). */
  readonly shifted: number;
  /** Σ_s weight_s · (B'_won(s) − B_won(s)), exact (re-solved). */
  readonly gain: number;
  /** d gain / d shift at shift 0: Σ_s weight_s · N[s][i] · B_won(to) (B_won(won) = 1). */
  readonly derivative: number;
}

/**
 * Sensitivity of expected wins to each single forward transition: for each transient i and each
 * target j > i (a later transient state, or won) with P(i → j) > 0 or j = i + 1, shift δ of mass from
 * i → lost to i → j, re-solve, and report the weighted gain in win probability (weights = open deals
 * or money per state). Sorted by gain, descending. Cost O(k² · k³) for k states (small k). @internal
 */
export function improvements(chain: AbsorbingChain, base: Absorption, weights: ArrayLike<number>, delta: number): TransitionImprovement[] {
  const { k, Q, R } = chain;
  const out: TransitionImprovement[] = [];
  for (let i = 0; i < k; i++) {
    const lost = R[i * 2 + 1] as number;
    if (lost <= 0) continue;
    const shifted = Math.min(delta, lost);
    for (let j = i + 1; j <= k; j++) {
      const existing = j < k ? (Q[i * k + j] as number) : (R[i * 2] as number);
      if (existing <= 0 && j !== i + 1) continue;
      const Q2 = Float64Array.from(Q);
      const R2 = Float64Array.from(R);
      R2[i * 2 + 1] = lost - shifted;
      if (j < k) Q2[i * k + j] = existing + shifted;
      else R2[i * 2] = existing + shifted;
      const next = absorb({ k, Q: Q2, R: R2 });
      if (next === null) continue;
      let gain = 0;
      let derivative = 0;
      const bj = j < k ? (base.B[j * 2] as number) : 1;
      for (let s = 0; s < k; s++) {
        const wgt = weights[s] as number;
        if (wgt === 0) continue;
        gain += wgt * ((next.B[s * 2] as number) - (base.B[s * 2] as number));
        derivative += wgt * (base.N[s * k + i] as number) * bj;
      }
      out.push({ from: i, to: j, shifted, gain, derivative });
    }
  }
  return out.sort((a, b) => b.gain - a.gain || a.from - b.from || a.to - b.to);
}
