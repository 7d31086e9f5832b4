import { fail } from '../errors/FunnelError.js';
import { bias, brier, coverage, logLoss, mape, pinball, reliability, wape } from '../internal/accuracy.js';
import type { DealTable } from '../io/dealTable.js';
import { dealTableAsOf } from '../io/dealTableAsOf.js';
import type { Money } from '../model/money.js';
import type { TimestampInput } from '../model/time.js';
import { endOfMonth, forecastRevenue, type ForecastRevenueOptions, type ForecastUncertainty } from './forecastRevenue.js';
import { markovForecast } from './markovForecast.js';
import { checkAbort, checkMinSample, DEAL_OPEN, DEAL_WON, days, epoch, isoOf, latestTime, moneyIn, moneyOut, openDeals, pickCurrency, stageOrder, buildCloseModel, winWithin } from './shared.js';
import type { AbortSignalLike } from './shared.js';
import { dealProbabilities, resolveStageProbabilities } from './weightedPipeline.js';

/**
 * One bin of a reliability table: deals whose predicted probability is in [from, to) (the last bin
 * includes 1), how many, their mean prediction and the share that came true (null in empty bins).
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface ReliabilityBin {
  /** Lower edge of the bin. */
  readonly from: number;
  /** Upper edge of the bin. */
  readonly to: number;
  /** Deal forecasts in the bin. */
  readonly count: number;
  /** Mean predicted probability (null when empty). */
  readonly meanPredicted: number | null;
  /** Observed share of wins (null when empty). */
  readonly observedRate: number | null;
}

/**
 * The forecasters a backtest can compare:
 * - `'naive'` — last month's won revenue;
 * - `'runRate'` — mean won revenue of the last k months (`runRateMonths`, default 3);
 * - `'weightedConfigured'` — Σ open amount × configured stage probability (own probability overrides);
 * - `'weightedOdoo'` — Σ open amount × Odoo learned probability (as of the origin);
 * - `'markov'` — {@link markovForecast} with `until`: Σ open amount × P(won within the month | stage) from the
 *   continuous-time chain, plus the deals created in the month (as of the origin);
 * - `'markovStay'` — the same with `stay: 'banded'`: each open deal's chance also conditioned on its days in its stage;
 * - `'survival'` — {@link forecastRevenue}: survival timing by stage and age plus new deals, with P10–P90.
 *
 * @category Forecast
 * @since 0.1.0
 */
export type BacktestForecaster = 'naive' | 'runRate' | 'weightedConfigured' | 'weightedOdoo' | 'markov' | 'markovStay' | 'survival';

const ALL: readonly BacktestForecaster[] = ['naive', 'runRate', 'weightedConfigured', 'weightedOdoo', 'markov', 'markovStay', 'survival'];

/**
 * Options for {@link backtest}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface BacktestOptions {
  /** Forecast origins (each is rounded to the end of its UTC month). Default: the last `months` month-ends whose next month is complete in the data. */
  readonly origins?: readonly TimestampInput[];
  /** Number of default origins (default 6). */
  readonly months?: number;
  /** Forecasters to compare (default: all). */
  readonly forecasters?: readonly BacktestForecaster[];
  /** Months in the run-rate baseline (default 3). */
  readonly runRateMonths?: number;
  /** Currency (required when the table has several). */
  readonly currency?: string;
  /** Simulations of the survival forecaster per origin (default 500). */
  readonly simulations?: number;
  /** Seed (default 1). */
  readonly seed?: number;
  /** Minimum sample for learned estimates (default 30). */
  readonly minSample?: number;
  /**
   * Amount of the deals open at an origin: `'recorded'` (default: as the table has it — beware that
   * many exports only fill the amount once a deal closes, which leaks the outcome) or `'meanWon'`
   * (every open deal valued at the mean amount of the deals won before the origin, no leakage).
   */
  readonly openAmount?: 'recorded' | 'meanWon';
  /** Uncertainty in the survival forecaster's range (default `'full'`; see {@link ForecastRevenueOptions.uncertainty}). */
  readonly uncertainty?: ForecastUncertainty;
  /** How the survival forecaster learns its period effect (default `'wins'`; see {@link ForecastRevenueOptions.periodEffect}). */
  readonly periodEffect?: ForecastRevenueOptions['periodEffect'];
  /** Weighting of past deals in the survival forecaster (default `'deals'`; see {@link ForecastRevenueOptions.weighting}). */
  readonly weighting?: 'amount' | 'deals';
  /** Cancels between origins (FunnelError ABORTED). */
  readonly signal?: AbortSignalLike;
}

