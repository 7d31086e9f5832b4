/**
 * The exact distribution of S = Σ_i X_i·a_i with independent X_i ~ Bernoulli(p_i) and non-negative
 * integer amounts a_i (minor units), by discrete convolution on a lattice. @internal
 *
 * Exactness. Let g = gcd of the amounts. When Σ a_i / g + 1 ≤ maxBuckets the lattice step is g and the
 * distribution is exact (probabilities in double precision; each cell is a sum of products of p_i and
 * 1 − p_i). Otherwise the step is w = a multiple of g chosen so that Σ round(a_i / w) + 1 ≤ maxBuckets,
 * each amount is rounded to the nearest multiple of w, and the result is the exact distribution of
 * the *rounded* sum: every revenue value is off by at most Σ|a_i − rounded a_i| ≤ n · w / 2 (`maxError`),
 * typically by about √(Σ p_i (1 − p_i) e_i²) (`typicalError`), after the lattice is shifted by the
 * expected rounding error −Σ p_i e_i so that its mean is the true mean (e_i = rounded a_i − a_i). With tens of thousands of
 * deals the lattice budget forces a step near the deal size and the bucketed answer is coarse: use the
 * Monte-Carlo there, and this exact method to check it at moderate sizes.
 *
 * Bucketed mode sizes the step so that 20 standard deviations of the sum span about maxBuckets cells,
 * and runs the convolution only over the window of cells that hold mass, trimming end cells below
 * 1e-17 / deals (the dropped mass is reported as `trimmedMass`). Cost O(deals × window).
 * The mean Σ a_i p_i and variance Σ a_i² p_i (1 − p_i) are always computed from the unrounded amounts.
 */

/** The lattice distribution: P(S = offset + i·step) = pmf[i]. @internal */
export interface LatticeDistribution {
  readonly step: number;
  readonly offset: number;
  readonly pmf: Float64Array;
  /** true when step = gcd of the amounts (no rounding). */
  readonly exact: boolean;
  /** Worst-case absolute error of any support point (0 when exact): Σ |a_i − rounded a_i|. */
  readonly maxError: number;
  /** Standard deviation of the rounding error of the sum, √(Σ p_i (1 − p_i) e_i²) (0 when exact). */
  readonly typicalError: number;
  /** Probability mass dropped from the negligible ends of the window (bucketed mode only; 0 when exact). */
  readonly trimmedMass: number;
  readonly mean: number;
  readonly variance: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/**
 * Convolution of Bernoulli × amount. Deals with p = 1 shift the offset; p = 0 or amount 0 are skipped.
 * Cost O(Σ_i window_i) ≤ O(n · maxBuckets) in bucketed mode. @internal
 */
export function bernoulliConvolution(amounts: ArrayLike<number>, probs: ArrayLike<number>, maxBuckets = 1 << 20): LatticeDistribution {
  const n = amounts.length;
  let mean = 0;
  let variance = 0;
  let offset = 0;
  let total = 0;
  let g = 0;
  let live = 0;
  for (let i = 0; i < n; i++) {
    const a = amounts[i] as number;
    const p = probs[i] as number;
    mean += a * p;
    variance += a * a * p * (1 - p);
    if (a === 0 || p <= 0) continue;
    if (p >= 1) {
      offset += a;
      continue;
    }
    total += a;
    g = gcd(g, a);
    live++;
  }
  if (live === 0) return { step: 1, offset, pmf: Float64Array.of(1), exact: true, maxError: 0, typicalError: 0, trimmedMass: 0, mean, variance };
  let step = g;
  let exact = true;
  if (total / g + 1 > maxBuckets) {
    exact = false;
    // The mass lies within a few standard deviations of the mean: size the step so that a window of
    // 20 sd spans about maxBuckets cells, as a multiple of g (never below g).
    const sd = Math.sqrt(variance);
    step = g * Math.max(1, Math.floor((20 * sd) / maxBuckets / g));
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const a = amounts[i] as number;
    const p = probs[i] as number;
    if (a === 0 || p <= 0 || p >= 1) continue;
    sum += Math.round(a / step);
  }
  const pmf = new Float64Array(sum + 1);
  pmf[0] = 1;
  // only the window [lo, hi] holds mass; in bucketed mode, end cells below `eps` are trimmed (their
  // total is reported as trimmedMass); in exact mode nothing is trimmed
  const eps = exact ? 0 : 1e-17 / live;
  let lo = 0;
  let hi = 0;
  let trimmed = 0;
  for (let i = 0; i < n; i++) {
    const a = amounts[i] as number;
    const p = probs[i] as number;
    if (a === 0 || p <= 0 || p >= 1) continue;
    const s = Math.round(a / step);
    if (s === 0) continue;
    const q = 1 - p;
    // in place, from the top down: pmf'[x] = q·pmf[x] + p·pmf[x − s]
    for (let x = hi + s; x >= lo; x--) {
      const keep = x <= hi ? (pmf[x] as number) * q : 0;
      const move = x - s >= lo && x - s <= hi ? (pmf[x - s] as number) * p : 0;
      pmf[x] = keep + move;
    }
    hi += s;
    if (eps > 0) {
      while (lo < hi && (pmf[lo] as number) < eps) {
        trimmed += pmf[lo] as number;
        pmf[lo] = 0;
        lo++;
      }
      while (hi > lo && (pmf[hi] as number) < eps) {
        trimmed += pmf[hi] as number;
        pmf[hi] = 0;
        hi--;
      }
    }
  }
  const size = hi + 1;
  let maxError = 0;
  let shift = 0;
  let errVar = 0;
  if (!exact) {
    for (let i = 0; i < n; i++) {
      const a = amounts[i] as number;
      const p = probs[i] as number;
      if (a === 0 || p <= 0 || p >= 1) continue;
      const e = Math.round(a / step) * step - a;
      maxError += Math.abs(e);
      shift += p * e;
      errVar += p * (1 - p) * e * e;
    }
  }
  // bucketed: shift the lattice by the expected rounding error −Σ p e so that its mean is the true mean
  return { step, offset: offset - shift, pmf: pmf.subarray(0, size), exact, maxError, typicalError: Math.sqrt(errVar), trimmedMass: trimmed, mean, variance };
}

/** Smallest support value x with P(S ≤ x) ≥ q (trimmed mass is ignored). @internal */
export function latticeQuantile(d: LatticeDistribution, q: number): number {
  let c = 0;
  const pmf = d.pmf;
  for (let i = 0; i < pmf.length; i++) {
    c += pmf[i] as number;
    if (c >= q - 1e-12) return d.offset + i * d.step;
  }
  return d.offset + (pmf.length - 1) * d.step;
}

/** P(S ≥ x). @internal */
export function latticeTail(d: LatticeDistribution, x: number): number {
  const pmf = d.pmf;
  let c = 0;
  for (let i = pmf.length - 1; i >= 0; i--) {
    if (d.offset + i * d.step < x) break;
    c += pmf[i] as number;
  }
  return Math.min(1, c);
}
