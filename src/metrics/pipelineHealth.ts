import { fail } from '../errors/FunnelError.js';
import { Decimal } from '../internal/decimal.js';
import { deepFreeze } from '../internal/freeze.js';
import { formatDecimal, fromMinor, scaleOf } from '../internal/money.js';
import { quantileInPlace } from '../internal/select.js';
import { DAY_MS, toEpochMs } from '../internal/time.js';
import { DEAL_LOST, DEAL_OPEN, DEAL_WON, type DealTable } from '../io/dealTable.js';
import { dealTableAsOf } from '../io/dealTableAsOf.js';
import type { Money } from '../model/money.js';
import type { TimestampInput } from '../model/time.js';
import type { Period } from './conversion.js';

/**
 * Options for {@link pipelineHealth}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface PipelineHealthOptions {
  /** Measure over a period: won, lost, new leads and time to close count the deals closed (created) in it; the pipeline is read as of `period.to`. Default: every deal, as recorded. */
  readonly period?: Period;
  /** The instant the Zoho win rate measures deal age at (default: `period.to`, else the latest time in the table). */
  readonly now?: TimestampInput;
  /** Average deal size over `won` deals (default) or over `all` deals with an amount (created in the period when there is one). */
  readonly averageDealSize?: 'won' | 'all';
  /** `closed` (default): won ÷ (won + lost). `zoho`: won ÷ (won + lost + stale), stale = open deals older than `staleAfterDays` (Zoho Motivator counts overdue and old deals as failures). */
  readonly winRate?: 'closed' | 'zoho';
  /** Age in days beyond which an open deal is stale (required by `winRate: 'zoho'`). */
  readonly staleAfterDays?: number;
  /** Time to close over `won` deals (default) or every `closed` deal. */
  readonly timeToClose?: 'won' | 'closed';
}

/**
 * Open deals of one stage in a {@link PipelineHealthReport}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface HealthStage {
  /** Stage id. */
  readonly stageId: string;
  /** Open deals in the stage. */
  readonly count: number;
  /** Σ amount per currency. */
  readonly value: readonly Money[];
}

/**
 * The result of {@link pipelineHealth}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface PipelineHealthReport {
  /** The rules used. */
  readonly rules: {
    /** The period as ISO strings, or `null`. */
    readonly period: { readonly from: string; readonly to: string } | null;
    /** Win-rate definition. */
    readonly winRate: 'closed' | 'zoho';
    /** Stale age for the Zoho win rate, or `null`. */
    readonly staleAfterDays: number | null;
    /** Average deal size basis. */
    readonly averageDealSize: 'won' | 'all';
    /** Time-to-close basis. */
    readonly timeToClose: 'won' | 'closed';
  };
  /** Deals in the table (as of the period end). */
  readonly deals: number;
  /** Deals created in the period (every deal without a period). */
  readonly newLeads: number;
  /** Open deals at the end (open opportunities at that date). */
  readonly open: number;
  /** Open deals and their value per open stage. */
  readonly stages: readonly HealthStage[];
  /** Deals won (in the period). */
  readonly won: number;
  /** Deals lost (in the period). */
  readonly lost: number;
  /** Open deals counted as failures by the Zoho win rate (0 otherwise). */
  readonly stale: number;
  /** Win rate per the chosen definition; `null` when its denominator is 0. */
  readonly winRate: number | null;
  /** won ÷ lost; `null` when nothing was lost. */
  readonly winLossRatio: number | null;
  /** Mean amount per currency (rounded half-even to the minor unit). */
  readonly averageDealSize: readonly Money[];
  /** Mean days from creation to close; `null` without closed deals. */
  readonly averageDaysToClose: number | null;
  /** Median days from creation to close (type-7); `null` without closed deals. */
  readonly medianDaysToClose: number | null;
}

