/**
 * Helpers shared by the forecast functions (not exported from the package): stage order, configured
 * probabilities, money in and out, the per-stage survival model, and the "insufficient history"
 * answer. @internal
 */
import { fail, FunnelError } from '../errors/FunnelError.js';
import { Decimal } from '../internal/decimal.js';
import { formatDecimal, fromMinor, scaleOf, toMinor } from '../internal/money.js';
import { jeffreysInterval, wilsonInterval } from '../internal/stats.js';
import { argsortNonNegative } from '../internal/radixSort.js';
import { fitCompetingRisks, fitSortedCompetingRisks, incidenceAt, incidenceEstimate, stepIndex, survivalAt, type CompetingRisksFit } from '../internal/survival.js';
import { DAY_MS, toEpochMs } from '../internal/time.js';
import { DEAL_LOST, DEAL_OPEN, DEAL_WON, probabilityAttribute, type DealTable } from '../io/dealTable.js';
import type { Money } from '../model/money.js';
import type { TimestampInput } from '../model/time.js';

/**
 * The answer when there is too little history for an estimate: `n` observations where at least
 * `needed` are required (the minimum-sample floor).
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface InsufficientHistory {
  /** Always false. */
  readonly ok: false;
  /** Always `'insufficientHistory'`. */
  readonly reason: 'insufficientHistory';
  /** Observations available (closed deals, for a win rate). */
  readonly n: number;
  /** The minimum-sample floor that was not met. */
  readonly needed: number;
}

/**
 * A probability estimated from history, with its confidence interval.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface ProbabilityEstimate {
  /** Always true. */
  readonly ok: true;
  /** The point estimate in [0, 1]. */
  readonly probability: number;
  /** Lower end of the confidence interval. */
  readonly lower: number;
  /** Upper end of the confidence interval. */
  readonly upper: number;
  /** Successes (won deals) behind the estimate. */
  readonly won: number;
  /** Observations behind the estimate (closed deals, or deals at risk for a censored estimate). */
  readonly n: number;
  /** How the interval was computed. */
  readonly interval: 'wilson' | 'jeffreys' | 'aalenJohansenLogLog';
}

/**
 * Which binomial interval to use: `'wilson'` (Wilson score, the default) or `'jeffreys'` (equal-tailed
 * Beta(k + ½, n − k + ½) quantiles).
 *
 * @category Forecast
 * @since 0.1.0
 */
export type IntervalMethod = 'wilson' | 'jeffreys';

/**
 * The part of an `AbortSignal` the library reads: a long computation checks `aborted` between
 * batches and throws FunnelError `ABORTED` once it is true. Any `AbortController().signal` fits.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface AbortSignalLike {
  /** true once the computation should stop. */
  readonly aborted: boolean;
}

/** @internal */
export function insufficient(n: number, needed: number): InsufficientHistory {
  return { ok: false, reason: 'insufficientHistory', n, needed };
}

/** k of n as an estimate with interval, or insufficient history below the floor. @internal */
export function binomialEstimate(k: number, n: number, minSample: number, level: number, method: IntervalMethod): ProbabilityEstimate | InsufficientHistory {
  if (n < minSample || n === 0) return insufficient(n, Math.max(1, minSample));
  const iv = method === 'jeffreys' ? jeffreysInterval(k, n, level) : wilsonInterval(k, n, level);
  return { ok: true, probability: k / n, lower: iv.lower, upper: iv.upper, won: k, n, interval: method };
}

/** Validates common numeric options. @internal */
export function checkLevel(level: number | undefined): number {
  const v = level ?? 0.95;
  if (!(typeof v === 'number' && v > 0 && v < 1)) fail('INVALID_OPTION', 'a confidence level in (0, 1)', level, ['options', 'level']);
  return v;
}

/** @internal */
export function checkMinSample(min: number | undefined, fallback = 30): number {
  const v = min ?? fallback;
  if (!(Number.isInteger(v) && v >= 1)) fail('INVALID_OPTION', 'a minimum sample that is an integer ≥ 1', min, ['options', 'minSample']);
  return v;
}

/** @internal */
export function checkInterval(m: IntervalMethod | undefined): IntervalMethod {
  const v = m ?? 'wilson';
  if (v !== 'wilson' && v !== 'jeffreys') fail('INVALID_OPTION', "'wilson' or 'jeffreys'", m, ['options', 'interval']);
  return v;
}

/** Open stages in funnel order, and each stage's position among them (−1 for won/lost stages). @internal */
export function stageOrder(table: DealTable): { open: number[]; position: Int32Array } {
  const open: number[] = [];
  const position = new Int32Array(table.stageIds.length).fill(-1);
  table.funnel.stages.forEach((s, i) => {
    if (s.category === 'open') {
      position[i] = open.length;
      open.push(i);
    }
  });
  return { open, position };
}

