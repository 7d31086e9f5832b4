import { fail } from '../errors/FunnelError.js';
import { Decimal } from '../internal/decimal.js';
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

/** At most this many distinct probabilities on the fast path (else the general path). */
const FAST_MAX_P = 64;
/** Slots per cell on the fast path: the probabilities, then "no probability". */
const SLOTS = FAST_MAX_P + 1;

/**
 * The hot loop of {@link accumulateFast}, top-level and without closures (a closure made per call would
 * be a new call target on every call, which deoptimises the loop). Returns false when a deal's own
 * probability would exceed {@link FAST_MAX_P} distinct probabilities.
 */
function fastPass(
  openDeals: Int32Array,
  createdAt: Float64Array,
  stage: Int32Array,
  segment: Int32Array,
  currencyIndex: Int32Array,
  amountMinor: Float64Array,
  attributes: DealTable['attributes'],
  now: number,
  kind: number,
  C: number,
  ignoreOwn: boolean,
  stagePid: Int32Array,
  pidOf: Map<number, number>,
  pValue: number[],
  deals: Float64Array,
  amount: Float64Array,
  pSum: Float64Array,
  pCount: Float64Array,
  pFirst: Float64Array,
  rawFirst: Float64Array,
  res: Float64Array,
): boolean {
  let withoutAmount = 0;
  let abs = 0;
  for (let j = 0; j < openDeals.length; j++) {
    const i = openDeals[j] as number;
    if ((createdAt[i] as number) > now) continue;
    const r = kind === 1 ? (stage[i] as number) : kind === 2 ? (segment[i] as number) + 1 : 0;
    rawFirst[r] = Math.min(rawFirst[r] as number, j);
    const c = currencyIndex[i] as number;
    const m = amountMinor[i] as number;
    if (c < 0 || m !== m) {
      withoutAmount++;
      continue;
    }
    // the deal's own probability (attribute `probability`, as ownProbability reads it), else its stage's
    let pid = stagePid[stage[i] as number] as number;
    if (!ignoreOwn) {
      const v = attributes[i]?.['probability'];
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100) {
        const p = v <= 1 ? v : v / 100;
        let id = pidOf.get(p);
        if (id === undefined) {
          id = pValue.length;
          if (id >= FAST_MAX_P) return false;
          pValue.push(p);
          pidOf.set(p, id);
        }
        pid = id;
      }
    }
    const cell = r * C + c;
    deals[cell] = (deals[cell] as number) + 1;
    amount[cell] = (amount[cell] as number) + m;
    abs += m < 0 ? -m : m;
    const k = cell * SLOTS + (pid < 0 ? FAST_MAX_P : pid);
    pSum[k] = (pSum[k] as number) + m;
    pCount[k] = (pCount[k] as number) + 1;
    pFirst[k] = Math.min(pFirst[k] as number, j);
  }
  res[0] = withoutAmount;
  res[1] = abs;
  return true;
}

/**
 * The fast path of {@link weightedPipeline}: no `probabilityOf`, grouping by nothing, `'stage'` or
 * `'segment'`. One pass over the open deals ({@link DealTable.openDeals}) summing amounts as doubles
 * into dense (group, currency, probability) cells, then the same Acc cells as the general path (with
 * the probabilities in the same order of first appearance). Returns null — use the general path —
 * when the sums might not be exact as doubles (Σ|amount| above 2^53 − 1 minor units) or when there are
 * more than {@link FAST_MAX_P} distinct probabilities.
 */
