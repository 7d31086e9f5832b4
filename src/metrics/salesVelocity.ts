import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import { scaleOf } from '../internal/money.js';
import { DAY_MS, toEpochMs } from '../internal/time.js';
import { DEAL_LOST, DEAL_OPEN, DEAL_WON, type DealTable } from '../io/dealTable.js';
import { dealTableAsOf } from '../io/dealTableAsOf.js';
import type { Period } from './conversion.js';
import { lastRowAt } from './dealStateAt.js';

/**
 * Options for {@link salesVelocity}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface SalesVelocityOptions {
  /** The period measured. */
  readonly period: Period;
  /** A period to compare with (usually the one before): adds the decomposition of the change. */
  readonly previous?: Period;
  /** Which opportunities count: `worked` (default: open at the period start plus created in it) or `created` (created in the period). */
  readonly opportunities?: 'worked' | 'created';
  /** How the change is split between the factors: `log` (default: log-change shares) or `sequential` (sequential substitution in the order opportunities, win rate, deal size, cycle length). */
  readonly decomposition?: 'log' | 'sequential';
}

/**
 * The velocity factors of one period in one currency.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface VelocityFactors {
  /** Number of opportunities. */
  readonly opportunities: number;
  /** won ÷ (won + lost) of the deals closed in the period; `null` when none closed. */
  readonly winRate: number | null;
  /** Mean amount of the deals won in the period, in currency units (a number); `null` when none won. */
  readonly averageDealSize: number | null;
  /** Mean days from creation to win of the deals won in the period; `null` when none won. */
  readonly cycleDays: number | null;
  /** opportunities × win rate × average deal size ÷ cycle days: expected revenue per day; `null` when a factor is missing or the cycle is 0. */
  readonly velocity: number | null;
}

/**
 * How much each factor moved velocity between the previous and the current period; the four
 * contributions add up to `change`.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface VelocityDecomposition {
  /** The method actually used (`log` falls back to `sequential` when a factor is 0). */
  readonly method: 'log' | 'sequential';
  /** current velocity − previous velocity. */
  readonly change: number;
  /** Contribution of the number of opportunities. */
  readonly opportunities: number;
  /** Contribution of the win rate. */
  readonly winRate: number;
  /** Contribution of the average deal size. */
  readonly averageDealSize: number;
  /** Contribution of the cycle length (a longer cycle contributes negatively). */
  readonly cycleDays: number;
}

/**
 * Sales velocity in one currency.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface VelocityByCurrency {
  /** ISO 4217 code. */
  readonly currency: string;
  /** This period. */
  readonly current: VelocityFactors;
  /** The previous period, when asked. */
  readonly previous: VelocityFactors | null;
  /** The decomposition of the change, when both velocities exist. */
  readonly decomposition: VelocityDecomposition | null;
}

/**
 * The result of {@link salesVelocity}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface SalesVelocityReport {
  /** The rules used. */
  readonly rules: {
    /** The period, ISO. */
    readonly period: { readonly from: string; readonly to: string };
    /** The previous period, ISO, or `null`. */
    readonly previous: { readonly from: string; readonly to: string } | null;
    /** Which opportunities count. */
    readonly opportunities: 'worked' | 'created';
    /** The decomposition method asked for. */
    readonly decomposition: 'log' | 'sequential';
  };
  /** One entry per currency of the won deals (sorted by code). */
  readonly currencies: readonly VelocityByCurrency[];
}

interface RawFactors {
  n: number;
  won: number;
  lost: number;
  cycleSum: number;
  size: Map<number, { sum: number; n: number }>;
}

