import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import { fromMinor, scaleOf } from '../internal/money.js';
import { toEpochMs } from '../internal/time.js';
import { DEAL_LOST, DEAL_OPEN, DEAL_WON, type DealTable } from '../io/dealTable.js';
import type { TimestampInput } from '../model/time.js';
import { amountAfterRow, lastRowAt } from './dealStateAt.js';

/**
 * The flows of a waterfall, as numbers of deals or as money (decimal strings of one currency).
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface WaterfallFlows<T> {
  /** Open at `from`. */
  readonly start: T;
  /** Created in (from, to] and open. */
  readonly new: T;
  /** Moved in from another open stage. */
  readonly movedIn: T;
  /** Moved out to another open stage. */
  readonly movedOut: T;
  /** Reopened (a won or lost deal made open again) into the stage. */
  readonly reopened: T;
  /** Won from the stage. */
  readonly won: T;
  /** Lost from the stage. */
  readonly lost: T;
  /** Net change of the amounts of deals open in the stage (money only; 0 for counts). */
  readonly amountChange: T;
  /** Open at `to` = start + new + movedIn − movedOut + reopened − won − lost + amountChange. */
  readonly end: T;
}

/**
 * One stage of a {@link pipelineWaterfall}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface WaterfallStage {
  /** Stage id. */
  readonly stageId: string;
  /** Stage name. */
  readonly name: string;
  /** Deal counts. */
  readonly count: WaterfallFlows<number>;
  /** Money per currency (sorted by currency code). */
  readonly value: ReadonlyArray<{ readonly currency: string } & WaterfallFlows<string>>;
}

/**
 * The result of {@link pipelineWaterfall}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface PipelineWaterfallReport {
  /** The rules used. */
  readonly rules: {
    /** Start instant, ISO. */
    readonly from: string;
    /** End instant, ISO. */
    readonly to: string;
    /** Which events count. */
    readonly window: 'events after from, up to and including to';
  };
  /** Per open stage, in funnel order. */
  readonly stages: readonly WaterfallStage[];
  /** All open stages together (moves between stages cancel out). */
  readonly total: Omit<WaterfallStage, 'stageId' | 'name'>;
}

const FLOW_NAMES = ['start', 'new', 'movedIn', 'movedOut', 'reopened', 'won', 'lost', 'amountChange', 'end'] as const;
const F = FLOW_NAMES.length;
const [START, NEW, IN, OUT, REOPEN, WON, LOST, CHANGE, END] = [0, 1, 2, 3, 4, 5, 6, 7, 8] as const;

/**
 * The pipeline waterfall between two instants: how the open pipeline at `from` became the open
 * pipeline at `to`, per open stage and in total, in deals and in money per currency:
 *
 * **start + new + moved in − moved out + reopened − won − lost + amount changes = end**, exactly.
 *
 * Every history row after `from` up to `to` is one event: a creation (new, into its stage), a move
 * between open stages (out of one, into the other), a close (won or lost, from the open stage the
 * deal was in), a reopening, or an amount change (when the history records amounts: the difference
 * counts in the stage the deal was in). A move that also changes the amount books the change in the
 * stage it leaves. `start` and `end` are {@link pipelineAt} at `from` and `to`, computed separately,
 * so the identity is a check, not a definition.
 *
 * Cost: O(deals × log(history rows per deal) + rows in the window).
 *
 * @param table - the deals
 * @param from - the start instant
 * @param to - the end instant (≥ from)
 * @returns flows per stage and in total
 * @throws FunnelError INVALID_DATE for an invalid instant, INVALID_OPTION when from > to
 * @category Metrics
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B', stages: [
 *   { id: 'lead', name: 'Lead' }, { id: 'proposal', name: 'Proposal' }, { id: 'won', name: 'Won', category: 'won' },
 * ] });
 * const cause = { type: 'command', command: 'moveTo' } as const;
 * const table = DealTable.fromRows([
 *   { id: 'a', funnelId: 'b2b', createdAt: '2026-03-01', stageId: 'won', status: 'won', amount: { amount: '100.00', currency: 'EUR' }, history: [
 *     { from: null, to: 'lead', at: '2026-03-01', status: 'open', cause },
 *     { from: 'lead', to: 'proposal', at: '2026-03-05', status: 'open', cause },
 *     { from: 'proposal', to: 'won', at: '2026-03-09', status: 'won', cause } ] },
 *   { id: 'b', funnelId: 'b2b', createdAt: '2026-03-06', stageId: 'lead', amount: { amount: '40.00', currency: 'EUR' } },
 * ], funnel);
 * const w = pipelineWaterfall(table, '2026-03-02', '2026-03-31');
 * w.total.count // => { start: 1, new: 1, movedIn: 0, movedOut: 0, reopened: 0, won: 1, lost: 0, amountChange: 0, end: 1 }
 * w.total.value[0].end // => '40.00'
 * w.stages[1].count // => { start: 0, new: 0, movedIn: 1, movedOut: 0, reopened: 0, won: 1, lost: 0, amountChange: 0, end: 0 }
 * ```
 */
