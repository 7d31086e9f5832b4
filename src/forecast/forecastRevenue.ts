import { fail } from '../errors/FunnelError.js';
import { betaDraw, simulateRevenue } from '../internal/montecarlo.js';
import { createRng } from '../internal/prng.js';
import { inverseCdfQuantile } from '../internal/stats.js';
import { incidenceEstimate, type CompetingRisksFit } from '../internal/survival.js';
import type { DealTable } from '../io/dealTable.js';
import type { Money } from '../model/money.js';
import type { TimestampInput } from '../model/time.js';
import {
  buildCloseModel,
  checkMinSample,
  configuredProbability,
  days,
  DEAL_WON,
  epoch,
  isoOf,
  latestTime,
  moneyIn,
  moneyOut,
  LANDMARK_AGES,
  nearestLandmark,
  pickCurrency,
  bootstrapWeights,
  cellWeightTotals,
  bootstrapWin,
  ownProbability,
  winChance,
  type CloseModel,
} from './shared.js';
import { stageWinProbabilities } from './stageWinProbabilities.js';
import type { AbortSignalLike, InsufficientHistory } from './shared.js';
import { periodVariationFromForecasts, periodVariationFromWins, type PeriodVariation } from './periodVariation.js';
import { dealTableAsOf } from '../io/dealTableAsOf.js';
import { resolveStageProbabilities, type StageProbabilitySource } from './weightedPipeline.js';

/**
 * Options for {@link forecastRevenue}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface ForecastRevenueOptions {
  /** As-of time (default: the latest time in the table). */
  readonly now?: TimestampInput;
  /** End of the forecast period (default: the end of `now`'s UTC month). Revenue = deals won in (now, until]. */
  readonly until?: TimestampInput;
  /** Revenue target for P(revenue ≥ target). */
  readonly target?: Money;
  /** Currency (required when the table has several). */
  readonly currency?: string;
  /** Number of simulations (default 1000). */
  readonly simulations?: number;
  /** PRNG seed (default 1): same seed, same result. */
  readonly seed?: number;
  /** Draw each deal's close time from the survival model (default true). false: no timing, each open deal wins with its stage (or own) probability, as in {@link exactRevenueDistribution}. */
  readonly timing?: boolean;
  /** Probabilities for `timing: false` (default `'configured'`). */
  readonly probabilities?: StageProbabilitySource;
  /** Add deals not yet created (lead inflow × conversion curve; default true with timing). */
  readonly newDeals?: boolean;
  /** Days of history used for the inflow rate of new deals (default 90). */
  readonly inflowWindowDays?: number;
  /**
   * Minimum closed deals behind a landmark estimate (default 30): below it neighbouring landmark ages
   * of the stage are stacked in, and when the whole stage is too thin the pooled curve is used.
   */
  readonly minSample?: number;
  /**
   * Which uncertainty the range includes (default `'full'`):
   * - `'full'` — everything in `'parameters'` plus the **period effect** (with timing): how much the
   *   win intensity of whole periods has swung around what the time-to-close model expects, learned
   *   from the past periods of the same length (see {@link PeriodVariation}); each simulation draws
   *   one multiplier θ (mean 1) and multiplies every deal's chance (capped at 1) and the new-deal wins
   *   by it, so all deals of the simulated period move together. Without timing it equals `'parameters'`.
   * - `'parameters'` — the outcome of every deal *and* the estimation error of the probabilities:
   *   each simulation first draws every estimated probability (one per landmark cell — stage and
   *   landmark age — or per learned stage probability with `timing: false`) from a Beta distribution
   *   with the estimate as mean and its standard error as standard deviation, and the inflow of new
   *   deals from a Gamma distribution; all deals of a cell share the draw, so their outcomes move
   *   together. Configured and deal-own probabilities are policy, not estimates, and stay fixed.
   * - `'none'` — the probabilities are taken as exact: deals are independent given the point
   *   estimates (the model of {@link exactRevenueDistribution}); the range is narrower.
   */
  readonly uncertainty?: ForecastUncertainty;
  /**
   * How the period effect of `uncertainty: 'full'` is learned (default `'wins'`):
   * - `'wins'` — from the wins of the past periods of the same length: how much more they swung
   *   around what the time-to-close model expects than chance alone explains (cheap: one pass over
   *   the deals);
   * - `'forecastErrors'` — from this forecast's own errors on the past periods (each forecast from
   *   the data known at its start) beyond the spread it simulates: a recalibration in the spirit of
   *   split-conformal prediction that also covers the model's own misfit (costs one model build per
   *   past period);
   * - a number — the standard deviation of the period multiplier, given (0 = no period effect).
   */
  readonly periodEffect?: 'wins' | 'forecastErrors' | number;
  /** Most past periods used to learn the period effect (default 12 with `'wins'`, 6 with `'forecastErrors'`). */
  readonly periodHistory?: number;
  /**
   * Minimum past periods behind a period effect (default 3): with fewer, no period effect is added
   * and `basis.periodEffect` says `insufficientHistory`.
   */
  readonly minPeriods?: number;
  /**
   * How past deals are weighted in the survival estimate (default `'deals'`): `'deals'` — every deal
   * counts once (a per-deal probability); `'amount'` — by their amount relative to the mean amount of
   * their currency, so each probability is the expected *share of the amount* won and Σ amount × p is
   * unbiased when big deals win less often or more slowly. Ignored with `timing: false`.
   */
  readonly weighting?: 'amount' | 'deals';
  /** Called after each batch of simulations with (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Cancels a long run: the function throws FunnelError ABORTED. */
  readonly signal?: AbortSignalLike;
}

