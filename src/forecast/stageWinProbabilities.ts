import { fitCompetingRisks, incidenceEstimate, survivalAt } from '../internal/survival.js';
import type { DealTable } from '../io/dealTable.js';
import { groupDeals, type DealGroupBy } from '../io/groupDeals.js';
import type { TimestampInput } from '../model/time.js';
import {
  binomialEstimate,
  checkInterval,
  checkLevel,
  checkMinSample,
  configuredProbability,
  DEAL_OPEN,
  DEAL_WON,
  days,
  epoch,
  firstEntries,
  insufficient,
  isoOf,
  latestTime,
  lostPosition,
  stageOrder,
  type InsufficientHistory,
  type IntervalMethod,
  type ProbabilityEstimate,
} from './shared.js';

/**
 * Options for {@link stageWinProbabilities}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface StageWinProbabilitiesOptions {
  /** The as-of time: deals created later are ignored, later closes count as still open. Default: the latest time in the table. */
  readonly now?: TimestampInput;
  /** Compute the estimates per group as well (`'segment'`, an attribute such as `'team'` or `'owner'`, or a function). */
  readonly groupBy?: DealGroupBy;
  /** Minimum number of closed deals behind an estimate (default 30); below it the answer is `insufficientHistory`. */
  readonly minSample?: number;
  /** Confidence level of the intervals (default 0.95). */
  readonly level?: number;
  /** Binomial interval for the Odoo estimate: `'wilson'` (default) or `'jeffreys'`. */
  readonly interval?: IntervalMethod;
}

/**
 * Odoo's learned probability for one stage (its predictive lead scoring reduced to the stage variable).
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface OdooStageEstimate {
  /** Won deals W (every won deal counts for every stage). */
  readonly won: number;
  /** Lost deals whose lost-at stage is this stage or a later one, L≥s. */
  readonly lostAtOrAfter: number;
  /** W / (W + L≥s) with its interval, or insufficient history when W + L≥s is below the floor. */
  readonly estimate: ProbabilityEstimate | InsufficientHistory;
  /** Odoo's displayed score: round(100 · (W + 0.1) / (W + L≥s + 0.2), 2) / 100 (its +0.1 smoothing); null when W = 0 or no deal is lost (Odoo computes nothing then). */
  readonly odooScore: number | null;
}

/**
 * The path-aware estimate for one stage: Aalen–Johansen over the deals that really entered the stage
 * (by their history), time measured from entering it, open deals censored.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface PathAwareStageEstimate {
  /** Deals that entered the stage. */
  readonly entered: number;
  /** Of those, won so far. */
  readonly won: number;
  /** Of those, lost so far. */
  readonly lost: number;
  /** Of those, still open (censored, not counted as losses). */
  readonly open: number;
  /** F̂_won at the last observed time, with the delta-method log-log interval; insufficient when fewer closed deals than the floor. */
  readonly estimate: ProbabilityEstimate | InsufficientHistory;
  /** Probability mass still unresolved at the last observed time, Ŝ(t_max): deals that may yet win or lose beyond the data. */
  readonly unresolved: number;
}

/**
 * Win probabilities of one stage by every method.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface StageWinProbability {
  /** The stage id. */
  readonly stageId: string;
  /** The funnel's configured probability of the stage (null when not set). */
  readonly configured: number | null;
  /** Odoo baseline. */
  readonly odoo: OdooStageEstimate;
  /** Path-aware estimate with open deals censored. */
  readonly pathAware: PathAwareStageEstimate;
}

/**
 * One group's stage probabilities.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface StageWinProbabilityGroup {
  /** The group key (null: deals without a value). */
  readonly key: string | null;
  /** Deals in the group. */
  readonly deals: number;
  /** Per open stage, in funnel order. */
  readonly stages: readonly StageWinProbability[];
}

/**
 * The result of {@link stageWinProbabilities}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface StageWinProbabilitiesReport {
  /** The rules that produced the numbers. */
  readonly basis: {
    readonly asOf: string;
    readonly minSample: number;
    readonly level: number;
    readonly interval: IntervalMethod;
    readonly odooRule: string;
    readonly pathAwareRule: string;
  };
  /** All deals, per open stage in funnel order. */
  readonly stages: readonly StageWinProbability[];
  /** Per group, when `groupBy` was given (else empty). */
  readonly groups: readonly StageWinProbabilityGroup[];
}

