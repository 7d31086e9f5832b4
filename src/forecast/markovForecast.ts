import { fail } from '../errors/FunnelError.js';
import { transitionOverTime } from '../internal/ctmc.js';
import { Decimal } from '../internal/decimal.js';
import { absorb, chainFromCounts, improvements } from '../internal/markov.js';
import { conditionalWin, freshWin, integrateFresh, type BandedChain } from '../internal/semiMarkov.js';
import { DAY_MS } from '../internal/time.js';
import type { DealTable } from '../io/dealTable.js';
import type { Money } from '../model/money.js';
import type { TimestampInput } from '../model/time.js';
import { checkMinSample, DEAL_LOST, DEAL_OPEN, DEAL_WON, days, epoch, insufficient, isoOf, latestTime, moneyOut, openDeals, stageOrder, type InsufficientHistory } from './shared.js';

/**
 * Options for {@link markovForecast}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface MarkovForecastOptions {
  /** As-of time: moves after it are ignored, deals open at it are forecast (default: latest time in the table). */
  readonly now?: TimestampInput;
  /** Probability mass moved in the sensitivity analysis (default 0.05): from a stage's "→ lost" to one forward move. */
  readonly delta?: number;
  /** How many improvements to list (default 5). */
  readonly top?: number;
  /** Minimum number of observed moves in total (default 30). */
  readonly minSample?: number;
  /**
   * End of a forecast period. When given, the report's `period` answers "how many wins and how much
   * revenue in (now, until]" with the continuous-time chain (exit rates from the stays, jumps from the
   * moves); without it `period` is null.
   */
  readonly until?: TimestampInput;
  /** Add the expected wins of deals created during the period (default true; only with `until`). */
  readonly newDeals?: boolean;
  /** Days of history behind the inflow rate of new deals (default 90). */
  readonly inflowWindowDays?: number;
  /**
   * How the time already spent in the current stage counts (only with `until`): `'memoryless'`
   * (default: the Markov chain, a stay's past does not matter) or `'banded'` (semi-Markov: exit
   * rates and destinations estimated per band of time in the stage, `stayBands`).
   */
  readonly stay?: 'memoryless' | 'banded';
  /** Band starts in days of time in the stage, after 0 (default [7, 14, 30, 60, 90]); used by `byStay` and `stay: 'banded'`. */
  readonly stayBands?: readonly number[];
  /** List every open deal's own P(won within the period) in `period.deals` (default false). */
  readonly perDeal?: boolean;
}

/**
 * One estimated transition out of a stage.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface MarkovTransition {
  /** Target stage id, or `'won'` / `'lost'`. */
  readonly to: string;
  /** Observed moves. */
  readonly count: number;
  /** count / moves out of the stage. */
  readonly probability: number;
}

/**
 * The chain's answer for one open stage.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface MarkovStage {
  /** Stage id. */
  readonly stageId: string;
  /** Moves observed out of the stage (its row total); 0 means the row is unknown and P(win) is 0. */
  readonly moves: number;
  /** The estimated transitions (skips and backward moves included). */
  readonly transitions: readonly MarkovTransition[];
  /** P(absorbed in won | now at this stage) = (N R)_won. */
  readonly pWin: number;
  /** P(absorbed in lost | now at this stage). */
  readonly pLost: number;
  /** Expected number of further moves until won or lost, (N 1). */
  readonly expectedMoves: number;
  /** Open deals at this stage. */
  readonly openDeals: number;
  /** openDeals × pWin. */
  readonly expectedWins: number;
}

/**
 * A candidate improvement of one transition, and what it adds.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface MarkovImprovement {
  /** Stage whose outgoing probabilities change. */
  readonly from: string;
  /** The forward target that gains the mass (a later stage or `'won'`). */
  readonly to: string;
  /** Mass moved from `from → lost` to `from → to`: min(delta, P(from → lost)). */
  readonly shifted: number;
  /** Extra expected wins over today's open deals (exact, by re-solving the chain). */
  readonly extraWins: number;
  /** d(extra wins)/d(shift) at 0: Σ_s open_s · N[s][from] · P(win | to). */
  readonly derivative: number;
  /** Extra expected revenue per currency (weights = open amount per stage). */
  readonly extraAmount: readonly Money[];
}

