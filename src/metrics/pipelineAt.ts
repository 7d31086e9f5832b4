import { deepFreeze } from '../internal/freeze.js';
import { fromMinor, scaleOf, weightedMinor } from '../internal/money.js';
import { sumByCell, sumGrouped } from '../internal/openCells.js';
import { toEpochMs } from '../internal/time.js';
import { DEAL_OPEN, type DealTable } from '../io/dealTable.js';
import { groupDeals, type DealGroupBy } from '../io/groupDeals.js';
import type { Money } from '../model/money.js';
import type { TimestampInput } from '../model/time.js';
import { amountAfterRow, lastRowAt, tableFacts } from './dealStateAt.js';
import { moneyCells, type MoneyCells } from './moneyCells.js';

/**
 * Options for {@link pipelineAt}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface PipelineAtOptions {
  /** Group the open deals (see {@link DealGroupBy}). */
  readonly groupBy?: DealGroupBy;
}

/**
 * The open pipeline at one stage.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface PipelineStage {
  /** Stage id. */
  readonly stageId: string;
  /** Stage name. */
  readonly name: string;
  /** Open deals in the stage. */
  readonly count: number;
  /** Σ amount per currency (exact), sorted by currency code. */
  readonly value: readonly Money[];
  /** Σ amount × stage probability per currency, rounded half-even to the currency's minor unit; empty when the stage has no probability. */
  readonly weighted: readonly Money[];
}

/**
 * The open pipeline of one group (or of all deals).
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface PipelineGroup {
  /** Group key (`null` for the total and for deals without a value). */
  readonly key: string | null;
  /** Open deals. */
  readonly count: number;
  /** Σ amount per currency over every open stage. */
  readonly value: readonly Money[];
  /** Σ amount × stage probability per currency over the stages that have a probability. */
  readonly weighted: readonly Money[];
  /** Per open stage, in funnel order (stages with no deal included, count 0). */
  readonly stages: readonly PipelineStage[];
}

/**
 * The result of {@link pipelineAt}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface PipelineAtReport {
  /** The rules used. */
  readonly rules: {
    /** The instant, ISO. */
    readonly at: string;
    /** How amounts are read. */
    readonly amounts: 'as recorded at that time when the history records amounts, else the current amount';
    /** The grouping: key name, `'function'` or `null`. */
    readonly groupBy: string | null;
  };
  /** All open deals. */
  readonly total: PipelineGroup;
  /** Per group when `groupBy` is given. */
  readonly groups: readonly PipelineGroup[];
}

/**
 * The open pipeline as it stood at an instant, rebuilt from the stage histories: a deal is in the
 * pipeline at `at` when its last history row at or before `at` leaves it open; it counts in that
 * row's stage, with its amount of that time (when the history records amounts) or its current one.
 * Per stage and in total: the number of deals, the value per currency (exact), and the weighted value
 * (Σ amount × the stage's `probability`; HubSpot's weighted amount, Salesforce's expected revenue).
 *
 * At or after the table's last event (creation or history row) the deals' current columns are read
 * directly (the current state is the state after the last event).
 *
 * Cost: O(deals × log(history rows per deal)) for a past date; at or after the table's last event
 * ({@link DealTable.lastEventAt}), one pass over the open deals only ({@link DealTable.openDeals}; both
 * derived when the table is built), the first call on a table included.
 *
 * @param table - the deals
 * @param at - the instant
 * @param options - grouping
 * @returns count, value and weighted value per open stage and in total
 * @throws FunnelError INVALID_DATE for an invalid instant
 * @category Metrics
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B', stages: [
 *   { id: 'lead', name: 'Lead', probability: 0.1 }, { id: 'proposal', name: 'Proposal', probability: 0.5 },
 *   { id: 'won', name: 'Won', category: 'won' },
 * ] });
 * const table = DealTable.fromRows([
 *   { id: 'a', funnelId: 'b2b', createdAt: '2026-03-01', stageId: 'proposal', amount: { amount: '1000.00', currency: 'EUR' } },
 *   { id: 'b', funnelId: 'b2b', createdAt: '2026-03-01', stageId: 'won', status: 'won', closedAt: '2026-03-05', amount: { amount: '500.00', currency: 'EUR' } },
 * ], funnel);
 * const p = pipelineAt(table, '2026-03-02');
 * p.total.count // => 2
 * p.total.value // => [{ amount: '1500.00', currency: 'EUR' }]
 * p.total.weighted // => [{ amount: '550.00', currency: 'EUR' }]
 * pipelineAt(table, '2026-03-10').total.count // => 1
 * ```
 */