/**
 * The health of a pipeline in one report: deal count, open deals and value per stage, won and lost,
 * win rate, win/loss ratio, average deal size, average and median time to close, new leads in a
 * period, open opportunities at its end.
 *
 * Definitions (alternatives as options):
 * - **win rate** = won ÷ (won + lost), open deals excluded; or Zoho's won ÷ (won + lost + stale), where
 *   stale open deals (older than `staleAfterDays`) count as failures;
 * - **win/loss ratio** = won ÷ lost;
 * - **average deal size** = mean amount of the won deals (or of all deals with an amount), per currency;
 * - **time to close** = days from creation to close of the won deals (or of every closed deal);
 * - with a `period`: won, lost and time to close count the deals closed in it, new leads (and `all`
 *   deal sizes) the deals created in it, and the pipeline is read as of `period.to`.
 *
 * Cost: one pass over the deals.
 *
 * @param table - the deals
 * @param options - period and the alternative definitions
 * @returns the health figures and the rules used
 * @throws FunnelError INVALID_OPTION for unknown alternatives or a Zoho win rate without `staleAfterDays`
 * @category Metrics
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B', stages: [
 *   { id: 'lead', name: 'Lead' }, { id: 'won', name: 'Won', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' },
 * ] });
 * const usd = (amount: string) => ({ amount, currency: 'USD' });
 * const table = DealTable.fromRows([
 *   { id: 'a', funnelId: 'b2b', createdAt: '2026-01-01', stageId: 'won', status: 'won', closedAt: '2026-01-11', amount: usd('1000') },
 *   { id: 'b', funnelId: 'b2b', createdAt: '2026-01-01', stageId: 'won', status: 'won', closedAt: '2026-01-31', amount: usd('500') },
 *   { id: 'c', funnelId: 'b2b', createdAt: '2026-01-05', stageId: 'lost', status: 'lost', closedAt: '2026-01-20' },
 *   { id: 'd', funnelId: 'b2b', createdAt: '2025-06-01', stageId: 'lead', amount: usd('700') },
 * ], funnel);
 * const h = pipelineHealth(table);
 * [h.won, h.lost, h.open] // => [2, 1, 1]
 * h.winRate // => 2 / 3
 * h.winLossRatio // => 2
 * h.averageDealSize // => [{ amount: '750.00', currency: 'USD' }]
 * h.averageDaysToClose // => 20
 * pipelineHealth(table, { winRate: 'zoho', staleAfterDays: 90, now: '2026-02-01' }).winRate // => 0.5
 * ```
 */
