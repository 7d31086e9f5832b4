/**
 * The period effect of {@link forecastRevenue}: how much the win intensity of whole periods swings
 * around what the time-to-close model expects, estimated from the past periods of the same length.
 * @internal
 */
import { excessErrorVariance, overdispersion } from '../internal/overdispersion.js';
import { stepIndex, type CompetingRisksFit } from '../internal/survival.js';
import type { DealTable } from '../io/dealTable.js';
import type { Money } from '../model/money.js';
import { days, DEAL_OPEN, DEAL_WON, insufficient, isoOf, moneyOut, type InsufficientHistory } from './shared.js';

/**
 * One past period behind a period effect: what was won in (from, to] and what was expected there.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface PastPeriod {
  /** Start of the period (exclusive). */
  readonly from: string;
  /** End of the period (inclusive). */
  readonly to: string;
  /** Deals won in the period (every currency). */
  readonly wins: number;
  /**
   * `'wins'`: the wins the time-to-close model expects from the deals open during the period — for
   * each, Λ_won(age at the end of its time open in the period) − Λ_won(age at its start), with Λ_won
   * the Nelson–Aalen cumulative hazard of a win by age (all deals up to `now`). null otherwise.
   */
  readonly expectedWins: number | null;
  /** Revenue won in the period in the forecast's currency. */
  readonly revenue: Money;
  /** `'forecastErrors'`: the forecast's mean for the period made at its start from the data known then; null otherwise. */
  readonly forecast: Money | null;
}

/**
 * How the period effect's standard deviation was obtained: `'wins'` (over-dispersion of the wins of
 * past periods around the time-to-close model), `'forecastErrors'` (the forecast's own errors on past
 * periods beyond its simulated spread) or `'given'` (the `periodEffect` option was a number).
 *
 * @category Forecast
 * @since 0.1.0
 */
export type PeriodEffectMethod = 'wins' | 'forecastErrors' | 'given';

/**
 * The between-period variation of the win intensity (see the Forecasting guide, §6 "Period
 * effect"): every simulation of {@link forecastRevenue} draws one multiplier θ from a Gamma
 * distribution with mean 1 and standard deviation `sd`, and multiplies every deal's chance to win in
 * the period (capped at 1) and the mean number of new-deal wins by it.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface PeriodVariation {
  /** Always true. */
  readonly ok: true;
  /** How `sd` was obtained. */
  readonly method: PeriodEffectMethod;
  /** τ̂: standard deviation of the period multiplier (0 when the past periods vary no more than the model explains). */
  readonly sd: number;
  /**
   * Σ actual / Σ expected over the past periods (wins, or revenue against the forecasts): the recent
   * level relative to the model — reported, not applied. null for `'given'`.
   */
  readonly level: number | null;
  /** Length of each past period in days: the forecast period, at least 7 days. */
  readonly lengthDays: number;
  /** The past periods used, most recent first (empty for `'given'`). */
  readonly periods: readonly PastPeriod[];
}

/** Shortest period (days) used to learn the period effect: below it weekday patterns would count as swings. @internal */
export const MIN_PERIOD_DAYS = 7;

/**
 * The past periods (now − kL, now − (k − 1)L], k = 1..K, of length L = max(horizon, 7) days, back to
 * the first recorded close (at most `maxPeriods`): before it the table holds no outcomes (an export
 * that records closes later than deals), which says nothing about the pipeline. Per period: wins
 * (every currency) and won revenue in minor units of `currency` (index `c`). @internal
 */
function pastPeriods(table: DealTable, now: number, horizon: number, maxPeriods: number, c: number): { L: number; lengthDays: number; K: number; wins: Float64Array; revenue: Float64Array } {
  const lengthDays = Math.max(horizon, MIN_PERIOD_DAYS);
  const L = lengthDays * 86_400_000;
  let first = Infinity;
  for (let i = 0; i < table.size; i++) {
    const t = table.closedAt[i] as number;
    if ((table.status[i] as number) !== DEAL_OPEN && t <= now && t < first) first = t;
  }
  const K = Math.max(0, Math.min(maxPeriods, Number.isFinite(first) ? Math.floor((now - first) / L) : 0));
  const wins = new Float64Array(K);
  const revenue = new Float64Array(K);
  for (let i = 0; i < table.size; i++) {
    const closed = table.closedAt[i] as number;
    if ((table.status[i] as number) !== DEAL_WON || !(closed <= now) || (table.createdAt[i] as number) > now) continue;
    // closed in (now − (k + 1)L, now − kL] ⇔ k = ⌊(now − closed) / L⌋
    const k = Math.floor((now - closed) / L);
    if (k >= K) continue;
    wins[k] = (wins[k] as number) + 1;
    const a = table.amountMinor[i] as number;
    if ((table.currencyIndex[i] as number) === c && !Number.isNaN(a)) revenue[k] = (revenue[k] as number) + a;
  }
  return { L, lengthDays, K, wins, revenue };
}

