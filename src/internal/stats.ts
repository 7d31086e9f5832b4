/**
 * Small statistics used by the analytics rooms (drop-off, segments, metrics): the normal tail, log-gamma
 * and log-factorial, the two-proportion z-test, Fisher's exact test, and type-7 quantiles. Not
 * exported from the package. Every function is pure and documents its accuracy and edge cases.
 * @internal
 */
import { fail } from '../errors/FunnelError.js';

const SQRT_PI = Math.sqrt(Math.PI);
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * The complementary error function erfc(x) = 1 − erf(x) = (2/√π) ∫ₓ^∞ e^(−t²) dt, with a relative
 * error below about 2e-15 over the whole real line (checked against an arbitrary-precision
 * reference in the tests).
 *
 * Method (no fitted constants): for |x| < 1, the everywhere-positive series
 * erf(x) = (2/√π) e^(−x²) Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), then erfc = 1 − erf; for x ≥ 1, the
 * Laplace continued fraction erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) evaluated
 * with the modified Lentz algorithm (at most ~190 terms at x = 1, fewer further out); for x < 0, erfc(x) = 2 − erfc(−x). NaN in → NaN out; ±∞ → 0 / 2.
 * @internal
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (x < 1) return 1 - erfSeries(x);
  if (x > 27.3) return 0; // e^(-x²) underflows below the smallest double
  return (Math.exp(-x * x) / SQRT_PI) * laplaceContinuedFraction(x);
}

/** erf(x) for 0 ≤ x < 1 by the positive series (terms shrink from the start since 2x² < 3). */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 0; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 3);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}

/** 1/(x + a1/(x + a2/(x + …))) with a_k = k/2, by the modified Lentz algorithm (x ≥ 1). */
function laplaceContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return 1 / f;
}

/**
 * The standard normal upper tail P(Z ≥ z) = erfc(z/√2)/2, accurate in relative terms far into the
 * tail (z = 8 gives 6.22e-16, not 0). @internal
 */
export function normalUpperTail(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/** The standard normal CDF Φ(z) = erfc(−z/√2)/2. @internal */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; reflection not needed for our uses). Relative error ~1e-15. @internal */
export function logGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) fail('INVALID_OPTION', 'a finite number > 0', x, ['x']);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const g = 7;
  const c = LANCZOS;
  const y = x - 1;
  let a = c[0] as number;
  const t = y + g + 0.5;
  for (let i = 1; i < 9; i++) a += (c[i] as number) / (y + i);
  return LN_SQRT_2PI + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

const LOG_FACTORIAL_TABLE_SIZE = 256;
const LOG_FACTORIAL: Float64Array = (() => {
  const t = new Float64Array(LOG_FACTORIAL_TABLE_SIZE);
  for (let k = 2; k < LOG_FACTORIAL_TABLE_SIZE; k++) t[k] = (t[k - 1] as number) + Math.log(k);
  return t;
})();

/**
 * ln(n!) for an integer n ≥ 0: an exact running sum of logarithms for n < 256, the Stirling series
 * (n + ½)ln n − n + ½ln 2π + 1/(12n) − 1/(360n³) + 1/(1260n⁵) − 1/(1680n⁷) above (truncation error
 * below 1e-24). @internal
 */
export function logFactorial(n: number): number {
  if (!Number.isInteger(n) || n < 0) fail('INVALID_OPTION', 'an integer ≥ 0', n, ['n']);
  if (n < LOG_FACTORIAL_TABLE_SIZE) return LOG_FACTORIAL[n] as number;
  const inv = 1 / n;
  const inv2 = inv * inv;
  return (n + 0.5) * Math.log(n) - n + LN_SQRT_2PI + inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 / 1680)));
}

/** ln of the binomial coefficient C(n, k), for integers 0 ≤ k ≤ n. @internal */
export function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

/**
 * A 2×2 table of two groups' outcomes: group A had `successesA` successes out of `trialsA`, group B
 * `successesB` out of `trialsB`. @internal
 */