/**
 * One forecaster's forecast at one origin.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface BacktestForecast {
  /** The forecaster. */
  readonly forecaster: BacktestForecaster;
  /** Point forecast (mean). */
  readonly point: Money;
  /** P10, when the forecaster gives a range. */
  readonly p10: Money | null;
  /** Median (P50), when the forecaster gives a range. */
  readonly p50: Money | null;
  /** P90, when the forecaster gives a range. */
  readonly p90: Money | null;
}

/**
 * One origin of a backtest.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface BacktestOrigin {
  /** Forecast made at (end of month). */
  readonly at: string;
  /** End of the forecast month. */
  readonly periodEnd: string;
  /** What was actually won in (at, periodEnd]. */
  readonly actual: Money;
  /** Every forecaster's forecast. */
  readonly forecasts: readonly BacktestForecast[];
}

/**
 * Revenue accuracy of one forecaster over all origins.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface BacktestAccuracy {
  /** The forecaster. */
  readonly forecaster: BacktestForecaster;
  /** Origins scored. */
  readonly origins: number;
  /** Σ|actual − forecast| / Σ actual (null when nothing was won). */
  readonly wape: number | null;
  /** Mean |actual − forecast| / actual over origins with actual ≠ 0 (null when none). */
  readonly mape: number | null;
  /** Origins skipped by MAPE (actual = 0). */
  readonly mapeSkipped: number;
  /** Σ(forecast − actual) / Σ actual: positive = over-forecast. */
  readonly bias: number | null;
  /** Mean pinball loss in minor units at q = 0.1, 0.5, 0.9 (point forecasters use the point for every q). */
  readonly pinball: { readonly p10: number | null; readonly p50: number | null; readonly p90: number | null };
  /** Share of actuals inside [P10, P90] (should be ≈ 0.8); null for point forecasters. */
  readonly coverage: number | null;
}

/**
 * Deal-level accuracy of a forecaster's win probabilities.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface BacktestProbabilityAccuracy {
  /** The forecaster. */
  readonly forecaster: BacktestForecaster;
  /** `'eventualWin'` (won at any time later, deals still open at the end excluded) or `'wonInPeriod'`. */
  readonly outcome: 'eventualWin' | 'wonInPeriod';
  /** Deal forecasts scored (over all origins). */
  readonly deals: number;
  /** Mean squared error of the probabilities. */
  readonly brier: number | null;
  /** Mean log loss, probabilities clipped to [1e-15, 1 − 1e-15]. */
  readonly logLoss: number | null;
  /** Ten equal-width bins: mean predicted vs observed rate. */
  readonly reliability: readonly ReliabilityBin[];
}

/**
 * The result of {@link backtest}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface BacktestReport {
  /** The rules behind the numbers. */
  readonly basis: { readonly currency: string; readonly openAmount: 'recorded' | 'meanWon'; readonly horizon: 'next calendar month (UTC)'; readonly runRateMonths: number; readonly simulations: number; readonly seed: number; readonly origins: readonly string[] };
  /** Per origin. */
  readonly origins: readonly BacktestOrigin[];
  /** The comparison table, best WAPE first. */
  readonly accuracy: readonly BacktestAccuracy[];
  /** Deal-level probability accuracy. */
  readonly probabilities: readonly BacktestProbabilityAccuracy[];
  /** The forecaster with the lowest WAPE, and its WAPE relative to the runner-up (e.g. 0.8 = 20% lower error). */
  readonly best: { readonly forecaster: BacktestForecaster; readonly wape: number; readonly runnerUp: BacktestForecaster | null; readonly ratioToRunnerUp: number | null } | null;
}

