import { fail } from '../errors/FunnelError.js';
import type { TimestampInput } from '../model/time.js';
import { allocateDealColumns, DEAL_LOST, DEAL_OPEN, deriveDealColumns, type DealTable } from './dealTable.js';
import { toEpochMs } from '../internal/time.js';

/**
 * The deal table as it stood at an instant `at`, for backtests and "what did we know then": only the
 * deals created at or before `at`, only the history rows at or before `at`, and each deal's stage,
 * status, `closedAt`, `lostAtStage` and amount as of `at` (from its last history row at or before
 * `at`; a deal won after `at` is open at its stage of that time).
 *
 * Rules: a deal whose whole history is at or before `at` keeps its recorded values (stage, status,
 * lost-at stage, close time, amount). Otherwise the stage and status are those of the last history
 * row at or before `at` (the first row's stage, open, when its history starts later than its
 * creation), `closedAt` is that row's time when closed, `lostAtStage` is the last open stage of the
 * kept rows, and the amount is the last recorded history amount (`histAmountMinor`) at or before `at`
 * when the source records amounts, else the current amount (amounts are not versioned otherwise).
 * Attributes, segments and lost reasons are kept. Deal indices are renumbered (the order is kept);
 * the interned lists (`currencies`, `segments`, `lostReasons`) are shared with the source table.
 *
 * Cost: one pass over the deals and their history rows, O(deals + history rows).
 *
 * @param table - the full table
 * @param at - the instant (ISO string, Date or epoch milliseconds)
 * @returns a new table; the source is not changed
 * @throws FunnelError INVALID_DATE when `at` is not a valid instant
 * @category IO
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B', stages: [
 *   { id: 'request', name: 'Request' }, { id: 'paid', name: 'Paid', category: 'won' },
 * ] });
 * const table = DealTable.fromRows([
 *   { id: 'd1', funnelId: 'b2b', createdAt: '2026-03-01', stageId: 'paid', status: 'won', closedAt: '2026-03-20' },
 *   { id: 'd2', funnelId: 'b2b', createdAt: '2026-03-15', stageId: 'request' },
 * ], funnel);
 * const then = dealTableAsOf(table, '2026-03-10');
 * then.size // => 1
 * then.status[0] === DEAL_OPEN // => true
 * then.stageIds[then.stage[0]] // => 'request'
 * ```
 */
export function dealTableAsOf(table: DealTable, at: TimestampInput): DealTable {
  const t = toEpochMs(at, ['at']);
  const n = table.size;
  const keep: number[] = [];
  let rows = 0;
  const { histStart, histAt } = table;
  for (let i = 0; i < n; i++) {
    if ((table.createdAt[i] as number) > t) continue;
    keep.push(i);
    const lo = histStart[i] as number;
    const hi = histStart[i + 1] as number;
    for (let k = lo; k < hi && (histAt[k] as number) <= t; k++) rows++;
  }
  const m = keep.length;
  const cat = table.funnel.stages.map((s) => s.category);
  const { dealIds, createdAt, stage, status, lostAtStage, closedAt, amountMinor, currencyIndex, segment, lostReason, attributes } = allocateDealColumns(m);
  const start = new Int32Array(m + 1);
  const hFrom = new Int32Array(rows);
  const hTo = new Int32Array(rows);
  const hAt = new Float64Array(rows);
  const hStatus = new Uint8Array(rows);
  const srcAmt = table.histAmountMinor;
  const hAmt = srcAmt === undefined ? undefined : new Float64Array(rows);
  let w = 0;
  for (let j = 0; j < m; j++) {
    const i = keep[j] as number;
    dealIds[j] = table.dealIds[i] as string;
    createdAt[j] = table.createdAt[i] as number;
    segment[j] = table.segment[i] as number;
    attributes[j] = table.attributes[i] as Readonly<Record<string, unknown>>;
    currencyIndex[j] = table.currencyIndex[i] as number;
    start[j] = w;
    const lo = histStart[i] as number;
    const hi = histStart[i + 1] as number;
    let amount = table.amountMinor[i] as number;
    let lastAmount = Number.NaN;
    let lastOpen = -1;
    let k = lo;
    for (; k < hi && (histAt[k] as number) <= t; k++, w++) {
      hFrom[w] = table.histFrom[k] as number;
      const to = table.histTo[k] as number;
      hTo[w] = to;
      hAt[w] = histAt[k] as number;
      hStatus[w] = table.histStatus[k] as number;
      if (cat[to] === 'open') lastOpen = to;
      if (hAmt !== undefined && srcAmt !== undefined) {
        const a = srcAmt[k] as number;
        hAmt[w] = a;
        if (!Number.isNaN(a)) lastAmount = a;
      }
    }
    if (k === hi) {
      // the whole history is known at `at`: keep the recorded state
      stage[j] = table.stage[i] as number;
      status[j] = table.status[i] as number;
      lostAtStage[j] = table.lostAtStage[i] as number;
      closedAt[j] = table.closedAt[i] as number;
      lostReason[j] = table.lostReason[i] as number;
    } else {
      const last = w - 1;
      if (last >= (start[j] as number)) {
        stage[j] = hTo[last] as number;
        status[j] = hStatus[last] as number;
      } else {
        stage[j] = table.histTo[lo] as number;
        status[j] = DEAL_OPEN;
      }
      if (status[j] === DEAL_OPEN) {
        closedAt[j] = Number.NaN;
        lostAtStage[j] = -1;
        lostReason[j] = -1;
      } else {
        // the time the deal took its status as of `at`
        let c = last;
        while (c > (start[j] as number) && hStatus[c - 1] === status[j]) c--;
        closedAt[j] = hAt[c] as number;
        lostAtStage[j] = status[j] === DEAL_LOST ? lastOpen : -1;
        lostReason[j] = status[j] === DEAL_LOST ? (table.lostReason[i] as number) : -1;
      }
      if (srcAmt !== undefined && !Number.isNaN(lastAmount)) amount = lastAmount;
    }
    amountMinor[j] = amount;
  }
  start[m] = w;
  if (w !== rows) fail('INVALID_INPUT', 'a deal table whose history is sorted by time per deal', 'an unsorted history', ['table', 'histAt']);
  const derived = deriveDealColumns(table.funnel, { size: m, createdAt, stage, status, lostAtStage, closedAt, histStart: start, histTo: hTo, histAt: hAt, histStatus: hStatus, attributes, currencyIndex, amountMinor, segment, currencies: table.currencies, segments: table.segments });
  const out: DealTable = {
    size: m,
    funnel: table.funnel,
    stageIds: table.stageIds,
    dealIds: Object.freeze(dealIds),
    createdAt,
    stage,
    status,
    lostAtStage,
    closedAt,
    amountMinor,
    currencyIndex,
    currencies: table.currencies,
    segment,
    segments: table.segments,
    lostReason,
    lostReasons: table.lostReasons,
    histStart: start,
    histFrom: hFrom,
    histTo: hTo,
    histAt: hAt,
    histStatus: hStatus,
    ...(hAmt === undefined ? {} : { histAmountMinor: hAmt }),
    attributes: Object.freeze(attributes),
    ...derived,
  };
  return Object.freeze(out);
}