/**
 * The period effect from wins (`periodEffect: 'wins'`): for the past periods of {@link pastPeriods}
 * with expected wins > 0, the wins O_k and the wins E_k expected under `pooled` (the pooled
 * Aalen–Johansen fit by age, cause 1 = won, from {@link buildCloseModel}): each deal open during the
 * period adds Λ_won(a1) − Λ_won(a0) for the ages (a0, a1] it spent open in the period (a deal created
 * in the period also counts wins at age 0). τ̂² by the DerSimonian–Laird moment estimator
 * ({@link overdispersion}). Fewer than `minPeriods` usable periods → insufficient history.
 * Cost O(deals × periods + deals × log event times). @internal
 */
export function periodVariationFromWins(table: DealTable, now: number, horizon: number, pooled: CompetingRisksFit, maxPeriods: number, minPeriods: number, currency: string): PeriodVariation | InsufficientHistory {
  const { L, lengthDays, K, wins, revenue } = pastPeriods(table, now, horizon, maxPeriods, table.currencies.indexOf(currency));
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
      const low = from < c ? 0 : hazard(days(from - c));
      const a1 = Math.min(exitAge, days(to - c));
      if (a1 >= 0 && (from < c || a1 > days(from - c))) expected[k] = (expected[k] as number) + hazard(a1) - low;
    }
  }
  const rows: PastPeriod[] = [];
  const o: number[] = [];
  const e: number[] = [];
  for (let k = 0; k < K; k++) {
    if (!((expected[k] as number) > 0)) continue;
    rows.push({ from: isoOf(now - (k + 1) * L), to: isoOf(now - k * L), wins: wins[k] as number, expectedWins: expected[k] as number, revenue: moneyOut(revenue[k] as number, currency), forecast: null });
    o.push(wins[k] as number);
    e.push(expected[k] as number);
  }
  if (rows.length < minPeriods) return insufficient(rows.length, minPeriods);
  const fit = overdispersion(o, e);
  return { ok: true, method: 'wins', sd: Math.sqrt(fit.variance), level: fit.level, lengthDays, periods: rows };
}

/**
 * The period effect from the forecast's own errors (`periodEffect: 'forecastErrors'`): for each past
 * period of {@link pastPeriods}, `forecastAt(from, to)` makes the forecast at its start from the data
 * known then (mean F_k and the variance V_k the simulation already has); with the revenue Y_k won
 * in it, τ̂² by {@link excessErrorVariance}. Periods whose forecast is 0 are skipped. Fewer than
 * `minPeriods` usable periods → insufficient history. Cost: one forecast model per past period. @internal
 */
export function periodVariationFromForecasts(
  table: DealTable,
  now: number,
  horizon: number,
  maxPeriods: number,
  minPeriods: number,
  currency: string,
  forecastAt: (from: number, to: number) => { mean: number; variance: number },
): PeriodVariation | InsufficientHistory {
  const { L, lengthDays, K, wins, revenue } = pastPeriods(table, now, horizon, maxPeriods, table.currencies.indexOf(currency));
  const rows: PastPeriod[] = [];
  const y: number[] = [];
  const f: number[] = [];
  const v: number[] = [];
  for (let k = 0; k < K; k++) {
    const to = now - k * L;
    const fc = forecastAt(to - L, to);
    if (!(fc.mean > 0)) continue;
    rows.push({ from: isoOf(to - L), to: isoOf(to), wins: wins[k] as number, expectedWins: null, revenue: moneyOut(revenue[k] as number, currency), forecast: moneyOut(fc.mean, currency) });
    y.push(revenue[k] as number);
    f.push(fc.mean);
    v.push(fc.variance);
  }
  if (rows.length < minPeriods) return insufficient(rows.length, minPeriods);
  const fit = excessErrorVariance(y, f, v);
  return { ok: true, method: 'forecastErrors', sd: Math.sqrt(fit.variance), level: fit.level, lengthDays, periods: rows };
}