/**
 * Timing of one open stage in the continuous-time chain.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface MarkovStageTiming {
  /** Stage id. */
  readonly stageId: string;
  /** Total time deals spent in the stage, in days (finished stays, plus open deals' ongoing stays cut at the as-of time). */
  readonly stayDays: number;
  /** Moves out of the stage (the same moves as the one-move chain). */
  readonly exits: number;
  /** Exit rate per day, exits / stayDays (occurrence / exposure); 0 when nothing left the stage. */
  readonly exitRatePerDay: number;
  /** Mean stay in days, 1 / exitRatePerDay (null when nothing left the stage). */
  readonly meanStayDays: number | null;
  /** P(won within the period | now in this stage) = exp(G·H)[stage][won]; with `stay: 'banded'`, for a deal entering the stage now. */
  readonly pWinWithin: number;
  /** P(lost within the period | now in this stage). */
  readonly pLostWithin: number;
  /** Open deals at this stage. */
  readonly openDeals: number;
  /** Σ over the stage's open deals of their P(won within the period) (= openDeals × pWinWithin when memoryless). */
  readonly expectedWins: number;
  /** Exit rates by time already spent in the stage (the check of the memoryless assumption: equal rates if it holds). */
  readonly byStay: readonly MarkovStayBand[];
}

/**
 * Exits and time spent in one band of time-in-stage, for {@link MarkovStageTiming}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface MarkovStayBand {
  /** Band start, days in the stage. */
  readonly fromDay: number;
  /** Band end (exclusive), days in the stage; null for the last, open-ended band. */
  readonly toDay: number | null;
  /** Days that stays spent in this band (open stays cut at the as-of time). */
  readonly stayDays: number;
  /** Moves out of the stage after a stay ending in this band. */
  readonly exits: number;
  /** Of which into won. */
  readonly wins: number;
  /** exits / stayDays (null when no stay reached the band). */
  readonly exitRatePerDay: number | null;
}

/**
 * One open deal's chance within the period, for {@link MarkovPeriod} (option `perDeal`).
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface MarkovDealTiming {
  /** Deal id. */
  readonly dealId: string;
  /** Its stage. */
  readonly stageId: string;
  /** Days it has spent in the stage at the as-of time. */
  readonly daysInStage: number;
  /** P(won within the period) for this deal. */
  readonly pWinWithin: number;
}

/**
 * Expected wins of deals not yet created, for {@link MarkovPeriod}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface MarkovNewDeals {
  /** Days of history behind the inflow rate. */
  readonly windowDays: number;
  /** Deals created per day in the window, by the stage they were created in (stage id → rate). */
  readonly inflowPerDay: Readonly<Record<string, number>>;
  /** Σ_e inflow_e · ∫₀ᴴ P(won within u | created in e) du (a fresh deal: 0 days in its stage). */
  readonly expectedWins: number;
  /** expectedWins × (won amount in the currency / won deals with an amount), per currency, over deals won by the as-of time. */
  readonly expectedAmount: readonly Money[];
}

/**
 * The per-period answer of {@link markovForecast} (option `until`).
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface MarkovPeriod {
  /** Start of the period (the as-of time). */
  readonly from: string;
  /** End of the period. */
  readonly until: string;
  /** Length H of the period in days. */
  readonly days: number;
  /** The rule behind the numbers. */
  readonly rule: string;
  /** How the time already spent in a stage counts. */
  readonly stay: 'memoryless' | 'banded';
  /** Per open stage in funnel order. */
  readonly stages: readonly MarkovStageTiming[];
  /** Every open deal's own chance (with `perDeal: true`; null otherwise). */
  readonly deals: readonly MarkovDealTiming[] | null;
  /** Σ over today's open deals of P(won within H | stage) (and time in stage, when banded). */
  readonly expectedWins: number;
  /** Σ amount × P(won within H) per currency, exact decimal strings (half-even to the minor unit). */
  readonly expectedAmount: readonly Money[];
  /** Deals created during the period (null with `newDeals: false`). */
  readonly newDeals: MarkovNewDeals | null;
  /** expectedWins plus the new deals' expected wins. */
  readonly totalExpectedWins: number;
  /** expectedAmount plus the new deals' expected amount, per currency. */
  readonly totalExpectedAmount: readonly Money[];
}