/**
 * Which uncertainty a revenue range includes: `'full'` (deal outcomes, the estimation error of the
 * probabilities and the period-to-period swing learned from history), `'parameters'` (deal outcomes
 * and the estimation error) or `'none'` (deal outcomes only, the probabilities taken as exact — the
 * model of {@link exactRevenueDistribution}).
 *
 * @category Forecast
 * @since 0.1.0
 */
export type ForecastUncertainty = 'full' | 'parameters' | 'none';

/**
 * The result of {@link forecastRevenue}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface ForecastRevenueReport {
  /** The rules behind the numbers. */
  readonly basis: {
    readonly asOf: string;
    readonly until: string;
    readonly currency: string;
    readonly simulations: number;
    readonly seed: number;
    readonly timing: boolean;
    readonly newDeals: boolean;
    /** The uncertainty in the range (see {@link ForecastRevenueOptions.uncertainty}). */
    readonly uncertainty: ForecastUncertainty;
    /** How past deals were weighted in the survival estimate (`'amount'` or `'deals'`; `null` with `timing: false`). */
    readonly weighting: 'amount' | 'deals' | null;
    /**
     * The period effect learned from history (`uncertainty: 'full'` with timing): its standard
     * deviation and the past periods behind it; `insufficientHistory` when fewer than `minPeriods`
     * past periods (then none is added); null when not requested.
     */
    readonly periodEffect: PeriodVariation | InsufficientHistory | null;
    /** Estimation cells: groups of deals sharing one estimated probability (and one draw per simulation). */
    readonly cells: number;
    readonly quantileRule: string;
  };
  /** Open deals simulated (with an amount in the currency). */
  readonly deals: number;
  /** Open deals left out: no amount, or another currency. */
  readonly skipped: number;
  /** Mean simulated revenue. */
  readonly mean: Money;
  /** 10th percentile (pessimistic). */
  readonly p10: Money;
  /** Median. */
  readonly p50: Money;
  /** 90th percentile (optimistic). */
  readonly p90: Money;
  /** Share of simulations with revenue ≥ target; null without a target. */
  readonly probabilityOfTarget: number | null;
  /** Σ amount × P(won in the period) over open deals (the exact expectation of their part). */
  readonly expectedFromOpen: Money;
  /** Expected revenue from deals not yet created: λ · ∫₀ᴴ F̂_won(u) du × mean won amount. */
  readonly expectedFromNew: Money;
  /** New deals per day λ used (created in the inflow window / its length); 0 when not used. */
  readonly inflowPerDay: number;
}

