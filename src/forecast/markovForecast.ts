import { fail } from '../errors/FunnelError.js';
import { absorb, chainFromCounts, improvements } from '../internal/markov.js';
import type { DealTable } from '../io/dealTable.js';
import type { Money } from '../model/money.js';
import type { TimestampInput } from '../model/time.js';
import { checkMinSample, DEAL_LOST, DEAL_WON, epoch, insufficient, isoOf, latestTime, moneyOut, openDeals, stageOrder, type InsufficientHistory } from './shared.js';

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
 * matter) — use {@link timeToClose} for timing. Cost O(k⁵) for k open stages (k is small).
 *
 * @param table - deals with histories
 * @param options - as-of time, delta, list length, floor
 * @returns the chain's probabilities, or insufficient history / a non-absorbing chain
 * @throws FunnelError INVALID_OPTION for a bad delta or top
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
  const { open, position } = stageOrder(table);
  const k = open.length;
  const w = k + 2;
  const counts = new Float64Array(k * w);
  let moves = 0;
  for (let i = 0; i < table.size; i++) {
    for (let r = table.histStart[i] as number; r < (table.histStart[i + 1] as number); r++) {
      if ((table.histAt[r] as number) > now) break;
      const from = table.histFrom[r] as number;
      if (from < 0) continue;
      const pf = position[from] as number;
      if (pf < 0) continue;
      const st = table.histStatus[r] as number;
      let col: number;
      if (st === DEAL_WON) col = k;
      else if (st === DEAL_LOST) col = k + 1;
      else {
        const pt = position[table.histTo[r] as number] as number;
        if (pt < 0 || pt === pf) continue;
        col = pt;
      }
      counts[pf * w + col] = (counts[pf * w + col] as number) + 1;
      moves++;
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
  };
}
