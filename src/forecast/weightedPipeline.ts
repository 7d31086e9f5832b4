import { fail } from '../errors/FunnelError.js';
import { weightedMinor } from '../internal/money.js';
import { sumByCell, sumByCellAsOf, sumGrouped } from '../internal/openCells.js';
import type { DealTable } from '../io/dealTable.js';
import { groupDeals, type DealGroupBy } from '../io/groupDeals.js';
import type { Money } from '../model/money.js';
import type { TimestampInput } from '../model/time.js';
import { configuredProbability, epoch, isoOf, latestTime, moneyOut, openDeals, ownProbability } from './shared.js';
import { stageWinProbabilities } from './stageWinProbabilities.js';

/**
 * Where stage probabilities come from: `'configured'` (the funnel's), `'odoo'` or `'pathAware'`
 * (learned by {@link stageWinProbabilities}; a stage with insufficient history falls back to the
 * configured value), or an explicit map stage id → probability.
 *
 * @category Forecast
 * @since 0.1.0
 */
export type StageProbabilitySource = 'configured' | 'odoo' | 'pathAware' | Readonly<Record<string, number>>;

/**
 * Options for {@link weightedPipeline}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface WeightedPipelineOptions {
  /** Stage probabilities (default `'configured'`). */
  readonly probabilities?: StageProbabilitySource;
  /** A deal's own probability, overriding its stage's (default: the deal attribute `probability` when it is a number in [0, 1], or a percentage). Return null for "use the stage's". */
  readonly probabilityOf?: (table: DealTable, dealIndex: number) => number | null;
  /** Ignore deals' own probabilities (default false). */
  readonly ignoreDealProbability?: boolean;
  /** Group the rows: `'stage'`, `'segment'`, an attribute such as `'owner'`, `'expectedCloseMonth'` (UTC month of the deal's expected close date), or a function. Default: no grouping (one row). */
  readonly groupBy?: DealGroupBy | 'expectedCloseMonth';
  /** Attribute holding the expected close date for `'expectedCloseMonth'` (default `'expectedCloseAt'`; ISO string or epoch ms). */
  readonly expectedCloseAttribute?: string;
  /** As-of time: deals open at this time (default: the latest time in the table). */
  readonly now?: TimestampInput;
  /** Minimum sample for learned probabilities (default 30). */
  readonly minSample?: number;
}

/**
 * Weighted pipeline of one group in one currency.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface WeightedPipelineCell {
  /** Currency of the amounts. */
  readonly currency: string;
  /** Open deals with an amount in this currency. */
  readonly deals: number;
  /** Σ amount (exact). */
  readonly amount: Money;
  /** Σ amount × probability, computed exactly in decimal and rounded half-even to the currency's minor unit once, at the end. */
  readonly weighted: Money;
  /** Deals with no probability (no configured value and no own probability): counted in `amount`, contribute 0 to `weighted`. */
  readonly missingProbability: number;
}

/**
 * One row of a {@link WeightedPipelineReport}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface WeightedPipelineRow {
  /** Group key (null: no value; `'all'` when not grouped). */
  readonly key: string | null;
  /** Per currency (never mixed). */
  readonly byCurrency: readonly WeightedPipelineCell[];
}

/**
 * The result of {@link weightedPipeline}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface WeightedPipelineReport {
  /** The rules behind the numbers. */
  readonly basis: { readonly asOf: string; readonly probabilities: string; readonly dealOverrides: boolean; readonly groupBy: string | null };
  /** All open deals. */
  readonly total: readonly WeightedPipelineCell[];
  /** Per group. */
  readonly rows: readonly WeightedPipelineRow[];
  /** Open deals without an amount (not in any sum). */
  readonly withoutAmount: number;
}