/** ∫₀ᴴ F̂_won(u) du for a step function. @internal */
export function integrateWon(fit: CompetingRisksFit, h: number): number {
  const F = fit.cif[0] as Float64Array;
  let s = 0;
  for (let l = 0; l < fit.times.length; l++) {
    const t = fit.times[l] as number;
    if (t >= h) break;
    const next = l + 1 < fit.times.length ? Math.min(h, fit.times[l + 1] as number) : h;
    s += (F[l] as number) * (next - t);
  }
  return s;
}

/** End of the UTC month containing t. @internal */
export function endOfMonth(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1;
}

/** Per-deal win-in-period probabilities, amounts and the new-deal term: shared with targetGap and backtest. @internal */
export interface PeriodInputs {
  /** Table indexes of the simulated open deals. */
  readonly deals: Int32Array;
  readonly amounts: Float64Array;
  readonly probs: Float64Array;
  readonly skipped: number;
  readonly inflowPerDay: number;
  readonly newMean: number;
  readonly wonAmounts: Float64Array;
  readonly model: CloseModel | null;
  /** Estimation cell of each deal (deals of a cell share one estimate): an index into the cell arrays. */
  readonly cellOf: Int32Array;
  /** Each cell's key, e.g. `'3:2-4'` (stage 3, landmark ages 2..4), `'pooled:41.5'`, `'stage:2'`, `'own:0.3'`. */
  readonly cellKeys: readonly string[];
  /** Each cell's probability (the probability of every deal in it). */
  readonly cellProb: Float64Array;
  /** Standard error of each cell's probability (0 = fixed). */
  readonly cellSe: Float64Array;
  /** Coefficient of variation of the new-deal mean (0 without new deals). */
  readonly newCv: number;
  /** Period length in days. */
  readonly horizon: number;
  /** Whether the survival estimates are value weighted. */
  readonly valueWeighted: boolean;
}

/**
 * The per-deal inputs of a period forecast in one pass over the open deals, into typed arrays. Each
 * deal's probability comes from its estimation cell: with timing the landmark cell of (stage, nearest
 * landmark age) — looked up once per (stage, landmark age) and reused, as {@link winChance} itself
 * memoises it — or the pooled curve at the deal's age; without timing its own probability or its
 * stage's. @internal
 */
