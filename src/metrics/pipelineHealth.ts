import { fail } from '../errors/FunnelError.js';
import { Decimal } from '../internal/decimal.js';
import { deepFreeze } from '../internal/freeze.js';
import { formatDecimal, fromMinor, scaleOf } from '../internal/money.js';
import { quantileInPlace } from '../internal/select.js';
import { DAY_MS, periodBounds, toEpochMs } from '../internal/time.js';
import { DEAL_LOST, DEAL_OPEN, DEAL_WON, type DealTable } from '../io/dealTable.js';
import { dealTableAsOf } from '../io/dealTableAsOf.js';
import { groupDeals, type DealGroupBy } from '../io/groupDeals.js';
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
  /** Also report every figure per group (see {@link DealGroupBy}); keys are read on the table as of the period end. */
  readonly groupBy?: DealGroupBy;
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
 * The health figures of a set of deals (all of them, or one group): what {@link pipelineHealth}
 * reports in total and per group.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface HealthFigures {
  /** Deals in the table (as of the period end). */
  readonly deals: number;
  /** Deals created in the period (every deal without a period). */
  readonly newLeads: number;
  /** Open deals at the end (open opportunities at that date). */
  readonly open: number;
  /** Open deals and their value per open stage (every open stage of the funnel, count 0 included). */
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
 * The health figures of one group in a {@link PipelineHealthReport} (see {@link DealGroupBy}).
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface PipelineHealthGroup extends HealthFigures {
  /** Group key; `null` for the deals without a value for the key (no segment, no such attribute). */
  readonly key: string | null;
}

/**
 * The result of {@link pipelineHealth}: the figures of all deals, the rules, and the same figures per
 * group when `groupBy` is given.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface PipelineHealthReport extends HealthFigures {
  /** The rules used. */
  readonly rules: {
    /** The period as ISO strings, or `null`. */
    readonly period: { readonly from: string; readonly to: string } | null;
    /** Win-rate definition. */
    readonly winRate: 'closed' | 'zoho';
    /** Stale age for the Zoho win rate, or `null`. */
    readonly staleAfterDays: number | null;
    /** The instant the Zoho win rate measured deal age at (ISO), shared by every group; `null` with the `closed` win rate. */
    readonly now: string | null;
    /** Average deal size basis. */
    readonly averageDealSize: 'won' | 'all';
    /** Time-to-close basis. */
    readonly timeToClose: 'won' | 'closed';
    /** The grouping: key name, `'function'` or `null`. */
    readonly groupBy: string | null;
  };
  /** One entry per group when `groupBy` is given (in order of first appearance, the `null` key included), else empty. */
  readonly groups: readonly PipelineHealthGroup[];
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
 * **Grouping** (`groupBy`, as in {@link conversion}): every figure is also computed per group, with
 * the same rules and the same `now`, in `groups` (in order of first appearance). Keys are read on
 * the table as of the period end (so `'stage'` or `'status'` mean the stage or status at that time).
 * Deals whose key is `null` (no segment, no such attribute, a function returning `null`) form the
 * group with key `null`, so the groups always partition the deals: the counts (`deals`, `newLeads`,
 * `open`, `won`, `lost`, `stale`, the stage counts) and the stage values per currency of the groups
 * add up to the total; the rates, averages and medians do not (each is computed on its group's own
 * deals — a total win rate is the won-weighted mix of the groups', not their mean).
 *
 * Cost: one pass over the deals (plus one over the history rows for the default Zoho `now`), and
 * a sort of the close durations per group for the medians.
 *
 * @param table - the deals
 * @param options - period, grouping and the alternative definitions
 * @returns the health figures in total and per group, and the rules used
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
 *
 * // per owner: the counts add up to the total, the rates are each group's own
 * const owned = DealTable.fromRows([
 *   { id: 'a', funnelId: 'b2b', createdAt: '2026-01-01', stageId: 'won', status: 'won', closedAt: '2026-01-11', attributes: { owner: 'ann' } },
 *   { id: 'b', funnelId: 'b2b', createdAt: '2026-01-01', stageId: 'lost', status: 'lost', closedAt: '2026-01-21', attributes: { owner: 'ann' } },
 *   { id: 'c', funnelId: 'b2b', createdAt: '2026-01-05', stageId: 'won', status: 'won', closedAt: '2026-01-25', attributes: { owner: 'bob' } },
 *   { id: 'd', funnelId: 'b2b', createdAt: '2026-01-06', stageId: 'lead' },
 * ], funnel);
 * const byOwner = pipelineHealth(owned, { groupBy: 'owner' });
 * byOwner.groups.map((g) => [g.key, g.won, g.lost, g.open, g.winRate]) // => [['ann', 1, 1, 0, 0.5], ['bob', 1, 0, 0, 1], [null, 0, 0, 1, null]]
 * byOwner.groups.map((g) => g.averageDaysToClose) // => [10, 20, null]
 * byOwner.winRate // => 2 / 3
 * byOwner.rules.groupBy // => 'owner'
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
  const zoho = winRateMode === 'zoho';
  if (zoho && !(typeof stale === 'number' && stale > 0 && Number.isFinite(stale))) {
    fail('INVALID_OPTION', "a positive staleAfterDays with winRate 'zoho'", stale, ['options', 'staleAfterDays']);
  }
  let from = -Infinity;
  let to = Infinity;
  let t = table;
  if (options.period !== undefined) {
    [from, to] = periodBounds(options.period, ['options', 'period']);
    t = dealTableAsOf(table, to);
  }
  let now = options.now === undefined ? to : toEpochMs(options.now, ['options', 'now']);
  if (now === Infinity) {
    now = -Infinity;
    for (let k = 0; k < t.histAt.length; k++) if ((t.histAt[k] as number) > now) now = t.histAt[k] as number;
  }
  const groups = options.groupBy === undefined ? null : groupDeals(t, options.groupBy);
  // one accumulator per group, the total in the last slot (the only one when not grouped)
  const G = groups === null ? 1 : groups.keys.length + 1;
  const TOTAL = G - 1;
  const S = t.stageIds.length;
  const C = t.currencies.length;
  const acc = Array.from({ length: G }, () => newAcc(S, C));
  for (let i = 0; i < t.size; i++) {
    const st = t.status[i] as number;
    const created = t.createdAt[i] as number;
    const closed = t.closedAt[i] as number;
    const ci = t.currencyIndex[i] as number;
    const amt = t.amountMinor[i] as number;
    const hasAmount = ci >= 0 && amt === amt;
    const createdIn = created >= from && created <= to;
    const isOpen = st === DEAL_OPEN;
    const closedIn = !isOpen && closed >= from && closed <= to;
    const s = t.stage[i] as number;
    const isStale = isOpen && zoho && (now - created) / DAY_MS > (stale as number);
    const countsForSize = hasAmount && (sizeMode === 'all' ? createdIn : closedIn && st === DEAL_WON);
    const countsForDays = closedIn && closed === closed && (ttcMode === 'closed' || st === DEAL_WON);
    const days = (closed - created) / DAY_MS;
    // the deal's group, then the total (the same slot when not grouped)
    for (let slot = groups === null ? TOTAL : (groups.index[i] as number); ; slot = TOTAL) {
      const a = acc[slot] as Acc;
      a.deals++;
      if (createdIn) a.newLeads++;
      if (isOpen) {
        a.open++;
        a.openCount[s] = (a.openCount[s] as number) + 1;
        if (hasAmount) {
          a.openValue[s * C + ci] = (a.openValue[s * C + ci] as bigint) + BigInt(amt);
          a.openSeen[s * C + ci] = 1;
        }
        if (isStale) a.stale++;
      } else if (closedIn) {
        if (st === DEAL_WON) a.won++;
        else if (st === DEAL_LOST) a.lost++;
      }
      if (countsForSize) {
        a.sizeSum[ci] = (a.sizeSum[ci] as bigint) + BigInt(amt);
        a.sizeN[ci] = (a.sizeN[ci] as number) + 1;
      }
      if (countsForDays) a.days.push(days);
      if (slot === TOTAL) break;
    }
  }
  const order = [...t.currencies.keys()].sort((a, b) => ((t.currencies[a] as string) < (t.currencies[b] as string) ? -1 : 1));
  const figures = (a: Acc): HealthFigures => figuresOf(t, a, order, zoho);
  return deepFreeze({
    rules: {
      period: options.period === undefined ? null : { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      winRate: winRateMode,
      staleAfterDays: zoho ? (stale as number) : null,
      now: zoho && Number.isFinite(now) ? new Date(now).toISOString() : null,
      averageDealSize: sizeMode,
      timeToClose: ttcMode,
      groupBy: options.groupBy === undefined ? null : typeof options.groupBy === 'function' ? 'function' : options.groupBy,
    },
    ...figures(acc[TOTAL] as Acc),
    groups: groups === null ? [] : groups.keys.map((key, g): PipelineHealthGroup => ({ key, ...figures(acc[g] as Acc) })),
  });
}

/** The running sums of one group (or the total). */
interface Acc {
  deals: number;
  newLeads: number;
  open: number;
  won: number;
  lost: number;
  stale: number;
  readonly openCount: Float64Array;
  readonly openValue: bigint[];
  readonly openSeen: Uint8Array;
  readonly sizeSum: bigint[];
  readonly sizeN: Float64Array;
  readonly days: number[];
}

function newAcc(S: number, C: number): Acc {
  return {
    deals: 0,
    newLeads: 0,
    open: 0,
    won: 0,
    lost: 0,
    stale: 0,
    openCount: new Float64Array(S),
    openValue: new Array<bigint>(S * C).fill(0n),
    openSeen: new Uint8Array(S * C),
    sizeSum: new Array<bigint>(C).fill(0n),
    sizeN: new Float64Array(C),
    days: [],
  };
}

/** The figures of one accumulator; `order` = currency indices sorted by code. */
function figuresOf(t: DealTable, a: Acc, order: readonly number[], zoho: boolean): HealthFigures {
  const C = t.currencies.length;
  const averageDealSize: Money[] = [];
  for (const ci of order) {
    const n = a.sizeN[ci] as number;
    if (n === 0) continue;
    const cur = t.currencies[ci] as string;
    const scale = scaleOf(cur);
    averageDealSize.push({ amount: formatDecimal(new Decimal((a.sizeSum[ci] as bigint).toString()).div(n).div(10 ** scale), scale), currency: cur });
  }
  const stages: HealthStage[] = [];
  t.funnel.stages.forEach((stage, s) => {
    if (stage.category !== 'open') return;
    const value: Money[] = [];
    for (const ci of order) {
      if (a.openSeen[s * C + ci] !== 1) continue;
      const cur = t.currencies[ci] as string;
      value.push({ amount: fromMinor(a.openValue[s * C + ci] as bigint, scaleOf(cur)), currency: cur });
    }
    stages.push({ stageId: stage.id, count: a.openCount[s] as number, value });
  });
  const n = a.days.length;
  const mean = n > 0 ? a.days.reduce((x, y) => x + y, 0) / n : null;
  const denominator = a.won + a.lost + (zoho ? a.stale : 0);
  return {
    deals: a.deals,
    newLeads: a.newLeads,
    open: a.open,
    stages,
    won: a.won,
    lost: a.lost,
    stale: a.stale,
    winRate: denominator > 0 ? a.won / denominator : null,
    winLossRatio: a.lost > 0 ? a.won / a.lost : null,
    averageDealSize,
    averageDaysToClose: mean,
    medianDaysToClose: quantileInPlace(Float64Array.from(a.days), 0, n, 0.5),
  };
}
