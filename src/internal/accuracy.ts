/**
 * Forecast accuracy metrics over plain arrays (AWS Forecast "Evaluating predictor accuracy";
 * scikit-learn `mean_pinball_loss`; Brier 1950). @internal
 */

/** Σ|y − ŷ| / Σ|y|; null when Σ|y| = 0. @internal */
export function wape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number | null {
  let num = 0;
  let den = 0;
  for (let i = 0; i < actual.length; i++) {
    num += Math.abs((actual[i] as number) - (forecast[i] as number));
    den += Math.abs(actual[i] as number);
  }
  return den === 0 ? null : num / den;
}

/**
 * mean(|y − ŷ| / |y|) over the points with y ≠ 0 (points with y = 0 are skipped and counted in
 * `skipped`); value null when every actual is 0. @internal
 */
export function mape(actual: ArrayLike<number>, forecast: ArrayLike<number>): { value: number | null; skipped: number } {
  let s = 0;
  let m = 0;
  let skipped = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i] as number;
    if (y === 0) {
      skipped++;
      continue;
    }
    s += Math.abs(y - (forecast[i] as number)) / Math.abs(y);
    m++;
  }
  return { value: m === 0 ? null : s / m, skipped };
}

/** Σ(ŷ − y) / Σy: positive = over-forecast; null when Σy = 0. @internal */
export function bias(actual: ArrayLike<number>, forecast: ArrayLike<number>): number | null {
  let num = 0;
  let den = 0;
  for (let i = 0; i < actual.length; i++) {
    num += (forecast[i] as number) - (actual[i] as number);
    den += actual[i] as number;
  }
  return den === 0 ? null : num / den;
}

/** Mean pinball loss at quantile q: q(y − ŷ) if y ≥ ŷ else (1 − q)(ŷ − y); null on empty input. @internal */
export function pinball(actual: ArrayLike<number>, forecast: ArrayLike<number>, q: number): number | null {
  const n = actual.length;
  if (n === 0) return null;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const y = actual[i] as number;
    const f = forecast[i] as number;
    s += y >= f ? q * (y - f) : (1 - q) * (f - y);
  }
  return s / n;
}

/** Share of actuals inside [lower, upper] (inclusive); null on empty input. @internal */
export function coverage(actual: ArrayLike<number>, lower: ArrayLike<number>, upper: ArrayLike<number>): number | null {
  const n = actual.length;
  if (n === 0) return null;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const y = actual[i] as number;
    if (y >= (lower[i] as number) && y <= (upper[i] as number)) c++;
  }
  return c / n;
}

/** Mean (p − o)² for outcomes o ∈ {0, 1}; null on empty input. @internal */
export function brier(p: ArrayLike<number>, outcome: ArrayLike<number>): number | null {
  const n = p.length;
  if (n === 0) return null;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = (p[i] as number) - (outcome[i] as number);
    s += d * d;
  }
  return s / n;
}

/** The clipping ε of {@link logLoss}: p is clipped to [ε, 1 − ε]. @internal */
export const LOG_LOSS_EPSILON = 1e-15;

/** Mean −[o log p + (1 − o) log(1 − p)] with p clipped to [1e-15, 1 − 1e-15]; null on empty input. @internal */
export function logLoss(p: ArrayLike<number>, outcome: ArrayLike<number>): number | null {
  const n = p.length;
  if (n === 0) return null;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const q = Math.min(1 - LOG_LOSS_EPSILON, Math.max(LOG_LOSS_EPSILON, p[i] as number));
    s -= (outcome[i] as number) === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return s / n;
}

/** One bin of a reliability table. @internal */
export interface ReliabilityBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly meanPredicted: number | null;
  readonly observedRate: number | null;
}

/**
 * Reliability table: `bins` equal-width bins of the predicted probability ([0, 1/b), …, [(b−1)/b, 1]);
 * per bin the count, mean prediction and observed rate (null in empty bins). @internal
 */
export function reliability(p: ArrayLike<number>, outcome: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  const cnt = new Float64Array(bins);
  const sp = new Float64Array(bins);
  const so = new Float64Array(bins);
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    const b = Math.min(bins - 1, Math.max(0, Math.floor(v * bins)));
    cnt[b] = (cnt[b] as number) + 1;
    sp[b] = (sp[b] as number) + v;
    so[b] = (so[b] as number) + (outcome[i] as number);
  }
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const c = cnt[b] as number;
    out.push({ from: b / bins, to: (b + 1) / bins, count: c, meanPredicted: c === 0 ? null : (sp[b] as number) / c, observedRate: c === 0 ? null : (so[b] as number) / c });
  }
  return out;
}