export function pipelineWaterfall(table: DealTable, from: TimestampInput, to: TimestampInput): PipelineWaterfallReport {
  const t0 = toEpochMs(from, ['from']);
  const t1 = toEpochMs(to, ['to']);
  if (t0 > t1) fail('INVALID_OPTION', 'from ≤ to', from, ['from']);
  const S = table.stageIds.length;
  const C = table.currencies.length;
  const counts = new Float64Array(S * F);
  const money: bigint[] = new Array<bigint>(S * C * F).fill(0n);
  const seen = new Uint8Array(S * C);
  const { histStatus, histTo, histAt, currencyIndex } = table;
  const book = (s: number, flow: number, sign: number, ci: number, amt: number): void => {
    counts[s * F + flow] = (counts[s * F + flow] as number) + (flow === CHANGE ? 0 : sign);
    if (ci >= 0 && amt === amt) {
      const cell = (s * C + ci) * F + flow;
      money[cell] = (money[cell] as bigint) + BigInt(sign * amt);
      seen[s * C + ci] = 1;
    }
  };
  for (let i = 0; i < table.size; i++) {
    const ci = currencyIndex[i] as number;
    const lo = table.histStart[i] as number;
    const hi = table.histStart[i + 1] as number;
    const r0 = lastRowAt(table, i, t0);
    const r1 = lastRowAt(table, i, t1);
    // start and end, independently
    if (r0 >= 0 && histStatus[r0] === DEAL_OPEN) book(histTo[r0] as number, START, 1, ci, amountAfterRow(table, i, r0));
    if (r1 >= 0 && histStatus[r1] === DEAL_OPEN) book(histTo[r1] as number, END, 1, ci, amountAfterRow(table, i, r1));
    // events in (t0, t1]
    let open = r0 >= 0 && histStatus[r0] === DEAL_OPEN;
    let stage = r0 >= 0 ? (histTo[r0] as number) : -1;
    let amount = r0 >= 0 ? amountAfterRow(table, i, r0) : Number.NaN;
    for (let k = r0 < 0 ? lo : r0 + 1; k < hi && (histAt[k] as number) <= t1; k++) {
      const st = histStatus[k] as number;
      const s = histTo[k] as number;
      const a = amountAfterRow(table, i, k);
      if (open) {
        if (a === a && amount === amount && a !== amount) book(stage, CHANGE, 1, ci, a - amount);
        if (st === DEAL_WON) book(stage, WON, 1, ci, a);
        else if (st === DEAL_LOST) book(stage, LOST, 1, ci, a);
        else if (s !== stage) {
          book(stage, OUT, 1, ci, a);
          book(s, IN, 1, ci, a);
        }
      } else if (st === DEAL_OPEN) {
        book(s, stage < 0 ? NEW : REOPEN, 1, ci, a);
      }
      open = st === DEAL_OPEN;
      stage = s;
      amount = a;
    }
  }
  const order = [...table.currencies.keys()].sort((a, b) => ((table.currencies[a] as string) < (table.currencies[b] as string) ? -1 : 1));
  const flowsOf = <T,>(get: (flow: number) => T): WaterfallFlows<T> =>
    Object.fromEntries(FLOW_NAMES.map((name, f) => [name, get(f)])) as unknown as WaterfallFlows<T>;
  const openStages = table.funnel.stages.map((s, i) => [s, i] as const).filter(([s]) => s.category === 'open');
  const stages: WaterfallStage[] = openStages.map(([stage, s]) => ({
    stageId: stage.id,
    name: stage.name,
    count: flowsOf((f) => counts[s * F + f] as number),
    value: order
      .filter((ci) => seen[s * C + ci] === 1)
      .map((ci) => {
        const scale = scaleOf(table.currencies[ci] as string);
        return { currency: table.currencies[ci] as string, ...flowsOf((f) => fromMinor(money[(s * C + ci) * F + f] as bigint, scale)) };
      }),
  }));
  // total: moves between open stages cancel out
  const totalCount = flowsOf((f) => (f === IN || f === OUT ? 0 : openStages.reduce((acc, [, s]) => acc + (counts[s * F + f] as number), 0)));
  const totalValue = order
    .filter((ci) => openStages.some(([, s]) => seen[s * C + ci] === 1))
    .map((ci) => {
      const scale = scaleOf(table.currencies[ci] as string);
      return {
        currency: table.currencies[ci] as string,
        ...flowsOf((f) => fromMinor(f === IN || f === OUT ? 0n : openStages.reduce((acc, [, s]) => acc + (money[(s * C + ci) * F + f] as bigint), 0n), scale)),
      };
    });
  return deepFreeze({
    rules: { from: new Date(t0).toISOString(), to: new Date(t1).toISOString(), window: 'events after from, up to and including to' as const },
    stages,
    total: { count: totalCount, value: totalValue },
  });
}