export interface TwoByTwo {
  readonly successesA: number;
  readonly trialsA: number;
  readonly successesB: number;
  readonly trialsB: number;
}

function checkTable(t: TwoByTwo): void {
  const entries: [keyof TwoByTwo, number][] = [
    ['successesA', t.successesA],
    ['trialsA', t.trialsA],
    ['successesB', t.successesB],
    ['trialsB', t.trialsB],
  ];
  for (const [k, v] of entries) if (!Number.isSafeInteger(v) || v < 0) fail('INVALID_OPTION', 'a count (safe integer ≥ 0)', v, [k]);
  if (t.successesA > t.trialsA) fail('INVALID_OPTION', `successes ≤ trials (${t.trialsA})`, t.successesA, ['successesA']);
  if (t.successesB > t.trialsB) fail('INVALID_OPTION', `successes ≤ trials (${t.trialsB})`, t.successesB, ['successesB']);
}

/**
 * The four expected cell counts under "both groups have the same rate" (pooled rate p̂ = total
 * successes / total trials): nA·p̂, nA·(1 − p̂), nB·p̂, nB·(1 − p̂); returns the smallest. `null` when a
 * group has no trials. @internal
 */
export function minExpectedCount(t: TwoByTwo): number | null {
  checkTable(t);
  const n = t.trialsA + t.trialsB;
  if (t.trialsA === 0 || t.trialsB === 0) return null;
  const p = (t.successesA + t.successesB) / n;
  return Math.min(t.trialsA, t.trialsB) * Math.min(p, 1 - p);
}

/** The outcome of the pooled two-proportion z-test. @internal */
export interface ZTestResult {
  /** The z statistic (p̂A − p̂B) / SE; 0 when both rates are 0 or both are 1 (SE = 0). */
  readonly z: number;
  /** The two-sided p-value P(|Z| ≥ |z|) = erfc(|z|/√2). */
  readonly pValue: number;
}

/**
 * The pooled two-proportion z-test (two-sided): p̂ = (xA + xB)/(nA + nB),
 * SE = √(p̂(1 − p̂)(1/nA + 1/nB)), z = (xA/nA − xB/nB)/SE, p = erfc(|z|/√2). Equivalent to the
 * Pearson χ² test without continuity correction (z² = χ²). Returns `null` when a group has no trials.
 * When the pooled rate is 0 or 1 the two rates are equal: z = 0, p = 1. @internal
 */
export function twoProportionZTest(t: TwoByTwo): ZTestResult | null {
  checkTable(t);
  const { successesA: xA, trialsA: nA, successesB: xB, trialsB: nB } = t;
  if (nA === 0 || nB === 0) return null;
  const p = (xA + xB) / (nA + nB);
  const se = Math.sqrt(p * (1 - p) * (1 / nA + 1 / nB));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (xA / nA - xB / nB) / se;
  return { z, pValue: Math.min(1, erfc(Math.abs(z) / Math.SQRT2)) };
}

/**
 * Fisher's exact test (two-sided) on a 2×2 table. With the margins fixed, the count of successes in
 * group A follows the hypergeometric law P(x) = C(K, x)·C(N − K, nA − x)/C(N, nA) (N = nA + nB,
 * K = xA + xB). The two-sided p-value is the standard one (R's `fisher.test`, SciPy): the sum of P(x)
 * over every x whose probability is ≤ the observed table's, with a relative tolerance of 1e-7 for
 * ties. Probabilities are computed in log space from {@link logFactorial} and normalised by their sum,
 * so large counts neither overflow nor underflow. Returns `null` when a group has no trials.
 * Cost: O(min(K, nA)) log-factorial evaluations. @internal
 */
