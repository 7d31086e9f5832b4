import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import { periodBounds, toEpochMs } from '../internal/time.js';
import { DEAL_LOST, DEAL_OPEN, DEAL_WON, type DealTable } from '../io/dealTable.js';
import { dealTableAsOf } from '../io/dealTableAsOf.js';
import { groupDeals, type DealGroupBy } from '../io/groupDeals.js';
import type { StageCategory } from '../model/funnel.js';
import type { TimestampInput } from '../model/time.js';
import { terminalPositions } from './dealDerived.js';
import { dealPath } from './dealPath.js';
import { formatMinor, moneyCells, totalAbsMinor, type MoneyCells } from './moneyCells.js';

/**
 * Which stages a deal counts at:
 * - `reached` — every path stage up to the furthest it reached (amoCRM Win-Lost, Bitrix24 "with
 *   conversions"): a deal that skipped stages is credited with them; a lost deal counts up to the
 *   stage it was lost at;
 * - `visited` — only the stages in its recorded history, plus the stage where it ended (Bitrix24
 *   "standard");
 * - `current` — only where the deal is now (Odoo/EspoCRM pipeline view): a snapshot, so no flow and
 *   no conversion rate (`conversion` is `null`).
 *
 * @category Metrics
 * @since 0.1.0
 */
export type ConversionBasis = 'reached' | 'visited' | 'current';

/**
 * Which deals are counted when a `period` is given: `created` (deals created in the period — a
 * cohort) or `activity` (deals with at least one stage change in the period).
 *
 * @category Metrics
 * @since 0.1.0
 */
export type ConversionCohort = 'created' | 'activity';

/**
 * A closed time interval `[from, to]` (both included). A date-only `to` (`'2026-01-31'`) means the
 * end of that day (23:59:59.999 UTC), so `{ from: '2026-01-01', to: '2026-01-31' }` is all of January;
 * a `to` with a time (or a `Date`, or epoch milliseconds) is that instant.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface Period {
  /** Start of the period (included). */
  readonly from: TimestampInput;
  /** End of the period (included; a date-only string is the end of that day). */
  readonly to: TimestampInput;
}

/**
 * Options for {@link conversion}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface ConversionOptions {
  /** Counting basis (default `'reached'`). */
  readonly basis?: ConversionBasis;
  /** Restrict to a period; deals are then read as of `period.to` (see {@link dealTableAsOf}). */
  readonly period?: Period;
  /** Which deals a period selects (default `'created'`). */
  readonly cohort?: ConversionCohort;
  /** Group the deals (see {@link DealGroupBy}); the report always has the `total` as well. */
  readonly groupBy?: DealGroupBy;
  /** Also sum the money per stage and currency (default `true`; `false` is faster). */
  readonly money?: boolean;
}

/**
 * Money of one currency at one stage, as exact decimal strings.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface ConversionMoney {
  /** ISO 4217 currency code. */
  readonly currency: string;
  /** Σ amount of the deals that entered the stage. */
  readonly entered: string;
  /** Σ amount of the deals that advanced past the stage. */
  readonly advanced: string;
  /** Σ amount of the deals lost at the stage. */
  readonly lost: string;
  /** Σ amount of the deals still open at the stage. */
  readonly open: string;
  /** Σ amount of the deals won and ended at this (won) stage. */
  readonly won: string;
  /** advanced ÷ entered by value; `null` when nothing entered. */
  readonly conversion: number | null;
  /** End-to-end by value: value entered here ÷ value of every deal counted (basis `reached`: ÷ value entered at the first stage); `null` when that is 0 or for `current`. */
  readonly endToEnd: number | null;
}

/**
 * The counts at one stage of the path. At every stage: `entered = advanced + lost + open + won`
 * (`won` is non-zero only at won stages: deals that ended there).
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface ConversionStage {
  /** Stage id. */
  readonly stageId: string;
  /** Stage name. */
  readonly name: string;
  /** Stage category (`open` or `won`; lost stages are not on the path). */
  readonly category: StageCategory;
  /** Deals counted at the stage (each deal at most once). */
  readonly entered: number;
  /** Of those, deals that went on to a later stage of the path. */
  readonly advanced: number;
  /** Of those, deals lost at this stage. */
  readonly lost: number;
  /** Of those, deals still open here (in progress — not a drop-off). */
  readonly open: number;
  /** Of those, deals won that ended at this (won) stage. */
  readonly won: number;
  /** advanced ÷ entered; `null` when nothing entered or for the `current` basis. */
  readonly conversion: number | null;
  /** advanced ÷ (entered − open): the rate among decided deals; `null` when none decided or for `current`. */
  readonly closedConversion: number | null;
  /**
   * entered ÷ deals counted: end-to-end conversion from the first stage (with basis `reached` every
   * deal enters the first stage, so this is entered ÷ entered at the first stage; with `visited` it is
   * the share of deals whose history shows the stage). `null` without deals or for `current`.
   */
  readonly endToEnd: number | null;
  /** Money per currency (empty when the option `money` is false or no deal has an amount). */
  readonly money: readonly ConversionMoney[];
}