/** Per-stage probabilities resolved from a source (null where unknown). @internal */
export function resolveStageProbabilities(table: DealTable, source: StageProbabilitySource, now: number, minSample: number | undefined): Array<number | null> {
  const k = table.stageIds.length;
  const out: Array<number | null> = [];
  for (let s = 0; s < k; s++) out.push(configuredProbability(table, s));
  if (source === 'configured') return out;
  if (source === 'odoo' || source === 'pathAware') {
    const r = stageWinProbabilities(table, { now, ...(minSample === undefined ? {} : { minSample }) });
    for (const row of r.stages) {
      const e = source === 'odoo' ? row.odoo.estimate : row.pathAware.estimate;
      if (e.ok) out[table.stageIds.indexOf(row.stageId)] = e.probability;
    }
    return out;
  }
  if (typeof source !== 'object' || source === null) fail('INVALID_OPTION', "'configured', 'odoo', 'pathAware' or a map stage id → probability", source, ['options', 'probabilities']);
  for (const [id, p] of Object.entries(source)) {
    const s = table.stageIds.indexOf(id);
    if (s < 0) fail('UNKNOWN_STAGE', `a stage id of funnel ${table.funnel.id}`, id, ['options', 'probabilities', id]);
    if (!(typeof p === 'number' && p >= 0 && p <= 1)) fail('INVALID_OPTION', 'a probability in [0, 1]', p, ['options', 'probabilities', id]);
    out[s] = p;
  }
  return out;
}

/** The probability of each open deal: own override, else stage's; null when neither. @internal */
export function dealProbabilities(
  table: DealTable,
  deals: readonly number[],
  stageP: ReadonlyArray<number | null>,
  options: { readonly probabilityOf?: (table: DealTable, dealIndex: number) => number | null; readonly ignoreDealProbability?: boolean },
): Array<number | null> {
  return deals.map((i) => {
    const own = options.ignoreDealProbability === true ? null : ownProbability(table, i, options.probabilityOf);
    return own ?? stageP[table.stage[i] as number] ?? null;
  });
}

const EMPTY = new Float64Array(0);

function monthKey(v: unknown): string | null {
  const t = typeof v === 'number' ? v : typeof v === 'string' ? Date.parse(v) : v instanceof Date ? v.getTime() : Number.NaN;
  if (!Number.isFinite(t)) return null;
  return new Date(t).toISOString().slice(0, 7);
}

/** Sums of one (group, currency) cell: deals, Σ amount, deals without probability, Σ amount per probability (in order of first appearance). */
interface Acc {
  deals: number;
  amount: bigint;
  missing: number;
  byP: Map<number, bigint>;
}

/** The accumulated open pipeline: group keys, cells by `${group}|${currency}`, totals by currency. */
interface Accumulated {
  readonly keys: ReadonlyArray<string | null>;
  readonly acc: Map<string, Acc>;
  readonly total: Map<number, Acc>;
  readonly withoutAmount: number;
}

/** The general accumulation of {@link weightedPipeline}: any grouping and probability rule, BigInt sums per deal. */
function accumulateGeneral(table: DealTable, now: number, stageP: ReadonlyArray<number | null>, options: WeightedPipelineOptions): Accumulated {
  const deals = openDeals(table, now);
  const probs = dealProbabilities(table, deals, stageP, options);
  let keys: Array<string | null> = ['all'];
  let groupOf: (i: number) => number = () => 0;
  if (options.groupBy === 'expectedCloseMonth') {
    const attr = options.expectedCloseAttribute ?? 'expectedCloseAt';
    const list: (string | null)[] = [];
    const map = new Map<string | null, number>();
    const idx = new Int32Array(table.size);
    for (const i of deals) {
      const key = monthKey(table.attributes[i]?.[attr]);
      let g = map.get(key);
      if (g === undefined) {
        g = list.length;
        list.push(key);
        map.set(key, g);
      }
      idx[i] = g;
    }
    keys = list;
    groupOf = (i) => idx[i] as number;
  } else if (options.groupBy !== undefined) {
    const g = groupDeals(table, options.groupBy);
    // keep only keys of open deals, in order of first appearance among them
    const used = new Map<number, number>();
    const list: (string | null)[] = [];
    for (const i of deals) {
      const gi = g.index[i] as number;
      if (!used.has(gi)) {
        used.set(gi, list.length);
        list.push(g.keys[gi] ?? null);
      }
    }
    keys = list;
    groupOf = (i) => used.get(g.index[i] as number) as number;
  }
  // accumulate: group → currency → probability → minor sum (bigint, exact)
  const acc = new Map<string, Acc>();
  const total = new Map<number, Acc>();
  let withoutAmount = 0;
  const bump = (a: Acc, minor: bigint, p: number | null): void => {
    a.deals++;
    a.amount += minor;
    if (p === null) a.missing++;
    else a.byP.set(p, (a.byP.get(p) ?? 0n) + minor);
  };
  deals.forEach((i, j) => {
    const c = table.currencyIndex[i] as number;
    const m = table.amountMinor[i] as number;
    if (c < 0 || Number.isNaN(m)) {
      withoutAmount++;
      return;
    }
    const minor = BigInt(m);
    const p = probs[j] ?? null;
    const key = `${groupOf(i)}|${c}`;
    let a = acc.get(key);
    if (a === undefined) acc.set(key, (a = { deals: 0, amount: 0n, missing: 0, byP: new Map() }));
    bump(a, minor, p);
    let t = total.get(c);
    if (t === undefined) total.set(c, (t = { deals: 0, amount: 0n, missing: 0, byP: new Map() }));
    bump(t, minor, p);
  });
  return { keys, acc, total, withoutAmount };
}

