/**
 * The period effect of {@link forecastRevenue}: how much the win intensity of whole periods swings
 * around what the time-to-close model expects, estimated from the past periods of the same length.
 * @internal
 */
import { overdispersion } from '../internal/overdispersion.js';
import { stepIndex, type CompetingRisksFit } from '../internal/survival.js';
import type { DealTable } from '../io/dealTable.js';
import { days, DEAL_OPEN, DEAL_WON, insufficient, isoOf, type InsufficientHistory } from './shared.js';

/**
 * One past period behind a period effect: the wins recorded in (from, to] and the wins the
 * time-to-close model expects there.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface PeriodWins {
  /** Start of the period (exclusive). */
  readonly from: string;
  /** End of the period (inclusive). */
  readonly to: string;
  /** Deals won in the period (every currency). */
  readonly wins: number;
  /**
   * Wins expected from the deals open during the period: for each, Λ_won(age at the end of its time
   * open in the period) − Λ_won(age at its start), with Λ_won the Nelson–Aalen cumulative hazard of a
   * win by age (all deals up to `now`).
   */
  readonly expectedWins: number;
}

/**
 * The between-period variation of the win intensity (see the Forecasting guide, §6 "Period effect"):
 * every simulation of {@link forecastRevenue} draws one multiplier θ ~ Gamma with mean 1 and standard
 * deviation `sd`, and multiplies every deal's chance to win in the period (capped at 1) and the mean
 * number of new-deal wins by it.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface PeriodVariation {
  /** Always true. */
  readonly ok: true;
  /** τ̂: standard deviation of the period multiplier (0 when the periods vary no more than chance). */
  readonly sd: number;
  /** Σ wins / Σ expected wins over the periods (the recent level relative to all history; not applied). */
  readonly level: number;
  /** Pearson's heterogeneity statistic Q = Σ (wins − level·expected)² / (level·expected); about periods − 1 without a period effect. */
  readonly heterogeneity: number;
  /** Length of each period in days: the forecast period, at least 7 days. */
  readonly lengthDays: number;
  /** The past periods used, most recent first. */
  readonly periods: readonly PeriodWins[];
}

/** Shortest period (days) used to estimate the period effect: below it weekday patterns would count as swings. @internal */
export const MIN_PERIOD_DAYS = 7;

/**
 * Estimates the period effect: the past periods (now − kL, now − (k − 1)L], k = 1..`maxPeriods`, of
 * length L = max(horizon, 7) days, that start at or after the first recorded close and have expected
 * wins > 0; wins O_k and expected wins E_k under `pooled` (the pooled Aalen–Johansen fit by age, cause 1 =
 * won, from {@link buildCloseModel}); τ̂² by the DerSimonian–Laird moment estimator
 * ({@link overdispersion}). Fewer than `minPeriods` usable periods → insufficient history.
 * Cost O(deals × periods + deals × log event times). @internal
 */
export function periodVariation(table: DealTable, now: number, horizon: number, pooled: CompetingRisksFit, maxPeriods: number, minPeriods: number): PeriodVariation | InsufficientHistory {
  const lengthDays = Math.max(horizon, MIN_PERIOD_DAYS);
  const L = lengthDays * 86_400_000;
  // Λ_won(t_l) = Σ_{m ≤ l} d_won,m / Y_m
  const cum = new Float64Array(pooled.times.length);
  const won = pooled.eventsByCause[0] as Float64Array;
  let acc = 0;
  for (let l = 0; l < cum.length; l++) {
    const y = pooled.atRisk[l] as number;
    if (y > 0) acc += (won[l] as number) / y;
    cum[l] = acc;
  }
  const hazard = (age: number): number => {
    const l = stepIndex(pooled, age);
    return l < 0 ? 0 : (cum[l] as number);
  };
  // periods start at or after the first recorded close: before it the table holds no outcomes (an
  // export that starts recording closes later than deals), which says nothing about the pipeline
  let first = Infinity;
  for (let i = 0; i < table.size; i++) {
    const t = table.closedAt[i] as number;
    if ((table.status[i] as number) !== DEAL_OPEN && t <= now && t < first) first = t;
  }
  const K = Math.max(0, Math.min(maxPeriods, Number.isFinite(first) ? Math.floor((now - first) / L) : 0));
  const observed = new Float64Array(K);
  const expected = new Float64Array(K);
  for (let i = 0; i < table.size; i++) {
    const c = table.createdAt[i] as number;
    if (!(c <= now)) continue;
    const st = table.status[i] as number;
    const closed = table.closedAt[i] as number;
    let exitAge: number;
    let exitAt: number;
    if (st !== DEAL_OPEN && !Number.isNaN(closed) && closed <= now) {
      exitAge = days(Math.max(0, closed - c));
      exitAt = Math.max(c, closed);
      // closed in (now − (k + 1)L, now − kL] ⇔ k = ⌊(now − closed) / L⌋
      const k = Math.floor((now - closed) / L);
      if (st === DEAL_WON && k < K) observed[k] = (observed[k] as number) + 1;
    } else if (st !== DEAL_OPEN && Number.isNaN(closed)) continue;
    else {
      exitAge = days(now - c);
      exitAt = now;
    }
    // the periods the deal was open in: from the one holding its exit back to the one holding its creation
    const k0 = Math.max(0, Math.floor((now - exitAt) / L));
    const k1 = Math.min(K - 1, Math.floor((now - c) / L));
    for (let k = k0; k <= k1; k++) {
      const to = now - k * L;
      const from = to - L;
      // ages (a0, a1] in the period; a deal created inside it also counts wins at age 0
      const low = from < c ? 0 : hazard(days(from - c));
      const a1 = Math.min(exitAge, days(to - c));
      if (a1 >= 0 && (from < c || a1 > days(from - c))) expected[k] = (expected[k] as number) + hazard(a1) - low;
    }
  }
  const rows: PeriodWins[] = [];
  const o: number[] = [];
  const e: number[] = [];
  for (let k = 0; k < K; k++) {
    if (!((expected[k] as number) > 0)) continue;
    rows.push({ from: isoOf(now - (k + 1) * L), to: isoOf(now - k * L), wins: observed[k] as number, expectedWins: expected[k] as number });
    o.push(observed[k] as number);
    e.push(expected[k] as number);
  }
  if (rows.length < minPeriods) return insufficient(rows.length, minPeriods);
  const fit = overdispersion(o, e);
  return { ok: true, sd: Math.sqrt(fit.variance), level: fit.level, heterogeneity: fit.q, lengthDays, periods: rows };
}