function stagesFor(
  table: DealTable,
  member: (i: number) => boolean,
  now: number,
  entries: Float64Array,
  minSample: number,
  level: number,
  method: IntervalMethod,
): StageWinProbability[] {
  const { open, position } = stageOrder(table);
  const k = table.stageIds.length;
  let won = 0;
  const lostAtPos = new Float64Array(open.length);
  for (let i = 0; i < table.size; i++) {
    if (!member(i) || (table.createdAt[i] as number) > now) continue;
    const closed = table.closedAt[i] as number;
    const st = table.status[i] as number;
    if (st === DEAL_OPEN || Number.isNaN(closed) || closed > now) continue;
    if (st === DEAL_WON) won++;
    else {
      const p = lostPosition(table, i, position);
      lostAtPos[p] = (lostAtPos[p] as number) + 1;
    }
  }
  // L≥s: suffix sums over positions
  const lostGe = new Float64Array(open.length + 1);
  for (let p = open.length - 1; p >= 0; p--) lostGe[p] = (lostGe[p + 1] as number) + (lostAtPos[p] as number);
  return open.map((s, p) => {
    const L = lostGe[p] as number;
    const odoo: OdooStageEstimate = {
      won,
      lostAtOrAfter: L,
      estimate: binomialEstimate(won, won + L, minSample, level, method),
      odooScore: won === 0 || (lostGe[0] as number) === 0 ? null : Math.round((10000 * (won + 0.1)) / (won + L + 0.2)) / 10000,
    };
    // path-aware
    const ts: number[] = [];
    const es: number[] = [];
    let w = 0;
    let l = 0;
    let o = 0;
    for (let i = 0; i < table.size; i++) {
      if (!member(i)) continue;
      const at = entries[i * k + s] as number;
      if (Number.isNaN(at) || at > now || (table.createdAt[i] as number) > now) continue;
      const st = table.status[i] as number;
      const closed = table.closedAt[i] as number;
      if (st !== DEAL_OPEN && !Number.isNaN(closed) && closed <= now) {
        ts.push(days(Math.max(0, closed - at)));
        es.push(st === DEAL_WON ? 1 : 2);
        if (st === DEAL_WON) w++;
        else l++;
      } else if (st !== DEAL_OPEN && Number.isNaN(closed)) {
        continue;
      } else {
        ts.push(days(now - at));
        es.push(0);
        o++;
      }
    }
    let estimate: ProbabilityEstimate | InsufficientHistory;
    let unresolved = 1;
    if (w + l < minSample || w + l === 0) estimate = insufficient(w + l, minSample);
    else {
      const fit = fitCompetingRisks(ts, es, 2);
      const tMax = fit.times[fit.times.length - 1] as number;
      const e = incidenceEstimate(fit, 1, tMax, level);
      unresolved = survivalAt(fit, tMax);
      estimate = { ok: true, probability: e.estimate, lower: e.lower, upper: e.upper, won: w, n: w + l + o, interval: 'aalenJohansenLogLog' };
    }
    return {
      stageId: table.stageIds[s] as string,
      configured: configuredProbability(table, s),
      odoo,
      pathAware: { entered: w + l + o, won: w, lost: l, open: o, estimate, unresolved },
    };
  });
}

/**
 * Win probability of each open stage, three ways, each with an interval and a minimum-sample floor:
 *
 * - **configured** — the funnel's `probability` of the stage (policy, as in Salesforce/HubSpot);
 * - **Odoo baseline, exactly** — P(win | s) = W / (W + L≥s): W = all won deals, L≥s = lost deals whose
 *   lost-at stage is s or later in funnel order (Odoo's predictive lead scoring with the stage as the
 *   only variable; open deals ignored; a lost deal that skipped stages is credited with the earlier
 *   ones; a deal that moved back is credited up to its last stage). `odooScore` adds Odoo's +0.1
 *   smoothing as it shows it. Lost deals with an unknown lost-at stage count at the first stage.
 * - **path-aware** — among deals whose history shows they really entered s, the Aalen–Johansen
 *   cumulative incidence of "won" from the time of entry, with open deals right-censored at `now`
 *   (unfinished, not lost). Its interval is the delta-method log-log interval; `unresolved` is the mass
 *   still open at the last observed time.
 *
 * Below `minSample` closed deals the estimate is `{ ok: false, reason: 'insufficientHistory', n, needed }`.
 * With `groupBy` (team, segment, owner) every estimate is also computed within each group.
 * Cost: O(stages × deals) plus a sort per stage.
 *
 * @param table - deals with their histories
 * @param options - as-of time, grouping, floor, level, interval
 * @returns per-stage estimates and the rules used
 * @throws FunnelError INVALID_OPTION for a bad level, floor, interval or groupBy; INVALID_DATE for a bad `now`
 * @category Forecast
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [
 *   { id: 'lead', name: 'Lead', probability: 0.1 }, { id: 'offer', name: 'Offer', probability: 0.5 },
 *   { id: 'won', name: 'Won', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' }] });
 * const table = DealTable.fromColumns({ dealIds: ['a', 'b', 'c', 'd'], createdAt: [0, 0, 0, 0],
 *   stage: ['won', 'lost', 'lost', 'offer'], lostAtStage: [null, 'lead', 'offer', null], closedAt: [5, 5, 5, NaN] }, funnel);
 * const r = stageWinProbabilities(table, { now: 10, minSample: 1 });
 * r.stages[0].odoo.estimate.probability // => 1 / 3
 * r.stages[1].odoo.estimate.probability // => 1 / 2
 * r.stages[0].configured // => 0.1
 * ```
 */
export function stageWinProbabilities(table: DealTable, options: StageWinProbabilitiesOptions = {}): StageWinProbabilitiesReport {
  const level = checkLevel(options.level);
  const minSample = checkMinSample(options.minSample);
  const method = checkInterval(options.interval);
  const now = options.now === undefined ? latestTime(table) : epoch(options.now, ['options', 'now']);
  const entries = firstEntries(table);
  const stages = stagesFor(table, () => true, now, entries, minSample, level, method);
  const groups: StageWinProbabilityGroup[] = [];
  if (options.groupBy !== undefined) {
    const g = groupDeals(table, options.groupBy);
    g.keys.forEach((key, gi) => {
      let count = 0;
      for (let i = 0; i < table.size; i++) if (g.index[i] === gi) count++;
      groups.push({ key, deals: count, stages: stagesFor(table, (i) => g.index[i] === gi, now, entries, minSample, level, method) });
    });
  }
  return {
    basis: {
      asOf: isoOf(now),
      minSample,
      level,
      interval: method,
      odooRule: 'W / (W + L≥s): all won deals over won plus lost deals whose lost-at stage is s or later (closed deals only)',
      pathAwareRule: 'Aalen–Johansen cumulative incidence of won among deals that entered s, from entry, open deals censored at asOf',
    },
    stages,
    groups,
  };
}
