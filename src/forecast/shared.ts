/**
 * Helpers shared by the forecast functions (not exported from the package): stage order, configured
 * probabilities, money in and out, the per-stage survival model, and the "insufficient history"
 * answer. @internal
 */
import { fail, FunnelError } from '../errors/FunnelError.js';
import { Decimal } from '../internal/decimal.js';
import { formatDecimal, fromMinor, scaleOf, toMinor } from '../internal/money.js';
import { jeffreysInterval, wilsonInterval } from '../internal/stats.js';
import { fitCompetingRisks, incidenceAt, survivalAt, type CompetingRisksFit } from '../internal/survival.js';
import { DAY_MS, toEpochMs } from '../internal/time.js';
import { DEAL_LOST, DEAL_OPEN, DEAL_WON, type DealTable } from '../io/dealTable.js';
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
  const v = table.attributes[i]?.['probability'];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return null;
  if (v <= 1) return v;
  if (v <= 100) return v / 100;
  return null;
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
 * Time-to-close model: Aalen–Johansen fits (won = cause 1, lost = cause 2, open = censored at `now`)
 * with time measured in days since the deal was created; `pooled` over every deal and one per open
 * stage over the deals that reached it (delayed entry at the age they entered the stage). A stage
 * fit is used only when it has at least `minSample` closed deals; otherwise the pooled fit. @internal
 */
export interface CloseModel {
  readonly now: number;
  readonly pooled: CompetingRisksFit;
  readonly pooledClosed: number;
  readonly byStage: ReadonlyArray<CompetingRisksFit | null>;
  readonly closedByStage: Int32Array;
  readonly minSample: number;
}

/** @internal */
export function buildCloseModel(table: DealTable, now: number, minSample: number): CloseModel {
  const n = table.size;
  const k = table.stageIds.length;
  const time: number[] = [];
  const event: number[] = [];
  const usable = new Uint8Array(n);
  const tArr = new Float64Array(n);
  const eArr = new Uint8Array(n);
  let pooledClosed = 0;
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
    time.push(t);
    event.push(e);
  }
  const pooled = fitCompetingRisks(time, event, 2);
  const entries = firstEntries(table);
  const { open } = stageOrder(table);
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
  return { now, pooled, pooledClosed, byStage, closedByStage, minSample };
}

/**
 * P(won within `horizon` days | open at `stage`, age `age` days) = (F_won(a + h) − F_won(a)) / Ŝ(a)
 * from the stage's fit (or the pooled one). 0 when no deal survives to that age in the data. @internal
 */
export function winWithin(model: CloseModel, stage: number, age: number, horizon: number): number {
  const fit = model.byStage[stage] ?? model.pooled;
  const sa = survivalAt(fit, age);
  if (sa <= 0) return 0;
  const v = (incidenceAt(fit, 1, age + horizon) - incidenceAt(fit, 1, age)) / sa;
  return Math.min(1, Math.max(0, v));
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