/** The funnel's configured probability of a stage (won stages 1, lost stages 0), or null when not set. @internal */
export function configuredProbability(table: DealTable, stage: number): number | null {
  const s = table.funnel.stages[stage];
  if (s === undefined) return null;
  if (s.category === 'won') return 1;
  if (s.category === 'lost') return 0;
  return s.probability ?? null;
}

/**
 * A deal's own probability: `probabilityOf(table, i)` when given, else the attribute `probability`
 * when it is a number in [0, 1] (a percentage in (1, 100] is read as percent). null when absent. @internal
 */
export function ownProbability(table: DealTable, i: number, probabilityOf?: (table: DealTable, dealIndex: number) => number | null): number | null {
  if (probabilityOf !== undefined) {
    const v = probabilityOf(table, i);
    if (v === null) return null;
    if (!(typeof v === 'number' && v >= 0 && v <= 1)) fail('INVALID_OPTION', 'a probabilityOf result in [0, 1] or null', v, ['options', 'probabilityOf', table.dealIds[i] ?? i]);
    return v;
  }
  const p = probabilityAttribute(table.attributes[i]?.['probability']);
  return p === p ? p : null;
}

/** Parses a Money input to minor units, or throws naming the path. @internal */
export function moneyIn(m: Money, path: ReadonlyArray<string | number>): { minor: number; currency: string; scale: number } {
  if (typeof m !== 'object' || m === null) fail('INVALID_AMOUNT', 'money such as { amount: "1200.50", currency: "EUR" }', m, path);
  const scale = scaleOf(m.currency, [...path, 'currency']);
  return { minor: toMinor(m.amount, scale, [...path, 'amount']), currency: m.currency, scale };
}

/** Minor units (a number, possibly fractional, or a bigint or Decimal) to Money, rounded half-even. @internal */
export function moneyOut(minor: number | bigint | Decimal, currency: string): Money {
  const scale = scaleOf(currency);
  if (typeof minor === 'bigint') return { amount: fromMinor(minor, scale), currency };
  const d = minor instanceof Decimal ? minor : new Decimal(minor);
  return { amount: formatDecimal(d.div(new Decimal(10).pow(scale)), scale), currency };
}

/** The currency to work in: the option, or the table's only currency; throws when ambiguous. @internal */
export function pickCurrency(table: DealTable, currency: string | undefined): string | null {
  if (currency !== undefined) {
    scaleOf(currency, ['options', 'currency']);
    if (table.currencies.length > 0 && !table.currencies.includes(currency)) {
      fail('CURRENCY_MISMATCH', `a currency of the deals (${table.currencies.join(', ')}); currencies are never converted`, currency, ['options', 'currency']);
    }
    return currency;
  }
  if (table.currencies.length === 0) return null;
  if (table.currencies.length > 1) fail('CURRENCY_MISMATCH', `options.currency naming one of ${table.currencies.join(', ')} (currencies are never mixed)`, undefined, ['options', 'currency']);
  return table.currencies[0] as string;
}

/** @internal */
export function epoch(value: TimestampInput, path: ReadonlyArray<string | number>): number {
  return toEpochMs(value, path);
}

/** @internal */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** @internal */
export function days(ms: number): number {
  return ms / DAY_MS;
}

/** Throws ABORTED when the signal is aborted. @internal */
export function checkAbort(signal: AbortSignalLike | undefined): void {
  if (signal?.aborted === true) throw new FunnelError('ABORTED', 'funnelwise: the computation was aborted through its AbortSignal', { path: ['options', 'signal'] });
}

/** First entry time of each stage per deal (NaN when never entered), row-major deals × stages. @internal */
export function firstEntries(table: DealTable): Float64Array {
  const k = table.stageIds.length;
  const out = new Float64Array(table.size * k).fill(Number.NaN);
  for (let i = 0; i < table.size; i++) {
    for (let r = table.histStart[i] as number; r < (table.histStart[i + 1] as number); r++) {
      const s = table.histTo[r] as number;
      if (Number.isNaN(out[i * k + s] as number)) out[i * k + s] = table.histAt[r] as number;
    }
    const cur = table.stage[i] as number;
    if (Number.isNaN(out[i * k + cur] as number)) out[i * k + cur] = table.createdAt[i] as number;
  }
  return out;
}

/**
 * Time-to-close model. `pooled`: Aalen–Johansen fit (won = cause 1, lost = cause 2, open = censored
 * at `now`) with time in days since creation, over every deal. `byStage`: one fit per open stage over
 * the deals that reached it (delayed entry at the age they entered it), used by {@link timeToClose}.
 * `landmark`: the stage-and-age landmark populations used by {@link winWithin} (see
 * {@link buildLandmarks}). @internal
 */
