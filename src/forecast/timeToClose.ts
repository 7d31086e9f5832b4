import { fail } from '../errors/FunnelError.js';
import { conditionalIncidence, incidenceAt, incidenceEstimate, survivalEstimate, survivalQuantile, type CompetingRisksFit } from '../internal/survival.js';
import type { DealTable } from '../io/dealTable.js';
import type { TimestampInput } from '../model/time.js';
import { buildCloseModel, checkLevel, checkMinSample, epoch, insufficient, isoOf, latestTime, type InsufficientHistory } from './shared.js';

/**
 * Options for {@link timeToClose}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface TimeToCloseOptions {
  /** As-of time: open deals are right-censored here (default: the latest time in the table). */
  readonly now?: TimestampInput;
  /** Only deals that reached this open stage (delayed entry at the age they entered it). Default: all deals. */
  readonly stage?: string;
  /** Condition on a deal still being open at this age in days (default 0: a new deal). */
  readonly age?: number;
  /** Horizons in days for "P(won within h days)" (default [30, 60, 90]). */
  readonly horizons?: readonly number[];
  /** Quantiles of the time to close (any outcome) to report (default [0.25, 0.5, 0.75]). */
  readonly quantiles?: readonly number[];
  /** Confidence level (default 0.95). */
  readonly level?: number;
  /** Minimum number of closed deals (default 30). */
  readonly minSample?: number;
}

/**
 * A probability with its interval (bounds null where no interval is computed: conditional estimates).
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface ProbabilityWithInterval {
  /** Point estimate. */
  readonly estimate: number;
  /** Lower bound, or null. */
  readonly lower: number | null;
  /** Upper bound, or null. */
  readonly upper: number | null;
}

/**
 * Outcome probabilities within one horizon.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface TimeToCloseHorizon {
  /** Horizon in days (after `age`). */
  readonly days: number;
  /** P(won within the horizon): Aalen–Johansen cumulative incidence. */
  readonly won: ProbabilityWithInterval;
  /** P(lost within the horizon). */
  readonly lost: ProbabilityWithInterval;
  /** P(still open after the horizon): Kaplan–Meier with both outcomes as events. */
  readonly open: ProbabilityWithInterval;
}

/**
 * A quantile of the time to close.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface TimeToCloseQuantile {
  /** Quantile level (0.5 = median). */
  readonly q: number;
  /** Days (after `age`) by which a share q of deals has closed (won or lost); null when never reached in the data. */
  readonly days: number | null;
  /** Lower confidence bound (from the Kaplan–Meier band), or null. */
  readonly lower: number | null;
  /** Upper confidence bound, or null (not reached). */
  readonly upper: number | null;
}

/**
 * The result of {@link timeToClose}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface TimeToCloseReport {
  /** Always true. */
  readonly ok: true;
  /** The rules behind the numbers. */
  readonly basis: { readonly asOf: string; readonly origin: string; readonly stage: string | null; readonly age: number; readonly level: number; readonly method: string };
  /** Deals in the analysis. */
  readonly deals: number;
  /** Won deals (events of the first kind). */
  readonly won: number;
  /** Lost deals (competing events). */
  readonly lost: number;
  /** Open deals (right-censored at `now`). */
  readonly open: number;
  /** Per horizon. */
  readonly horizons: readonly TimeToCloseHorizon[];
  /** Quantiles of the time to close. */
  readonly quantiles: readonly TimeToCloseQuantile[];
  /** P(eventually won) as far as the data reach: F̂_won at the last event time (conditional on `age`). */
  readonly eventualWin: number;
  /** Median days to win among the deals that win: first t with F̂_won(t) ≥ eventualWin / 2 (conditional on `age`); null when nothing is won. */
  readonly medianDaysToWin: number | null;
}

/**
 * Time to close as survival analysis: time from the deal's creation; won and lost are competing
 * outcomes; open deals are right-censored at `now` (averaging only closed deals' cycles would
 * underestimate it). Kaplan–Meier Ŝ(t) = Π (1 − d_l / Y_l) for "still open" with Greenwood variance and
 * log-log intervals; Aalen–Johansen cumulative incidence F̂_won(t) = Σ_{t_l ≤ t} Ŝ(t_{l−1}) d_won,l / Y_l
 * for "won within t" (not 1 − KM with losses censored, which overstates wins) with the delta-method
 * variance (Marubini & Valsecchi) and log-log intervals. Quantiles: first t with Ŝ(t) ≤ 1 − q, interval
 * read off the confidence band. With `stage`, only deals that entered that stage, each at risk from the
 * age it entered (delayed entry); with `age`, everything is conditional on being open at that age:
 * P(won within h | open at a) = (F̂(a + h) − F̂(a)) / Ŝ(a) (no interval for conditional incidences).
 * Cost O(n log n).
 *
 * @param table - deals
 * @param options - as-of time, stage, age, horizons, quantiles, level, floor
 * @returns the estimates, or insufficient history below the floor
 * @throws FunnelError UNKNOWN_STAGE for a stage that is not an open stage; INVALID_OPTION for bad horizons, quantiles or age
 * @category Forecast
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [{ id: 'lead', name: 'Lead' },
 *   { id: 'won', name: 'Won', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' }] });
 * const day = 86_400_000;
 * // closed after 10 (won), 20 (lost), 40 (won) days; one deal open for 30 days
 * const table = DealTable.fromColumns({ dealIds: ['a', 'b', 'c', 'd'], createdAt: [0, 0, 0, 0],
 *   stage: ['won', 'lost', 'won', 'lead'], closedAt: [10 * day, 20 * day, 40 * day, NaN] }, funnel);
 * const r = timeToClose(table, { now: 30 * day, minSample: 1, horizons: [30] });
 * r.ok && r.horizons[0].won.estimate // => 0.25
 * r.ok && r.horizons[0].open.estimate // => 0.5
 * ```
 */
