/**
 * Between-period over-dispersion of event counts by the method of moments (DerSimonian & Laird
 * 1986, applied to rates): periods k = 1..K with observed counts O_k and expected counts E_k under a
 * model; the model says O_k ~ Poisson(c · θ_k · E_k) with a common level c and a period multiplier
 * θ_k of mean 1 and variance τ². @internal
 */

/** The moment estimate of the between-period variance. @internal */
export interface Overdispersion {
  /** Periods used (those with E_k > 0). */
  readonly periods: number;
  /** ĉ = Σ O / Σ E: the common level. */
  readonly level: number;
  /** Q = Σ (O_k − ĉE_k)² / (ĉE_k): Pearson's heterogeneity statistic (K − 1 degrees of freedom without over-dispersion). */
  readonly q: number;
  /** τ̂² = max(0, (Q − (K − 1)) / (ĉ · (ΣE − ΣE²/ΣE))): the variance of the period multiplier. */
  readonly variance: number;
}

/**
 * τ̂² by the DerSimonian–Laird moment estimator on the ratios r_k = O_k / E_k, whose within-period
 * variance is ĉ / E_k (Poisson) and between-period variance ĉ²τ²: with weights w_k = E_k / ĉ,
 * Q = Σ w_k (r_k − ĉ)² has expectation (K − 1) + ĉ²τ² (Σw − Σw²/Σw), hence
 * τ̂² = max(0, (Q − (K − 1)) / (ĉ (ΣE − ΣE²/ΣE))). With equal E_k it is the sample variance of the
 * ratios (divisor K − 1) minus the Poisson part ĉ/E, over ĉ². Periods with E_k ≤ 0 are skipped.
 * Variance 0 when fewer than 2 periods, no event at all, or the counts vary less than Poisson noise.
 * @internal
 */
export function overdispersion(observed: ArrayLike<number>, expected: ArrayLike<number>): Overdispersion {
  let so = 0;
  let se = 0;
  let se2 = 0;
  let k = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    if (!(e > 0)) continue;
    so += observed[i] as number;
    se += e;
    se2 += e * e;
    k++;
  }
  const level = se > 0 ? so / se : 0;
  if (k < 2 || level <= 0) return { periods: k, level, q: 0, variance: 0 };
  let q = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    if (!(e > 0)) continue;
    const m = level * e;
    const d = (observed[i] as number) - m;
    q += (d * d) / m;
  }
  const denom = level * (se - se2 / se);
  const variance = denom > 0 ? Math.max(0, (q - (k - 1)) / denom) : 0;
  return { periods: k, level, q, variance };
}

/** The moment estimate of a multiplicative error variance from past forecasts. @internal */
export interface ExcessErrorVariance {
  /** Periods used (those with a forecast > 0). */
  readonly periods: number;
  /** Σ actual / Σ forecast (1 = the forecasts were unbiased on the whole). */
  readonly level: number;
  /** τ̂² = max(0, Σ_k [(Y_k − F_k)² − V_k] / Σ_k F_k²). */
  readonly variance: number;
}

/**
 * The variance τ² of a period multiplier θ (mean 1) from past forecasts: period k was forecast with
 * mean F_k and model variance V_k (the spread the forecaster already simulates) and Y_k happened.
 * If Y_k = θ_k·F_k + noise of variance V_k, then E[(Y_k − F_k)²] = V_k + τ²F_k², so
 * τ̂² = max(0, Σ_k [(Y_k − F_k)² − V_k] / Σ_k F_k²) — the squared relative errors beyond what the
 * model explains, weighted by F_k². The errors are measured around the forecasts themselves (no
 * level is refitted), so a forecaster's bias counts as error: all K periods are degrees of freedom.
 * Periods with F_k ≤ 0 are skipped; 0 without any. @internal
 */
export function excessErrorVariance(actual: ArrayLike<number>, forecast: ArrayLike<number>, modelVariance: ArrayLike<number>): ExcessErrorVariance {
  let num = 0;
  let den = 0;
  let sy = 0;
  let sf = 0;
  let k = 0;
  for (let i = 0; i < forecast.length; i++) {
    const f = forecast[i] as number;
    if (!(f > 0)) continue;
    const d = (actual[i] as number) - f;
    num += d * d - (modelVariance[i] as number);
    den += f * f;
    sy += actual[i] as number;
    sf += f;
    k++;
  }
  if (k === 0) return { periods: 0, level: 0, variance: 0 };
  return { periods: k, level: sy / sf, variance: Math.max(0, num / den) };
}