export interface CloseModel {
  readonly now: number;
  readonly pooled: CompetingRisksFit;
  readonly pooledClosed: number;
  readonly byStage: ReadonlyArray<CompetingRisksFit | null>;
  readonly closedByStage: Int32Array;
  readonly minSample: number;
  readonly landmark: LandmarkModel;
}

/**
 * Landmark ages (days since creation) of the landmark model. An open deal of age a is compared with
 * the past deals at the landmark age nearest to a. @internal
 */
export const LANDMARK_AGES: readonly number[] = [0, 1, 2, 3, 5, 7, 10, 14, 21, 30, 45, 60, 90, 120, 180, 270, 365, 545, 730];

/**
 * Landmark data: for every open stage s and landmark age ℓ, one row per past deal that was *in stage
 * s and still open at age ℓ* (its stage at ℓ read from its history), with the residual time from ℓ to
 * its close (won = 1, lost = 2) or to `now` (censored, 0). The rows of a cell are contiguous and in
 * ascending residual time. @internal
 */
export interface LandmarkModel {
  /** Number of landmark ages. */
  readonly points: number;
  /** Row boundaries of each cell s·points + k (length cells + 1). */
  readonly rowStart: Int32Array;
  /** Per row: residual days, event code and deal index. */
  readonly time: Float64Array;
  readonly event: Uint8Array;
  readonly deal: Int32Array;
  /**
   * The spells behind the rows: spell q puts deal `spellDeal[q]` into the consecutive cells
   * `spellFrom[q]` … `spellTo[q]` − 1 (one stage, the landmark ages of the spell), so a per-deal
   * weight summed over a cell's rows is a sum over spells (a difference array, see {@link cellWeightTotals}).
   */
  readonly spellDeal: Int32Array;
  readonly spellFrom: Int32Array;
  readonly spellTo: Int32Array;
  /** Deals per cell that closed (won or lost) before `now`. */
  readonly closedDeals: Int32Array;
  /** Per deal: its amount ÷ the mean amount of its currency (1 without an amount), for value weighting. */
  readonly weight: Float64Array;
  /** Fits per pooled window, cached by key, with their distinct deals. */
  readonly fits: Map<string, LandmarkFit>;
  /** Answers per (stage, landmark, horizon), cached. */
  readonly answers: Map<string, WinChance>;
}

/** One landmark population (a stage and a window of landmark ages): its fit and its rows, in ascending time. @internal */
export interface LandmarkFit {
  /** The landmark cells pooled: `first` … `last` (one stage). */
  readonly first: number;
  readonly last: number;
  readonly fit: CompetingRisksFit;
  readonly rows: number;
  readonly deals: number;
  readonly time: Float64Array;
  readonly event: Uint8Array;
  /** Deal index of each row. */
  readonly deal: Int32Array;
}

/** The index of the landmark age nearest to an age in days (ties to the younger one). @internal */
export function nearestLandmark(age: number): number {
  let best = 0;
  for (let k = 1; k < LANDMARK_AGES.length; k++) if (Math.abs(age - (LANDMARK_AGES[k] as number)) < Math.abs(age - (LANDMARK_AGES[best] as number))) best = k;
  return best;
}

/** The landmark row buffers of {@link buildLandmarks}: counting (first pass) or writing (second). */
interface LandmarkRows {
  count: boolean;
  readonly ages: Float64Array;
  readonly rowStart: Int32Array;
  readonly closedDeals: Int32Array;
  fill: Int32Array;
  time: Float64Array;
  event: Uint8Array;
  deal: Int32Array;
  /** Spells with at least one row: counted, then written (deal, first cell, last cell + 1). */
  spells: number;
  spellDeal: Int32Array;
  spellFrom: Int32Array;
  spellTo: Int32Array;
}

/** The rows of one spell of deal i in the stage whose cells start at `base`: one per landmark age in [from, min(to, x)). */
function landmarkSpell(out: LandmarkRows, i: number, base: number, from: number, to: number, e: number, x: number): void {
  const stop = Math.min(to, x);
  const ages = out.ages;
  let first = -1;
  let m = 0;
  for (; m < ages.length; m++) {
    const l = ages[m] as number;
    if (l < from) continue;
    if (l >= stop) break;
    const cell = base + m;
    if (first < 0) first = cell;
    if (out.count) {
      out.rowStart[cell + 1] = (out.rowStart[cell + 1] as number) + 1;
      if (e > 0) out.closedDeals[cell] = (out.closedDeals[cell] as number) + 1;
    } else {
      const r = out.fill[cell] as number;
      out.fill[cell] = r + 1;
      out.time[r] = x - l;
      out.event[r] = e;
      out.deal[r] = i;
    }
  }
  if (first < 0) return;
  if (!out.count) {
    out.spellDeal[out.spells] = i;
    out.spellFrom[out.spells] = first;
    out.spellTo[out.spells] = base + m;
  }
  out.spells++;
}