/**
 * Conversion of one group of deals (or of all of them).
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface ConversionGroup {
  /** Group key (`null` for deals without a value; the total has key `null` too). */
  readonly key: string | null;
  /** Deals in the group that could be placed on the path. */
  readonly deals: number;
  /** Deals that could not be placed (a lost deal with no known stage); not in any count. */
  readonly unplaced: number;
  /** Per stage of the path, in funnel order. */
  readonly stages: readonly ConversionStage[];
}

/**
 * The rules that produced a {@link ConversionReport}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface ConversionRules {
  /** The counting basis. */
  readonly basis: ConversionBasis;
  /** The cohort rule (`null` without a period). */
  readonly cohort: ConversionCohort | null;
  /** The period as ISO strings, or `null` (all deals, as recorded). */
  readonly period: { readonly from: string; readonly to: string } | null;
  /** The grouping: the key name, `'function'`, or `null`. */
  readonly groupBy: string | null;
  /** The path: stage ids of every non-lost stage, in funnel order. */
  readonly path: readonly string[];
  /** How repeated visits count. */
  readonly reentry: 'once per stage';
  /** Where lost deals count. */
  readonly lostDeals: 'up to the stage they were lost at';
}

/**
 * The result of {@link conversion}.
 *
 * @category Metrics
 * @since 0.1.0
 */
export interface ConversionReport {
  /** The rules used. */
  readonly rules: ConversionRules;
  /** All counted deals together. */
  readonly total: ConversionGroup;
  /** One entry per group when `groupBy` is given (in order of first appearance), else empty. */
  readonly groups: readonly ConversionGroup[];
}

const OUTCOMES = 4; // advanced is derived: 0 open, 1 won, 2 lost, 3 (unused)

function ratio(a: number, b: number): number | null {
  return b > 0 ? a / b : null;
}

/**
 * Stage-to-stage and end-to-end conversion of deals, on counts and on money, with an explicit
 * counting basis (see `docs/counting.md` for worked examples of every mode).
 *
 * Definitions, per stage of the path (every stage that is not a lost stage, in funnel order):
 * - each deal has a **terminal stage**: for an open or won deal, the furthest path stage it ever
 *   reached (its history or its current stage); for a lost deal, the stage it was lost at;
 * - **entered**: deals counted at the stage (basis `reached`: every stage up to the terminal one;
 *   `visited`: the stages of its history up to the terminal one, plus the terminal one; `current`:
 *   only its current stage — for a lost deal, the stage it was lost at). A deal that moves back and
 *   forth counts **once** per stage;
 * - at stages before its terminal one a deal **advanced**; at its terminal stage it is **open** (in
 *   progress — not a drop-off), **lost**, or **won** (a won stage);
 * - **conversion** = advanced ÷ entered; **end-to-end** = entered ÷ deals counted (= entered at the
 *   first stage with basis `reached`). With
 *   basis `reached`, end-to-end at stage k equals the product of the conversions of the stages
 *   before k.
 * - money: the same counts summed over the deals' current amounts, per currency, as exact decimal
 *   strings (deals without an amount are counted but add no money).
 *
 * Cost: O(deals) for `reached` and `current` — each deal's terminal stage is a column of the table,
 * derived when it is built ({@link DealTable.furthestStage}) — plus O(history rows) for `visited`
 * (a per-deal stamp). With basis `reached`, no period, no grouping and `money: false` it is one pass
 * over two typed arrays: about 3 ms for 1M deals, the first call on a table included (see
 * docs/performance.md).
 *
 * @param table - the deals (see {@link DealTable})
 * @param options - basis, period and cohort, grouping, money
 * @returns per group and in total, per stage: entered, advanced, lost, open, won, rates, money
 * @throws FunnelError INVALID_OPTION for an unknown basis or cohort, INVALID_DATE for a bad period
 * @category Metrics
 * @since 0.1.0
 * @example
 * ```ts
 * // 50,000 visitors, 1,000 purchases: 2%
 * const shop = defineFunnel({ id: 'shop', name: 'Shop', stages: [
 *   { id: 'visit', name: 'Visited the site' },
 *   { id: 'purchase', name: 'Purchased', category: 'won' },
 *   { id: 'left', name: 'Left', category: 'lost' },
 * ] });
 * const visitors = DealTable.fromColumns({
 *   dealIds: Array.from({ length: 50_000 }, (_, i) => `v${i}`),
 *   createdAt: new Float64Array(50_000),
 *   stage: Array.from({ length: 50_000 }, (_, i) => (i < 1_000 ? 'purchase' : 'left')),
 * }, shop);
 * const report = conversion(visitors);
 * report.total.stages[0].entered // => 50000
 * report.total.stages[0].conversion // => 0.02
 * report.total.stages[1].endToEnd // => 0.02
 *
 * // 200 new leads, 50 went through: 25% (the 30 still open are not drop-offs)
 * const b2b = defineFunnel({ id: 'b2b', name: 'B2B', stages: [
 *   { id: 'new', name: 'New lead' }, { id: 'qualified', name: 'Qualified' },
 *   { id: 'won', name: 'Won', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' },
 * ] });
 * const leads = DealTable.fromColumns({
 *   dealIds: Array.from({ length: 200 }, (_, i) => `l${i}`),
 *   createdAt: new Float64Array(200),
 *   stage: Array.from({ length: 200 }, (_, i) => (i < 50 ? 'qualified' : i < 80 ? 'new' : 'lost')),
 * }, b2b);
 * const first = conversion(leads).total.stages[0];
 * [first.entered, first.advanced, first.lost, first.open] // => [200, 50, 120, 30]
 * first.conversion // => 0.25
 * ```
 */