/**
 * The result of {@link markovForecast}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface MarkovForecastReport {
  /** Always true. */
  readonly ok: true;
  /** The rules behind the numbers. */
  readonly basis: { readonly asOf: string; readonly moves: number; readonly delta: number; readonly rule: string };
  /** Per open stage in funnel order. */
  readonly stages: readonly MarkovStage[];
  /** Σ over open deals of P(win | stage). */
  readonly expectedWins: number;
  /** Σ amount × P(win | stage) per currency (no timing: eventual wins). */
  readonly expectedAmount: readonly Money[];
  /** Improvements sorted by extra expected wins (the bottleneck first). */
  readonly improvements: readonly MarkovImprovement[];
  /** The same candidates sorted by extra revenue in each currency. */
  readonly improvementsByAmount: ReadonlyArray<{ readonly currency: string; readonly list: readonly MarkovImprovement[] }>;
  /** Wins and revenue within (now, until] from the continuous-time chain; null without `until`. */
  readonly period: MarkovPeriod | null;
}

/**
 * Absorbing Markov chain forecast. States: the open stages (transient) plus won and lost (absorbing).
 * The one-move transition matrix is estimated from the recorded histories — every move out of an
 * open stage counts: forward, skipping, backward, into won or lost (self-moves and moves out of closed
 * stages, such as reopenings, are not counted). Canonical form P = [[Q, R], [0, I]]; fundamental
 * matrix N = (I − Q)⁻¹ (solved, not inverted by hand); P(win | stage) = (N R)_won; expected moves to
 * absorption t = N 1 (Grinstead & Snell ch. 11; Heath Henley, "Modeling a sales pipeline as a Markov
 * chain").
 *
 * Sensitivity ("the bottleneck in money"): for each open stage i and each forward target j (a later
 * stage already reached from i, the next stage, or won), move `delta` of probability from i → lost to
 * i → j, re-solve, and report the extra expected wins over today's open deals and the extra revenue
 * (Σ_s weight_s · ΔP(win | s)), plus the derivative at 0. Assumption: memoryless moves (age does not
 * matter). Cost O(k⁵) for k open stages (k is small).
 *
 * Per period (option `until`): a continuous-time chain on the same states. Each open stage's exit
 * rate is λ_s = (moves out of s) / (days spent in s), summing finished stays and, for deals open at
 * `now`, the ongoing stay cut at `now` (right-censored; the maximum-likelihood rate of exponential
 * stays); jumps keep the one-move probabilities, so the generator is G[s][j] = moves s → j / days in s.
 * P(won within H | s) = exp(G·H)[s][won], computed by uniformisation with scaling and squaring; it
 * rises with H to P(win | s) of the one-move chain. Expected wins and revenue in (now, until] sum it
 * over the open deals (exact decimals per currency); deals created during the period arrive at the
 * recent inflow rate per entry stage and add inflow · ∫₀ᴴ P(won within u) du wins, valued at the mean
 * won amount. Memoryless: a deal that has sat in a stage for months gets the same chance as one that
 * just arrived (see docs/forecasting.md; {@link timeToClose} conditions on age). Cost O(k³ · log(λ·H)).
 *
 * @param table - deals with histories
 * @param options - as-of time, delta, list length, floor, period end, new deals
 * @returns the chain's probabilities, or insufficient history / a non-absorbing chain
 * @throws FunnelError INVALID_OPTION for a bad delta, top, until (before now) or inflow window
 * @category Forecast
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [
 *   { id: 'lead', name: 'Lead' }, { id: 'offer', name: 'Offer' },
 *   { id: 'won', name: 'Won', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' }] });
 * // lead → offer → won, lead → lost, lead → offer → lost, lead → offer → won
 * const table = DealTable.fromColumns({ dealIds: ['a', 'b', 'c', 'd'], createdAt: [0, 0, 0, 0], stage: ['won', 'lost', 'lost', 'won'],
 *   history: { deal: [0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 3], from: [null, 'lead', 'offer', null, 'lead', null, 'lead', 'offer', null, 'lead', 'offer'],
 *     to: ['lead', 'offer', 'won', 'lead', 'lost', 'lead', 'offer', 'lost', 'lead', 'offer', 'won'], at: [0, 1, 2, 0, 1, 0, 1, 2, 0, 1, 2] } }, funnel);
 * const m = markovForecast(table, { minSample: 1 });
 * m.ok && m.stages[0].pWin // => 0.75 * (2 / 3)
 * m.ok && m.stages[0].expectedMoves // => 1.75
 * // per period: Offer stays of 2 (won), 2 (lost) and 4 days (open, cut at day 4): 2 exits in 8 days
 * const day = 86_400_000;
 * const t2 = DealTable.fromColumns({ dealIds: ['x', 'y', 'z'], createdAt: [0, 0, 0], stage: ['won', 'lost', 'offer'],
 *   history: { deal: [0, 0, 1, 1, 2], from: [null, 'offer', null, 'offer', null], to: ['offer', 'won', 'offer', 'lost', 'offer'], at: [0, 2 * day, 0, 2 * day, 0] } }, funnel);
 * const p = markovForecast(t2, { minSample: 1, now: 4 * day, until: 34 * day, newDeals: false });
 * p.ok && p.period.stages[1].exitRatePerDay // => 0.25
 * p.ok && p.period.stages[1].pWinWithin // => 0.5 * (1 - Math.exp(-30 / 4))
 * ```
 */