/** At most this many distinct own probabilities on the fast path (else the general path). */
const FAST_MAX_OWN = 256;
/** At most this many buckets (raw groups × currencies × probabilities) on the fast path with own probabilities. */
const FAST_MAX_BUCKETS = 1 << 20;

/**
 * The hot loop of {@link accumulateFast} when some open deals have their own probability
 * ({@link DealTable.openDealProbability}): as {@link sumByStage}, with `P = S + distinct own
 * probabilities` buckets per (raw group, currency): bucket `s < S` for the deals that take stage `s`'s
 * probability, `S + k` for the deals whose own probability is `ownValues[k]` (ids given in order of
 * first appearance). Returns Σ|amount|, or -1 when there are more than `P - S` distinct own
 * probabilities.
 */
function sumByProbability(
  open: Int32Array,
  own: Float64Array,
  check: boolean,
  createdAt: Float64Array,
  now: number,
  stage: Int32Array,
  gcol: Int32Array,
  goff: number,
  gmap: Int32Array,
  currencyIndex: Int32Array,
  amountMinor: Float64Array,
  C: number,
  S: number,
  P: number,
  ownId: Map<number, number>,
  ownValues: number[],
  sum: Float64Array,
  count: Float64Array,
  noAmount: Float64Array,
): number {
  let abs = 0;
  let lastP = Number.NaN;
  let lastQ = 0;
  for (let j = 0; j < open.length; j++) {
    const i = open[j] as number;
    if (check && (createdAt[i] as number) > now) continue;
    const r = gmap[(gcol[i] as number) + goff] as number;
    const c = currencyIndex[i] as number;
    const m = amountMinor[i] as number;
    if (c < 0 || m !== m) {
      noAmount[r] = (noAmount[r] as number) + 1;
      continue;
    }
    const p = own[j] as number;
    let q = stage[i] as number;
    if (p === p) {
      if (p !== lastP) {
        let k = ownId.get(p);
        if (k === undefined) {
          k = ownValues.length;
          if (S + k >= P) return -1;
          ownValues.push(p);
          ownId.set(p, k);
        }
        lastP = p;
        lastQ = S + k;
      }
      q = lastQ;
    }
    const b = (r * C + c) * P + q;
    sum[b] = (sum[b] as number) + m;
    count[b] = (count[b] as number) + 1;
    abs += Math.abs(m);
  }
  return abs;
}

/**
 * The fast path of {@link weightedPipeline}: no `probabilityOf`, grouping by nothing, `'stage'` or
 * `'segment'`. One pass over the open deals ({@link DealTable.openDeals}; own probabilities from
 * {@link DealTable.openDealProbability}, both derived when the table is built) summing the amounts as
 * doubles into dense (raw group, currency, stage or own probability) buckets; then a scan from the
 * first open deal, stopping as soon as every non-empty group and (cell, probability) has been met,
 * recovers the orders of first appearance the general path uses (row keys, and the order in which a
 * cell's per-probability products are added); then the same Acc cells as the general path. Returns
 * null — use the general path — when the sums might not be exact as doubles (Σ|amount| above 2^53 − 1
 * minor units) or when there are more distinct own probabilities than the buckets allow ({@link FAST_MAX_OWN},
 * fewer with many groups).
 */
