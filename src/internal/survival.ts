/**
 * Survival estimators over plain arrays: Kaplan–Meier with right censoring (and optional delayed
 * entry), Greenwood variance with log-log confidence intervals, Aalen–Johansen cumulative incidence
 * for competing causes with the delta-method variance (Marubini & Valsecchi 1995, as in SAS PROC
 * LIFETEST `ERROR=DELTA`) and log-log intervals, quantiles with Brookmeyer–Crowley-style intervals
 * read off the confidence band, and conditional versions given survival to an age. @internal
 */
import { normalQuantile } from './stats.js';

/**
 * The fitted step functions at the distinct event times t_1 < … < t_L.
 * All arrays have length L. @internal
 */
export interface CompetingRisksFit {
  /** Number of subjects. */
  readonly n: number;
  /** Number of causes J (event codes 1..J). */
  readonly causes: number;
  /** Distinct event times (any cause), ascending. */
  readonly times: Float64Array;
  /** Y_l: subjects at risk just before t_l (entry < t_l ≤ exit). */
  readonly atRisk: Float64Array;
  /** d_l: events of any cause at t_l. */
  readonly events: Float64Array;
  /** d_jl per cause j (index j − 1). */
  readonly eventsByCause: readonly Float64Array[];
  /** Ŝ(t_l): Kaplan–Meier survival, all causes pooled. */
  readonly survival: Float64Array;
  /** Σ_{m ≤ l} d_m / (Y_m (Y_m − d_m)): the Greenwood sum (Infinity once Ŝ reaches 0). */
  readonly greenwood: Float64Array;
  /** F̂_j(t_l): Aalen–Johansen cumulative incidence per cause (index j − 1). */
  readonly cif: readonly Float64Array[];
}

/** A point estimate with a confidence interval. @internal */
export interface Estimate {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
  /** Standard error of the estimate (delta method); 0 when the estimate is 0 or 1 exactly. */
  readonly se: number;
}

/**
 * Fits Kaplan–Meier and Aalen–Johansen to times with event codes (0 = censored, 1..J = cause).
 * Censored at t means still at risk at t (events before censorings at tied times). `entry` (optional)
 * gives delayed-entry times: subject i is at risk on (entry_i, time_i]. Cost O(n log n). @internal
 */
export function fitCompetingRisks(time: ArrayLike<number>, event: ArrayLike<number>, causes: number, entry?: ArrayLike<number>): CompetingRisksFit {
  const n = time.length;
  const exits = Float64Array.from(time).sort();
  const entries = entry === undefined ? null : Float64Array.from(entry).sort();
  // event rows sorted by time
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if ((event[i] as number) > 0) idx.push(i);
  idx.sort((a, b) => (time[a] as number) - (time[b] as number));
  const times: number[] = [];
  const ev: number[] = [];
  const byCause: number[][] = Array.from({ length: causes }, () => []);
  for (const i of idx) {
    const t = time[i] as number;
    const c = (event[i] as number) - 1;
    if (times.length === 0 || times[times.length - 1] !== t) {
      times.push(t);
      ev.push(0);
      for (const arr of byCause) arr.push(0);
    }
    const l = times.length - 1;
    ev[l] = (ev[l] as number) + 1;
    const arr = byCause[c];
    if (arr !== undefined) arr[l] = (arr[l] as number) + 1;
  }
  const L = times.length;
  const fit = {
    n,
    causes,
    times: Float64Array.from(times),
    atRisk: new Float64Array(L),
    events: Float64Array.from(ev),
    eventsByCause: byCause.map((a) => Float64Array.from(a)),
    survival: new Float64Array(L),
    greenwood: new Float64Array(L),
    cif: byCause.map(() => new Float64Array(L)),
  };
  let s = 1;
  let g = 0;
  const f = new Float64Array(causes);
  for (let l = 0; l < L; l++) {
    const t = times[l] as number;
    // Y = #{exit ≥ t} − #{entry ≥ t}
    let y = n - lowerBound(exits, t);
    if (entries !== null) y -= n - lowerBound(entries, t);
    const d = ev[l] as number;
    fit.atRisk[l] = y;
    for (let j = 0; j < causes; j++) {
      f[j] = (f[j] as number) + (s * ((byCause[j] as number[])[l] as number)) / y;
      (fit.cif[j] as Float64Array)[l] = f[j] as number;
    }
    s *= 1 - d / y;
    g = y - d > 0 ? g + d / (y * (y - d)) : Infinity;
    fit.survival[l] = s;
    fit.greenwood[l] = g;
  }
  return fit;
}

