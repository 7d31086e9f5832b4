import { fail } from '../errors/FunnelError.js';
import { incidenceAt } from '../internal/survival.js';
import type { DealTable } from '../io/dealTable.js';
import type { Money } from '../model/money.js';
import type { TimestampInput } from '../model/time.js';
import { endOfMonth } from './forecastRevenue.js';
import { reverseFunnel, type ReverseFunnelReport } from './reverseFunnel.js';
import { buildCloseModel, checkMinSample, days, DEAL_WON, epoch, isoOf, latestTime, moneyIn, moneyOut, openDeals, stageOrder, winWithin } from './shared.js';
import { dealProbabilities, resolveStageProbabilities, type StageProbabilitySource } from './weightedPipeline.js';

/**
 * Options for {@link targetGap}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface TargetGapOptions {
  /** The period's revenue target. */
  readonly target: Money;
  /** As-of time (default: the latest time in the table). */
  readonly now?: TimestampInput;
  /** Start of the period (default: start of `now`'s UTC month). */
  readonly periodStart?: TimestampInput;
  /** End of the period (default: end of `now`'s UTC month). */
  readonly periodEnd?: TimestampInput;
  /** Average sales cycle in days. When given, the time to close is taken as exponential with this mean, so P(win in time) = p(stage) × (1 − e^(−days left / cycle)); otherwise the Aalen–Johansen model of {@link timeToClose} is used. */
  readonly cycleDays?: number;
  /** Stage probabilities with `cycleDays` (default `'configured'`, a deal's own probability overrides). */
  readonly probabilities?: StageProbabilitySource;
  /** Goal conversions per stage for the new pipeline's reverse funnel, e.g. `{ lead: 0.8 }` ("80% of leads become opportunities"). */
  readonly conversionGoals?: Readonly<Record<string, number>>;
  /** How many candidate deals to list (default 10). */
  readonly candidates?: number;
  /** Minimum sample for learned estimates (default 30). */
  readonly minSample?: number;
}

/**
 * An open deal that could help close the gap.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface GapCandidate {
  /** Deal id. */
  readonly dealId: string;
  /** Current stage. */
  readonly stageId: string;
  /** Amount. */
  readonly amount: Money;
  /** P(won by the end of the period). */
  readonly winInTime: number;
  /** amount × winInTime. */
  readonly expected: Money;
  /** Running total of `amount` down the list: the gap is closed if the deals up to here are all won. */
  readonly cumulativeAmount: Money;
  /** true for the shortest prefix of the list whose amounts cover the gap. */
  readonly closesGap: boolean;
}

/**
 * The result of {@link targetGap}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface TargetGapReport {
  /** The rules behind the numbers. */
  readonly basis: { readonly asOf: string; readonly periodStart: string; readonly periodEnd: string; readonly timing: string; readonly currency: string };
  /** Days left in the period. */
  readonly daysLeft: number;
  /** The target. */
  readonly target: Money;
  /** Won in [periodStart, now]. */
  readonly wonSoFar: Money;
  /** Σ amount × P(won by periodEnd) over open deals. */
  readonly expectedFromOpen: Money;
  /** max(0, target − won so far − expected from open). */
  readonly gap: Money;
  /** gap / target. */
  readonly shortfall: number;
  /** Quota coverage: open pipeline (Σ amounts) / remaining target (target − won so far); null when nothing remains. */
  readonly coverage: { readonly openPipeline: Money; readonly remainingTarget: Money; readonly ratio: number | null };
  /** What new pipeline would close the gap. */
  readonly newPipeline: {
    /** P(a deal entering now is won by periodEnd). */
    readonly winInTime: number;
    /** Mean won amount. */
    readonly averageDealSize: Money;
    /** gap / (average size × winInTime); null when no new deal can close in time. */
    readonly dealsNeeded: number | null;
    /** dealsNeeded × average size. */
    readonly pipelineNeeded: Money | null;
    /** Latest entry date for a deal to close by periodEnd on a typical (median-to-win, or `cycleDays`) cycle. */
    readonly latestEntry: string;
    /** true when latestEntry is before now: only deals already in the funnel can help. */
    readonly tooLate: boolean;
    /** Reverse funnel for the gap (wins needed = gap / average size, back through the stage conversions, goals overriding learned rates) — ignoring timing; null when not computable. */
    readonly topOfFunnel: ReverseFunnelReport | null;
  };
  /** Open deals past the first stage ranked by expected contribution. */
  readonly candidates: readonly GapCandidate[];
}