/**
 * Builds the landmark rows from the usable deals (`end` = close or censoring age in days, `ev` =
 * event code, NaN end = not usable), `order` = the usable deals in ascending `end`. A deal's open-stage
 * spells come from its history rows (stage `histTo` from its age at the row up to the next row's age,
 * or to `end`); a deal without history rows is in its current open stage (or its lost-at stage) from
 * creation to `end`. A deal counts at landmark ℓ when a spell covers ℓ (from ≤ ℓ < to) and it was open
 * then (ℓ < end). Visiting the deals in ascending `end` puts every cell's rows (residual end − ℓ) in
 * ascending time without sorting. Two passes (count, then fill) into flat typed arrays. Cost
 * O(history rows + deals × landmark ages). @internal
 */
export function buildLandmarks(table: DealTable, end: Float64Array, ev: Uint8Array, order: Int32Array): LandmarkModel {
  const k = table.stageIds.length;
  const K = LANDMARK_AGES.length;
  const ages = Float64Array.from(LANDMARK_AGES);
  const isOpen = Uint8Array.from(table.funnel.stages, (s) => (s.category === 'open' ? 1 : 0));
  const rowStart = new Int32Array(k * K + 1);
  const closedDeals = new Int32Array(k * K);
  const none = new Int32Array(0);
  const out: LandmarkRows = { count: true, ages, rowStart, closedDeals, fill: none, time: new Float64Array(0), event: new Uint8Array(0), deal: none, spells: 0, spellDeal: none, spellFrom: none, spellTo: none };
  // gather what the passes read into `order` (tight loops, so the cache misses of the scattered reads
  // overlap), then both passes read sequentially
  const n = order.length;
  const xs = new Float64Array(n);
  const es = new Uint8Array(n);
  const cs = new Float64Array(n);
  const ss = new Int32Array(n);
  const hs = new Int32Array(n + 1);
  for (let j = 0; j < n; j++) {
    const i = order[j] as number;
    xs[j] = end[i] as number;
    es[j] = ev[i] as number;
    cs[j] = table.createdAt[i] as number;
    const st = table.stage[i] as number;
    ss[j] = isOpen[st] === 1 ? st : (table.lostAtStage[i] as number);
    hs[j + 1] = (table.histStart[i + 1] as number) - (table.histStart[i] as number);
  }
  for (let j = 0; j < n; j++) hs[j + 1] = (hs[j + 1] as number) + (hs[j] as number);
  const hTo = new Int32Array(hs[n] as number);
  const hAt = new Float64Array(hs[n] as number);
  for (let j = 0; j < n; j++) {
    const i = order[j] as number;
    const r0 = table.histStart[i] as number;
    const w = (hs[j] as number) - r0;
    for (let r = r0; r < (table.histStart[i + 1] as number); r++) {
      hTo[w + r] = table.histTo[r] as number;
      hAt[w + r] = table.histAt[r] as number;
    }
  }
  // pass 0 counts the rows of each cell, pass 1 writes them
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < n; j++) {
      const i = order[j] as number;
      const x = xs[j] as number;
      const e = es[j] as number;
      const c = cs[j] as number;
      const r0 = hs[j] as number;
      const r1 = hs[j + 1] as number;
      if (r1 <= r0) {
        const s = ss[j] as number;
        if (s >= 0 && isOpen[s] === 1) landmarkSpell(out, i, s * K, 0, x, e, x);
        continue;
      }
      for (let r = r0; r < r1; r++) {
        const s = hTo[r] as number;
        if (isOpen[s] !== 1) continue;
        // the first row is the creation: the deal is in its first stage from age 0
        const from = r === r0 ? 0 : Math.max(0, days((hAt[r] as number) - c));
        const to = r + 1 < r1 ? Math.max(0, days((hAt[r + 1] as number) - c)) : x;
        if (to > from) landmarkSpell(out, i, s * K, from, to, e, x);
      }
    }
    if (pass === 0) {
      for (let cell = 0; cell < k * K; cell++) rowStart[cell + 1] = (rowStart[cell + 1] as number) + (rowStart[cell] as number);
      const rows = rowStart[k * K] as number;
      out.count = false;
      out.time = new Float64Array(rows);
      out.event = new Uint8Array(rows);
      out.deal = new Int32Array(rows);
      out.fill = rowStart.slice(0, k * K);
      out.spellDeal = new Int32Array(out.spells);
      out.spellFrom = new Int32Array(out.spells);
      out.spellTo = new Int32Array(out.spells);
      out.spells = 0;
    }
  }
  // value weights: amount relative to the mean amount of the deal's currency (currencies never mix)
  const weight = new Float64Array(table.size).fill(1);
  const sum = new Float64Array(table.currencies.length);
  const cnt = new Float64Array(table.currencies.length);
  for (let i = 0; i < table.size; i++) {
    const c = table.currencyIndex[i] as number;
    const a = table.amountMinor[i] as number;
    if (c < 0 || Number.isNaN(a) || Number.isNaN(end[i] as number)) continue;
    sum[c] = (sum[c] as number) + a;
    cnt[c] = (cnt[c] as number) + 1;
  }
  for (let i = 0; i < table.size; i++) {
    const c = table.currencyIndex[i] as number;
    const a = table.amountMinor[i] as number;
    if (c >= 0 && !Number.isNaN(a) && (sum[c] as number) > 0) weight[i] = (a * (cnt[c] as number)) / (sum[c] as number);
  }
  return { points: K, rowStart, time: out.time, event: out.event, deal: out.deal, spellDeal: out.spellDeal, spellFrom: out.spellFrom, spellTo: out.spellTo, closedDeals, weight, fits: new Map(), answers: new Map() };
}