export function markovForecast(table: DealTable, options: MarkovForecastOptions = {}): MarkovForecastReport | InsufficientHistory | { readonly ok: false; readonly reason: 'notAbsorbing' } {
  const now = options.now === undefined ? latestTime(table) : epoch(options.now, ['options', 'now']);
  const delta = options.delta ?? 0.05;
  if (!(typeof delta === 'number' && delta > 0 && delta <= 1)) {
    fail('INVALID_OPTION', 'a delta in (0, 1]', delta, ['options', 'delta']);
  }
  const top = options.top ?? 5;
  if (!(Number.isInteger(top) && top >= 0)) fail('INVALID_OPTION', 'an integer top ≥ 0', top, ['options', 'top']);
  const minSample = checkMinSample(options.minSample);
  const until = options.until === undefined ? null : epoch(options.until, ['options', 'until']);
  if (until !== null && !(until >= now)) fail('INVALID_OPTION', `an end of period at or after the as-of time ${isoOf(now)}`, options.until, ['options', 'until']);
  const newDeals = options.newDeals ?? true;
  if (typeof newDeals !== 'boolean') fail('INVALID_OPTION', 'true or false', newDeals, ['options', 'newDeals']);
  const inflowWindowDays = options.inflowWindowDays ?? 90;
  if (!(typeof inflowWindowDays === 'number' && Number.isFinite(inflowWindowDays) && inflowWindowDays > 0)) {
    fail('INVALID_OPTION', 'an inflow window in days > 0', inflowWindowDays, ['options', 'inflowWindowDays']);
  }
  const stayMode = options.stay ?? 'memoryless';
  if (stayMode !== 'memoryless' && stayMode !== 'banded') fail('INVALID_OPTION', "'memoryless' or 'banded'", stayMode, ['options', 'stay']);
  const bandStarts = [0, ...(options.stayBands ?? [7, 14, 30, 60, 90])];
  bandStarts.forEach((b, i) => {
    if (i > 0 && !(typeof b === 'number' && Number.isFinite(b) && b > (bandStarts[i - 1] as number))) {
      fail('INVALID_OPTION', 'increasing finite band starts in days > 0', b, ['options', 'stayBands', i - 1]);
    }
  });
  const perDeal = options.perDeal ?? false;
  if (typeof perDeal !== 'boolean') fail('INVALID_OPTION', 'true or false', perDeal, ['options', 'perDeal']);
  const { open, position } = stageOrder(table);
  const k = open.length;
  const w = k + 2;
  const counts = new Float64Array(k * w);
  const stay = new Float64Array(k); // ms spent in each open stage (ongoing stays cut at now)
  const nb = bandStarts.length;
  const bandMs = bandStarts.map((d) => d * DAY_MS);
  const bandStay = new Float64Array(k * nb); // ms spent per (stage, band of time in stage)
  const bandCounts = new Float64Array(k * nb * w); // exits per (stage, band the stay ended in, target)
  const entry = new Int32Array(table.size).fill(-1); // position of the stage each deal was created in
  const stayStart = new Float64Array(table.size).fill(Number.NaN); // start of an open deal's current stay
  const addStay = (p: number, a: number, b: number, col: number): void => {
    const len = Math.max(0, b - a);
    stay[p] = (stay[p] as number) + len;
    for (let j = 0; j < nb; j++) {
      const lo = bandMs[j] as number;
      if (j > 0 && len < lo) break;
      const hi = j + 1 < nb ? (bandMs[j + 1] as number) : Infinity;
      bandStay[p * nb + j] = (bandStay[p * nb + j] as number) + (Math.min(len, hi) - lo);
      if (col >= 0 && len < hi) bandCounts[(p * nb + j) * w + col] = (bandCounts[(p * nb + j) * w + col] as number) + 1;
    }
  };
  let moves = 0;
  for (let i = 0; i < table.size; i++) {
    const created = table.createdAt[i] as number;
    let cur = -1; // position of the open stage the deal is in, −1 when none (closed, or before its history)
    let since = 0;
    const r0 = table.histStart[i] as number;
    const r1 = table.histStart[i + 1] as number;
    for (let r = r0; r < r1; r++) {
      const at = table.histAt[r] as number;
      if (at > now) break;
      const from = table.histFrom[r] as number;
      const st = table.histStatus[r] as number;
      if (r === r0) {
        // a history that starts with a move (no creation row) was in `from` since the creation
        entry[i] = from >= 0 ? (position[from] as number) : (position[table.histTo[r] as number] as number);
        if (from >= 0 && (position[from] as number) >= 0 && created <= at) {
          cur = position[from] as number;
          since = created;
        }
      }
      // the counted move (as in the one-move chain): out of an open stage, into won, lost or another open stage
      const pf = from >= 0 ? (position[from] as number) : -1;
      let col = -1;
      if (pf >= 0) {
        if (st === DEAL_WON) col = k;
        else if (st === DEAL_LOST) col = k + 1;
        else {
          const pt = position[table.histTo[r] as number] as number;
          if (pt >= 0 && pt !== pf) col = pt;
        }
      }
      const next = st === DEAL_WON || st === DEAL_LOST ? -1 : (position[table.histTo[r] as number] as number);
      if (next !== cur) {
        if (cur >= 0) addStay(cur, since, at, pf === cur ? col : -1);
        cur = next;
        since = at;
      }
      if (col >= 0) {
        counts[pf * w + col] = (counts[pf * w + col] as number) + 1;
        moves++;
      }
    }
    if (cur >= 0) {
      // still in an open stage at the last row ≤ now: the stay is cut at now (or at a close the history does not record)
      const closed = table.closedAt[i] as number;
      const end = (table.status[i] as number) !== DEAL_OPEN && closed <= now && closed >= since ? closed : now;
      addStay(cur, since, end, -1);
      if (end === now) stayStart[i] = since;
    }
  }
  if (moves < minSample) return insufficient(moves, minSample);
  const chain = chainFromCounts(counts, k);
  const abs = absorb(chain);
  if (abs === null) return { ok: false, reason: 'notAbsorbing' };
  const deals = openDeals(table, now);
  const nOpen = new Float64Array(k);
  const amountBy = table.currencies.map(() => new Float64Array(k));
  for (const i of deals) {
    const p = position[table.stage[i] as number] as number;
    if (p < 0) continue;
    nOpen[p] = (nOpen[p] as number) + 1;
    const c = table.currencyIndex[i] as number;
    const a = table.amountMinor[i] as number;
    if (c >= 0 && !Number.isNaN(a)) (amountBy[c] as Float64Array)[p] = ((amountBy[c] as Float64Array)[p] as number) + a;
  }
  const name = (j: number): string => (j < k ? (table.stageIds[open[j] as number] as string) : j === k ? 'won' : 'lost');
  const stages: MarkovStage[] = open.map((s, p) => {
    const transitions: MarkovTransition[] = [];
    const tot = chain.rowTotals[p] as number;
    for (let j = 0; j < w; j++) {
      const c = counts[p * w + j] as number;
      if (c > 0) transitions.push({ to: name(j), count: c, probability: c / tot });
    }
    const pWin = abs.B[p * 2] as number;
    return {
      stageId: table.stageIds[s] as string,
      moves: tot,
      transitions,
      pWin,
      pLost: abs.B[p * 2 + 1] as number,
      expectedMoves: abs.t[p] as number,
      openDeals: nOpen[p] as number,
      expectedWins: (nOpen[p] as number) * pWin,
    };
  });
  const byWins = improvements(chain, abs, nOpen, delta);
  const byMoney = amountBy.map((wts) => improvements(chain, abs, wts, delta));
  const keyOf = (x: { from: number; to: number }): string => `${x.from}>${x.to}`;
  const moneyGain = byMoney.map((list) => new Map(list.map((x) => [keyOf(x), x.gain])));
  const toPublic = (x: { from: number; to: number; shifted: number }): MarkovImprovement => {
    const win = byWins.find((y) => y.from === x.from && y.to === x.to);
    return {
      from: name(x.from),
      to: name(x.to),
      shifted: x.shifted,
      extraWins: win?.gain ?? 0,
      derivative: win?.derivative ?? 0,
      extraAmount: table.currencies.map((cur, c) => moneyOut((moneyGain[c] as Map<string, number>).get(keyOf(x)) ?? 0, cur)),
    };
  };
  let expectedWins = 0;
  for (let p = 0; p < k; p++) expectedWins += (nOpen[p] as number) * (abs.B[p * 2] as number);
  const period =
    until === null
      ? null
      : periodForecast(table, { now, until, k, counts, rowTotals: chain.rowTotals, B: abs.B, stay, entry, nOpen, amountBy, name, newDeals, inflowWindowDays, bandStarts, bandStay, bandCounts, stayMode, stayStart, perDeal, deals, position });
  return {
    ok: true,
    basis: {
      asOf: isoOf(now),
      moves,
      delta,
      rule: 'one-move chain over open stages with won/lost absorbing; every recorded move out of an open stage counts (skips and backward moves included)',
    },
    stages,
    expectedWins,
    expectedAmount: table.currencies.map((cur, c) => {
      let s = 0;
      for (let p = 0; p < k; p++) s += ((amountBy[c] as Float64Array)[p] as number) * (abs.B[p * 2] as number);
      return moneyOut(s, cur);
    }),
    improvements: byWins.slice(0, top).map(toPublic),
    improvementsByAmount: table.currencies.map((currency, c) => ({ currency, list: (byMoney[c] ?? []).slice(0, top).map(toPublic) })),
    period,
  };
}