/**
 * The gap to a period's revenue target, and how to close it. gap = max(0, target − won so far in the
 * period − Σ_open amount × P(won by the period's end)); shortfall = gap / target; quota coverage =
 * open pipeline / (target − won so far). P(won by the end) comes from the time-to-close model (stage
 * and age of each deal, Aalen–Johansen), or — when only an average cycle is known (`cycleDays`) — from
 * the stage probability × (1 − e^(−days left / cycle)) (an exponential close time with that mean).
 * New pipeline needed = gap / (average won amount × P(a deal entering now wins in time)); it must enter
 * by periodEnd − the median days to win (or − cycleDays); the reverse funnel turns the gap into wins and
 * leads needed at the top using learned conversions, with `conversionGoals` overriding them. Candidates: open deals past the
 * first stage, ranked by amount × P(win in time); `closesGap` marks the shortest prefix whose amounts
 * cover the gap if all of them are won.
 *
 * @param table - deals
 * @param options - target, period, cycle, goals
 * @returns the gap, coverage, new pipeline needed and candidate deals
 * @throws FunnelError INVALID_OPTION for a bad cycle or period; CURRENCY_MISMATCH
 * @category Forecast
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [{ id: 'lead', name: 'Lead', probability: 0.1 },
 *   { id: 'offer', name: 'Offer', probability: 0.5 }, { id: 'won', name: 'Won', category: 'won' }] });
 * const table = DealTable.fromColumns({ dealIds: ['w', 'o'], createdAt: ['2026-03-01', '2026-03-10'].map(Date.parse),
 *   stage: ['won', 'offer'], closedAt: [Date.parse('2026-03-20'), NaN], amount: ['800.00', '1000.00'], currency: 'EUR' }, funnel);
 * const g = targetGap(table, { target: { amount: '1000.00', currency: 'EUR' }, now: '2026-03-26T23:59:59.999Z', cycleDays: 25 });
 * g.daysLeft // => 5
 * g.wonSoFar // => { amount: '800.00', currency: 'EUR' }
 * g.candidates[0].dealId // => 'o'
 * ```
 */