/** @internal */
export function buildCloseModel(table: DealTable, now: number, minSample: number, withStageFits = true): CloseModel {
  const n = table.size;
  const k = table.stageIds.length;
  const usable = new Uint8Array(n);
  const tArr = new Float64Array(n).fill(Number.NaN);
  const eArr = new Uint8Array(n);
  let pooledClosed = 0;
  let usableCount = 0;
  for (let i = 0; i < n; i++) {
    const c = table.createdAt[i] as number;
    if (c > now) continue;
    const st = table.status[i] as number;
    const closed = table.closedAt[i] as number;
    let t: number;
    let e: number;
    if (st !== DEAL_OPEN && !Number.isNaN(closed) && closed <= now) {
      t = days(Math.max(0, closed - c));
      e = st === DEAL_WON ? 1 : 2;
      pooledClosed++;
    } else if (st !== DEAL_OPEN && Number.isNaN(closed)) continue;
    else {
      t = days(now - c);
      e = 0;
    }
    usable[i] = 1;
    tArr[i] = t;
    eArr[i] = e;
    usableCount++;
  }
  // the usable deals in ascending close/censoring age: the pooled fit and the landmark rows need no sort
  const usableIdx = new Int32Array(usableCount);
  for (let i = 0, j = 0; i < n; i++) if (usable[i] === 1) usableIdx[j++] = i;
  const order = argsortNonNegative(tArr, usableIdx);
  const time = new Float64Array(usableCount);
  const event = new Uint8Array(usableCount);
  for (let j = 0; j < usableCount; j++) {
    time[j] = tArr[order[j] as number] as number;
    event[j] = eArr[order[j] as number] as number;
  }
  const pooled = fitSortedCompetingRisks(time, event, 2);
  const entries = withStageFits ? firstEntries(table) : new Float64Array(0);
  const open = withStageFits ? stageOrder(table).open : [];
  const byStage: (CompetingRisksFit | null)[] = new Array<CompetingRisksFit | null>(k).fill(null);
  const closedByStage = new Int32Array(k);
  for (const s of open) {
    const ts: number[] = [];
    const es: number[] = [];
    const en: number[] = [];
    let closed = 0;
    for (let i = 0; i < n; i++) {
      if (usable[i] !== 1) continue;
      const at = entries[i * k + s] as number;
      if (Number.isNaN(at) || at > now) continue;
      const t = tArr[i] as number;
      const entry = Math.min(days(Math.max(0, at - (table.createdAt[i] as number))), t) - 1e-9;
      ts.push(t);
      es.push(eArr[i] as number);
      en.push(entry);
      if ((eArr[i] as number) > 0) closed++;
    }
    closedByStage[s] = closed;
    if (closed >= minSample) byStage[s] = fitCompetingRisks(ts, es, 2, en);
  }
  return { now, pooled, pooledClosed, byStage, closedByStage, minSample, landmark: buildLandmarks(table, tArr, eArr, order) };
}

/**
 * The pooled population of landmark cells `first..last` (one stage, neighbouring landmark ages): their
 * rows merged in ascending time (ties in cell order), the number of distinct deals, and the
 * Aalen–Johansen fit. Linear in the rows (the cells are already sorted). @internal
 */
