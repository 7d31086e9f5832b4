/**
 * The period multiplier of the revenue Monte-Carlo: θ ~ Gamma(shape α, scale 1/α) (mean 1,
 * variance 1/α) multiplies every deal's chance in a simulated period. A chance cannot exceed 1, so a
 * cell of chance p is multiplied on its *uncapped* scale: p' = min(1, θ·q) with q = q(p) the solution
 * of E[min(1, θ q)] = p, so that every chance keeps its expectation exactly. For a Gamma,
 * E[θ·1{θ < c}] = P(α + 1, αc) (x·f_α(x) = f_{α+1}(x) when the mean is 1), hence
 * E[min(1, θq)] = q·P(α + 1, α/q) + 1 − P(α, α/q), with P the regularized lower incomplete gamma
 * function. For small p nothing is capped and q = p. @internal
 */
import { logGamma } from './stats.js';

/**
 * P(a, x) = γ(a, x) / Γ(a), the regularized lower incomplete gamma function: the series for
 * x < a + 1, else 1 − the continued fraction of Q (modified Lentz); relative error about 1e-14
 * (Numerical Recipes §6.2). @internal
 */
export function regularizedGammaP(a: number, x: number): number {
  if (!(x > 0)) return 0;
  if (x === Infinity) return 1;
  const front = Math.exp(-x + a * Math.log(x) - logGamma(a));
  if (x < a + 1) {
    let ap = a;
    let del = 1 / a;
    let sum = del;
    for (let n = 0; n < 100_000; n++) {
      ap += 1;
      del *= x / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * 1e-16) break;
    }
    return Math.min(1, sum * front);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 100_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.max(0, 1 - front * h);
}

/** E[min(1, θq)] for θ ~ Gamma(α, scale 1/α). @internal */
export function cappedMean(q: number, shape: number): number {
  if (q <= 0) return 0;
  const c = shape / q;
  return q * regularizedGammaP(shape + 1, c) + 1 - regularizedGammaP(shape, c);
}

const GRID = 1024;

/**
 * The map p ↦ q(p) with E[min(1, θ q(p))] = p for θ ~ Gamma(α = `shape`, scale 1/α): a table of
 * E[min(1, θq)] on a geometric grid of q (10⁻⁴ up to where it reaches 1 − 10⁻¹², at most 10⁶), read
 * by binary search and linear interpolation (each chance kept to about 10⁻⁴, well below the
 * Monte-Carlo noise); below the grid q = p·(grid's first q / its mean). p ≥ 1 maps to Infinity (θ·q
 * is then always capped at 1). Above shape 10⁴ (τ < 0.01) the cap is left as it is: q = p. Built once
 * per run, O(1024) incomplete gamma evaluations; each lookup O(log 1024). @internal
 */
export function uncappedChance(shape: number): (p: number) => number {
  if (shape > 1e4) return (p) => (p >= 1 ? Infinity : Math.max(0, p));
  const lo = 1e-4;
  let hi = 1;
  while (hi < 1e6 && cappedMean(hi, shape) < 1 - 1e-12) hi *= 2;
  const qs = new Float64Array(GRID);
  const fs = new Float64Array(GRID);
  const ratio = Math.pow(hi / lo, 1 / (GRID - 1));
  for (let i = 0; i < GRID; i++) {
    const q = lo * Math.pow(ratio, i);
    qs[i] = q;
    fs[i] = Math.max(i > 0 ? (fs[i - 1] as number) : 0, cappedMean(q, shape));
  }
  const f0 = fs[0] as number;
  const fLast = fs[GRID - 1] as number;
  return (p: number): number => {
    if (!(p > 0)) return 0;
    if (p >= 1) return Infinity;
    if (p <= f0) return (p * lo) / f0;
    if (p >= fLast) return hi;
    let a = 0;
    let b = GRID - 1;
    while (b - a > 1) {
      const m = (a + b) >>> 1;
      if ((fs[m] as number) <= p) a = m;
      else b = m;
    }
    const fa = fs[a] as number;
    const fb = fs[b] as number;
    const qa = qs[a] as number;
    const qb = qs[b] as number;
    return fb > fa ? qa + ((p - fa) / (fb - fa)) * (qb - qa) : qa;
  };
}