export function timeToClose(table: DealTable, options: TimeToCloseOptions = {}): TimeToCloseReport | InsufficientHistory {
  const now = options.now === undefined ? latestTime(table) : epoch(options.now, ['options', 'now']);
  const level = checkLevel(options.level);
  const minSample = checkMinSample(options.minSample);
  const age = options.age ?? 0;
  if (!(typeof age === 'number' && age >= 0 && Number.isFinite(age))) fail('INVALID_OPTION', 'an age in days ≥ 0', age, ['options', 'age']);
  const horizons = options.horizons ?? [30, 60, 90];
  horizons.forEach((h, i) => {
    if (!(typeof h === 'number' && h >= 0 && Number.isFinite(h))) fail('INVALID_OPTION', 'a horizon in days ≥ 0', h, ['options', 'horizons', i]);
  });
  const qs = options.quantiles ?? [0.25, 0.5, 0.75];
  qs.forEach((q, i) => {
    if (!(typeof q === 'number' && q > 0 && q < 1)) fail('INVALID_OPTION', 'a quantile level in (0, 1)', q, ['options', 'quantiles', i]);
  });
  const model = buildCloseModel(table, now, 1);
  let fit: CompetingRisksFit = model.pooled;
  let stageId: string | null = null;
  if (options.stage !== undefined) {
    const s = table.stageIds.indexOf(options.stage);
    if (s < 0 || table.funnel.stages[s]?.category !== 'open') fail('UNKNOWN_STAGE', `an open stage id of funnel ${table.funnel.id}`, options.stage, ['options', 'stage']);
    stageId = options.stage;
    fit = model.byStage[s] ?? fitEmpty();
  }
  let won = 0;
  let lost = 0;
  for (let l = 0; l < fit.times.length; l++) {
    won += fit.eventsByCause[0]?.[l] ?? 0;
    lost += fit.eventsByCause[1]?.[l] ?? 0;
  }
  if (won + lost < minSample || won + lost === 0) return insufficient(won + lost, minSample);
  const tMax = fit.times[fit.times.length - 1] as number;
  const horizonRows: TimeToCloseHorizon[] = horizons.map((h) => {
    if (age === 0) {
      const w = incidenceEstimate(fit, 1, h, level);
      const l = incidenceEstimate(fit, 2, h, level);
      const o = survivalEstimate(fit, h, level);
      return { days: h, won: pick(w), lost: pick(l), open: pick(o) };
    }
    const w = conditionalIncidence(fit, 1, age, h) ?? 0;
    const l = conditionalIncidence(fit, 2, age, h) ?? 0;
    return { days: h, won: { estimate: w, lower: null, upper: null }, lost: { estimate: l, lower: null, upper: null }, open: { estimate: Math.max(0, 1 - w - l), lower: null, upper: null } };
  });
  const quantiles = qs.map((q) => {
    const e = survivalQuantile(fit, q, level, age);
    return { q, days: e.estimate, lower: e.lower, upper: e.upper };
  });
  const eventualWin = age === 0 ? incidenceAt(fit, 1, tMax) : (conditionalIncidence(fit, 1, age, tMax - age) ?? 0);
  let medianDaysToWin: number | null = null;
  if (eventualWin > 0) {
    const base = age === 0 ? 0 : incidenceAt(fit, 1, age);
    const sa = age === 0 ? 1 : (1 - incidenceAt(fit, 1, age) - incidenceAt(fit, 2, age));
    for (let l = 0; l < fit.times.length; l++) {
      const t = fit.times[l] as number;
      if (t <= age) continue;
      if (((fit.cif[0]?.[l] ?? 0) - base) / sa >= eventualWin / 2 - 1e-12) {
        medianDaysToWin = t - age;
        break;
      }
    }
  }
  return {
    ok: true,
    basis: {
      asOf: isoOf(now),
      origin: stageId === null ? 'deal creation' : `deal creation, deals at risk from entering ${stageId}`,
      stage: stageId,
      age,
      level,
      method: 'Kaplan–Meier (Greenwood, log-log) for open; Aalen–Johansen (delta method, log-log) for won/lost; open deals censored at asOf',
    },
    deals: countUsable(fit),
    won,
    lost,
    open: countUsable(fit) - won - lost,
    horizons: horizonRows,
    quantiles,
    eventualWin,
    medianDaysToWin,
  };
}

function pick(e: { estimate: number; lower: number; upper: number }): ProbabilityWithInterval {
  return { estimate: e.estimate, lower: e.lower, upper: e.upper };
}

function countUsable(fit: CompetingRisksFit): number {
  return fit.n;
}

function fitEmpty(): CompetingRisksFit {
  return { n: 0, causes: 2, times: new Float64Array(0), atRisk: new Float64Array(0), events: new Float64Array(0), eventsByCause: [new Float64Array(0), new Float64Array(0)], survival: new Float64Array(0), greenwood: new Float64Array(0), cif: [new Float64Array(0), new Float64Array(0)] };
}