function accumulateFast(table: DealTable, now: number, stageP: ReadonlyArray<number | null>, ignoreOwn: boolean, groupBy: 'stage' | 'segment' | undefined): Accumulated | null {
  const { openDeals: open, createdAt, stage, segment, currencyIndex, amountMinor } = table;
  const own = ignoreOwn ? EMPTY : table.openDealProbability;
  const S = table.stageIds.length;
  const C = Math.max(1, table.currencies.length);
  // raw group of deal i: gmap[gcol[i] + goff] (stage index, segment index + 1, or 0)
  const gcol = groupBy === 'segment' ? segment : stage;
  const goff = groupBy === 'segment' ? 1 : 0;
  const R = groupBy === 'stage' ? S : groupBy === 'segment' ? table.segments.length + 1 : 1;
  const gmap = new Int32Array(groupBy === 'segment' ? R : S);
  if (groupBy !== undefined) for (let r = 0; r < R; r++) gmap[r] = r;
  const check = !(now >= table.lastEventAt);
  const noAmount = new Float64Array(R);
  let P = S;
  let sum: Float64Array;
  let count: Float64Array;
  let abs: number;
  const ownValues: number[] = [];
  if (own.length === 0) {
    // every open deal's amount in its (x, currency slot, stage) bucket (see sumByCell), then folded into
    // the raw groups' (r, currency, stage) buckets; slot 0 holds the deals without an amount
    if (table.openAmountAbsSum > Number.MAX_SAFE_INTEGER) return null;
    abs = 0;
    const X = groupBy === 'segment' ? R : 1;
    const K = (C + 1) * S;
    const grouped = !check && table.openCellStart.length > 0;
    const lanes = check || grouped ? 1 : 4;
    const lane = X * K;
    const sumX = new Float64Array(lanes * lane);
    const countX = new Float64Array(lanes * lane);
    if (check) sumByCellAsOf(open, createdAt, now, table.openCell, table.openAmountMinor, groupBy === 'segment', table.openSegment, K, sumX, countX);
    else if (grouped) sumGrouped(table.openCellStart, table.openAmountByCell, groupBy === 'segment', (table.currencies.length + 1) * S, K, S, sumX, countX);
    else sumByCell(table.openCell, table.openAmountMinor, groupBy === 'segment', table.openSegment, K, lane, sumX, countX);
    sum = new Float64Array(R * C * P);
    count = new Float64Array(R * C * P);
    for (let l = 0; l < lanes; l++) {
      for (let x = 0; x < X; x++) {
        for (let st = 0; st < S; st++) {
          const r = groupBy === 'stage' ? st : x;
          const base = l * lane + x * K + st;
          noAmount[r] = (noAmount[r] as number) + (countX[base] as number);
          for (let c = 0; c < C; c++) {
            const b = base + (c + 1) * S;
            const n = countX[b] as number;
            if (n === 0) continue;
            sum[(r * C + c) * S + st] = (sum[(r * C + c) * S + st] as number) + (sumX[b] as number);
            count[(r * C + c) * S + st] = (count[(r * C + c) * S + st] as number) + n;
          }
        }
      }
    }
  } else {
    // the distinct own probabilities are not known before the pass: room for the most allowed
    P = S + Math.min(FAST_MAX_OWN, Math.floor(FAST_MAX_BUCKETS / (R * C)) - S);
    if (P <= S) return null;
    sum = new Float64Array(R * C * P);
    count = new Float64Array(R * C * P);
    abs = sumByProbability(open, own, check, createdAt, now, stage, gcol, goff, gmap, currencyIndex, amountMinor, C, S, P, new Map(), ownValues, sum, count, noAmount);
    if (abs < 0) return null;
  }
  if (abs > Number.MAX_SAFE_INTEGER) return null;
  // probability ids: bucket q → pid of its probability value (-1: none), equal values sharing one id
  const pValues: number[] = [];
  const pidOfValue = new Map<number, number>();
  const pidOf = new Int32Array(S + ownValues.length);
  for (let q = 0; q < pidOf.length; q++) {
    const p = q < S ? stageP[q] : ownValues[q - S];
    if (p === null || p === undefined) {
      pidOf[q] = -1;
      continue;
    }
    let id = pidOfValue.get(p);
    if (id === undefined) {
      id = pValues.length;
      pValues.push(p);
      pidOfValue.set(p, id);
    }
    pidOf[q] = id;
  }
  const NP = pValues.length;
  const cells = R * C;
  // per cell: deals, Σ amount, deals without probability; per (cell, pid): Σ amount and whether met
  const deals = new Float64Array(cells);
  const amount = new Float64Array(cells);
  const missing = new Float64Array(cells);
  const pSum = new Float64Array(cells * NP);
  const pMet = new Uint8Array(cells * NP);
  const rawUsed = new Uint8Array(R);
  for (let r = 0; r < R; r++) if ((noAmount[r] as number) > 0) rawUsed[r] = 1;
  for (let cell = 0; cell < cells; cell++) {
    for (let q = 0; q < pidOf.length; q++) {
      const b = cell * P + q;
      const n = count[b] as number;
      if (n === 0) continue;
      deals[cell] = (deals[cell] as number) + n;
      amount[cell] = (amount[cell] as number) + (sum[b] as number);
      rawUsed[Math.floor(cell / C)] = 1;
      const pid = pidOf[q] as number;
      if (pid < 0) missing[cell] = (missing[cell] as number) + n;
      else {
        pSum[cell * NP + pid] = (pSum[cell * NP + pid] as number) + (sum[b] as number);
        pMet[cell * NP + pid] = 1;
      }
    }
  }
  // orders of first appearance: raw groups (rows), probabilities per cell and per currency (the order
  // in which the general path adds the products); a scan from the first open deal until all are met
  const rawOrder: number[] = [];
  const cellOrder: number[][] = Array.from({ length: cells }, () => []);
  const totalOrder: number[][] = Array.from({ length: C }, () => []);
  const totalMet = new Uint8Array(C * NP);
  let toFind = 0;
  for (let r = 0; r < R; r++) toFind += rawUsed[r] as number;
  for (let k = 0; k < cells * NP; k++) toFind += pMet[k] as number;
  for (let k = 0; k < cells * NP; k++) if (pMet[k] === 1) totalMet[(Math.floor(k / NP) % C) * NP + (k % NP)] = 1;
  for (let k = 0; k < C * NP; k++) toFind += totalMet[k] as number;
  for (let j = 0; j < open.length && toFind > 0; j++) {
    const i = open[j] as number;
    if (check && (createdAt[i] as number) > now) continue;
    const r = gmap[(gcol[i] as number) + goff] as number;
    if (rawUsed[r] === 1) {
      rawUsed[r] = 2;
      rawOrder.push(r);
      toFind--;
    }
    const c = currencyIndex[i] as number;
    const m = amountMinor[i] as number;
    if (c < 0 || m !== m) continue;
    const p = own.length === 0 ? Number.NaN : (own[j] as number);
    const pid = p === p ? (pidOfValue.get(p) as number) : (pidOf[stage[i] as number] as number);
    if (pid < 0) continue;
    const k = (r * C + c) * NP + pid;
    if (pMet[k] === 1) {
      pMet[k] = 2;
      (cellOrder[r * C + c] as number[]).push(pid);
      toFind--;
    }
    if (totalMet[c * NP + pid] === 1) {
      totalMet[c * NP + pid] = 2;
      (totalOrder[c] as number[]).push(pid);
      toFind--;
    }
  }
  const byP = (pids: readonly number[], sumOf: (pid: number) => number): Map<number, bigint> => new Map(pids.map((pid) => [pValues[pid] as number, BigInt(sumOf(pid))]));
  const acc = new Map<string, Acc>();
  const total = new Map<number, Acc>();
  for (let c = 0; c < table.currencies.length; c++) {
    let tDeals = 0;
    let tAmount = 0;
    let tMissing = 0;
    rawOrder.forEach((r, g) => {
      const cell = r * C + c;
      const n = deals[cell] as number;
      if (n === 0) return;
      tDeals += n;
      tAmount += amount[cell] as number;
      tMissing += missing[cell] as number;
      acc.set(`${g}|${c}`, { deals: n, amount: BigInt(amount[cell] as number), missing: missing[cell] as number, byP: byP(cellOrder[cell] as number[], (pid) => pSum[cell * NP + pid] as number) });
    });
    if (tDeals === 0) continue;
    const totalOf = (pid: number): number => {
      let s = 0;
      for (let r = 0; r < R; r++) s += pSum[(r * C + c) * NP + pid] as number;
      return s;
    };
    total.set(c, { deals: tDeals, amount: BigInt(tAmount), missing: tMissing, byP: byP(totalOrder[c] as number[], totalOf) });
  }
  const keys = groupBy === 'stage' ? rawOrder.map((r) => table.stageIds[r] as string) : groupBy === 'segment' ? rawOrder.map((r) => (r === 0 ? null : (table.segments[r - 1] as string))) : ['all'];
  return { keys, acc, total, withoutAmount: noAmount.reduce((a, b) => a + b, 0) };
}