function measure(table: DealTable, from: number, to: number, mode: 'worked' | 'created'): RawFactors {
  const t = dealTableAsOf(table, to);
  const out: RawFactors = { n: 0, won: 0, lost: 0, cycleSum: 0, size: new Map() };
  for (let i = 0; i < t.size; i++) {
    const created = t.createdAt[i] as number;
    if (created >= from) out.n++;
    else if (mode === 'worked') {
      const r = lastRowAt(t, i, from);
      if (r >= 0 && t.histStatus[r] === DEAL_OPEN) out.n++;
    }
    const st = t.status[i] as number;
    const closed = t.closedAt[i] as number;
    if (st === DEAL_OPEN || !(closed >= from && closed <= to)) continue;
    if (st === DEAL_LOST) out.lost++;
    if (st !== DEAL_WON) continue;
    out.won++;
    out.cycleSum += (closed - created) / DAY_MS;
    const ci = t.currencyIndex[i] as number;
    const amt = t.amountMinor[i] as number;
    if (ci >= 0 && amt === amt) {
      const e = out.size.get(ci) ?? { sum: 0, n: 0 };
      e.sum += amt / 10 ** scaleOf(t.currencies[ci] as string);
      e.n++;
      out.size.set(ci, e);
    }
  }
  return out;
}

function factorsOf(raw: RawFactors, ci: number): VelocityFactors {
  const winRate = raw.won + raw.lost > 0 ? raw.won / (raw.won + raw.lost) : null;
  const s = raw.size.get(ci);
  const averageDealSize = s === undefined ? null : s.sum / s.n;
  const cycleDays = raw.won > 0 ? raw.cycleSum / raw.won : null;
  const velocity = winRate === null || averageDealSize === null || cycleDays === null || cycleDays === 0 ? null : (raw.n * winRate * averageDealSize) / cycleDays;
  return { opportunities: raw.n, winRate, averageDealSize, cycleDays, velocity };
}

function decompose(a: VelocityFactors, b: VelocityFactors, method: 'log' | 'sequential'): VelocityDecomposition | null {
  if (a.velocity === null || b.velocity === null) return null;
  const x0 = [a.opportunities, a.winRate as number, a.averageDealSize as number, a.cycleDays as number];
  const x1 = [b.opportunities, b.winRate as number, b.averageDealSize as number, b.cycleDays as number];
  const v = (x: number[]): number => ((x[0] as number) * (x[1] as number) * (x[2] as number)) / (x[3] as number);
  const change = b.velocity - a.velocity;
  const positive = [...x0, ...x1].every((x) => x > 0);
  let parts: number[];
  let used: 'log' | 'sequential' = method;
  if (method === 'log' && positive && change !== 0) {
    // log-change shares: ln(V1/V0) = Σ ±ln(x1/x0); each factor gets change × its share of the log change
    const logs = x0.map((x, k) => (k === 3 ? -1 : 1) * Math.log((x1[k] as number) / x));
    const total = logs.reduce((s, l) => s + l, 0);
    parts = total === 0 ? logs.map(() => change / 4) : logs.map((l) => (change * l) / total);
  } else if (method === 'log' && positive) {
    parts = [0, 0, 0, 0];
  } else {
    used = 'sequential';
    parts = [];
    const cur = [...x0];
    let prev = v(cur);
    for (let k = 0; k < 4; k++) {
      cur[k] = x1[k] as number;
      const next = v(cur);
      parts.push(next - prev);
      prev = next;
    }
  }
  return { method: used, change, opportunities: parts[0] as number, winRate: parts[1] as number, averageDealSize: parts[2] as number, cycleDays: parts[3] as number };
}

function periodOf(p: Period, name: string): [number, number] {
  if (typeof p !== 'object' || p === null) fail('INVALID_OPTION', 'a period { from, to }', p, ['options', name]);
  const from = toEpochMs(p.from, ['options', name, 'from']);
  const to = toEpochMs(p.to, ['options', name, 'to']);
  if (from > to) fail('INVALID_OPTION', `${name}.from ≤ ${name}.to`, p.from, ['options', name, 'from']);
  return [from, to];
}