export function pipelineHealth(table: DealTable, options: PipelineHealthOptions = {}): PipelineHealthReport {
  const winRateMode = options.winRate ?? 'closed';
  if (winRateMode !== 'closed' && winRateMode !== 'zoho') fail('INVALID_OPTION', "winRate 'closed' or 'zoho'", winRateMode, ['options', 'winRate']);
  const sizeMode = options.averageDealSize ?? 'won';
  if (sizeMode !== 'won' && sizeMode !== 'all') fail('INVALID_OPTION', "averageDealSize 'won' or 'all'", sizeMode, ['options', 'averageDealSize']);
  const ttcMode = options.timeToClose ?? 'won';
  if (ttcMode !== 'won' && ttcMode !== 'closed') fail('INVALID_OPTION', "timeToClose 'won' or 'closed'", ttcMode, ['options', 'timeToClose']);
  const stale = options.staleAfterDays;
  if (winRateMode === 'zoho' && !(typeof stale === 'number' && stale > 0 && Number.isFinite(stale))) {
    fail('INVALID_OPTION', "a positive staleAfterDays with winRate 'zoho'", stale, ['options', 'staleAfterDays']);
  }
  let from = -Infinity;
  let to = Infinity;
  let t = table;
  if (options.period !== undefined) {
    from = toEpochMs(options.period.from, ['options', 'period', 'from']);
    to = toEpochMs(options.period.to, ['options', 'period', 'to']);
    if (from > to) fail('INVALID_OPTION', 'period.from ≤ period.to', options.period.from, ['options', 'period', 'from']);
    t = dealTableAsOf(table, to);
  }
  let now = options.now === undefined ? to : toEpochMs(options.now, ['options', 'now']);
  if (now === Infinity) {
    now = -Infinity;
    for (let k = 0; k < t.histAt.length; k++) if ((t.histAt[k] as number) > now) now = t.histAt[k] as number;
  }
  const S = t.stageIds.length;
  const C = t.currencies.length;
  const openCount = new Float64Array(S);
  const openValue: bigint[] = new Array<bigint>(S * C).fill(0n);
  const openSeen = new Uint8Array(S * C);
  const sizeSum: bigint[] = new Array<bigint>(C).fill(0n);
  const sizeN = new Float64Array(C);
  const days: number[] = [];
  let won = 0;
  let lost = 0;
  let staleN = 0;
  let open = 0;
  let newLeads = 0;
  for (let i = 0; i < t.size; i++) {
    const st = t.status[i] as number;
    const created = t.createdAt[i] as number;
    const closed = t.closedAt[i] as number;
    const ci = t.currencyIndex[i] as number;
    const amt = t.amountMinor[i] as number;
    const createdIn = created >= from && created <= to;
    if (createdIn) newLeads++;
    if (st === DEAL_OPEN) {
      open++;
      const s = t.stage[i] as number;
      openCount[s] = (openCount[s] as number) + 1;
      if (ci >= 0 && amt === amt) {
        openValue[s * C + ci] = (openValue[s * C + ci] as bigint) + BigInt(amt);
        openSeen[s * C + ci] = 1;
      }
      if (winRateMode === 'zoho' && (now - created) / DAY_MS > (stale as number)) staleN++;
      if (sizeMode === 'all' && createdIn && ci >= 0 && amt === amt) {
        sizeSum[ci] = (sizeSum[ci] as bigint) + BigInt(amt);
        sizeN[ci] = (sizeN[ci] as number) + 1;
      }
      continue;
    }
    const closedIn = closed >= from && closed <= to;
    if (closedIn) {
      if (st === DEAL_WON) won++;
      else if (st === DEAL_LOST) lost++;
      if ((ttcMode === 'closed' || st === DEAL_WON) && closed === closed) days.push((closed - created) / DAY_MS);
    }
    const countsForSize = sizeMode === 'won' ? closedIn && st === DEAL_WON : createdIn;
    if (countsForSize && ci >= 0 && amt === amt) {
      sizeSum[ci] = (sizeSum[ci] as bigint) + BigInt(amt);
      sizeN[ci] = (sizeN[ci] as number) + 1;
    }
  }
  const order = [...t.currencies.keys()].sort((a, b) => ((t.currencies[a] as string) < (t.currencies[b] as string) ? -1 : 1));
  const averageDealSize: Money[] = [];
  for (const ci of order) {
    const n = sizeN[ci] as number;
    if (n === 0) continue;
    const cur = t.currencies[ci] as string;
    const scale = scaleOf(cur);
    averageDealSize.push({ amount: formatDecimal(new Decimal((sizeSum[ci] as bigint).toString()).div(n).div(10 ** scale), scale), currency: cur });
  }
  const stages: HealthStage[] = [];
  t.funnel.stages.forEach((stage, s) => {
    if (stage.category !== 'open') return;
    const value: Money[] = [];
    for (const ci of order) {
      if (openSeen[s * C + ci] !== 1) continue;
      const cur = t.currencies[ci] as string;
      value.push({ amount: fromMinor(openValue[s * C + ci] as bigint, scaleOf(cur)), currency: cur });
    }
    stages.push({ stageId: stage.id, count: openCount[s] as number, value });
  });
  const buf = Float64Array.from(days);
  const denominator = won + lost + (winRateMode === 'zoho' ? staleN : 0);
  return deepFreeze({
    rules: {
      period: options.period === undefined ? null : { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      winRate: winRateMode,
      staleAfterDays: winRateMode === 'zoho' ? (stale as number) : null,
      averageDealSize: sizeMode,
      timeToClose: ttcMode,
    },
    deals: t.size,
    newLeads,
    open,
    stages,
    won,
    lost,
    stale: winRateMode === 'zoho' ? staleN : 0,
    winRate: denominator > 0 ? won / denominator : null,
    winLossRatio: lost > 0 ? won / lost : null,
    averageDealSize,
    averageDaysToClose: buf.length > 0 ? days.reduce((a, b) => a + b, 0) / buf.length : null,
    medianDaysToClose: quantileInPlace(buf, 0, buf.length, 0.5),
  });
}