export function pipelineAt(table: DealTable, at: TimestampInput, options: PipelineAtOptions = {}): PipelineAtReport {
  const t = toEpochMs(at, ['at']);
  const S = table.stageIds.length;
  const C = table.currencies.length;
  const groups = options.groupBy === undefined ? null : groupDeals(table, options.groupBy);
  // one slot per group, plus the total in the last slot when grouped
  const G = groups === null ? 1 : groups.keys.length + 1;
  const TOTAL = G - 1;
  const counts = new Float64Array(G * S);
  const cellCount = G * S * Math.max(C, 1) * 2;
  let money: MoneyCells | null = null;
  if (groups === null && t >= table.lastEventAt) {
    // fast path: every deal is in its current state; sum the open deals' amounts as doubles, exact
    // when their total absolute value stays below 2^53 minor units (else the general path below)
    const cells = moneyCells(cellCount, 0);
    if (cells.num !== null && table.openAmountAbsSum <= Number.MAX_SAFE_INTEGER) {
      accumulateCurrent(table, C, counts, cells.num);
      money = cells;
    }
  }
  if (money === null) {
    const facts = tableFacts(table);
    money = moneyCells(cellCount, facts.absAmountBound);
    // at or after the table's last event, every deal is in its current state: read the columns only
    accumulateOpen(table, t, t >= facts.lastEvent, groups === null ? null : groups.index, S, C, TOTAL, counts, money);
  }
  const cells = money;
  const order = [...table.currencies.keys()].sort((a, b) => ((table.currencies[a] as string) < (table.currencies[b] as string) ? -1 : 1));
  const openStages = table.funnel.stages.map((s, i) => [s, i] as const).filter(([s]) => s.category === 'open');
  const groupOut = (g: number, key: string | null): PipelineGroup => {
    const totalValue = new Map<number, bigint>();
    // per currency, the (probability, Σ minor) pairs of the stages: the total is rounded once
    const totalWeighted = new Map<number, Array<readonly [number, bigint]>>();
    let count = 0;
    const stages = openStages.map(([stage, s]): PipelineStage => {
      const cell = g * S + s;
      count += counts[cell] as number;
      const value: Money[] = [];
      const weighted: Money[] = [];
      for (const ci of order) {
        if (cells.get((cell * C + ci) * 2 + 1) === 0n) continue;
        const cur = table.currencies[ci] as string;
        const scale = scaleOf(cur);
        const sum = cells.get((cell * C + ci) * 2);
        value.push({ amount: fromMinor(sum, scale), currency: cur });
        totalValue.set(ci, (totalValue.get(ci) ?? 0n) + sum);
        if (stage.probability !== undefined) {
          weighted.push({ amount: fromMinor(weightedMinor([[stage.probability, sum]]), scale), currency: cur });
          const pairs = totalWeighted.get(ci) ?? [];
          pairs.push([stage.probability, sum]);
          totalWeighted.set(ci, pairs);
        }
      }
      return { stageId: stage.id, name: stage.name, count: counts[cell] as number, value, weighted };
    });
    const value: Money[] = [];
    const weighted: Money[] = [];
    for (const ci of order) {
      const cur = table.currencies[ci] as string;
      const v = totalValue.get(ci);
      if (v !== undefined) value.push({ amount: fromMinor(v, scaleOf(cur)), currency: cur });
      const w = totalWeighted.get(ci);
      if (w !== undefined) weighted.push({ amount: fromMinor(weightedMinor(w), scaleOf(cur)), currency: cur });
    }
    return { key, count, value, weighted, stages };
  };
  const list = groups === null ? [] : groups.keys.map((k, g) => groupOut(g, k));
  const total = groupOut(TOTAL, null);
  return deepFreeze({
    rules: {
      at: new Date(t).toISOString(),
      amounts: 'as recorded at that time when the history records amounts, else the current amount' as const,
      groupBy: options.groupBy === undefined ? null : typeof options.groupBy === 'function' ? 'function' : options.groupBy,
    },
    total,
    groups: list,
  });
}

