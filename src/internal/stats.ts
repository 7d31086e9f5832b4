/**
 * Small statistics shared by the analyses: normal and Beta quantiles, binomial-proportion intervals
 * (Wilson score, Jeffreys), the empirical quantile rule, a dense linear solver. Pure functions over
 * numbers and typed arrays. @internal
 */

/** A two-sided interval. @internal */
export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/**
 * Quantile of the standard normal distribution (Acklam's rational approximation, refined by one
 * Halley step; absolute error below 1e-12 on (0, 1)). @internal
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = d as [number, number, number, number];
  let x: number;
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else if (p > 1 - 0.02425) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) / ((((d0 * q + d1) * q + d2) * q + d3) * q + 1);
  } else {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) / (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1);
  }
  // one Halley refinement step using the complementary error function
  const e = 0.5 * erfc(-x / Math.SQRT2) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/** Complementary error function (W. J. Cody's rational approximations via erfcx, ~1e-15 relative). @internal */
export function erfc(x: number): number {
  // Numerical Recipes erfc via Chebyshev (erfccheb), accurate to ~1.2e-16 relative.
  const z = Math.abs(x);
  const t = 2 / (2 + z);
  const ty = 4 * t - 2;
  const cof = [
    -1.3026537197817094, 6.4196979235649026e-1, 1.9476473204185836e-2, -9.561514786808631e-3, -9.46595344482036e-4, 3.66839497852761e-4,
    4.2523324806907e-5, -2.0278578112534e-5, -1.624290004647e-6, 1.30365583558e-6, 1.5626441722e-8, -8.5238095915e-8, 6.529054439e-9,
    5.059343495e-9, -9.91364156e-10, -2.27365122e-10, 9.6467911e-11, 2.394038e-12, -6.886027e-12, 8.94487e-13, 3.13092e-13, -1.12708e-13,
    3.81e-16, 7.106e-15, -1.523e-15, -9.4e-17, 1.21e-16, -2.8e-17,
  ];
  let d = 0;
  let dd = 0;
  for (let j = cof.length - 1; j > 0; j--) {
    const tmp = d;
    d = ty * d - dd + (cof[j] as number);
    dd = tmp;
  }
  const r = t * Math.exp(-z * z + 0.5 * ((cof[0] as number) + ty * d) - dd);
  return x >= 0 ? r : 2 - r;
}

/** Natural log of the Gamma function (Lanczos, g = 7, n = 9). @internal */
export function logGamma(x: number): number {
  const g = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const xx = x - 1;
  let a = g[0] as number;
  const t = xx + 7.5;
  for (let i = 1; i < 9; i++) a += (g[i] as number) / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

function betacf(a: number, b: number, x: number): number {
  const FPMIN = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete Beta function I_x(a, b) (continued fraction, Numerical Recipes §6.4). @internal */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbt = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const bt = Math.exp(lbt);
  if (x < (a + 1) / (a + b + 2)) return (bt * betacf(a, b, x)) / a;
  return 1 - (bt * betacf(b, a, 1 - x)) / b;
}

/** Quantile of the Beta(a, b) distribution by bisection on {@link betaCdf} (to double precision in x). @internal */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (betaCdf(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Wilson score interval for a binomial proportion k / n at confidence `level`:
 * (p̂ + z²/2n ± z·√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), z = Φ⁻¹((1+level)/2). n = 0 gives [0, 1]. @internal
 */
export function wilsonInterval(k: number, n: number, level = 0.95): Interval {
  if (n <= 0) return { lower: 0, upper: 1 };
  const z = normalQuantile((1 + level) / 2);
  const p = k / n;
  const z2 = z * z;
  const den = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / den;
  const half = (z / den) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { lower: k <= 0 ? 0 : Math.max(0, centre - half), upper: k >= n ? 1 : Math.min(1, centre + half) };
}

/**
 * Jeffreys interval for a binomial proportion: the equal-tailed quantiles of the Beta(k + ½, n − k + ½)
 * posterior, with the lower end set to 0 when k = 0 and the upper end to 1 when k = n (Brown, Cai &
 * DasGupta 2001). n = 0 gives [0, 1]. @internal
 */
export function jeffreysInterval(k: number, n: number, level = 0.95): Interval {
  if (n <= 0) return { lower: 0, upper: 1 };
  const alpha = 1 - level;
  const a = k + 0.5;
  const b = n - k + 0.5;
  return { lower: k <= 0 ? 0 : betaQuantile(alpha / 2, a, b), upper: k >= n ? 1 : betaQuantile(1 - alpha / 2, a, b) };
}

/**
 * The q-quantile of sorted values by the inverse empirical CDF: the smallest x with
 * (number of values ≤ x) / n ≥ q (Hyndman & Fan type 1). Empty input gives null. @internal
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const k = Math.max(1, Math.ceil(q * n - 1e-12));
  return sorted[Math.min(n, k) - 1] as number;
}

/**
 * Solves A·X = B for a small dense square A (row-major n×n) and B (row-major n×m) by Gaussian
 * elimination with partial pivoting. Returns X (n×m, row-major) or null when A is singular
 * (pivot below 1e-12). Inputs are not modified. Cost O(n³ + n²m). @internal
 */
export function solveLinear(A: ArrayLike<number>, B: ArrayLike<number>, n: number, m: number): Float64Array | null {
  const a = Float64Array.from(A);
  const x = Float64Array.from(B);
  for (let col = 0; col < n; col++) {
    let piv = col;
    let best = Math.abs(a[col * n + col] as number);
    for (let r = col + 1; r < n; r++) {
      const v = Math.abs(a[r * n + col] as number);
      if (v > best) {
        best = v;
        piv = r;
      }
    }
    if (best < 1e-12) return null;
    if (piv !== col) {
      for (let j = 0; j < n; j++) {
        const t = a[col * n + j] as number;
        a[col * n + j] = a[piv * n + j] as number;
        a[piv * n + j] = t;
      }
      for (let j = 0; j < m; j++) {
        const t = x[col * m + j] as number;
        x[col * m + j] = x[piv * m + j] as number;
        x[piv * m + j] = t;
      }
    }
    const d = a[col * n + col] as number;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = (a[r * n + col] as number) / d;
      if (f === 0) continue;
      for (let j = col; j < n; j++) a[r * n + j] = (a[r * n + j] as number) - f * (a[col * n + j] as number);
      for (let j = 0; j < m; j++) x[r * m + j] = (x[r * m + j] as number) - f * (x[col * m + j] as number);
    }
  }
  for (let r = 0; r < n; r++) {
    const d = a[r * n + r] as number;
    for (let j = 0; j < m; j++) x[r * m + j] = (x[r * m + j] as number) / d;
  }
  return x;
}