/** Σ_p weight_p × prob_p in decimal arithmetic (weights are exact integer minor units), in minor units. */
function decimalSum(weights: ArrayLike<number>, probs: ArrayLike<number>): Decimal {
  let s = new Decimal(0);
  for (let p = 0; p < weights.length; p++) {
    const wgt = weights[p] as number;
    const pr = probs[p] as number;
    if (wgt === 0 || pr === 0) continue;
    s = s.plus(new Decimal(wgt).times(new Decimal(pr)));
  }
  return s;
}

/**
 * The continuous-time chain over (now, until]: generator G[p][j] = moves p → j / time spent in p
 * (days), P(H) = exp(G H) and F(H) = ∫₀ᴴ exp(G u) du by uniformisation; open deals use P, deals
 * created during the period (inflow per entry stage) use F.
 */
function periodForecast(
  table: DealTable,
  x: {
    now: number;
    until: number;
    k: number;
    counts: Float64Array;
    rowTotals: Float64Array;
    B: Float64Array;
    stay: Float64Array;
    entry: Int32Array;
    nOpen: Float64Array;
    amountBy: Float64Array[];
    name: (j: number) => string;
    newDeals: boolean;
    inflowWindowDays: number;
    bandStarts: readonly number[];
    bandStay: Float64Array;
    bandCounts: Float64Array;
    stayMode: 'memoryless' | 'banded';
    stayStart: Float64Array;
    perDeal: boolean;
    deals: readonly number[];
    position: Int32Array;
  },
): MarkovPeriod {
  const { k, counts, rowTotals, stay, nOpen, amountBy, name } = x;
  const w = k + 2;
  const H = days(x.until - x.now);
  // a stage whose stays all last 0 ms is treated as left after 1 ms per exit (the timestamp resolution)
  const stayDays = Float64Array.from(stay, (ms, p) => Math.max(ms, (rowTotals[p] as number) * 1) / DAY_MS);
  const G = new Float64Array(w * w);
  for (let p = 0; p < k; p++) {
    const tot = rowTotals[p] as number;
    if (tot === 0) continue;
    for (let j = 0; j < w; j++) {
      if (j === p) continue;
      const q = (counts[p * w + j] as number) / (stayDays[p] as number);
      G[p * w + j] = q;
      G[p * w + p] = (G[p * w + p] as number) - q;
    }
  }
  const { P, F } = transitionOverTime({ n: w, G }, H);
  // Absorbing columns from the transient block: P(won by H | i) = B_i − Σ_j P_ij(H) B_j (what is not
  // yet absorbed at H is still to be won with B_j), and ∫₀ᴴ P(won by u | i) du = H·B_i − Σ_j F_ij(H) B_j.
  // Exact identities; they keep H → ∞ equal to the one-move chain's B to rounding, where repeated
  // squaring of the full matrix would let the absorbing columns drift.
  const B = x.B;
  const pWin = new Float64Array(k);
  const pLost = new Float64Array(k);
  const intWin = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let win = B[i * 2] as number;
    let lost = B[i * 2 + 1] as number;
    let iw = H === 0 ? 0 : H * (B[i * 2] as number);
    for (let j = 0; j < k; j++) {
      const pij = P[i * w + j] as number;
      win -= pij * (B[j * 2] as number);
      lost -= pij * (B[j * 2 + 1] as number);
      iw -= (F[i * w + j] as number) * (B[j * 2] as number);
    }
    pWin[i] = Math.min(1, Math.max(0, win));
    pLost[i] = Math.min(1, Math.max(0, lost));
    intWin[i] = Math.max(0, iw);
  }
  // banded (semi-Markov) rates: exits per (stage, band, target) / days spent in the band; a band no stay reached borrows the previous band's (the first: the pooled rates)
  const nb = x.bandStarts.length;
  const bandRates = new Float64Array(k * nb * w);
  for (let p = 0; p < k; p++) {
    for (let b = 0; b < nb; b++) {
      const d = (x.bandStay[p * nb + b] as number) / DAY_MS;
      const base = (p * nb + b) * w;
      for (let j = 0; j < w; j++) {
        if (j === p) continue;
        bandRates[base + j] = d > 0 ? (x.bandCounts[base + j] as number) / d : b === 0 ? (G[p * w + j] as number) : (bandRates[base - w + j] as number);
      }
    }
  }
  const banded = x.stayMode === 'banded' && H > 0;
  const chainB: BandedChain = { k, starts: x.bandStarts, rates: bandRates };
  const N = Math.min(1024, Math.max(64, Math.ceil(H * 16)));
  const dt = H / N;
  const V = banded ? freshWin(chainB, dt, N) : null;
  // P(lost within H) for a fresh deal: the same solver with the won and lost columns swapped
  let VLost: Float64Array | null = null;
  if (banded) {
    const swapped = Float64Array.from(bandRates);
    for (let r = 0; r < k * nb; r++) {
      swapped[r * w + k] = bandRates[r * w + k + 1] as number;
      swapped[r * w + k + 1] = bandRates[r * w + k] as number;
    }
    VLost = freshWin({ k, starts: x.bandStarts, rates: swapped }, dt, N);
  }
  const lastStart = x.bandStarts[nb - 1] as number;
  const cache = new Map<number, number>();
  // a deal's chance: memoryless = its stage's; banded = conditional on its days in the stage (rounded to 3 hours; beyond the last band start all alike)
  const chanceOf = (p: number, daysIn: number): number => {
    if (V === null) return pWin[p] as number;
    const key = p * 1e7 + Math.round(Math.min(daysIn, lastStart) * 8);
    let v = cache.get(key);
    if (v === undefined) {
      v = conditionalWin(chainB, V, p, Math.round(Math.min(daysIn, lastStart) * 8) / 8, dt, N);
      cache.set(key, v);
    }
    return v;
  };
  const openWins = new Float64Array(k);
  const amountWins = table.currencies.map(() => new Decimal(0));
  const dealRows: MarkovDealTiming[] = [];
  for (const i of x.deals) {
    const p = x.position[table.stage[i] as number] as number;
    if (p < 0) continue;
    const startedAt = x.stayStart[i] as number;
    const daysIn = Number.isNaN(startedAt) ? 0 : Math.max(0, days(x.now - startedAt));
    const pr = chanceOf(p, daysIn);
    openWins[p] = (openWins[p] as number) + pr;
    if (banded) {
      const c = table.currencyIndex[i] as number;
      const a = table.amountMinor[i] as number;
      if (c >= 0 && !Number.isNaN(a) && pr > 0) amountWins[c] = (amountWins[c] as Decimal).plus(new Decimal(a).times(new Decimal(pr)));
    }
    if (x.perDeal) dealRows.push({ dealId: table.dealIds[i] as string, stageId: name(p), daysInStage: daysIn, pWinWithin: pr });
  }
  const stages: MarkovStageTiming[] = [];
  let expectedWins = 0;
  for (let p = 0; p < k; p++) {
    const exits = rowTotals[p] as number;
    const rate = exits === 0 ? 0 : exits / (stayDays[p] as number);
    expectedWins += openWins[p] as number;
    const byStay: MarkovStayBand[] = x.bandStarts.map((from, b) => {
      const d = (x.bandStay[p * nb + b] as number) / DAY_MS;
      let ex = 0;
      for (let j = 0; j < w; j++) ex += x.bandCounts[(p * nb + b) * w + j] as number;
      return { fromDay: from, toDay: b + 1 < nb ? (x.bandStarts[b + 1] as number) : null, stayDays: d, exits: ex, wins: x.bandCounts[(p * nb + b) * w + k] as number, exitRatePerDay: d > 0 ? ex / d : null };
    });
    // a fresh deal's chances of being won and lost within the period (banded: one scaled pair)
    const fresh = V === null || VLost === null ? [pWin[p] as number, pLost[p] as number] : bandedPair(V[N * k + p] as number, VLost[N * k + p] as number);
    stages.push({
      stageId: name(p),
      stayDays: (stay[p] as number) / DAY_MS,
      exits,
      exitRatePerDay: rate,
      meanStayDays: rate === 0 ? null : 1 / rate,
      pWinWithin: fresh[0],
      pLostWithin: fresh[1],
      openDeals: nOpen[p] as number,
      expectedWins: openWins[p] as number,
      byStay,
    });
  }
  const openMinor = banded ? amountWins : table.currencies.map((_, c) => decimalSum(amountBy[c] as Float64Array, pWin));
  let newMinor: Decimal[] | null = null;
  let newDeals: MarkovNewDeals | null = null;
  if (x.newDeals) {
    const from = x.now - x.inflowWindowDays * DAY_MS;
    const created = new Float64Array(k);
    for (let i = 0; i < table.size; i++) {
      const t = table.createdAt[i] as number;
      const e = x.entry[i] as number;
      if (t > from && t <= x.now && e >= 0) created[e] = (created[e] as number) + 1;
    }
    const inflowPerDay: Record<string, number> = {};
    let wins = 0;
    for (let e = 0; e < k; e++) {
      const rate = (created[e] as number) / x.inflowWindowDays;
      if (rate === 0) continue;
      inflowPerDay[name(e)] = rate;
      wins += rate * (V === null ? (intWin[e] as number) : integrateFresh(V, k, e, dt, N));
    }
    // value of one new win: the won amount per won deal, per currency, over deals won by now
    const wonSum = new Float64Array(table.currencies.length);
    let wonCount = 0;
    for (let i = 0; i < table.size; i++) {
      if ((table.status[i] as number) !== DEAL_WON || !((table.closedAt[i] as number) <= x.now)) continue;
      const c = table.currencyIndex[i] as number;
      const a = table.amountMinor[i] as number;
      if (c < 0 || Number.isNaN(a)) continue;
      wonSum[c] = (wonSum[c] as number) + a;
      wonCount++;
    }
    const minor = table.currencies.map((_, c) => (wonCount === 0 ? new Decimal(0) : new Decimal(wonSum[c] as number).times(new Decimal(wins)).div(wonCount)));
    newMinor = minor;
    newDeals = {
      windowDays: x.inflowWindowDays,
      inflowPerDay,
      expectedWins: wins,
      expectedAmount: table.currencies.map((cur, c) => moneyOut(minor[c] as Decimal, cur)),
    };
  }
  const nd = newDeals;
  const nm = newMinor;
  return {
    from: isoOf(x.now),
    until: isoOf(x.until),
    days: H,
    rule:
      x.stayMode === 'banded'
        ? 'semi-Markov: exit rates and destinations per band of time in the stage (moves out / time spent in the band, ongoing stays cut at the as-of time), the clock restarting in each stage; each open deal conditioned on its days in its stage'
        : 'continuous-time chain: exit rate of a stage = moves out / time spent in it (ongoing stays cut at the as-of time), jumps as in the one-move chain; P(won within H) = exp(G·H)[stage][won] by uniformisation; memoryless: the time already spent in a stage does not change the forecast',
    stay: x.stayMode,
    stages,
    deals: x.perDeal ? dealRows : null,
    expectedWins,
    expectedAmount: table.currencies.map((cur, c) => moneyOut(openMinor[c] as Decimal, cur)),
    newDeals: nd,
    totalExpectedWins: expectedWins + (nd?.expectedWins ?? 0),
    totalExpectedAmount: table.currencies.map((cur, c) => moneyOut(nm === null ? (openMinor[c] as Decimal) : (openMinor[c] as Decimal).plus(nm[c] as Decimal), cur)),
  };
}

/**
 * The banded solver's P(won within H) and P(lost within H) for a fresh deal, solved separately on the
 * grid (each within O(Δ²)): when their sum exceeds 1 by that error, both are scaled to sum to 1, so
 * the pair stays a probability split (won, lost, still open). @internal
 */
function bandedPair(win: number, lost: number): readonly [number, number] {
  const total = win + lost;
  return total > 1 ? [win / total, lost / total] : [win, lost];
}