export function periodInputs(
  table: DealTable,
  now: number,
  until: number,
  currency: string,
  opts: { timing: boolean; newDeals: boolean; inflowWindowDays: number; minSample: number; probabilities: StageProbabilitySource; uncertainty?: ForecastUncertainty; weighting?: 'amount' | 'deals' },
): PeriodInputs {
  const c = table.currencies.indexOf(currency);
  const h = days(Math.max(0, until - now));
  const withSe = opts.uncertainty === 'parameters' || opts.uncertainty === 'full';
  const valueWeighted = opts.weighting !== 'deals';
  const model = opts.timing ? buildCloseModel(table, now, opts.minSample, false) : null;
  const learned = opts.timing ? null : stageProbabilities(table, opts.probabilities, now, opts.minSample);
  const stageP = learned === null ? [] : learned.p;
  const stageSe = learned !== null && withSe ? learned.se : null;
  const open = table.openDeals;
  const deals = new Int32Array(open.length);
  const amounts = new Float64Array(open.length);
  const probs = new Float64Array(open.length);
  const cellOf = new Int32Array(open.length);
  const cellKeys: string[] = [];
  const cellP: number[] = [];
  const cellS: number[] = [];
  const cellIndex = new Map<string, number>();
  const cellFor = (key: string, p: number, se: number): number => {
    let x = cellIndex.get(key);
    if (x === undefined) {
      x = cellKeys.length;
      cellIndex.set(key, x);
      cellKeys.push(key);
      cellP.push(p);
      cellS.push(se);
    }
    return x;
  };
  const k = table.stageIds.length;
  const K = LANDMARK_AGES.length;
  // with timing: the cell of each (stage, landmark age) once winChance has memoised it (−1: not yet),
  // and the pooled-curve cells by stage and age; without timing: the cell of each stage's probability
  const landmarkCell = new Int32Array(k * K).fill(-1);
  const pooledCell = Array.from({ length: k }, () => new Map<number, number>());
  const stageCell = new Int32Array(k).fill(-1);
  const ownCell = new Map<number, number>();
  let n = 0;
  let skipped = 0;
  for (let j = 0; j < open.length; j++) {
    const i = open[j] as number;
    if ((table.createdAt[i] as number) > now) continue;
    const amt = table.amountMinor[i] as number;
    if ((table.currencyIndex[i] as number) !== c || Number.isNaN(amt)) {
      skipped++;
      continue;
    }
    const stage = table.stage[i] as number;
    let cell: number;
    if (model !== null) {
      const age = days(now - (table.createdAt[i] as number));
      const slot = stage * K + nearestLandmark(age);
      cell = landmarkCell[slot] ?? -1;
      if (cell < 0) cell = pooledCell[stage]?.get(age) ?? -1;
      if (cell < 0) {
        const w = winChance(model, stage, age, h, valueWeighted);
        cell = cellFor(w.cell, w.p, withSe ? w.se : 0);
        if (w.cell.startsWith('pooled:')) pooledCell[stage]?.set(age, cell);
        else landmarkCell[slot] = cell;
      }
    } else {
      // a deal's own probability is policy (fixed); a learned stage probability has a standard error
      const own = ownProbability(table, i);
      const fromStage = stageP[stage] ?? null;
      if (own === null && fromStage !== null) {
        cell = stageCell[stage] ?? -1;
        if (cell < 0) cell = stageCell[stage] = cellFor(`stage:${stage}`, fromStage, stageSe !== null ? (stageSe[stage] ?? 0) : 0);
      } else {
        const prob = own ?? 0;
        cell = ownCell.get(prob) ?? -1;
        if (cell < 0) {
          cell = cellFor(`own:${prob}`, prob, 0);
          ownCell.set(prob, cell);
        }
      }
    }
    deals[n] = i;
    amounts[n] = amt;
    probs[n] = cellP[cell] as number;
    cellOf[n] = cell;
    n++;
  }
  let inflowPerDay = 0;
  let newMean = 0;
  let newCv = 0;
  let wonCount = 0;
  const wonAll = new Float64Array(table.size);
  for (let i = 0; i < table.size; i++) {
    if ((table.status[i] as number) !== DEAL_WON || (table.currencyIndex[i] as number) !== c) continue;
    const t = table.closedAt[i] as number;
    const amt = table.amountMinor[i] as number;
    if (!(t <= now) || Number.isNaN(amt)) continue;
    wonAll[wonCount++] = amt;
  }
  if (opts.newDeals && model !== null && wonCount > 0) {
    let created = 0;
    const from = now - opts.inflowWindowDays * 86_400_000;
    for (let i = 0; i < table.size; i++) {
      const t = table.createdAt[i] as number;
      if (t > from && t <= now) created++;
    }
    inflowPerDay = created / opts.inflowWindowDays;
    newMean = inflowPerDay * integrateWon(model.pooled, h);
    if (withSe && created > 0 && newMean > 0) {
      // λ̂ is a Poisson count / window (CV² = 1/created); the win curve adds its relative variance at H
      const f = incidenceEstimate(model.pooled, 1, h);
      const rel = f.estimate > 0 ? f.se / f.estimate : 0;
      newCv = Math.sqrt(1 / created + rel * rel);
    }
  }
  return {
    deals: deals.slice(0, n),
    amounts: amounts.slice(0, n),
    probs: probs.slice(0, n),
    skipped,
    inflowPerDay,
    newMean,
    wonAmounts: wonAll.slice(0, wonCount),
    model,
    cellOf: cellOf.slice(0, n),
    cellKeys,
    cellProb: Float64Array.from(cellP),
    cellSe: Float64Array.from(cellS),
    newCv,
    horizon: h,
    valueWeighted,
  };
}

/**
 * The stage probabilities for `timing: false` and, for learned ones (`'odoo'`, `'pathAware'`), their
 * standard errors (from the 95 % interval: (upper − lower) / (2 · 1.96)) — one
 * {@link stageWinProbabilities} call for both; null standard errors for configured or explicit ones. @internal
 */