export function conversion(table: DealTable, options: ConversionOptions = {}): ConversionReport {
  const basis = options.basis ?? 'reached';
  if (basis !== 'reached' && basis !== 'visited' && basis !== 'current') {
    fail('INVALID_OPTION', "basis 'reached', 'visited' or 'current'", basis, ['options', 'basis']);
  }
  const cohortOpt = options.cohort ?? 'created';
  if (cohortOpt !== 'created' && cohortOpt !== 'activity') fail('INVALID_OPTION', "cohort 'created' or 'activity'", cohortOpt, ['options', 'cohort']);
  let t = table;
  let include: Uint8Array | null = null;
  let periodOut: ConversionRules['period'] = null;
  if (options.period !== undefined) {
    const [from, to] = periodBounds(options.period, ['options', 'period']);
    periodOut = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
    t = dealTableAsOf(table, to);
    include = new Uint8Array(t.size);
    for (let i = 0; i < t.size; i++) {
      if (cohortOpt === 'created') {
        const c = t.createdAt[i] as number;
        include[i] = c >= from && c <= to ? 1 : 0;
      } else {
        const hi = t.histStart[i + 1] as number;
        for (let k = t.histStart[i] as number; k < hi; k++) {
          const a = t.histAt[k] as number;
          if (a >= from && a <= to) {
            include[i] = 1;
            break;
          }
        }
      }
    }
  }
  const path = dealPath(t);
  const P = path.stages.length;
  const groups = options.groupBy === undefined ? null : groupDeals(t, options.groupBy);
  const G = groups === null ? 1 : groups.keys.length;
  const C = t.currencies.length;
  const wantMoney = options.money !== false && C > 0;
  // cells: [group][stage] for counts; entered and advanced kept directly, outcomes at the terminal stage
  const entered = new Float64Array(G * P);
  const advanced = new Float64Array(G * P);
  const outcome = new Float64Array(G * P * OUTCOMES);
  const placed = new Float64Array(G);
  const unplaced = new Float64Array(G);
  const bound = wantMoney ? totalAbsMinor(t) : 0;
  // money cells: [group][stage][currency][6 measures: entered, advanced, open, won, lost, deals with money]
  const money = wantMoney ? moneyCells(G * P * C * 6, bound) : null;
  const stamp = basis === 'visited' ? new Int32Array(P).fill(-1) : null;
  if (basis === 'reached' && include === null && groups === null && money === null) histogram(t.status, t.furthestStage, path.position, entered, outcome, placed, unplaced);
  else countDeals(t, { basis, include, gIndex: groups?.index, terminal: terminalPositions(t), position: path.position, P, C, entered, advanced, outcome, placed, unplaced, money, stamp });
  if (basis === 'reached') {
    // entered(k) = deals whose terminal stage is ≥ k; advanced(k) = those whose terminal stage is > k
    for (let g = 0; g < G; g++) {
      let acc = 0;
      for (let s = P - 1; s >= 0; s--) {
        const here = entered[g * P + s] as number;
        advanced[g * P + s] = acc;
        acc += here;
        entered[g * P + s] = acc;
      }
    }
  }
  // money is listed by currency code, whatever the order the currencies were met in
  const currencyOrder = Array.from({ length: C }, (_, ci) => ci).sort((a, b) => ((t.currencies[a] as string) < (t.currencies[b] as string) ? -1 : 1));
  const stagesOf = (g: number): ConversionStage[] => {
    const out: ConversionStage[] = [];
    for (let s = 0; s < P; s++) {
      const stage = t.funnel.stages[path.stages[s] as number];
      if (stage === undefined) continue;
      const c = g * P + s;
      const e = entered[c] as number;
      const a = advanced[c] as number;
      const open = outcome[c * OUTCOMES] as number;
      const won = outcome[c * OUTCOMES + 1] as number;
      const lost = outcome[c * OUTCOMES + 2] as number;
      const flow = basis !== 'current';
      const m: ConversionMoney[] = [];
      if (money !== null) {
        for (const ci of currencyOrder) {
          const cell = (c * C + ci) * 6;
          if (money.get(cell + 5) === 0n) continue;
          const me = money.get(cell);
          const ma = money.get(cell + 1);
          m.push({
            currency: t.currencies[ci] as string,
            entered: formatMinor(t, ci, me),
            advanced: formatMinor(t, ci, ma),
            open: formatMinor(t, ci, money.get(cell + 2)),
            won: formatMinor(t, ci, money.get(cell + 3)),
            lost: formatMinor(t, ci, money.get(cell + 4)),
            conversion: flow && me !== 0n ? Number(ma) / Number(me) : null,
            endToEnd: null, // set by valueEndToEnd
          });
        }
      }
      out.push({
        stageId: stage.id,
        name: stage.name,
        category: stage.category,
        entered: e,
        advanced: a,
        lost,
        open,
        won,
        conversion: flow ? ratio(a, e) : null,
        closedConversion: flow ? ratio(a, e - open) : null,
        endToEnd: flow ? ratio(e, placed[g] as number) : null,
        money: m,
      });
    }
    return out;
  };
  const groupOut = (g: number, key: string | null): ConversionGroup => ({
    key,
    deals: placed[g] as number,
    unplaced: unplaced[g] as number,
    stages: stagesOf(g),
  });
  let total: ConversionGroup;
  const groupList: ConversionGroup[] = [];
  if (groups === null) total = groupOut(0, null);
  else {
    groups.keys.forEach((k, g) => groupList.push(groupOut(g, k)));
    total = sumGroups(groupList, basis, t);
  }
  return deepFreeze({
    rules: {
      basis,
      cohort: options.period === undefined ? null : cohortOpt,
      period: periodOut,
      groupBy: options.groupBy === undefined ? null : typeof options.groupBy === 'function' ? 'function' : options.groupBy,
      path: Array.from(path.stages, (s) => t.stageIds[s] as string),
      reentry: 'once per stage',
      lostDeals: 'up to the stage they were lost at',
    },
    total: valueEndToEnd(total, basis),
    groups: groupList.map((g) => valueEndToEnd(g, basis)),
  });
}

