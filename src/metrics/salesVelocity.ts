import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import { scaleOf } from '../internal/money.js';
import { DAY_MS, periodBounds, toEpochMs } from '../internal/time.js';
import { DEAL_LOST, DEAL_OPEN, DEAL_WON, type DealTable } from '../io/dealTable.js';
import { dealTableAsOf } from '../io/dealTableAsOf.js';
import { groupDeals, type DealGroupBy } from '../io/groupDeals.js';
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
  /**
   * Which opportunities count: `worked` (default: open at the period start plus created in it), `created`
   * (created in the period) or `open` (the open opportunities: deals still open at the period end).
   */
  readonly opportunities?: 'worked' | 'created' | 'open';
  /** How the change is split between the factors: `log` (default: log-change shares) or `sequential` (sequential substitution in the order opportunities, win rate, deal size, cycle length). */
  readonly decomposition?: 'log' | 'sequential';
  /** Also report the velocity and its decomposition per group (see {@link DealGroupBy}); keys are read on the table as of each period's end. */
  readonly groupBy?: DealGroupBy;
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
 * Sales velocity of one group in a {@link SalesVelocityReport}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface SalesVelocityGroup {
  /** Group key; `null` for the deals without a value for the key (no segment, no such attribute). */
  readonly key: string | null;
  /**
   * One entry per currency of the group's deals won in either period (sorted by code); empty when the
   * group won nothing in either period. A group with no deal in a period (present in the other only)
   * has 0 opportunities and `null` rates there, hence no velocity and no decomposition.
   */
  readonly currencies: readonly VelocityByCurrency[];
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
    readonly opportunities: 'worked' | 'created' | 'open';
    /** The decomposition method asked for. */
    readonly decomposition: 'log' | 'sequential';
    /** The grouping: key name, `'function'` or `null`. */
    readonly groupBy: string | null;
  };
  /** One entry per currency of the won deals (sorted by code), over all deals. */
  readonly currencies: readonly VelocityByCurrency[];
  /** One entry per group when `groupBy` is given (keys of the current period in order of first appearance, then those of the previous period only), else empty. */
  readonly groups: readonly SalesVelocityGroup[];
}

interface RawFactors {
  n: number;
  won: number;
  lost: number;
  cycleSum: number;
  size: Map<number, { sum: number; n: number }>;
}

/** The factors of one period: over all deals, and per group (keys as of the period end). */
interface Measured {
  readonly total: RawFactors;
  readonly keys: ReadonlyArray<string | null>;
  readonly groups: readonly RawFactors[];
}

function emptyFactors(): RawFactors {
  return { n: 0, won: 0, lost: 0, cycleSum: 0, size: new Map() };
}

function measure(table: DealTable, from: number, to: number, mode: 'worked' | 'created' | 'open', groupBy: DealGroupBy | undefined): Measured {
  const t = dealTableAsOf(table, to);
  const grouping = groupBy === undefined ? null : groupDeals(t, groupBy);
  const G = grouping === null ? 0 : grouping.keys.length;
  // one accumulator per group, the total in the last slot (the only one when not grouped)
  const acc = Array.from({ length: G + 1 }, emptyFactors);
  const TOTAL = G;
  for (let i = 0; i < t.size; i++) {
    const created = t.createdAt[i] as number;
    // t is the table as of `to`: its status is the status at the period end
    let opportunity = mode === 'open' ? t.status[i] === DEAL_OPEN : created >= from;
    if (!opportunity && mode === 'worked') {
      const r = lastRowAt(t, i, from);
      opportunity = r >= 0 && t.histStatus[r] === DEAL_OPEN;
    }
    const st = t.status[i] as number;
    const closed = t.closedAt[i] as number;
    const closedIn = st !== DEAL_OPEN && closed >= from && closed <= to;
    const ci = t.currencyIndex[i] as number;
    const amt = t.amountMinor[i] as number;
    const wonIn = closedIn && st === DEAL_WON;
    const sized = wonIn && ci >= 0 && amt === amt;
    const units = sized ? amt / 10 ** scaleOf(t.currencies[ci] as string) : 0;
    // the deal's group, then the total (the same slot when not grouped)
    for (let slot = grouping === null ? TOTAL : (grouping.index[i] as number); ; slot = TOTAL) {
      const out = acc[slot] as RawFactors;
      if (opportunity) out.n++;
      if (closedIn && st === DEAL_LOST) out.lost++;
      if (wonIn) {
        out.won++;
        out.cycleSum += (closed - created) / DAY_MS;
      }
      if (sized) {
        const e = out.size.get(ci) ?? { sum: 0, n: 0 };
        e.sum += units;
        e.n++;
        out.size.set(ci, e);
      }
      if (slot === TOTAL) break;
    }
  }
  return { total: acc[TOTAL] as RawFactors, keys: grouping === null ? [] : grouping.keys, groups: acc.slice(0, G) };
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
  return periodBounds(p, ['options', name]);
}