/** The as-of table with open deals valued at the mean won amount before `at` (for `openAmount: 'meanWon'`). */
function valueOpen(past: DealTable, at: number, c: number, mode: 'recorded' | 'meanWon'): DealTable {
  if (mode === 'recorded' || c < 0) return past;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < past.size; i++) {
    const a = past.amountMinor[i] as number;
    if ((past.status[i] as number) === DEAL_WON && (past.currencyIndex[i] as number) === c && !Number.isNaN(a) && (past.closedAt[i] as number) <= at) {
      sum += a;
      n++;
    }
  }
  if (n === 0) return past;
  const mean = Math.round(sum / n);
  const amountMinor = Float64Array.from(past.amountMinor);
  const currencyIndex = Int32Array.from(past.currencyIndex);
  for (let i = 0; i < past.size; i++) {
    if ((past.status[i] as number) !== DEAL_OPEN) continue;
    amountMinor[i] = mean;
    currencyIndex[i] = c;
  }
  return { ...past, amountMinor, currencyIndex };
}

function monthStartOf(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/**
 * Backtests revenue forecasters with a rolling origin (FPP §3.4; Hewamalage et al. 2022): at each
 * month-end, the pipeline is rebuilt as it stood then ({@link dealTableAsOf}), every forecaster predicts
 * the next calendar month's won revenue from that data only, and the forecast is compared with what was
 * actually won in that month (amounts as recorded in the full table). One call returns the comparison
 * table: WAPE Σ|y − ŷ| / Σy (the default ranking), MAPE (origins with y = 0 skipped and counted), bias
 * Σ(ŷ − y) / Σy, pinball loss at 0.1 / 0.5 / 0.9 and P10–P90 coverage; and, per deal, Brier score,
 * log loss (ε = 1e-15) and a reliability table for the win probabilities (configured and Odoo
 * against eventual wins; Markov and survival against wins within the month). Cost: per origin, one as-of table and
 * every forecaster (the survival one dominates: simulations × open deals).
 *
 * @param table - the full history
 * @param options - origins, forecasters, run-rate window, currency, simulations, seed
 * @returns per-origin forecasts, the accuracy table and the winner
 * @throws FunnelError INVALID_OPTION for bad options; CURRENCY_MISMATCH; ABORTED
 * @category Forecast
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [{ id: 'offer', name: 'Offer', probability: 0.5 },
 *   { id: 'won', name: 'Won', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' }] });
 * const t = (s) => Date.parse(s);
 * const table = DealTable.fromColumns({ dealIds: ['a', 'b', 'c'], createdAt: [t('2026-01-05'), t('2026-01-10'), t('2026-02-03')],
 *   stage: ['won', 'won', 'won'], closedAt: [t('2026-01-20'), t('2026-02-15'), t('2026-02-20')],
 *   amount: ['100.00', '200.00', '300.00'], currency: 'EUR' }, funnel);
 * const r = backtest(table, { origins: ['2026-01-31'], forecasters: ['naive', 'weightedConfigured'], minSample: 1 });
 * r.origins[0].actual // => { amount: '500.00', currency: 'EUR' }
 * r.origins[0].forecasts.map((f) => f.point.amount) // => ['100.00', '100.00']
 * r.accuracy[0].wape // => 0.8
 * ```
 */
export function backtest(table: DealTable, options: BacktestOptions = {}): BacktestReport {
  const currency = pickCurrency(table, options.currency) ?? table.funnel.currency ?? 'EUR';
  const c = table.currencies.indexOf(currency);
  const forecasters = options.forecasters ?? ALL;
  forecasters.forEach((f, i) => {
    if (!ALL.includes(f)) fail('INVALID_OPTION', `one of ${ALL.join(', ')}`, f, ['options', 'forecasters', i]);
  });
  const k = options.runRateMonths ?? 3;
  if (!(Number.isInteger(k) && k >= 1)) fail('INVALID_OPTION', 'an integer runRateMonths ≥ 1', k, ['options', 'runRateMonths']);
  const simulations = options.simulations ?? 500;
  const seed = options.seed ?? 1;
  const minSample = checkMinSample(options.minSample);
  const openAmount = options.openAmount ?? 'recorded';
  if (openAmount !== 'recorded' && openAmount !== 'meanWon') fail('INVALID_OPTION', "'recorded' or 'meanWon'", openAmount, ['options', 'openAmount']);
  const last = latestTime(table);
  let origins: number[];
  if (options.origins !== undefined) {
    origins = options.origins.map((o, i) => endOfMonth(epoch(o, ['options', 'origins', i])));
  } else {
    const months = options.months ?? 6;
    if (!(Number.isInteger(months) && months >= 1)) fail('INVALID_OPTION', 'an integer months ≥ 1', months, ['options', 'months']);
    // the latest month-end whose following month is complete
    let o = monthStartOf(last) - 1; // end of the month before the last (possibly partial) month
    o = monthStartOf(o) - 1;
    if (endOfMonth(o + 1) > last) o = monthStartOf(o) - 1;
    origins = [];
    for (let i = 0; i < months; i++) {
      origins.unshift(o);
      o = monthStartOf(o) - 1;
    }
  }
  // won revenue per closing time, for actuals and baselines
  const wonAt: number[] = [];
  const wonAmt: number[] = [];
  for (let i = 0; i < table.size; i++) {
    if ((table.status[i] as number) !== DEAL_WON || (table.currencyIndex[i] as number) !== c) continue;
    const a = table.amountMinor[i] as number;
    const t = table.closedAt[i] as number;
    if (Number.isNaN(a) || Number.isNaN(t)) continue;
    wonAt.push(t);
    wonAmt.push(a);
  }
  const wonIn = (from: number, to: number): number => {
    let s = 0;
    for (let j = 0; j < wonAt.length; j++) {
      const t = wonAt[j] as number;
      if (t > from && t <= to) s += wonAmt[j] as number;
    }
    return s;
  };
  const idIndex = new Map<string, number>();
  table.dealIds.forEach((id, i) => idIndex.set(id, i));
  const actual: number[] = [];
  const fc = new Map<BacktestForecaster, { point: number[]; p10: number[]; p90: number[] }>();
  for (const f of forecasters) fc.set(f, { point: [], p10: [], p90: [] });
  const probs = new Map<string, { p: number[]; o: number[] }>();
  const addProb = (key: string, p: number, o: number): void => {
    let e = probs.get(key);
    if (e === undefined) probs.set(key, (e = { p: [], o: [] }));
    e.p.push(p);
    e.o.push(o);
  };
  const originRows: BacktestOrigin[] = [];
  for (const at of origins) {
    checkAbort(options.signal);
    const end = endOfMonth(at + 1);
    const y = wonIn(at, end);
    actual.push(y);
    const past = valueOpen(dealTableAsOf(table, at), at, c, openAmount);
    const open = openDeals(past, at);
    const { position } = stageOrder(past);
    const row: BacktestForecast[] = [];
    const put = (f: BacktestForecaster, point: number, p10: number | null = null, p90: number | null = null, p50: number | null = null): void => {
      const e = fc.get(f);
      if (e === undefined) return;
      e.point.push(point);
      e.p10.push(p10 ?? point);
      e.p90.push(p90 ?? point);
      row.push({ forecaster: f, point: moneyOut(point, currency), p10: p10 === null ? null : moneyOut(p10, currency), p50: p50 === null ? null : moneyOut(p50, currency), p90: p90 === null ? null : moneyOut(p90, currency) });
    };
    // outcomes of the open deals in the full table
    const outcome = open.map((i) => {
      const full = idIndex.get(past.dealIds[i] as string) as number;
      const st = table.status[full] as number;
      const t = table.closedAt[full] as number;
      return { eventual: st === DEAL_OPEN ? -1 : st === DEAL_WON ? 1 : 0, inPeriod: st === DEAL_WON && t > at && t <= end ? 1 : 0 };
    });
    for (const f of forecasters) {
      if (f === 'naive') put(f, wonIn(monthStartOf(at) - 1, at));
      else if (f === 'runRate') {
        let s = 0;
        let o = at;
        for (let m = 0; m < k; m++) {
          const prev = monthStartOf(o) - 1;
          s += wonIn(prev, o);
          o = prev;
        }
        put(f, s / k);
      } else if (f === 'weightedConfigured' || f === 'weightedOdoo') {
        const stageP = resolveStageProbabilities(past, f === 'weightedConfigured' ? 'configured' : 'odoo', at, minSample);
        const ps = dealProbabilities(past, open, stageP, {});
        let s = 0;
        open.forEach((i, j) => {
          const p = ps[j] ?? 0;
          const a = past.amountMinor[i] as number;
          if ((past.currencyIndex[i] as number) === c && !Number.isNaN(a)) s += a * p;
          const o = outcome[j] as { eventual: number };
          if (o.eventual >= 0) addProb(f, p, o.eventual);
        });
        put(f, s);
      } else if (f === 'markov' || f === 'markovStay') {
        // the per-period chain as of the origin: P(won within the month) for the open deals (by stage; by stage and days in it
        // for 'markovStay'), plus deals created in the month
        const m = markovForecast(past, { now: at, until: end, minSample, top: 0, perDeal: true, stay: f === 'markov' ? 'memoryless' : 'banded' });
        let s = 0;
        if (m.ok && m.period !== null) {
          const total = m.period.totalExpectedAmount.find((x) => x.currency === currency);
          if (total !== undefined) s = moneyIn(total, [f]).minor;
          const pd = new Map((m.period.deals ?? []).map((x) => [x.dealId, x.pWinWithin]));
          open.forEach((i, j) => {
            const p = pd.get(past.dealIds[i] as string);
            if (p !== undefined) addProb(f, p, (outcome[j] as { inPeriod: number }).inPeriod);
          });
        }
        put(f, s);
      } else if (f === 'survival') {
        const r = forecastRevenue(past, { now: at, until: end, currency, simulations, seed, minSample, ...(options.uncertainty === undefined ? {} : { uncertainty: options.uncertainty }), ...(options.weighting === undefined ? {} : { weighting: options.weighting }), ...(options.periodEffect === undefined ? {} : { periodEffect: options.periodEffect }) });
        const toMinor = (m: Money): number => moneyIn(m, ['forecast']).minor;
        put(f, toMinor(r.mean), toMinor(r.p10), toMinor(r.p90), toMinor(r.p50));
        const model = buildCloseModel(past, at, minSample, false);
        const h = days(end - at);
        open.forEach((i, j) => {
          if ((position[past.stage[i] as number] as number) < 0) return;
          addProb(f, winWithin(model, past.stage[i] as number, days(at - (past.createdAt[i] as number)), h), (outcome[j] as { inPeriod: number }).inPeriod);
        });
      }
    }
    originRows.push({ at: isoOf(at), periodEnd: isoOf(end), actual: moneyOut(y, currency), forecasts: row });
  }
  const accuracy: BacktestAccuracy[] = forecasters.map((f) => {
    const e = fc.get(f) as { point: number[]; p10: number[]; p90: number[] };
    const m = mape(actual, e.point);
    const ranged = f === 'survival';
    return {
      forecaster: f,
      origins: actual.length,
      wape: wape(actual, e.point),
      mape: m.value,
      mapeSkipped: m.skipped,
      bias: bias(actual, e.point),
      pinball: { p10: pinball(actual, e.p10, 0.1), p50: pinball(actual, e.point, 0.5), p90: pinball(actual, e.p90, 0.9) },
      coverage: ranged ? coverage(actual, e.p10, e.p90) : null,
    };
  });
  accuracy.sort((a, b) => (a.wape ?? Infinity) - (b.wape ?? Infinity));
  const first = accuracy[0];
  const second = accuracy[1];
  const best =
    first === undefined || first.wape === null
      ? null
      : {
          forecaster: first.forecaster,
          wape: first.wape,
          runnerUp: second?.forecaster ?? null,
          ratioToRunnerUp: second?.wape === null || second?.wape === undefined || second.wape === 0 ? null : first.wape / second.wape,
        };
  const probabilities: BacktestProbabilityAccuracy[] = [...probs.entries()].map(([key, e]) => ({
    forecaster: key as BacktestForecaster,
    outcome: key === 'survival' || key === 'markov' || key === 'markovStay' ? 'wonInPeriod' : 'eventualWin',
    deals: e.p.length,
    brier: brier(e.p, e.o),
    logLoss: logLoss(e.p, e.o),
    reliability: reliability(e.p, e.o, 10),
  }));
  return {
    basis: { currency, openAmount, horizon: 'next calendar month (UTC)', runRateMonths: k, simulations, seed, origins: origins.map(isoOf) },
    origins: originRows,
    accuracy,
    probabilities,
    best,
  };
}
