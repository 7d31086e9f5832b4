/**
 * Small exact statistics shared by the analyses: log-gamma, binomial coefficients in log space, the
 * hypergeometric distribution (point probabilities and both tails), Fisher's exact test on a 2×2
 * table, and mean / median of a sample. All pure; none allocates more than the support it sums.
 * @internal
 */
import { fail } from '../errors/FunnelError.js';

// Lanczos approximation, g = 7, n = 9 (the coefficients of Numerical Recipes / Boost's "lanczos13"
// family; relative error below 2e-15 over the positive reals).
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.9189385332046727; // ln(√(2π))

// ln(k!) for k < 256, summed exactly enough in double precision (no approximation for small counts).
const LOG_FACTORIAL: number[] = [0];
for (let k = 1; k < 256; k++) LOG_FACTORIAL.push((LOG_FACTORIAL[k - 1] as number) + Math.log(k));

/**
 * ln Γ(x) for x > 0: the Lanczos approximation (g = 7, 9 terms), with a table of ln(k!) for small
 * integers. Used instead of factorials so that binomial coefficients of 90,000 units never overflow.
 * @internal
 */
export function logGamma(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) fail('INVALID_OPTION', 'a positive finite number', x, ['x']);
  if (Number.isInteger(x) && x <= 256) return LOG_FACTORIAL[x - 1] as number;
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x); // reflection
  const z = x - 1;
  let a = LANCZOS[0] as number;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += (LANCZOS[i] as number) / (z + i);
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln C(n, k) for integers 0 ≤ k ≤ n; −Infinity outside that range. @internal */
export function logChoose(n: number, k: number): number {
  if (k < 0 || k > n) return -Infinity;
  if (k === 0 || k === n) return 0;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

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

/**
 * P(X = k) = C(K, k)·C(N − K, n − k) / C(N, n), computed in log space (0 outside the support).
 * @internal
 */
export function hypergeometricPmf(k: number, d: Hypergeometric): number {
  const { min, max } = hypergeometricSupport(d);
  if (!Number.isInteger(k) || k < min || k > max) return 0;
  return Math.exp(logPmf(k, d));
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

/** Which alternative hypothesis a Fisher test measures. @internal */
export type FisherAlternative = 'two-sided' | 'greater' | 'less';

/**
 * Fisher's exact test on the 2×2 table [[a, b], [c, d]] (rows: with / without; columns: success /
 * failure). Under independence, a is hypergeometric with N = a+b+c+d, K = a+c, n = a+b.
 * - `greater`: P(X ≥ a) (the first row succeeds more often);
 * - `less`: P(X ≤ a);
 * - `two-sided`: the sum of P(X = i) over every i no more likely than the observed a (with a relative
 *   tolerance of 1e-7, as R's `fisher.test`).
 * @internal
 */
export function fisherExactTest(a: number, b: number, c: number, d: number, alternative: FisherAlternative = 'two-sided'): number {
  const cells = [a, b, c, d];
  cells.forEach((v, i) => {
    if (!Number.isSafeInteger(v) || v < 0) fail('INVALID_OPTION', 'a non-negative integer cell count', v, ['table', i]);
  });
  const dist: Hypergeometric = { population: a + b + c + d, successes: a + c, draws: a + b };
  if (alternative === 'greater' || alternative === 'less') {
    const t = hypergeometricTails(a, dist);
    return Math.min(1, alternative === 'greater' ? t.equal + t.above : t.equal + t.below);
  }
  const { min, p: table } = pmfTable(dist);
  const j = a - min;
  const observed = j >= 0 && j < table.length ? Math.max(table[j] as number, Math.exp(logPmf(a, dist))) : 0;
  const limit = observed * (1 + 1e-7);
  let p = 0;
  let total = 0;
  for (const q of table) {
    total += q;
    if (q <= limit) p += q;
  }
  return Math.min(1, p / total);
}

/** Arithmetic mean, or `null` for an empty sample. @internal */
export function mean(values: ArrayLike<number>): number | null {
  const n = values.length;
  if (n === 0) return null;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i] as number;
  return s / n;
}

/**
 * Median: the middle value of the sorted sample, or the midpoint of the two middle values when the
 * count is even; `null` for an empty sample. Does not mutate its input. Cost O(n log n).
 * @internal
 */
export function median(values: ArrayLike<number>): number | null {
  const n = values.length;
  if (n === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const mid = n >>> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