/**
 * Sales velocity — how much revenue the pipeline produces per day — and which factor moved it:
 *
 * **velocity = opportunities × win rate × average deal size ÷ cycle length (days)**
 *
 * over a period: opportunities are the deals worked in it (open at its start or created in it; as
 * options, only those created in it, or the open opportunities — the deals still open at its end);
 * win rate = won ÷ (won + lost) of the deals closed in it; average deal size and cycle length
 * (creation → win, in days) over the deals won in it. One figure per currency
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
 * **Grouping** (`groupBy`, as in {@link conversion}): the same figures and decomposition per group in
 * `groups`, each group measured on its own deals (its opportunities, win rate, deal size and cycle).
 * Keys are read on the table as of each period's end (an attribute key is the same in both periods;
 * `'stage'` or `'status'` can move a deal between groups), and the groups of the two periods are
 * matched by key. Deals whose key is `null` form the group with key `null`, so the groups partition
 * the deals: their opportunities, won and lost counts add up to the total; their velocities do not
 * (velocity is a product of ratios). A group present in one period only (no deal of it existed by
 * the end of the other period, e.g. a sales agent hired in the current period) has 0 opportunities
 * and `null` win rate, deal size, cycle and velocity in the other period, so its decomposition is
 * `null`: a change from nothing cannot be split between factors.
 *
 * Cost: two passes over the deals per period (plus one to assign the groups).
 *
 * @param table - the deals
 * @param options - period, previous period, opportunity rule, decomposition method
 * @returns per currency (in total and per group): the factors, the velocity, and the decomposition
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
 *
 * // per owner: ann had a, b, c; bob joined in February with d
 * const owned = DealTable.fromRows([
 *   deal('a', '2026-01-01', 'won', '2026-01-11'), deal('b', '2026-01-02', 'lost', '2026-01-20'),
 *   deal('c', '2026-02-01', 'won', '2026-02-06'), deal('d', '2026-02-02', 'won', '2026-02-07'),
 * ].map((row, i) => ({ ...row, attributes: { owner: i < 3 ? 'ann' : 'bob' } })), funnel);
 * const g = salesVelocity(owned, { period: { from: '2026-02-01', to: '2026-02-28' }, previous: { from: '2026-01-01', to: '2026-01-31' }, groupBy: 'owner' });
 * g.groups.map((x) => [x.key, x.currencies[0].previous.velocity, x.currencies[0].current.velocity]) // => [['ann', 100, 200], ['bob', null, 200]]
 * // ann: half the opportunities (−100), twice the win rate (+100), half the cycle (+100)
 * const ann = g.groups[0].currencies[0].decomposition;
 * [ann.opportunities, ann.winRate, ann.averageDealSize, ann.cycleDays].map(Math.round) // => [-100, 100, 0, 100]
 * g.groups[1].currencies[0].decomposition // => null
 * ```
 */
export function salesVelocity(table: DealTable, options: SalesVelocityOptions): SalesVelocityReport {
  if (typeof options !== 'object' || options === null) fail('INVALID_OPTION', 'options with a period', options, ['options']);
  const mode = options.opportunities ?? 'worked';
  if (mode !== 'worked' && mode !== 'created' && mode !== 'open') fail('INVALID_OPTION', "opportunities 'worked', 'created' or 'open'", mode, ['options', 'opportunities']);
  const method = options.decomposition ?? 'log';
  if (method !== 'log' && method !== 'sequential') fail('INVALID_OPTION', "decomposition 'log' or 'sequential'", method, ['options', 'decomposition']);
  const [from, to] = periodOf(options.period, 'period');
  const cur = measure(table, from, to, mode, options.groupBy);
  let prev: Measured | null = null;
  let prevIso: SalesVelocityReport['rules']['previous'] = null;
  if (options.previous !== undefined) {
    const [pf, pt] = periodOf(options.previous, 'previous');
    prev = measure(table, pf, pt, mode, options.groupBy);
    prevIso = { from: new Date(pf).toISOString(), to: new Date(pt).toISOString() };
  }
  const groups: SalesVelocityGroup[] = [];
  if (options.groupBy !== undefined) {
    // match the groups of both periods by key; a group missing from a period has empty factors there
    const keys = [...new Set([...cur.keys, ...(prev?.keys ?? [])])];
    const slot = (m: Measured, key: string | null): RawFactors => {
      const g = m.keys.indexOf(key);
      return g < 0 ? emptyFactors() : (m.groups[g] as RawFactors);
    };
    for (const key of keys) groups.push({ key, currencies: byCurrency(table, slot(cur, key), prev === null ? null : slot(prev, key), method) });
  }
  return deepFreeze({
    rules: {
      period: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
      previous: prevIso,
      opportunities: mode,
      decomposition: method,
      groupBy: options.groupBy === undefined ? null : typeof options.groupBy === 'function' ? 'function' : options.groupBy,
    },
    currencies: byCurrency(table, cur.total, prev === null ? null : prev.total, method),
    groups,
  });
}

/** Factors, velocity and decomposition per currency of the deals won in either period (sorted by code). */
function byCurrency(table: DealTable, cur: RawFactors, prev: RawFactors | null, method: 'log' | 'sequential'): VelocityByCurrency[] {
  const cis = new Set([...cur.size.keys(), ...(prev?.size.keys() ?? [])]);
  return [...cis]
    .sort((a, b) => ((table.currencies[a] as string) < (table.currencies[b] as string) ? -1 : 1))
    .map((ci): VelocityByCurrency => {
      const c = factorsOf(cur, ci);
      const p = prev === null ? null : factorsOf(prev, ci);
      return { currency: table.currencies[ci] as string, current: c, previous: p, decomposition: p === null ? null : decompose(p, c, method) };
    });
}