/**
 * Weighted pipeline: Σ amount × probability over the open deals (Salesforce ExpectedRevenue,
 * HubSpot's weighted amount, Odoo's prorated revenue), per currency, optionally grouped by stage,
 * segment, owner or expected close month.
 *
 * The probability of a deal is its own (attribute `probability`, or `probabilityOf`) when present,
 * else its stage's from `probabilities`. Exactness: amounts are summed in integer minor units per
 * (group, currency, probability), each sum is multiplied by the probability's shortest decimal form
 * (0.1 is exactly one tenth) in exact integer arithmetic, and the total is rounded half-even to the
 * minor unit once. Cost: one pass over the open deals ({@link DealTable.openDeals}) plus one exact
 * product per distinct (group, currency, probability). Without `probabilityOf`, ungrouped or grouped by `'stage'` or `'segment'`,
 * the pass reads no attribute (the own probabilities come from {@link DealTable.openDealProbability},
 * derived when the table is built, and are skipped when no open deal has one), reads the creation
 * times only for an as-of time before the table's last event, and sums the amounts as doubles into
 * dense (group, currency, stage or own probability) buckets — exact while Σ|amount| stays below 2^53
 * minor units; otherwise, or with more than 256 distinct own probabilities, BigInt sums per deal as
 * with any other option (`bench/deals.mjs`: a few milliseconds for 250,000 open deals among 1M,
 * the first call on a table included).
 *
 * @param table - the deals
 * @param options - probability source, overrides, grouping, as-of time
 * @returns totals and rows per currency
 * @throws FunnelError INVALID_OPTION / UNKNOWN_STAGE for a bad probability map; INVALID_DATE for `now`
 * @category Forecast
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [
 *   { id: 'lead', name: 'Lead', probability: 0.1 }, { id: 'offer', name: 'Offer', probability: 0.5 },
 *   { id: 'won', name: 'Won', category: 'won' }] });
 * const table = DealTable.fromColumns({ dealIds: ['a', 'b', 'c'], createdAt: [0, 0, 0], stage: ['lead', 'offer', 'offer'],
 *   amount: ['1000.00', '333.34', '100.00'], currency: 'EUR', attributes: [{}, {}, { probability: 0.9 }] }, funnel);
 * weightedPipeline(table).total[0].weighted // => { amount: '356.67', currency: 'EUR' }
 * weightedPipeline(table, { groupBy: 'stage' }).rows.map((r) => r.key) // => ['lead', 'offer']
 * ```
 */