/**
 * Fills `money[].endToEnd`: value entered at a stage ÷ value of every deal counted, per currency. Each
 * counted deal ends at exactly one terminal stage (open, won or lost there), so that value is the sum
 * of open + won + lost over the stages.
 */
function valueEndToEnd(g: ConversionGroup, basis: ConversionBasis): ConversionGroup {
  const all = new Map<string, bigint>();
  for (const s of g.stages) for (const m of s.money) all.set(m.currency, (all.get(m.currency) ?? 0n) + [m.open, m.won, m.lost].reduce((a, v) => a + BigInt(v.replace('.', '')), 0n));
  const share = (m: ConversionMoney): number | null => {
    const d = all.get(m.currency) ?? 0n;
    return basis === 'current' || d === 0n ? null : Number(BigInt(m.entered.replace('.', ''))) / Number(d);
  };
  return { ...g, stages: g.stages.map((s) => ({ ...s, money: s.money.map((m) => ({ ...m, endToEnd: share(m) })) })) };
}

/** The total of grouped results: counts and money add up exactly across groups. */
function sumGroups(groups: readonly ConversionGroup[], basis: ConversionBasis, t: DealTable): ConversionGroup {
  const first = groups[0];
  if (first === undefined) return { key: null, deals: 0, unplaced: 0, stages: [] };
  const flow = basis !== 'current';
  const stages = first.stages.map((s0, si) => {
    let entered = 0;
    let advanced = 0;
    let lost = 0;
    let open = 0;
    let won = 0;
    const money = new Map<string, bigint[]>();
    for (const g of groups) {
      const s = g.stages[si] as ConversionStage;
      entered += s.entered;
      advanced += s.advanced;
      lost += s.lost;
      open += s.open;
      won += s.won;
      for (const m of s.money) {
        const acc = money.get(m.currency) ?? [0n, 0n, 0n, 0n, 0n];
        [m.entered, m.advanced, m.open, m.won, m.lost].forEach((v, j) => {
          acc[j] = (acc[j] as bigint) + BigInt(v.replace('.', ''));
        });
        money.set(m.currency, acc);
      }
    }
    const m: ConversionMoney[] = [];
    for (const cur of [...money.keys()].sort()) {
      const ci = t.currencies.indexOf(cur);
      const acc = money.get(cur);
      if (acc === undefined) continue;
      const [me, ma, mo, mw, ml] = acc as [bigint, bigint, bigint, bigint, bigint];
      m.push({
        currency: cur,
        entered: formatMinor(t, ci, me),
        advanced: formatMinor(t, ci, ma),
        open: formatMinor(t, ci, mo),
        won: formatMinor(t, ci, mw),
        lost: formatMinor(t, ci, ml),
        conversion: flow && me !== 0n ? Number(ma) / Number(me) : null,
        endToEnd: null, // set by valueEndToEnd
      });
    }
    return { ...s0, entered, advanced, lost, open, won, money: m, conversion: null, closedConversion: null, endToEnd: null } as ConversionStage;
  });
  const deals = groups.reduce((a, g) => a + g.deals, 0);
  return {
    key: null,
    deals,
    unplaced: groups.reduce((a, g) => a + g.unplaced, 0),
    stages: stages.map((s) => ({
      ...s,
      conversion: flow ? ratio(s.advanced, s.entered) : null,
      closedConversion: flow ? ratio(s.advanced, s.entered - s.open) : null,
      endToEnd: flow ? ratio(s.entered, deals) : null,
    })),
  };
}

