/**
 * A semi-Markov pipeline: k transient stages plus won (index k) and lost (k + 1); the hazard of
 * leaving stage s towards j depends on the time already spent in s, piecewise constant over bands of
 * that time ([e_0 = 0, e_1), [e_1, e_2), …, [e_last, ∞)). On entering a stage the clock restarts.
 *
 * P(won within t | just entered j) = V_j(t) solves the renewal equation
 *   V_j(t) = ∫₀ᵗ Σ_l f_{j→l}(u) V_l(t − u) du,   V_won = 1, V_lost = 0,
 * where f_{j→l}(u) = S_j(u) q_{j,b(u),l} is the density of leaving j towards l after u. It is solved
 * on a grid of N steps of length Δ = t/N: the exit probabilities of each step are exact for the
 * piecewise-constant hazard (bands split at their edges), the continuation is taken at the middle of
 * the remaining time (V at (n − m + ½)Δ, extrapolated linearly from the grid), so the error is
 * O(Δ²). Cost O(N² · k · (k + 2)) for the fresh curves, O(N · (k + 2)) per conditional query. @internal
 */

/** Banded rates, per day: rates[(s · bands + b) · (k + 2) + j] for s → j in band b (j ≠ s). @internal */
export interface BandedChain {
  readonly k: number;
  /** Band starts in days: [0, e_1, …, e_last] (the last band is open-ended). */
  readonly starts: readonly number[];
  readonly rates: Float64Array;
}

/** The band of a time in stage (days). @internal */
function bandOf(starts: readonly number[], t: number): number {
  let b = 0;
  while (b + 1 < starts.length && t >= (starts[b + 1] as number)) b++;
  return b;
}

/**
 * Probabilities of leaving stage s towards each j during each of N steps of length dt, for a stay
 * that has already lasted d0 days (conditional on that): out[(m − 1) · (k + 2) + j] for step m. @internal
 */
export function sojournExits(ch: BandedChain, s: number, d0: number, dt: number, N: number): Float64Array {
  const w = ch.k + 2;
  const nb = ch.starts.length;
  const out = new Float64Array(N * w);
  let surv = 1;
  for (let m = 0; m < N && surv > 0; m++) {
    let a = d0 + m * dt;
    const end = d0 + (m + 1) * dt;
    while (a < end && surv > 0) {
      const b = bandOf(ch.starts, a);
      const next = b + 1 < nb ? Math.min(end, ch.starts[b + 1] as number) : end;
      const base = (s * nb + b) * w;
      let lambda = 0;
      for (let j = 0; j < w; j++) if (j !== s) lambda += ch.rates[base + j] as number;
      if (lambda > 0) {
        const leave = surv * -Math.expm1(-lambda * (next - a));
        for (let j = 0; j < w; j++) {
          if (j === s) continue;
          const q = ch.rates[base + j] as number;
          if (q > 0) out[m * w + j] = (out[m * w + j] as number) + (leave * q) / lambda;
        }
        surv -= leave;
      }
      a = next;
    }
  }
  return out;
}

/** V at (t + ½)·Δ from the grid values V[0..] of one stage (linear, clamped to [0, 1]). */
function mid(V: Float64Array, k: number, t: number, j: number, known: number): number {
  if (t + 1 <= known) return ((V[t * k + j] as number) + (V[(t + 1) * k + j] as number)) / 2;
  if (t === 0) return 0;
  const v = (V[t * k + j] as number) + ((V[t * k + j] as number) - (V[(t - 1) * k + j] as number)) / 2;
  return Math.min(1, Math.max(0, v));
}

/**
 * V[n · k + j] = P(won within nΔ | just entered transient j), n = 0..N. @internal
 */
export function freshWin(ch: BandedChain, dt: number, N: number): Float64Array {
  const { k } = ch;
  const w = k + 2;
  const V = new Float64Array((N + 1) * k);
  const exits = Array.from({ length: k }, (_, j) => sojournExits(ch, j, 0, dt, N));
  for (let n = 1; n <= N; n++) {
    for (let j = 0; j < k; j++) {
      const E = exits[j] as Float64Array;
      let v = 0;
      for (let m = 1; m <= n; m++) {
        const row = (m - 1) * w;
        v += E[row + k] as number; // into won: won within the remaining time for sure
        for (let l = 0; l < k; l++) {
          const e = E[row + l] as number;
          // remaining time after an exit in step m: between (n − m)Δ and (n − m + 1)Δ
          if (e > 0) v += e * mid(V, k, n - m, l, n - 1);
        }
      }
      V[n * k + j] = Math.min(1, Math.max(0, v));
    }
  }
  return V;
}

/** P(won within NΔ | in stage s for d0 days already), from the fresh curves V. @internal */
export function conditionalWin(ch: BandedChain, V: Float64Array, s: number, d0: number, dt: number, N: number): number {
  const { k } = ch;
  const w = k + 2;
  const E = sojournExits(ch, s, d0, dt, N);
  let v = 0;
  for (let m = 1; m <= N; m++) {
    const row = (m - 1) * w;
    v += E[row + k] as number;
    for (let l = 0; l < k; l++) {
      const e = E[row + l] as number;
      if (e > 0) v += e * mid(V, k, N - m, l, N);
    }
  }
  return Math.min(1, Math.max(0, v));
}

/** ∫₀^{NΔ} V_j(t) dt by the trapezoid rule on the grid. @internal */
export function integrateFresh(V: Float64Array, k: number, j: number, dt: number, N: number): number {
  let s = 0;
  for (let n = 1; n <= N; n++) s += ((V[(n - 1) * k + j] as number) + (V[n * k + j] as number)) / 2;
  return s * dt;
}
