/**
 * Continuous-time absorbing Markov chains over n states (some absorbing), given by their generator
 * (rate matrix) G: G[i][j] ≥ 0 for j ≠ i is the rate of jumps i → j per unit of time, and
 * G[i][i] = −Σ_{j≠i} G[i][j]. The transition matrix over a time t is P(t) = exp(G t).
 *
 * It is computed by **uniformisation** (Jensen 1953; Grassmann 1977; Stewart, *Introduction to the
 * Numerical Solution of Markov Chains*, 1994, §8.6) with scaling and squaring: with Λ ≥ max exit
 * rate and the stochastic matrix U = I + G/Λ,
 *
 *   exp(G h) = Σ_{m≥0} e^{−Λh} (Λh)^m / m! · U^m,
 *   ∫₀ʰ exp(G s) ds = Σ_{m≥0} (1/Λ) · P(Poisson(Λh) > m) · U^m,
 *
 * both sums of non-negative terms (no cancellation), evaluated for h = t / 2^q with Λh ≤ 1/2 so that
 * about 20 terms reach 10⁻¹⁸, then doubled q times: P(2h) = P(h)², F(2h) = F(h) + P(h) F(h)
 * (products of non-negative matrices: stable). Cost O(n³ · (20 + log₂(Λt))). @internal
 */

/** A generator over n states, row-major n×n. @internal */
export interface Generator {
  readonly n: number;
  readonly G: Float64Array;
}

/** exp(G t) and ∫₀ᵗ exp(G s) ds, both n×n row-major. @internal */
export interface TransitionOverTime {
  readonly P: Float64Array;
  readonly F: Float64Array;
}

function matmul(A: Float64Array, B: Float64Array, n: number): Float64Array<ArrayBuffer> {
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < n; l++) {
      const a = A[i * n + l] as number;
      if (a === 0) continue;
      for (let j = 0; j < n; j++) C[i * n + j] = (C[i * n + j] as number) + a * (B[l * n + j] as number);
    }
  }
  return C;
}

/** The largest exit rate max_i −G[i][i] (0 for a chain that never moves). @internal */
export function maxExitRate(gen: Generator): number {
  let m = 0;
  for (let i = 0; i < gen.n; i++) m = Math.max(m, -(gen.G[i * gen.n + i] as number));
  return m;
}

/**
 * P(t) = exp(G t) and F(t) = ∫₀ᵗ P(s) ds for a finite t ≥ 0, by uniformisation with scaling and
 * squaring (see the file comment). @internal
 */
export function transitionOverTime(gen: Generator, t: number): TransitionOverTime {
  const { n, G } = gen;
  const rate = maxExitRate(gen);
  const I = new Float64Array(n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = 1;
  if (t === 0) return { P: I, F: new Float64Array(n * n) };
  if (rate === 0) {
    const F = new Float64Array(n * n);
    for (let i = 0; i < n; i++) F[i * n + i] = t;
    return { P: I, F };
  }
  // h = t / 2^q with rate·h ≤ 1/2 (division by a power of two is exact)
  let q = 0;
  while ((rate * t) / 2 ** q > 0.5) q++;
  const h = t / 2 ** q;
  const mu = rate * h;
  const U = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) U[i] = (I[i] as number) + (G[i] as number) / rate;
  // Poisson(mu) weights w_m and tails P(Poisson > m), the tails summed backwards (no 1 − cdf cancellation)
  const w: number[] = [Math.exp(-mu)];
  const stop = 1e-18 * -Math.expm1(-mu);
  for (let m = 1; m < 200; m++) {
    const next = ((w[m - 1] as number) * mu) / m;
    w.push(next);
    if (next < stop) break;
  }
  let total = 0;
  for (const x of w) total += x;
  for (let m = 0; m < w.length; m++) w[m] = (w[m] as number) / total; // rows of P sum to 1 up to rounding
  const tails = new Float64Array(w.length);
  for (let m = w.length - 2; m >= 0; m--) tails[m] = (tails[m + 1] as number) + (w[m + 1] as number);
  let P: Float64Array = new Float64Array(n * n);
  let F: Float64Array = new Float64Array(n * n);
  let term: Float64Array = I; // U^m
  for (let m = 0; m < w.length; m++) {
    const pw = w[m] as number;
    const fw = (tails[m] as number) / rate;
    for (let i = 0; i < n * n; i++) {
      const u = term[i] as number;
      if (u === 0) continue;
      P[i] = (P[i] as number) + pw * u;
      F[i] = (F[i] as number) + fw * u;
    }
    if (m + 1 < w.length) term = matmul(term, U, n);
  }
  for (let s = 0; s < q; s++) {
    const PF = matmul(P, F, n);
    for (let i = 0; i < n * n; i++) F[i] = (F[i] as number) + (PF[i] as number);
    P = matmul(P, P, n);
  }
  return { P, F };
}