function accumulateFast(table: DealTable, now: number, stageP: ReadonlyArray<number | null>, ignoreOwn: boolean, groupBy: 'stage' | 'segment' | undefined): Accumulated | null {
  const { openDeals, createdAt, stage, segment, currencyIndex, amountMinor, attributes } = table;
  const S = table.stageIds.length;
  const C = Math.max(1, table.currencies.length);
  const R = groupBy === 'stage' ? S : groupBy === 'segment' ? table.segments.length + 1 : 1;
  // probability ids: the distinct probabilities met, pValue[pid]; stages' ids resolved up front
  const pValue: number[] = [];
  const pidOf = new Map<number, number>();
  const idOf = (p: number): number => {
    let id = pidOf.get(p);
    if (id === undefined) {
      id = pValue.length;
      pValue.push(p);
      pidOf.set(p, id);
    }
    return id;
  };
  const stagePid = new Int32Array(S);
  for (let s = 0; s < S; s++) {
    const p = stageP[s];
    stagePid[s] = p === null || p === undefined ? -1 : idOf(p);
  }
  if (pValue.length > FAST_MAX_P) return null;
  const cells = R * C;
  const deals = new Float64Array(cells);
  const amount = new Float64Array(cells);
  const missing = new Float64Array(cells);
  // per cell FAST_MAX_P probability slots plus one for "no probability" (every slot updated on every
  // deal, branch-free, so the optimised loop never meets a store it has no type feedback for)
  const pSum = new Float64Array(cells * SLOTS);
  const pCount = new Float64Array(cells * SLOTS);
  const pFirst = new Float64Array(cells * SLOTS).fill(Infinity); // index of the first deal with that probability
  const rawFirst = new Float64Array(R).fill(Infinity); // index of the first deal of each raw group key
  const res = new Float64Array(2); // [deals without amount, Σ|amount|]
  const kind = groupBy === 'stage' ? 1 : groupBy === 'segment' ? 2 : 0;
  const ok = fastPass(openDeals, createdAt, stage, segment, currencyIndex, amountMinor, attributes, now, kind, C, ignoreOwn, stagePid, pidOf, pValue, deals, amount, pSum, pCount, pFirst, rawFirst, res);
  if (!ok) return null;
  for (let c = 0; c < cells; c++) missing[c] = pCount[c * SLOTS + FAST_MAX_P] as number;
  // raw group keys in order of first appearance
  const order = Array.from(rawFirst.keys())
    .filter((r) => rawFirst[r] !== Infinity)
    .sort((x, y) => (rawFirst[x] as number) - (rawFirst[y] as number));
  const withoutAmount = res[0] as number;
  const abs = res[1] as number;
  if (abs > Number.MAX_SAFE_INTEGER) return null;
  const NP = pValue.length;
  // one Acc from the cells of raw keys `rs` and currency c (their sums added; probabilities by first appearance)
  const accOf = (rs: readonly number[], c: number): Acc | undefined => {
    let n = 0;
    let sum = 0;
    let miss = 0;
    const firsts: Array<[number, number, number]> = [];
    for (let pid = 0; pid < NP; pid++) {
      let first = Infinity;
      let ps = 0;
      for (const r of rs) {
        const k = (r * C + c) * SLOTS + pid;
        const f = pFirst[k] as number;
        if (f < first) first = f;
        ps += pSum[k] as number;
      }
      if (first !== Infinity) firsts.push([first, pid, ps]);
    }
    for (const r of rs) {
      n += deals[r * C + c] as number;
      sum += amount[r * C + c] as number;
      miss += missing[r * C + c] as number;
    }
    if (n === 0) return undefined;
    firsts.sort((x, y) => x[0] - y[0]);
    return { deals: n, amount: BigInt(sum), missing: miss, byP: new Map(firsts.map(([, pid, ps]) => [pValue[pid] as number, BigInt(ps)])) };
  };
  const acc = new Map<string, Acc>();
  const total = new Map<number, Acc>();
  for (let c = 0; c < table.currencies.length; c++) {
    order.forEach((r, g) => {
      const a = accOf([r], c);
      if (a !== undefined) acc.set(`${g}|${c}`, a);
    });
    const t = accOf(order, c);
    if (t !== undefined) total.set(c, t);
  }
  const keys = groupBy === 'stage' ? order.map((r) => table.stageIds[r] as string) : groupBy === 'segment' ? order.map((r) => (r === 0 ? null : (table.segments[r - 1] as string))) : ['all'];
  return { keys, acc, total, withoutAmount };
}

/**
 * Weighted pipeline: Σ amount × probability over the open deals (Salesforce ExpectedRevenue,
 * HubSpot's weighted amount, Odoo's prorated revenue), per currency, optionally grouped by stage,
 * segment, owner or expected close month.
 *
 * The probability of a deal is its own (attribute `probability`, or `probabilityOf`) when present,
 * else its stage's from `probabilities`. Exactness: amounts are summed in integer minor units per
 * (group, currency, probability), each sum is multiplied by the probability's shortest decimal form
 * with decimal arithmetic, and the total is rounded half-even to the minor unit once. Cost: one pass
 * over the open deals ({@link DealTable.openDeals}) plus one decimal product per distinct (group,
 * currency, probability). Without `probabilityOf`, ungrouped or grouped by `'stage'` or `'segment'`,
 * the pass sums the amounts as doubles into dense cells (exact while Σ|amount| stays below 2^53 minor
 * units; otherwise BigInt sums per deal, as with any other option).
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
    let w = new Decimal(0);
    for (const [p, minor] of a.byP) w = w.plus(new Decimal(minor.toString()).times(new Decimal(String(p))));
    return { currency, deals: a.deals, amount: moneyOut(a.amount, currency), weighted: moneyOut(w, currency), missingProbability: a.missing };
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