function stageProbabilities(table: DealTable, source: StageProbabilitySource, now: number, minSample: number): { p: Array<number | null>; se: number[] | null } {
  if (source !== 'odoo' && source !== 'pathAware') return { p: resolveStageProbabilities(table, source, now, minSample), se: null };
  const p: Array<number | null> = [];
  for (let s = 0; s < table.stageIds.length; s++) p.push(configuredProbability(table, s));
  const se = new Array<number>(table.stageIds.length).fill(0);
  const r = stageWinProbabilities(table, { now, minSample });
  for (const row of r.stages) {
    const e = source === 'odoo' ? row.odoo.estimate : row.pathAware.estimate;
    if (!e.ok) continue;
    const s = table.stageIds.indexOf(row.stageId);
    p[s] = e.probability;
    se[s] = Math.max(0, e.upper - e.lower) / (2 * 1.959963984540054);
  }
  return { p, se };
}

/** Deals grouped by estimation cell (a counting sort): amounts in cell order, cell boundaries, probabilities and standard errors. @internal */
export function groupCells(inp: PeriodInputs): { amounts: Float64Array; cellStart: Int32Array; cellProb: Float64Array; cellSd: Float64Array; keys: readonly string[] } {
  const cells = inp.cellProb.length;
  const of = inp.cellOf;
  const cellStart = new Int32Array(cells + 1);
  for (let j = 0; j < of.length; j++) cellStart[(of[j] as number) + 1] = (cellStart[(of[j] as number) + 1] as number) + 1;
  for (let c = 0; c < cells; c++) cellStart[c + 1] = (cellStart[c + 1] as number) + (cellStart[c] as number);
  const fill = cellStart.slice(0, cells);
  const amounts = new Float64Array(of.length);
  for (let j = 0; j < of.length; j++) {
    const c = of[j] as number;
    amounts[fill[c] as number] = inp.amounts[j] as number;
    fill[c] = (fill[c] as number) + 1;
  }
  return { amounts, cellStart, cellProb: inp.cellProb, cellSd: inp.cellSe, keys: inp.cellKeys };
}

/**
 * Mean and variance of a period's revenue under the simulated model, in closed form: open deals
 * Σ a p and Σ a² p (1 − p) + Σ_cells (Σ_cell a)² se² (a cell's deals share one uncertain estimate);
 * new deals (compound Poisson, mean μ, amounts A from the past wins) μ E[A] and μ E[A²] + (μ E[A] cv)².
 * @internal
 */
export function forecastMoments(inp: PeriodInputs): { mean: number; variance: number } {
  let mean = 0;
  let variance = 0;
  for (let i = 0; i < inp.amounts.length; i++) {
    const a = inp.amounts[i] as number;
    const p = inp.probs[i] as number;
    mean += a * p;
    variance += a * a * p * (1 - p);
  }
  const g = groupCells(inp);
  for (let c = 0; c < g.cellProb.length; c++) {
    let sum = 0;
    for (let j = g.cellStart[c] as number; j < (g.cellStart[c + 1] as number); j++) sum += g.amounts[j] as number;
    const sd = g.cellSd[c] as number;
    variance += sum * sum * sd * sd;
  }
  const m = inp.wonAmounts.length;
  if (inp.newMean > 0 && m > 0) {
    let s1 = 0;
    let s2 = 0;
    for (let j = 0; j < m; j++) {
      const a = inp.wonAmounts[j] as number;
      s1 += a;
      s2 += a * a;
    }
    const ea = s1 / m;
    mean += inp.newMean * ea;
    variance += inp.newMean * (s2 / m) + (inp.newMean * ea * inp.newCv) ** 2;
  }
  return { mean, variance };
}

/** Number of parameter replicates (at most; fewer when there are fewer simulations). @internal */
export const PARAMETER_REPLICATES = 100;