interface CountState {
  readonly basis: ConversionBasis;
  readonly include: Uint8Array | null;
  readonly gIndex: Int32Array | undefined;
  readonly terminal: Int32Array;
  readonly position: Int32Array;
  readonly P: number;
  readonly C: number;
  readonly entered: Float64Array;
  readonly advanced: Float64Array;
  readonly outcome: Float64Array;
  readonly placed: Float64Array;
  readonly unplaced: Float64Array;
  readonly money: MoneyCells | null;
  readonly stamp: Int32Array | null;
}

/** The hot loop of {@link conversion} (a top-level function, so V8 keeps its locals in registers). */
function countDeals(t: DealTable, state: CountState): void {
  const { basis, include, gIndex, terminal, position, P, C, entered, advanced, outcome, placed, unplaced, money, stamp } = state;
  const { status, histStart, histTo, amountMinor, currencyIndex } = t;
  for (let i = 0; i < t.size; i++) {
    if (include !== null && include[i] === 0) continue;
    const g = gIndex === undefined ? 0 : (gIndex[i] as number);
    // the `current` basis places an open or won deal at its current stage, not the furthest reached
    const T = basis === 'current' && status[i] !== DEAL_LOST ? (position[t.stage[i] as number] as number) : (terminal[i] as number);
    if (T < 0) {
      unplaced[g] = (unplaced[g] as number) + 1;
      continue;
    }
    placed[g] = (placed[g] as number) + 1;
    const st = status[i] as number;
    const base = g * P;
    const oc = st === DEAL_OPEN ? 0 : st === DEAL_WON ? 1 : 2;
    outcome[(base + T) * OUTCOMES + oc] = (outcome[(base + T) * OUTCOMES + oc] as number) + 1;
    const amt = amountMinor[i] as number;
    const ci = currencyIndex[i] as number;
    const hasMoney = money !== null && ci >= 0 && amt === amt;
    if (hasMoney) {
      const cell = ((base + T) * C + ci) * 6;
      money.add(cell, amt);
      money.add(cell + 2 + oc, amt);
      money.add(cell + 5, 1);
    }
    if (basis === 'reached') {
      // counted as a histogram of terminal stages; cumulated below
      if (hasMoney) {
        for (let s = 0; s < T; s++) {
          const cell = ((base + s) * C + ci) * 6;
          money.add(cell, amt);
          money.add(cell + 1, amt);
          money.add(cell + 5, 1);
        }
      }
      entered[base + T] = (entered[base + T] as number) + 1;
    } else if (basis === 'visited' && stamp !== null) {
      entered[base + T] = (entered[base + T] as number) + 1;
      stamp[T] = i;
      const hi = histStart[i + 1] as number;
      for (let k = histStart[i] as number; k < hi; k++) {
        const p = position[histTo[k] as number] as number;
        if (p < 0 || p > T || stamp[p] === i) continue;
        stamp[p] = i;
        entered[base + p] = (entered[base + p] as number) + 1;
        advanced[base + p] = (advanced[base + p] as number) + 1;
        if (hasMoney) {
          const cell = ((base + p) * C + ci) * 6;
          money.add(cell, amt);
          money.add(cell + 1, amt);
          money.add(cell + 5, 1);
        }
      }
    } else {
      entered[base + T] = (entered[base + T] as number) + 1;
    }
  }
}