export function landmarkFit(lm: LandmarkModel, first: number, last: number): LandmarkFit {
  const rows = (lm.rowStart[last + 1] as number) - (lm.rowStart[first] as number);
  if (first === last) {
    // one cell: its rows as they are (views), each deal once (a deal's spells never overlap in age)
    const r0 = lm.rowStart[first] as number;
    const time = lm.time.subarray(r0, r0 + rows);
    const event = lm.event.subarray(r0, r0 + rows);
    return { first, last, fit: fitSortedCompetingRisks(time, event, 2), rows, deals: rows, time, event, deal: lm.deal.subarray(r0, r0 + rows) };
  }
  const time = new Float64Array(rows);
  const event = new Uint8Array(rows);
  const deal = new Int32Array(rows);
  // merge cell by cell into the already merged prefix (few cells per window)
  let have = 0;
  const tmpT = new Float64Array(rows);
  const tmpE = new Uint8Array(rows);
  const tmpD = new Int32Array(rows);
  for (let cell = first; cell <= last; cell++) {
    const r0 = lm.rowStart[cell] as number;
    const r1 = lm.rowStart[cell + 1] as number;
    if (r1 === r0) continue;
    tmpT.set(time.subarray(0, have));
    tmpE.set(event.subarray(0, have));
    tmpD.set(deal.subarray(0, have));
    let x = 0;
    let y = r0;
    let w = 0;
    while (x < have || y < r1) {
      // ties: the earlier cell (already merged) first
      if (y >= r1 || (x < have && (tmpT[x] as number) <= (lm.time[y] as number))) {
        time[w] = tmpT[x] as number;
        event[w] = tmpE[x] as number;
        deal[w] = tmpD[x] as number;
        x++;
      } else {
        time[w] = lm.time[y] as number;
        event[w] = lm.event[y] as number;
        deal[w] = lm.deal[y] as number;
        y++;
      }
      w++;
    }
    have = w;
  }
  const seen = new Uint8Array(lm.weight.length);
  let deals = 0;
  for (let r = 0; r < rows; r++) {
    const d = deal[r] as number;
    if (seen[d] === 0) {
      seen[d] = 1;
      deals++;
    }
  }
  return { first, last, fit: fitSortedCompetingRisks(time, event, 2), rows, deals, time, event, deal };
}

/**
 * A deal's chance of a win within the horizon, with its standard error and the estimation cell it
 * comes from (deals of one cell share one estimate, so their parameter draws are shared). @internal
 */
export interface WinChance {
  readonly p: number;
  /** Standard error of p (0 when unknown or degenerate). */
  readonly se: number;
  /** The estimation cell, e.g. `'3:2-4'` (stage 3, age buckets 2..4) or `'pooled:41.5'`. */
  readonly cell: string;
}

/**
 * P(won within `horizon` days | in `stage` and open at age `age` days), by the landmark estimator:
 * with ℓ the landmark age nearest to `age`, the Aalen–Johansen cumulative incidence of a win
 * `horizon` days after ℓ among the past deals that were in the same stage and open at age ℓ (closes
 * after `now` censored). When that population has fewer than `minSample` closed deals, the
 * populations of neighbouring landmark ages of the same stage within a factor of two of ℓ
 * (ℓ/2 < age < 2ℓ, and up to 2 days whatever ℓ) are stacked in (older first, then younger, alternately) until it has — a window of the landmark age,
 * not of the deal's own age, so every deal of one (stage, landmark age) gets the same estimate whatever
 * the order of the deals; when even that is too thin, the pooled curve from
 * creation (all stages) conditional on age: (F̂_won(a + h) − F̂_won(a)) / Ŝ(a). 0 when no deal is at risk. The standard
 * error is the delta-method one of the cumulative incidence, inflated by √(rows / distinct deals)
 * when stacked ages count a deal more than once. `valueWeighted`: the point estimate weights each
 * past deal by its amount ({@link bootstrapWin} without bootstrap weights: the expected share of the amount won), so
 * Σ amount × p is unbiased when big and small deals win at different rates. @internal
 */