/**
 * {@link fitCompetingRisks} for rows already in ascending time and without delayed entry, in one
 * sweep: the same fit (the same arithmetic in the same order), O(n) instead of O(n log n). @internal
 */
export function fitSortedCompetingRisks(time: ArrayLike<number>, event: ArrayLike<number>, causes: number): CompetingRisksFit {
  const n = time.length;
  let L = 0;
  for (let j = 0; j < n; ) {
    const t = time[j] as number;
    let any = false;
    while (j < n && time[j] === t) {
      if ((event[j] as number) > 0) any = true;
      j++;
    }
    if (any) L++;
  }
  const fit = {
    n,
    causes,
    times: new Float64Array(L),
    atRisk: new Float64Array(L),
    events: new Float64Array(L),
    eventsByCause: Array.from({ length: causes }, () => new Float64Array(L)),
    survival: new Float64Array(L),
    greenwood: new Float64Array(L),
    cif: Array.from({ length: causes }, () => new Float64Array(L)),
  };
  const dc = new Float64Array(causes);
  const f = new Float64Array(causes);
  let s = 1;
  let g = 0;
  let l = 0;
  let before = 0;
  for (let j = 0; j < n; ) {
    const t = time[j] as number;
    let d = 0;
    for (let c = 0; c < causes; c++) dc[c] = 0;
    let q = j;
    while (q < n && time[q] === t) {
      const e = event[q] as number;
      if (e > 0) {
        d++;
        if (e <= causes) dc[e - 1] = (dc[e - 1] as number) + 1;
      }
      q++;
    }
    if (d > 0) {
      const y = n - before;
      fit.times[l] = t;
      fit.atRisk[l] = y;
      fit.events[l] = d;
      for (let c = 0; c < causes; c++) {
        (fit.eventsByCause[c] as Float64Array)[l] = dc[c] as number;
        f[c] = (f[c] as number) + (s * (dc[c] as number)) / y;
        (fit.cif[c] as Float64Array)[l] = f[c] as number;
      }
      s *= 1 - d / y;
      g = y - d > 0 ? g + d / (y * (y - d)) : Infinity;
      fit.survival[l] = s;
      fit.greenwood[l] = g;
      l++;
    }
    before += q - j;
    j = q;
  }
  return fit;
}