/**
 * Parameter draws for `uncertainty: 'parameters'`: R = min(simulations, 100) replicates. A landmark
 * cell's probability in replicate r is its estimate on the Poisson(1) bootstrap replicate r of the
 * past deals ({@link bootstrapWin}; the same deal weights for every cell, so cells that share deals
 * move together); any other cell with a standard error (pooled-curve cells, learned stage
 * probabilities) is drawn from the Beta with its estimate as mean and its standard error as standard
 * deviation. @internal
 */
export function parameterDraws(inp: PeriodInputs, g: ReturnType<typeof groupCells>, simulations: number, seed: number): { cells: Int32Array; replicates: number; p: Float64Array } | undefined {
  const lm = inp.model?.landmark;
  const cells: number[] = [];
  g.keys.forEach((key, c) => {
    if ((lm !== undefined && lm.fits.has(key)) || (g.cellSd[c] as number) > 0) cells.push(c);
  });
  if (cells.length === 0) return undefined;
  const R = Math.min(simulations, PARAMETER_REPLICATES);
  const p = new Float64Array(R * cells.length);
  const rng = createRng((seed ^ 0x2545f491) >>> 0);
  const entries = cells.map((c) => lm?.fits.get(g.keys[c] as string));
  const size = inp.model === null ? 0 : inp.model.landmark.weight.length;
  const w = new Uint8Array(size);
  const anyLandmark = lm !== undefined && entries.some((e) => e !== undefined);
  const totals = new Float64Array(lm === undefined ? 0 : lm.rowStart.length);
  const valueWeights = lm !== undefined && inp.valueWeighted ? lm.weight : null;
  for (let r = 0; r < R; r++) {
    // one Poisson(1) weight per past deal and replicate, shared by every cell; each landmark cell's
    // total weight from the spells
    if (anyLandmark) {
      bootstrapWeights(seed, r, w);
      cellWeightTotals(lm, w, inp.valueWeighted, totals);
    }
    for (let j = 0; j < cells.length; j++) {
      const entry = entries[j];
      const c = cells[j] as number;
      p[r * cells.length + j] = entry !== undefined ? bootstrapWin(entry, inp.horizon, valueWeights, w, totals) : betaDraw(g.cellProb[c] as number, g.cellSd[c] as number, rng);
    }
  }
  return { cells: Int32Array.from(cells), replicates: R, p };
}

/**
 * Revenue for a period with a range, by seeded Monte-Carlo. For each open deal (stage s, age a days at
 * `now`) the chance it is won within the period of H days is P(won within H | s, a) =
 * (F̂_won(a + H) − F̂_won(a)) / Ŝ(a) from the Aalen–Johansen time-to-close model of its stage (deals that
 * reached the stage; pooled over all deals when the stage has fewer than `minSample` closed deals);
 * each simulation draws every deal's outcome-and-close-time once (won in the period or not) and adds its
 * amount. Deals not yet created: new deals arrive as a Poisson process at the recent rate λ (deals
 * created in the last `inflowWindowDays` / that many days); one created u days before the end wins in
 * time with probability F̂_won(u) (pooled curve from creation), so the number of such wins is Poisson
 * with mean λ ∫₀ᴴ F̂_won(u) du, each with an amount drawn from the past won amounts. With
 * `timing: false` each open deal wins with its stage (or own) probability and no new deals are added —
 * the same model as {@link exactRevenueDistribution} with `uncertainty: 'none'`, so the two can be
 * compared.
 *
 * The range (default `uncertainty: 'full'`) also carries the estimation error of the probabilities
 * and, with timing, a **period effect**: one multiplier θ per simulation (Gamma, mean 1, standard
 * deviation τ̂) on every deal's chance and on the new-deal wins, so a whole simulated period moves
 * together as real months do; τ̂ is learned from the past periods of the same length (the
 * over-dispersion of their wins around the time-to-close model, or with `periodEffect:
 * 'forecastErrors'` the forecast's own past errors) and recorded in `basis.periodEffect`. The mean is
 * unchanged by it (θ averages exactly 1 over the run; each chance keeps its expectation under the cap
 * at 1).
 *
 * Quantiles use the inverse empirical CDF (smallest simulated value with at least q of the runs at
 * or below it). Amounts stay as recorded (no amount uncertainty). Same seed → same result.
 * Cost O(simulations × open deals), about 1–2 ns per deal and simulation (32 simulations per pass,
 * bit-sliced; 1000 × 70k: 72–192 ms of CPU on a heavily loaded 2-core machine); with timing, plus
 * building the landmark model (linear in the past deals × landmark ages) and, with `'parameters'`,
 * 100 bootstrap replicates (linear in the deals' stage spells and the rows up to the horizon); see
 * bench/forecast.mjs.
 *
 * @param table - deals
 * @param options - period, target, currency, simulations, seed, timing, progress and abort
 * @returns mean, P10/P50/P90, P(revenue ≥ target) and the expected parts
 * @throws FunnelError CURRENCY_MISMATCH when the table has several currencies and none is chosen;
 *   INVALID_OPTION for bad counts or an unknown `uncertainty` / `periodEffect` (named in the error's
 *   path); ABORTED when the signal aborts
 * @category Forecast
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [{ id: 'offer', name: 'Offer', probability: 0.5 },
 *   { id: 'won', name: 'Won', category: 'won' }] });
 * const table = DealTable.fromColumns({ dealIds: ['a', 'b'], createdAt: [0, 0], stage: ['offer', 'offer'],
 *   amount: ['100.00', '100.00'], currency: 'EUR' }, funnel);
 * const r = forecastRevenue(table, { now: 0, timing: false, simulations: 2000, seed: 42,
 *   target: { amount: '200.00', currency: 'EUR' } });
 * r.p50 // => { amount: '100.00', currency: 'EUR' }
 * r.expectedFromOpen // => { amount: '100.00', currency: 'EUR' }
 * Math.abs(r.probabilityOfTarget - 0.25) < 0.03 // => true
 * ```
 */