export function winChance(model: CloseModel, stage: number, age: number, horizon: number, valueWeighted = false): WinChance {
  const lm = model.landmark;
  const K = lm.points;
  const b = nearestLandmark(age);
  const base = stage * K;
  const memo = `${stage}:${b}|${horizon}|${valueWeighted ? 'v' : 'n'}`;
  const known = lm.answers.get(memo);
  if (known !== undefined) return known;
  // stack neighbouring landmark ages within a factor of two of ℓ (ℓ/2 < age < 2ℓ, and up to 2 days
  // whatever ℓ), older first; the window depends on the landmark age ℓ only, so the memoised answer
  // of (stage, ℓ) is the same whichever deal of that landmark asks first
  const ell = LANDMARK_AGES[b] as number;
  let lo = b;
  let hi = b;
  let closed = lm.closedDeals[base + b] ?? 0;
  let older = true;
  for (;;) {
    if (closed >= Math.max(1, model.minSample)) break;
    const nextOlder = hi < K - 1 ? (LANDMARK_AGES[hi + 1] as number) : Infinity;
    const canOlder = nextOlder < 2 * ell || nextOlder <= 2;
    const canYounger = lo > 0 && (LANDMARK_AGES[lo - 1] as number) > ell / 2;
    if (!canOlder && !canYounger) break;
    if ((older && canOlder) || !canYounger) closed += lm.closedDeals[base + ++hi] ?? 0;
    else closed += lm.closedDeals[base + --lo] ?? 0;
    older = !older;
  }
  let answer: WinChance;
  if (stage >= 0 && base < lm.closedDeals.length && closed >= Math.max(1, model.minSample)) {
    const key = `${stage}:${lo}-${hi}`;
    let entry = lm.fits.get(key);
    if (entry === undefined) {
      entry = landmarkFit(lm, base + lo, base + hi);
      lm.fits.set(key, entry);
    }
    const est = incidenceEstimate(entry.fit, 1, horizon);
    const pv = valueWeighted ? bootstrapWin(entry, horizon, lm.weight, null) : est.estimate;
    answer = { p: Math.min(1, Math.max(0, pv)), se: est.se * Math.sqrt(entry.rows / Math.max(1, entry.deals)), cell: key };
  } else {
    const fit = model.pooled;
    const sa = survivalAt(fit, age);
    if (sa <= 0) return { p: 0, se: 0, cell: 'pooled:none' };
    const p = Math.min(1, Math.max(0, (incidenceAt(fit, 1, age + horizon) - incidenceAt(fit, 1, age)) / sa));
    const l = stepIndex(fit, age) + 1;
    const y = l < fit.times.length ? (fit.atRisk[l] as number) : 0;
    return { p, se: y > 0 ? Math.sqrt((p * (1 - p)) / y) : 0, cell: `pooled:${age}` };
  }
  lm.answers.set(memo, answer);
  return answer;
}

/** Poisson(1) cumulative probabilities, for bootstrap weights by inversion. */
const POISSON1_CDF = [0.36787944117144233, 0.7357588823428847, 0.9196986029286058, 0.9810118431238462, 0.9963401531726563, 0.9994058151824183, 0.9999167588507265, 0.9999897508033253, 0.9999988747974306];

/** The same cumulative probabilities as 32-bit integer thresholds: u = h/2³² ≥ c ⇔ h ≥ ⌈c·2³²⌉. */
const POISSON1_T = Int32Array.from(POISSON1_CDF, (c) => Math.ceil(c * 4294967296) - 2147483648);

/**
 * The Poisson(1) bootstrap weight of a deal in replicate r: a hash of (seed, r, deal) turned into
 * a Poisson(1) count by inversion. Deterministic, no state: every landmark population sees the same
 * weight for the same deal in the same replicate, so the replicates keep the correlation between
 * populations that share deals. @internal
 */