export function weightedPipeline(table: DealTable, options: WeightedPipelineOptions = {}): WeightedPipelineReport {
  const now = options.now === undefined ? latestTime(table) : epoch(options.now, ['options', 'now']);
  const source = options.probabilities ?? 'configured';
  const stageP = resolveStageProbabilities(table, source, now, options.minSample);
  const g = options.groupBy;
  const fast =
    options.probabilityOf === undefined && (g === undefined || g === 'stage' || g === 'segment')
      ? accumulateFast(table, now, stageP, options.ignoreDealProbability === true, g)
      : null;
  const { keys, acc, total, withoutAmount } = fast ?? accumulateGeneral(table, now, stageP, options);
  const cell = (c: number, a: Acc): WeightedPipelineCell => {
    const currency = table.currencies[c] as string;
    return { currency, deals: a.deals, amount: moneyOut(a.amount, currency), weighted: moneyOut(weightedMinor(a.byP), currency), missingProbability: a.missing };
  };
  const rows: WeightedPipelineRow[] = keys.map((key, g) => {
    const byCurrency: WeightedPipelineCell[] = [];
    table.currencies.forEach((_, c) => {
      const a = acc.get(`${g}|${c}`);
      if (a !== undefined) byCurrency.push(cell(c, a));
    });
    return { key, byCurrency };
  });
  const totals: WeightedPipelineCell[] = [];
  table.currencies.forEach((_, c) => {
    const a = total.get(c);
    if (a !== undefined) totals.push(cell(c, a));
  });
  return {
    basis: {
      asOf: isoOf(now),
      probabilities: typeof source === 'string' ? source : 'explicit map',
      dealOverrides: options.ignoreDealProbability !== true,
      groupBy: options.groupBy === undefined ? null : typeof options.groupBy === 'string' ? options.groupBy : 'function',
    },
    total: totals,
    rows: options.groupBy === undefined ? [{ key: 'all', byCurrency: totals }] : rows,
    withoutAmount,
  };
}