export function forecastRevenue(table: DealTable, options: ForecastRevenueOptions = {}): ForecastRevenueReport {
  const now = options.now === undefined ? latestTime(table) : epoch(options.now, ['options', 'now']);
  const until = options.until === undefined ? endOfMonth(now) : epoch(options.until, ['options', 'until']);
  if (until < now) fail('INVALID_OPTION', `an end of period at or after now (${isoOf(now)})`, options.until, ['options', 'until']);
  const simulations = options.simulations ?? 1000;
  if (!(Number.isInteger(simulations) && simulations >= 1 && simulations <= 10_000_000)) fail('INVALID_OPTION', 'an integer number of simulations in [1, 10^7]', simulations, ['options', 'simulations']);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) fail('INVALID_OPTION', 'an integer seed', seed, ['options', 'seed']);
  const inflowWindowDays = options.inflowWindowDays ?? 90;
  if (!(typeof inflowWindowDays === 'number' && inflowWindowDays > 0)) fail('INVALID_OPTION', 'an inflow window in days > 0', inflowWindowDays, ['options', 'inflowWindowDays']);
  const timing = options.timing ?? true;
  const newDeals = timing && (options.newDeals ?? true);
  const minSample = checkMinSample(options.minSample);
  const target = options.target === undefined ? null : moneyIn(options.target, ['options', 'target']);
  const currency = pickCurrency(table, options.currency ?? target?.currency) ?? target?.currency ?? table.funnel.currency ?? 'EUR';
  if (target !== null && target.currency !== currency) fail('CURRENCY_MISMATCH', `a target in ${currency}`, target.currency, ['options', 'target', 'currency']);
  const uncertainty = options.uncertainty ?? 'full';
  if (uncertainty !== 'full' && uncertainty !== 'parameters' && uncertainty !== 'none') fail('INVALID_OPTION', "'full', 'parameters' or 'none'", uncertainty, ['options', 'uncertainty']);
  const effect = options.periodEffect ?? 'wins';
  if (!(effect === 'wins' || effect === 'forecastErrors' || (typeof effect === 'number' && effect >= 0 && effect <= 10))) fail('INVALID_OPTION', "'wins', 'forecastErrors' or a standard deviation in [0, 10]", effect, ['options', 'periodEffect']);
  const periodHistory = options.periodHistory ?? (effect === 'forecastErrors' ? 6 : 12);
  if (!(Number.isInteger(periodHistory) && periodHistory >= 2)) fail('INVALID_OPTION', 'an integer number of past periods ≥ 2', periodHistory, ['options', 'periodHistory']);
  const minPeriods = options.minPeriods ?? 3;
  if (!(Number.isInteger(minPeriods) && minPeriods >= 2)) fail('INVALID_OPTION', 'an integer minimum number of past periods ≥ 2', minPeriods, ['options', 'minPeriods']);
  const weighting = options.weighting ?? 'deals';
  if (weighting !== 'amount' && weighting !== 'deals') fail('INVALID_OPTION', "'amount' or 'deals'", weighting, ['options', 'weighting']);
  const inp = periodInputs(table, now, until, currency, { timing, newDeals, inflowWindowDays, minSample, probabilities: options.probabilities ?? 'configured', uncertainty, weighting });
  const grouped = groupCells(inp);
  const draws = uncertainty !== 'none' ? parameterDraws(inp, grouped, simulations, seed) : undefined;
  const pOpts = { timing, newDeals, inflowWindowDays, minSample, probabilities: options.probabilities ?? 'configured', weighting } as const;
  let periodEffect: PeriodVariation | InsufficientHistory | null = null;
  if (uncertainty === 'full' && inp.model !== null && inp.horizon > 0) {
    if (typeof effect === 'number') periodEffect = { ok: true, method: 'given', sd: effect, level: null, lengthDays: inp.horizon, periods: [] };
    else if (effect === 'wins') periodEffect = periodVariationFromWins(table, now, inp.horizon, inp.model.pooled, periodHistory, minPeriods, currency);
    else periodEffect = periodVariationFromForecasts(table, now, inp.horizon, periodHistory, minPeriods, currency, (from, to) => forecastMoments(periodInputs(dealTableAsOf(table, from), from, to, currency, { ...pOpts, uncertainty: 'parameters' })));
  }
  const periodSd = periodEffect !== null && periodEffect.ok ? periodEffect.sd : 0;
  const totals = simulateRevenue({
    amounts: grouped.amounts,
    cellStart: grouped.cellStart,
    cellProb: grouped.cellProb,
    ...(draws === undefined ? {} : { cellDraws: draws }),
    simulations,
    seed,
    extraMean: inp.newMean,
    extraCv: inp.newCv,
    extraAmounts: inp.wonAmounts,
    periodSd,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  let sum = 0;
  let hit = 0;
  for (let s = 0; s < simulations; s++) {
    const v = totals[s] as number;
    sum += v;
    if (target !== null && v >= target.minor) hit++;
  }
  const sorted = totals.sort();
  let open = 0;
  for (let i = 0; i < inp.amounts.length; i++) open += (inp.amounts[i] as number) * (inp.probs[i] as number);
  let wonMean = 0;
  for (let i = 0; i < inp.wonAmounts.length; i++) wonMean += inp.wonAmounts[i] as number;
  wonMean = inp.wonAmounts.length === 0 ? 0 : wonMean / inp.wonAmounts.length;
  return {
    basis: {
      asOf: isoOf(now),
      until: isoOf(until),
      currency,
      simulations,
      seed,
      timing,
      newDeals: newDeals && inp.newMean > 0,
      uncertainty,
      weighting: timing ? weighting : null,
      periodEffect,
      cells: grouped.cellProb.length,
      quantileRule: 'smallest simulated revenue with at least q of the simulations at or below it',
    },
    deals: inp.deals.length,
    skipped: inp.skipped,
    mean: moneyOut(sum / simulations, currency),
    p10: moneyOut(inverseCdfQuantile(sorted, 0.1) ?? 0, currency),
    p50: moneyOut(inverseCdfQuantile(sorted, 0.5) ?? 0, currency),
    p90: moneyOut(inverseCdfQuantile(sorted, 0.9) ?? 0, currency),
    probabilityOfTarget: target === null ? null : hit / simulations,
    expectedFromOpen: moneyOut(open, currency),
    expectedFromNew: moneyOut(inp.newMean * wonMean, currency),
    inflowPerDay: inp.inflowPerDay,
  };
}