export function fisherExactTest(t: TwoByTwo): number | null {
  checkTable(t);
  const { successesA: xA, trialsA: nA, successesB: xB, trialsB: nB } = t;
  if (nA === 0 || nB === 0) return null;
  const n = nA + nB;
  const k = xA + xB;
  const lo = Math.max(0, nA - (n - k));
  const hi = Math.min(k, nA);
  if (lo === hi) return 1;
  // ln P(x) up to the constant −ln C(N, nA), which cancels in the normalisation below
  const logP = (x: number): number => logChoose(k, x) + logChoose(n - k, nA - x);
  const logs = new Float64Array(hi - lo + 1);
  let max = Number.NEGATIVE_INFINITY;
  for (let x = lo; x <= hi; x++) {
    const v = logP(x);
    logs[x - lo] = v;
    if (v > max) max = v;
  }
  const observed = logs[xA - lo] as number;
  const threshold = observed + Math.log1p(1e-7);
  let total = 0;
  let tail = 0;
  for (let i = 0; i < logs.length; i++) {
    const v = logs[i] as number;
    const w = Math.exp(v - max);
    total += w;
    if (v <= threshold) tail += w;
  }
  return Math.min(1, tail / total);
}

/**
 * The hypergeometric probability P(X = x) = C(K, x)·C(N − K, n − x)/C(N, n): drawing n items without
 * replacement from N of which K are successes, exactly x successes. 0 outside the support. @internal
 */
export function hypergeometricPmf(x: number, N: number, K: number, n: number): number {
  for (const [name, v] of [
    ['x', x],
    ['N', N],
    ['K', K],
    ['n', n],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 0) fail('INVALID_OPTION', 'an integer ≥ 0', v, [name]);
  }
  if (K > N || n > N) fail('INVALID_OPTION', `K and n ≤ N (${N})`, K > N ? K : n, [K > N ? 'K' : 'n']);
  if (x > K || x > n || n - x > N - K) return 0;
  return Math.exp(logChoose(K, x) + logChoose(N - K, n - x) - logChoose(N, n));
}

/**
 * The p-quantile of already **sorted** numbers by linear interpolation between order statistics —
 * Hyndman & Fan type 7, the default of R's `quantile` and NumPy's `percentile`: h = (n − 1)·p,
 * q = x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋ + 1] − x[⌊h⌋]) (0-based). `null` for an empty array. p outside [0, 1]
 * throws INVALID_OPTION. @internal
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number | null {
  if (!(p >= 0 && p <= 1)) fail('INVALID_OPTION', 'a quantile level in [0, 1]', p, ['quantile']);
  const n = sorted.length;
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  if (lo + 1 >= n) return a;
  const b = sorted[lo + 1] as number;
  return a + (h - lo) * (b - a);
}

/** The type-7 p-quantile of unsorted numbers (copies and sorts; the input is not mutated). O(n log n). @internal */
export function quantile(values: ArrayLike<number>, p: number): number | null {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  return quantileSorted(sorted, p);
}

/** The median (type-7 0.5 quantile, i.e. the mean of the two middle values for an even count). `null` when empty. @internal */
export function median(values: ArrayLike<number>): number | null {
  return quantile(values, 0.5);
}

// ---- Intervals, Beta distribution and a dense solver (used by forecast/) ----

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

/**
 * The q-quantile of sorted values by the inverse empirical CDF: the smallest x with
 * (number of values ≤ x) / n ≥ q (Hyndman & Fan type 1, no interpolation — the rule the forecast
 * intervals use so that every reported quantile is an attained value). Empty input gives null. @internal
 */
export function inverseCdfQuantile(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const k = Math.max(1, Math.ceil(q * n - 1e-12));
  return sorted[Math.min(n, k) - 1] as number;
}

// ——— hypergeometric tails (segment significance, Mixpanel) ———

/**
 * A hypergeometric distribution: `population` items (N) of which `successes` (K) are marked; `draws`
 * (n) are taken without replacement. X = the number of marked items drawn.
 * @internal
 */
export interface Hypergeometric {
  readonly population: number;
  readonly successes: number;
  readonly draws: number;
}