/** The hot loop of {@link pipelineAt} (top-level, so V8 keeps its locals in registers). */
function accumulateOpen(
  table: DealTable,
  t: number,
  current: boolean,
  groupIndex: Int32Array | null,
  S: number,
  C: number,
  TOTAL: number,
  counts: Float64Array,
  money: MoneyCells,
): void {
  const { histTo, histStatus, currencyIndex, histAmountMinor: h } = table;
  const num = money.num;
  const { status, stage, openDeals } = table;
  // in the current state only the open deals can count: visit those (derived at build)
  const n = current ? openDeals.length : table.size;
  for (let j = 0; j < n; j++) {
    const i = current ? (openDeals[j] as number) : j;
    let s: number;
    let r = -1;
    if (current) {
      if (status[i] !== DEAL_OPEN) continue;
      s = stage[i] as number;
    } else {
      if ((table.createdAt[i] as number) > t) continue;
      r = lastRowAt(table, i, t);
      if (r < 0 || histStatus[r] !== DEAL_OPEN) continue;
      s = histTo[r] as number;
    }
    const g = groupIndex === null ? 0 : (groupIndex[i] as number);
    const ci = currencyIndex[i] as number;
    const amt = ci < 0 ? Number.NaN : h === undefined || r < 0 ? (table.amountMinor[i] as number) : amountAfterRow(table, i, r);
    // the deal's group, then the total (the same slot when not grouped)
    for (let slot = g; ; slot = TOTAL) {
      const cell = slot * S + s;
      counts[cell] = (counts[cell] as number) + 1;
      if (amt === amt) {
        const m = (cell * C + ci) * 2;
        if (num !== null) {
          num[m] = (num[m] as number) + amt;
          num[m + 1] = (num[m + 1] as number) + 1;
        } else {
          money.add(m, amt);
          money.add(m + 1, 1);
        }
      }
      if (slot === TOTAL) break;
    }
  }
}

/**
 * The fast path of {@link pipelineAt} (ungrouped, at or after the table's last event): the open deals'
 * amounts and counts per (currency slot, stage) bucket by {@link sumByCell} over the contiguous columns
 * {@link DealTable.openCell} and {@link DealTable.openAmountMinor}, folded into `counts[stage]` and the
 * money cells `num[(stage × C + currency) × 2]` (sum) and `+ 1` (deals with an amount). The double sums
 * are exact: the caller checks {@link DealTable.openAmountAbsSum} first.
 */
function accumulateCurrent(table: DealTable, C: number, counts: Float64Array, num: Float64Array): void {
  const S = table.stageIds.length;
  const K = (C + 1) * S;
  const grouped = table.openCellStart.length > 0;
  const lanes = grouped ? 1 : 4;
  const sum = new Float64Array(lanes * K);
  const count = new Float64Array(lanes * K);
  if (grouped) sumGrouped(table.openCellStart, table.openAmountByCell, false, K, K, S, sum, count);
  else sumByCell(table.openCell, table.openAmountMinor, false, table.openSegment, K, K, sum, count);
  for (let l = 0; l < lanes; l++) {
    for (let s = 0; s < S; s++) {
      counts[s] = (counts[s] as number) + (count[l * K + s] as number);
      for (let ci = 0; ci < C; ci++) {
        const b = l * K + (ci + 1) * S + s;
        const n = count[b] as number;
        if (n === 0) continue;
        counts[s] = (counts[s] as number) + n;
        const m = (s * C + ci) * 2;
        num[m] = (num[m] as number) + (sum[b] as number);
        num[m + 1] = (num[m + 1] as number) + n;
      }
    }
  }
}