export function targetGap(table: DealTable, options: TargetGapOptions): TargetGapReport {
  if (typeof options !== 'object' || options === null) fail('INVALID_OPTION', 'options with a target', options, ['options']);
  const target = moneyIn(options.target, ['options', 'target']);
  const currency = target.currency;
  const c = table.currencies.indexOf(currency);
  const now = options.now === undefined ? latestTime(table) : epoch(options.now, ['options', 'now']);
  const d0 = new Date(now);
  const start = options.periodStart === undefined ? Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth(), 1) : epoch(options.periodStart, ['options', 'periodStart']);
  const end = options.periodEnd === undefined ? endOfMonth(now) : epoch(options.periodEnd, ['options', 'periodEnd']);
  if (!(start <= now && now <= end)) fail('INVALID_OPTION', 'periodStart ≤ now ≤ periodEnd', { start: isoOf(start), now: isoOf(now), end: isoOf(end) }, ['options', 'periodEnd']);
  const cycle = options.cycleDays;
  if (cycle !== undefined && !(typeof cycle === 'number' && cycle > 0 && Number.isFinite(cycle))) fail('INVALID_OPTION', 'a cycle in days > 0', cycle, ['options', 'cycleDays']);
  const top = options.candidates ?? 10;
  if (!(Number.isInteger(top) && top >= 0)) fail('INVALID_OPTION', 'an integer number of candidates ≥ 0', top, ['options', 'candidates']);
  const minSample = checkMinSample(options.minSample);
  const left = days(end - now);
  const daysLeft = Math.round(left * 1e6) / 1e6;
  const model = cycle === undefined ? buildCloseModel(table, now, minSample, false) : null;
  const open = openDeals(table, now);
  const stageP = resolveStageProbabilities(table, options.probabilities ?? 'configured', now, minSample);
  const ownP = dealProbabilities(table, open, stageP, {});
  const inTime = cycle === undefined ? 0 : 1 - Math.exp(-left / cycle);
  const { open: openStages, position } = stageOrder(table);
  // won so far
  let won = 0;
  let wonSum = 0;
  let wonCount = 0;
  for (let i = 0; i < table.size; i++) {
    if ((table.status[i] as number) !== DEAL_WON || (table.currencyIndex[i] as number) !== c) continue;
    const t = table.closedAt[i] as number;
    const a = table.amountMinor[i] as number;
    if (Number.isNaN(a) || !(t <= now)) continue;
    wonSum += a;
    wonCount++;
    if (t >= start) won += a;
  }
  let expected = 0;
  let pipeline = 0;
  const rows: { i: number; p: number; a: number }[] = [];
  open.forEach((i, j) => {
    if ((table.currencyIndex[i] as number) !== c) return;
    const a = table.amountMinor[i] as number;
    if (Number.isNaN(a)) return;
    const s = table.stage[i] as number;
    const p = model !== null ? winWithin(model, s, days(now - (table.createdAt[i] as number)), left) : (ownP[j] ?? 0) * inTime;
    expected += a * p;
    pipeline += a;
    if ((position[s] as number) >= 1) rows.push({ i, p, a });
  });
  const gap = Math.max(0, target.minor - won - expected);
  const remaining = target.minor - won;
  // new pipeline
  const firstStage = openStages[0] as number;
  let newWin: number;
  let latest: number;
  if (model !== null) {
    newWin = winWithin(model, firstStage, 0, left);
    const fit = model.pooled;
    const tMax = fit.times.length === 0 ? 0 : (fit.times[fit.times.length - 1] as number);
    const eventual = incidenceAt(fit, 1, tMax);
    let med = 0;
    for (let l = 0; l < fit.times.length; l++) {
      if ((fit.cif[0]?.[l] ?? 0) >= eventual / 2 - 1e-12) {
        med = fit.times[l] as number;
        break;
      }
    }
    latest = end - med * 86_400_000;
  } else {
    newWin = (stageP[firstStage] ?? 0) * inTime;
    latest = end - (cycle as number) * 86_400_000;
  }
  const avg = wonCount === 0 ? 0 : wonSum / wonCount;
  const dealsNeeded = gap === 0 ? 0 : newWin > 0 && avg > 0 ? gap / (avg * newWin) : null;
  let topOfFunnel: ReverseFunnelReport | null = null;
  if (gap > 0 && avg > 0) {
    try {
      topOfFunnel = reverseFunnel({
        table,
        now,
        target: moneyOut(Math.ceil(gap), currency),
        averageDealSize: moneyOut(Math.round(avg), currency),
        stages: openStages.map((s) => table.stageIds[s] as string),
        rates: { ...(options.conversionGoals ?? {}) },
      });
    } catch {
      topOfFunnel = null;
    }
  }
  rows.sort((x, y) => y.a * y.p - x.a * x.p || y.a - x.a);
  let cum = 0;
  let closed = gap === 0;
  const candidates: GapCandidate[] = rows.slice(0, top).map((r) => {
    const before = cum;
    cum += r.a;
    const closes = !closed && gap > 0 && before < gap;
    if (cum >= gap) closed = true;
    return {
      dealId: table.dealIds[r.i] as string,
      stageId: table.stageIds[table.stage[r.i] as number] as string,
      amount: moneyOut(r.a, currency),
      winInTime: r.p,
      expected: moneyOut(r.a * r.p, currency),
      cumulativeAmount: moneyOut(cum, currency),
      closesGap: closes,
    };
  });
  return {
    basis: {
      asOf: isoOf(now),
      periodStart: isoOf(start),
      periodEnd: isoOf(end),
      timing: cycle === undefined ? 'Aalen–Johansen time-to-close model by stage and age' : `exponential close time with mean ${cycle} days × stage probability`,
      currency,
    },
    daysLeft,
    target: options.target,
    wonSoFar: moneyOut(won, currency),
    expectedFromOpen: moneyOut(expected, currency),
    gap: moneyOut(gap, currency),
    shortfall: target.minor > 0 ? gap / target.minor : 0,
    coverage: { openPipeline: moneyOut(pipeline, currency), remainingTarget: moneyOut(Math.max(0, remaining), currency), ratio: remaining > 0 ? pipeline / remaining : null },
    newPipeline: {
      winInTime: newWin,
      averageDealSize: moneyOut(avg, currency),
      dealsNeeded,
      pipelineNeeded: dealsNeeded === null ? null : moneyOut(dealsNeeded * avg, currency),
      latestEntry: isoOf(latest),
      tooLate: latest < now,
      topOfFunnel,
    },
    candidates,
  };
}