export function bootstrapWeight(seed: number, r: number, deal: number): number {
  let h = (Math.imul(deal + 1, 0x9e3779b1) ^ Math.imul(r + 1, 0x85ebca77) ^ Math.imul(seed, 0xc2b2ae3d)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;
  const u = h / 4294967296;
  let k = 0;
  while (k < POISSON1_CDF.length && u >= (POISSON1_CDF[k] as number)) k++;
  return k;
}

/**
 * {@link bootstrapWeight} of deals 0 … out.length − 1 in replicate r, into `out`: the same hash and
 * the same inversion, compared as integers (h ≥ ⌈c·2³²⌉ instead of h/2³² ≥ c). @internal
 */
export function bootstrapWeights(seed: number, r: number, out: Uint8Array): void {
  const hr = Math.imul(r + 1, 0x85ebca77) ^ Math.imul(seed, 0xc2b2ae3d);
  const n = out.length;
  const t0 = POISSON1_T[0] as number;
  const t1 = POISSON1_T[1] as number;
  for (let i = 0; i < n; i++) {
    let h = Math.imul(i + 1, 0x9e3779b1) ^ hr;
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
    h = (h ^ (h >>> 16)) ^ -2147483648; // the unsigned hash, shifted to compare as a signed int
    let k = +(h >= t0) + +(h >= t1);
    if (k === 2) while (k < 9 && h >= (POISSON1_T[k] as number)) k++;
    out[i] = k;
  }
}

/**
 * The win incidence at `horizon` of a landmark population, its rows weighted: with Y_l = Σ weights at
 * risk just before t_l and d_l, d_won,l the weights closing (winning) at t_l,
 * F̂ʷ(h) = Σ_{t_l ≤ h} Ŝʷ(t_{l−1}) d_won,l / Y_l, Ŝʷ(t) = Π_{t_l ≤ t} (1 − d_l / Y_l). A row's weight is
 * its deal's Poisson(1) bootstrap weight `dealWeights[deal]` (see {@link bootstrapWeight}; 1 when
 * `dealWeights` is null) times its value weight `valueWeights[deal]` (none when null) — with amount weights and no
 * bootstrap, the expected share of the population's amount won within h. The rows are in time order:
 * one pass for the total weight (or its sum over the population's cells from `cellTotals`, see
 * {@link cellWeightTotals}), one sweep up to the horizon. @internal
 */
export function bootstrapWin(entry: LandmarkFit, horizon: number, valueWeights: Float64Array | null, dealWeights: Uint8Array | null, cellTotals?: Float64Array): number {
  const n = entry.rows;
  const deal = entry.deal;
  const time = entry.time;
  const event = entry.event;
  let atRisk = 0;
  if (cellTotals !== undefined) {
    for (let c = entry.first; c <= entry.last; c++) atRisk += cellTotals[c] as number;
  } else if (valueWeights !== null) {
    for (let j = 0; j < n; j++) {
      const d = deal[j] as number;
      atRisk += (dealWeights === null ? 1 : (dealWeights[d] as number)) * (valueWeights[d] as number);
    }
  } else if (dealWeights === null) {
    atRisk = n;
  } else {
    let whole = 0; // integer weights: an exact integer sum
    for (let j = 0; j < n; j++) whole += dealWeights[deal[j] as number] as number;
    atRisk = whole;
  }
  let s = 1;
  let f = 0;
  let j = 0;
  while (j < n) {
    const t = time[j] as number;
    if (t > horizon) break;
    let d = 0;
    let dw = 0;
    let leave = 0;
    while (j < n && time[j] === t) {
      const q = deal[j] as number;
      const b = dealWeights === null ? 1 : (dealWeights[q] as number);
      const x = valueWeights === null ? b : b * (valueWeights[q] as number);
      const e = event[j] as number;
      if (e > 0) d += x;
      if (e === 1) dw += x;
      leave += x;
      j++;
    }
    if (atRisk > 0 && d > 0) {
      f += (s * dw) / atRisk;
      s *= 1 - d / atRisk;
    }
    atRisk -= leave;
  }
  return Math.min(1, Math.max(0, f));
}

/**
 * The total row weight of every landmark cell for per-deal weights (the bootstrap weight
 * `dealWeights[d]`, times the value weight when `valueWeighted`), into `out` (length cells + 1): each
 * spell adds its deal's weight at its first cell and takes it off after its last, and a running sum
 * within each stage gives the cell totals — O(spells) instead of O(rows). With integer weights the
 * sums are exact. @internal
 */
export function cellWeightTotals(lm: LandmarkModel, dealWeights: Uint8Array, valueWeighted: boolean, out: Float64Array): void {
  out.fill(0);
  const q = lm.spellDeal.length;
  const K = lm.points;
  for (let j = 0; j < q; j++) {
    const d = lm.spellDeal[j] as number;
    const w = valueWeighted ? (dealWeights[d] as number) * (lm.weight[d] as number) : (dealWeights[d] as number);
    const from = lm.spellFrom[j] as number;
    const to = lm.spellTo[j] as number;
    out[from] = (out[from] as number) + w;
    // a spell reaching the last landmark age of its stage needs no correction (the sums restart)
    if (to % K !== 0) out[to] = (out[to] as number) - w;
  }
  // running sums restart at every stage (a spell never crosses one), which keeps the float sums small
  for (let base = 0; base + K < out.length; base += K) {
    let run = 0;
    for (let c = base; c < base + K; c++) {
      run += out[c] as number;
      out[c] = run;
    }
  }
}

/** P(won within `horizon` days | in `stage`, open at age `age` days): {@link winChance}'s point estimate. @internal */
export function winWithin(model: CloseModel, stage: number, age: number, horizon: number): number {
  return winChance(model, stage, age, horizon).p;
}

/** The open deals of a table at `now` (created at or before now, status open). @internal */
export function openDeals(table: DealTable, now: number): number[] {
  const out: number[] = [];
  const open = table.openDeals; // the open deals, ascending (derived at build)
  for (let j = 0; j < open.length; j++) {
    const i = open[j] as number;
    if ((table.createdAt[i] as number) <= now) out.push(i);
  }
  return out;
}

/** Lost-at position for the Odoo rule: the lost-at stage's position among open stages; unknown → 0 (the first stage). @internal */
export function lostPosition(table: DealTable, i: number, position: Int32Array): number {
  const s = table.lostAtStage[i] as number;
  if (s >= 0) {
    const p = position[s] as number;
    if (p >= 0) return p;
  }
  const cur = table.stage[i] as number;
  const p = position[cur] as number;
  return p >= 0 ? p : 0;
}

/** Latest time recorded in a table (creation, close or history), used as the default `now`. @internal */
export function latestTime(table: DealTable): number {
  // the maximum of createdAt, closedAt and histAt, derived at build
  const t = table.lastEventAt;
  return Number.isFinite(t) ? t : 0;
}

export { DEAL_LOST, DEAL_OPEN, DEAL_WON };