function checkHypergeometric(d: Hypergeometric): void {
  const { population: N, successes: K, draws: n } = d;
  if (!Number.isSafeInteger(N) || N < 0) fail('INVALID_OPTION', 'a non-negative integer population', N, ['population']);
  if (!Number.isSafeInteger(K) || K < 0 || K > N) fail('INVALID_OPTION', `an integer number of successes in 0..${N}`, K, ['successes']);
  if (!Number.isSafeInteger(n) || n < 0 || n > N) fail('INVALID_OPTION', `an integer number of draws in 0..${N}`, n, ['draws']);
}

/** The support of X: max(0, n + K − N) .. min(n, K). @internal */
export function hypergeometricSupport(d: Hypergeometric): { readonly min: number; readonly max: number } {
  checkHypergeometric(d);
  return { min: Math.max(0, d.draws + d.successes - d.population), max: Math.min(d.draws, d.successes) };
}

function logPmf(k: number, d: Hypergeometric): number {
  return logChoose(d.successes, k) + logChoose(d.population - d.successes, d.draws - k) - logChoose(d.population, d.draws);
}

/** The three parts of the distribution around an observed count. @internal */
export interface HypergeometricTails {
  /** P(X < k). */
  readonly below: number;
  /** P(X = k). */
  readonly equal: number;
  /** P(X > k). */
  readonly above: number;
}

/**
 * Every point probability of the support, from the mode outwards: P(mode) once in log space, then the
 * ratio P(i+1)/P(i) = (K − i)(n − i) / ((i + 1)(N − K − n + i + 1)). Terms below 1e-300 of the mode
 * are left at 0 (they cannot change a double sum). Cost O(support) multiplications.
 */
function pmfTable(d: Hypergeometric): { readonly min: number; readonly p: Float64Array } {
  const { min, max } = hypergeometricSupport(d);
  const { population: N, successes: K, draws: n } = d;
  const p = new Float64Array(max - min + 1);
  const mode = Math.min(max, Math.max(min, Math.floor(((n + 1) * (K + 1)) / (N + 2))));
  p[mode - min] = Math.exp(logPmf(mode, d));
  const floor = (p[mode - min] as number) * 1e-300;
  for (let i = mode; i < max; i++) {
    const next = ((p[i - min] as number) * ((K - i) * (n - i))) / ((i + 1) * (N - K - n + i + 1));
    if (next < floor) break;
    p[i + 1 - min] = next;
  }
  for (let i = mode; i > min; i--) {
    const prev = ((p[i - min] as number) * (i * (N - K - n + i))) / ((K - i + 1) * (n - i + 1));
    if (prev < floor) break;
    p[i - 1 - min] = prev;
  }
  return { min, p };
}

/**
 * P(X < k), P(X = k) and P(X > k), each summed directly over its own part of the support (never as
 * 1 − the rest, so a tiny tail keeps its precision), renormalised by the total. Cost O(min(n, K)).
 * @internal
 */
export function hypergeometricTails(k: number, d: Hypergeometric): HypergeometricTails {
  if (!Number.isInteger(k)) fail('INVALID_OPTION', 'an integer count', k, ['k']);
  const { min, p } = pmfTable(d);
  let below = 0;
  let equal = 0;
  let above = 0;
  for (let j = 0; j < p.length; j++) {
    const i = min + j;
    const q = p[j] as number;
    if (i < k) below += q;
    else if (i === k) equal += q;
    else above += q;
  }
  if (k >= min && k < min + p.length && equal === 0) equal = Math.exp(logPmf(k, d)); // beyond the cut-off
  const total = below + equal + above;
  return { below: Math.min(1, below / total), equal: Math.min(1, equal / total), above: Math.min(1, above / total) };
}

/** Arithmetic mean, or `null` for an empty sample. @internal */
export function mean(values: ArrayLike<number>): number | null {
  const n = values.length;
  if (n === 0) return null;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i] as number;
  return s / n;
}