/**
 * The fast path of {@link conversion} (basis `reached`, no period, no grouping, no money): a histogram
 * of the table's terminal stages ({@link DealTable.furthestStage}, derived at build) by status, then
 * folded onto path positions. One pass over two typed arrays.
 */
function histogram(status: Uint8Array, furthest: Int32Array, position: Int32Array, entered: Float64Array, outcome: Float64Array, placed: Float64Array, unplaced: Float64Array): void {
  // bins: (terminal stage + 1) × status (0 open, 1 won, 2 lost, 3 unused); bin row 0 = no terminal stage
  const S = position.length;
  const B = (S + 1) * OUTCOMES;
  // four interleaved integer histograms, so consecutive deals rarely wait on the same counter
  const lanes = new Int32Array(4 * B);
  const n = furthest.length;
  const n4 = n - (n % 4);
  let i = 0;
  for (; i < n4; i += 4) {
    const c0 = ((furthest[i] as number) + 1) * OUTCOMES + (status[i] as number);
    lanes[c0] = (lanes[c0] as number) + 1;
    const c1 = B + ((furthest[i + 1] as number) + 1) * OUTCOMES + (status[i + 1] as number);
    lanes[c1] = (lanes[c1] as number) + 1;
    const c2 = 2 * B + ((furthest[i + 2] as number) + 1) * OUTCOMES + (status[i + 2] as number);
    lanes[c2] = (lanes[c2] as number) + 1;
    const c3 = 3 * B + ((furthest[i + 3] as number) + 1) * OUTCOMES + (status[i + 3] as number);
    lanes[c3] = (lanes[c3] as number) + 1;
  }
  for (; i < n; i++) {
    const c = ((furthest[i] as number) + 1) * OUTCOMES + (status[i] as number);
    lanes[c] = (lanes[c] as number) + 1;
  }
  const bins = new Float64Array(B);
  for (let c = 0; c < B; c++) bins[c] = (lanes[c] as number) + (lanes[B + c] as number) + (lanes[2 * B + c] as number) + (lanes[3 * B + c] as number);
  let nPlaced = 0;
  for (let s = 0; s < S; s++) {
    const T = position[s] as number;
    if (T < 0) continue; // never a terminal stage (lost stages are not on the path)
    for (let o = 0; o < 3; o++) {
      const v = bins[(s + 1) * OUTCOMES + o] as number;
      outcome[T * OUTCOMES + o] = v;
      nPlaced += v;
    }
  }
  for (let T = 0; T * OUTCOMES < outcome.length; T++) {
    const base = T * OUTCOMES;
    entered[T] = (outcome[base] as number) + (outcome[base + 1] as number) + (outcome[base + 2] as number);
  }
  placed[0] = nPlaced;
  unplaced[0] = (bins[0] as number) + (bins[1] as number) + (bins[2] as number);
}