/** First index with a[i] ≥ x in a sorted array. @internal */
export function lowerBound(a: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the last event time ≤ t, or −1. @internal */
export function stepIndex(fit: CompetingRisksFit, t: number): number {
  let lo = 0;
  let hi = fit.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((fit.times[mid] as number) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Ŝ(t). @internal */
export function survivalAt(fit: CompetingRisksFit, t: number): number {
  const l = stepIndex(fit, t);
  return l < 0 ? 1 : (fit.survival[l] as number);
}

/** F̂_j(t) for cause j (1-based). @internal */
export function incidenceAt(fit: CompetingRisksFit, cause: number, t: number): number {
  const l = stepIndex(fit, t);
  return l < 0 ? 0 : ((fit.cif[cause - 1] as Float64Array)[l] as number);
}

/**
 * A log-log interval for a probability-like estimate x with standard error se:
 * θ = log(−log x), se_θ = se / (x |log x|), interval x^{exp(±z se_θ)}. @internal
 */
export function logLogInterval(x: number, se: number, z: number): { lower: number; upper: number } {
  if (!(x > 0 && x < 1) || !(se > 0)) return { lower: x, upper: x };
  const seTheta = se / (x * Math.abs(Math.log(x)));
  if (!Number.isFinite(seTheta)) return { lower: 0, upper: 1 };
  return { lower: Math.pow(x, Math.exp(z * seTheta)), upper: Math.pow(x, Math.exp(-z * seTheta)) };
}

/**
 * Ŝ(t) with the Greenwood standard error Ŝ·√(Σ d/(Y(Y−d))) and the log-log interval. @internal
 */
export function survivalEstimate(fit: CompetingRisksFit, t: number, level = 0.95): Estimate {
  const l = stepIndex(fit, t);
  if (l < 0) return { estimate: 1, lower: 1, upper: 1, se: 0 };
  const s = fit.survival[l] as number;
  const g = fit.greenwood[l] as number;
  const se = s > 0 && Number.isFinite(g) ? s * Math.sqrt(g) : 0;
  const z = normalQuantile((1 + level) / 2);
  return { estimate: s, se, ...logLogInterval(s, se, z) };
}

/**
 * F̂_j(t) with the delta-method variance (Marubini & Valsecchi 1995):
 * Var = Σ_{t_l ≤ t} { [F(t) − F(t_l)]² d_l/(Y_l(Y_l − d_l)) + Ŝ(t_{l−1})² d_jl (Y_l − d_jl)/Y_l³
 *        − 2 [F(t) − F(t_l)] Ŝ(t_{l−1}) d_jl / Y_l² }
 * and the log-log interval. Reduces to the binomial variance without censoring. Cost O(L). @internal
 */
export function incidenceEstimate(fit: CompetingRisksFit, cause: number, t: number, level = 0.95): Estimate {
  const l = stepIndex(fit, t);
  if (l < 0) return { estimate: 0, lower: 0, upper: 0, se: 0 };
  const F = fit.cif[cause - 1] as Float64Array;
  const dj = fit.eventsByCause[cause - 1] as Float64Array;
  const ft = F[l] as number;
  let v = 0;
  let sPrev = 1;
  for (let m = 0; m <= l; m++) {
    const y = fit.atRisk[m] as number;
    const d = fit.events[m] as number;
    const djm = dj[m] as number;
    const diff = ft - (F[m] as number);
    if (y - d > 0) v += (diff * diff * d) / (y * (y - d));
    v += (sPrev * sPrev * djm * (y - djm)) / (y * y * y);
    v -= (2 * diff * sPrev * djm) / (y * y);
    sPrev = fit.survival[m] as number;
  }
  const se = Math.sqrt(Math.max(0, v));
  const z = normalQuantile((1 + level) / 2);
  return { estimate: ft, se, ...logLogInterval(ft, se, z) };
}

/** Ŝ(a + t) / Ŝ(a): survival for t more days given survival to age a (null when Ŝ(a) = 0). @internal */
export function conditionalSurvival(fit: CompetingRisksFit, age: number, t: number): number | null {
  const sa = survivalAt(fit, age);
  if (sa <= 0) return null;
  return survivalAt(fit, age + t) / sa;
}

/** (F̂_j(a + t) − F̂_j(a)) / Ŝ(a): P(cause j within t more days | open at age a); null when Ŝ(a) = 0. @internal */
export function conditionalIncidence(fit: CompetingRisksFit, cause: number, age: number, t: number): number | null {
  const sa = survivalAt(fit, age);
  if (sa <= 0) return null;
  return (incidenceAt(fit, cause, age + t) - incidenceAt(fit, cause, age)) / sa;
}

/** A quantile of the time to event with its interval; null parts when the curve never gets there. @internal */
export interface QuantileEstimate {
  readonly estimate: number | null;
  readonly lower: number | null;
  readonly upper: number | null;
}

/**
 * The q-quantile of the time to any event, given survival to age a (a = 0: unconditional): the first
 * event time t_l > a with Ŝ(t_l)/Ŝ(a) ≤ 1 − q, minus a. The interval is read off the pointwise
 * log-log band of Ŝ (as R's `survfit` does): lower = first t where the band's lower curve ≤ 1 − q,
 * upper = first t where its upper curve ≤ 1 − q. Null when the curve never drops that far. @internal
 */
export function survivalQuantile(fit: CompetingRisksFit, q: number, level = 0.95, age = 0): QuantileEstimate {
  const target = 1 - q;
  const z = normalQuantile((1 + level) / 2);
  const la = stepIndex(fit, age);
  const sa = la < 0 ? 1 : (fit.survival[la] as number);
  const ga = la < 0 ? 0 : (fit.greenwood[la] as number);
  let est: number | null = null;
  let lo: number | null = null;
  let hi: number | null = null;
  if (sa <= 0) return { estimate: null, lower: null, upper: null };
  for (let l = la + 1; l < fit.times.length; l++) {
    const s = (fit.survival[l] as number) / sa;
    const g = (fit.greenwood[l] as number) - ga;
    const se = s > 0 && Number.isFinite(g) ? s * Math.sqrt(g) : 0;
    const band = logLogInterval(s, se, z);
    const t = (fit.times[l] as number) - age;
    if (est === null && s <= target + 1e-12) est = t;
    if (lo === null && band.lower <= target + 1e-12) lo = t;
    if (hi === null && band.upper <= target + 1e-12) hi = t;
    if (hi !== null) break;
  }
  return { estimate: est, lower: lo, upper: hi };
}

/**
 * The q-quantile of the time to cause j among all subjects (a "subdistribution" quantile): the first
 * event time with F̂_j(t) ≥ q. Null when F̂_j never reaches q (for example q above the final win
 * probability). @internal
 */
export function incidenceQuantile(fit: CompetingRisksFit, cause: number, q: number): number | null {
  const F = fit.cif[cause - 1] as Float64Array;
  for (let l = 0; l < F.length; l++) if ((F[l] as number) >= q - 1e-12) return fit.times[l] as number;
  return null;
}