/**
 * Sales velocity — how much revenue the pipeline produces per day — and which factor moved it:
 *
 * **velocity = opportunities × win rate × average deal size ÷ cycle length (days)**
 *
 * over a period: opportunities are the deals worked in it (open at its start or created in it; or
 * only created, as an option); win rate = won ÷ (won + lost) of the deals closed in it; average deal
 * size and cycle length (creation → win, in days) over the deals won in it. One figure per currency
 * (the deal size is per currency; the other factors are shared).
 *
 * With a `previous` period, the change is split between the four factors so that the contributions
 * **add up to the change**:
 * - `log` (default): ln(V₁/V₀) = ln(N₁/N₀) + ln(W₁/W₀) + ln(A₁/A₀) − ln(L₁/L₀), and each factor gets
 *   ΔV × its term ÷ ln(V₁/V₀) (symmetric, independent of the order of the factors; needs every factor
 *   positive — otherwise it falls back to `sequential`, recorded in `method`);
 * - `sequential`: substitute the new value of each factor in turn (opportunities, win rate, deal size,
 *   cycle) and take each step's change (simple, but the split depends on the order).
 *
 * Cost: two passes over the deals per period.
 *
 * @param table - the deals
 * @param options - period, previous period, opportunity rule, decomposition method
 * @returns per currency: the factors, the velocity, and the decomposition
 * @throws FunnelError INVALID_OPTION for a missing or reversed period, unknown alternatives
 * @category Metrics
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B', stages: [
 *   { id: 'lead', name: 'Lead' }, { id: 'won', name: 'Won', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' },
 * ] });
 * const deal = (id: string, created: string, stageId: string, closedAt?: string) => ({ id, funnelId: 'b2b', createdAt: created, stageId,
 *   status: stageId === 'won' ? 'won' as const : stageId === 'lost' ? 'lost' as const : 'open' as const,
 *   closedAt: closedAt ?? null, amount: { amount: '1000', currency: 'EUR' } });
 * const table = DealTable.fromRows([
 *   deal('a', '2026-01-01', 'won', '2026-01-11'), deal('b', '2026-01-02', 'lost', '2026-01-20'),
 *   deal('c', '2026-02-01', 'won', '2026-02-06'), deal('d', '2026-02-02', 'won', '2026-02-07'),
 * ], funnel);
 * const v = salesVelocity(table, { period: { from: '2026-02-01', to: '2026-02-28' }, previous: { from: '2026-01-01', to: '2026-01-31' } });
 * v.currencies[0].previous.velocity // => 100
 * v.currencies[0].current.velocity // => 400
 * const d = v.currencies[0].decomposition;
 * Math.round(d.opportunities + d.winRate + d.averageDealSize + d.cycleDays) // => 300
 * ```
 */
export function salesVelocity(table: DealTable, options: SalesVelocityOptions): SalesVelocityReport {
  if (typeof options !== 'object' || options === null) fail('INVALID_OPTION', 'options with a period', options, ['options']);
  const mode = options.opportunities ?? 'worked';
  if (mode !== 'worked' && mode !== 'created') fail('INVALID_OPTION', "opportunities 'worked' or 'created'", mode, ['options', 'opportunities']);
  const method = options.decomposition ?? 'log';
  if (method !== 'log' && method !== 'sequential') fail('INVALID_OPTION', "decomposition 'log' or 'sequential'", method, ['options', 'decomposition']);
  const [from, to] = periodOf(options.period, 'period');
  const cur = measure(table, from, to, mode);
  let prev: RawFactors | null = null;
  let prevIso: SalesVelocityReport['rules']['previous'] = null;
  if (options.previous !== undefined) {
    const [pf, pt] = periodOf(options.previous, 'previous');
    prev = measure(table, pf, pt, mode);
    prevIso = { from: new Date(pf).toISOString(), to: new Date(pt).toISOString() };
  }
  const cis = new Set([...cur.size.keys(), ...(prev?.size.keys() ?? [])]);
  const currencies = [...cis]
    .sort((a, b) => ((table.currencies[a] as string) < (table.currencies[b] as string) ? -1 : 1))
    .map((ci): VelocityByCurrency => {
      const c = factorsOf(cur, ci);
      const p = prev === null ? null : factorsOf(prev, ci);
      return { currency: table.currencies[ci] as string, current: c, previous: p, decomposition: p === null ? null : decompose(p, c, method) };
    });
  return deepFreeze({
    rules: {
      period: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      previous: prevIso,
      opportunities: mode,
      decomposition: method,
    },
    currencies,
  });
}
