import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import type { DealTable } from '../io/dealTable.js';
import type { DealGroupBy } from '../io/groupDeals.js';
import { conversion, type ConversionGroup, type ConversionStage } from '../metrics/conversion.js';
import { holmAdjust, testOptions, testRates, type RateTest, type SignificanceTest } from './testRates.js';

/**
 * Which rate is compared at each stage:
 * - `'conversion'` (default): advanced ÷ entered — the headline stage conversion of `conversion()`;
 *   deals still open count as "not advanced (yet)";
 * - `'decided'`: advanced ÷ (entered − open) — only deals whose fate at the stage is known. Prefer it
 *   when one group is younger (a recent period has more deals still open, which lowers its
 *   `'conversion'` rate without anything having changed).
 *
 * @category Drop-off
 * @since 0.1.0
 */
export type CompareRate = 'conversion' | 'decided';

/**
 * Options of {@link compareConversion}.
 *
 * @category Drop-off
 * @since 0.1.0
 */
export interface CompareConversionOptions {
  /** Counting basis, as in `conversion()`: `'reached'` (default) or `'visited'` (`'current'` has no rates). */
  readonly basis?: 'reached' | 'visited' | undefined;
  /** The rate compared (default `'conversion'`): see {@link CompareRate}. */
  readonly rate?: CompareRate | undefined;
  /** The test (default `'auto'`): see {@link SignificanceTest}. */
  readonly test?: SignificanceTest | undefined;
  /** The minimum expected cell count for the z-test and the minimum-sample flag (default 5). */
  readonly minExpected?: number | undefined;
  /** Names for the two sides in the report (default `'a'` and `'b'`, or the group keys). */
  readonly labels?: { readonly a: string; readonly b: string } | undefined;
}

/**
 * Options of {@link compareConversion} over one table split in two groups.
 *
 * @category Drop-off
 * @since 0.1.0
 */
export interface CompareGroupsOptions extends CompareConversionOptions {
  /** How deals are grouped (segment, owner, `'createdQuarter'`, a function …): see {@link DealGroupBy}. */
  readonly groupBy: DealGroupBy;
  /** The group key of side A (`null` = deals without a value). */
  readonly a: string | null;
  /** The group key of side B. */
  readonly b: string | null;
}

/**
 * One side of a stage comparison.
 *
 * @category Drop-off
 * @since 0.1.0
 */
export interface ConversionSide {
  /** Deals counted at the stage. */
  readonly entered: number;
  /** Of those, deals that went on to a later stage. */
  readonly advanced: number;
  /** Of those, deals still open at the stage. */
  readonly open: number;
  /** Of those, deals lost at the stage. */
  readonly lost: number;
  /** The denominator of the rate (entered, or entered − open for `'decided'`). */
  readonly trials: number;
  /** The numerator of the rate (advanced; won deals for the end-to-end row). */
  readonly successes: number;
  /** successes ÷ trials; `null` when trials = 0. */
  readonly rate: number | null;
}

/**
 * The comparison at one stage (or end to end): both rates, their difference and the test.
 *
 * @category Drop-off
 * @since 0.1.0
 */
export interface StageComparison extends RateTest {
  /** The stage id (`'(end-to-end)'` for the end-to-end row). */
  readonly stageId: string;
  /** The stage name. */
  readonly name: string;
  /** Side A. */
  readonly a: ConversionSide;
  /** Side B. */
  readonly b: ConversionSide;
  /** rate A − rate B; `null` when either rate is `null`. */
  readonly difference: number | null;
  /** The p-value adjusted for comparing every stage at once (Holm–Bonferroni over the stage rows; the end-to-end row is its own family). */
  readonly adjustedPValue: number | null;
}

/**
 * The result of {@link compareConversion}.
 *
 * @category Drop-off
 * @since 0.1.0
 */
export interface ConversionComparison {
  /** One row per open stage of the path, in funnel order. */
  readonly stages: ReadonlyArray<StageComparison>;
  /** Won deals ÷ deals entering the first stage (or ÷ decided deals for `'decided'`: the win rate). */
  readonly endToEnd: StageComparison;
  /** The rules used. */
  readonly rules: {
    /** Counting basis. */
    readonly basis: 'reached' | 'visited';
    /** The compared rate. */
    readonly rate: CompareRate;
    /** The test selection rule. */
    readonly test: SignificanceTest;
    /** The minimum expected count. */
    readonly minExpected: number;
    /** Label of side A. */
    readonly a: string;
    /** Label of side B. */
    readonly b: string;
    /** The grouping that defined the sides (`null` for two tables). */
    readonly groupBy: string | null;
    /** Multiple-comparison adjustment of `adjustedPValue`. */
    readonly adjustment: 'holm';
  };
}

/** True for a DealTable (duck-typed on its CSR columns). @internal */
export function isDealTable(value: unknown): value is DealTable {
  return typeof value === 'object' && value !== null && (value as { histStart?: unknown }).histStart instanceof Int32Array && typeof (value as { size?: unknown }).size === 'number';
}

/** The open stages of the path (stage conversion rows) and the first won row, from a conversion group. @internal */
export function pathStages(group: ConversionGroup): { open: ConversionStage[]; firstWon: ConversionStage | undefined } {
  return { open: group.stages.filter((s) => s.category === 'open'), firstWon: group.stages.find((s) => s.category === 'won') };
}

/** Checks that two conversion groups come from funnels with the same path. @internal */
export function samePath(a: DealTable, b: DealTable, path: ReadonlyArray<string | number>): void {
  const ka = a.stageIds.join('\u0000');
  const kb = b.stageIds.join('\u0000');
  if (ka !== kb) fail('INVALID_OPTION', `a table with the same stages (${a.stageIds.join(', ')})`, b.stageIds.join(', '), path);
}

function side(entered: number, advanced: number, open: number, lost: number, successes: number, trials: number): ConversionSide {
  return { entered, advanced, open, lost, trials, successes, rate: trials > 0 ? successes / trials : null };
}

/** The conversion groups of the given keys of a grouping, in one pass (an empty group for a key no deal has). @internal */
export function conversionGroupsOf(table: DealTable, groupBy: DealGroupBy, keys: ReadonlyArray<string | null>, basis: 'reached' | 'visited'): ConversionGroup[] {
  const report = conversion(table, { basis, groupBy, money: false });
  return keys.map((key) => {
    const g = report.groups.find((x) => x.key === key);
    if (g !== undefined) return g;
    const empty = report.total.stages.map((s) => ({ ...s, entered: 0, advanced: 0, lost: 0, open: 0, won: 0, conversion: null, closedConversion: null, endToEnd: null, money: [] }));
    return { key, deals: 0, unplaced: 0, stages: empty };
  });
}

/**
 * Compares stage conversion between two groups — two periods, two segments, two owners — stage by
 * stage, with a significance test at each stage:
 *
 * - at every open stage of the path: rate A and rate B (advanced ÷ entered, or ÷ decided deals; see
 *   {@link CompareRate}), the difference A − B, and a two-sided p-value for "same rate";
 * - the test: the pooled **two-proportion z-test** when every expected cell count (n·p̂ and n·(1 − p̂)
 *   for both groups, p̂ the pooled rate) is at least `minExpected` (default 5, the textbook rule),
 *   otherwise **Fisher's exact test** (hypergeometric, two-sided by summing the tables no more likely
 *   than the observed one). `test` and `testReason` say which was used and why; `sufficient` is the
 *   minimum-sample flag (false: the counts are too small for the normal approximation — trust only
 *   the exact p-value, and expect little power);
 * - `adjustedPValue`: Holm–Bonferroni over the stages, since testing every stage at once finds a
 *   "significant" stage by chance more often than the nominal level;
 * - an end-to-end row: won ÷ deals entering the first stage (or the win rate for `'decided'`).
 *
 * Two forms: `compareConversion(tableA, tableB, options?)` (two periods as two tables, e.g. from
 * `dealTableAsOf` or two exports of the same funnel), or `compareConversion(table, { groupBy, a, b })`
 * (two groups of one table, e.g. `groupBy: 'createdQuarter', a: '2026-Q2', b: '2026-Q1'`).
 *
 * Cost: one `conversion()` pass per side, plus O(min(n)) per stage for an exact test.
 *
 * @param a - side A (or the table holding both groups)
 * @param b - side B (or, for one table, {@link CompareGroupsOptions})
 * @param options - {@link CompareConversionOptions}
 * @returns one comparison per open stage, the end-to-end comparison, and the rules
 * @throws FunnelError `INVALID_OPTION` for tables with different stages or bad options
 * @category Drop-off
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [
 *   { id: 'request', name: 'Request' }, { id: 'won', name: 'Won', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' },
 * ] });
 * const make = (won: number, lost: number) => DealTable.fromColumns({
 *   dealIds: Array.from({ length: won + lost }, (_, i) => `d${i}`), createdAt: new Float64Array(won + lost),
 *   stage: Array.from({ length: won + lost }, (_, i) => (i < won ? 'won' : 'lost')),
 * }, funnel);
 * // 45 of 100 vs 30 of 100: pooled 0.375, z = 2.19, p = 0.028 (every expected count ≥ 37.5: z-test)
 * const c = compareConversion(make(45, 55), make(30, 70));
 * c.stages[0].difference // => 0.15
 * c.stages[0].test // => 'z'
 * Math.round(c.stages[0].pValue * 1000) / 1000 // => 0.028
 * // the lady tasting tea: 3 of 4 vs 1 of 4 → Fisher's exact test, p = 34/70
 * const t = compareConversion(make(3, 1), make(1, 3));
 * t.stages[0].test // => 'fisher'
 * Math.round(t.stages[0].pValue * 10000) / 10000 // => 0.4857
 * t.stages[0].sufficient // => false
 * ```
 */
export function compareConversion(a: DealTable, b: DealTable, options?: CompareConversionOptions): ConversionComparison;
export function compareConversion(table: DealTable, options: CompareGroupsOptions): ConversionComparison;
export function compareConversion(a: DealTable, b: DealTable | CompareGroupsOptions, options?: CompareConversionOptions): ConversionComparison {
  if (!isDealTable(a)) fail('INVALID_INPUT', 'a DealTable', a, ['a']);
  const opts: CompareConversionOptions = isDealTable(b) ? (options ?? {}) : b;
  if (typeof opts !== 'object' || opts === null) fail('INVALID_OPTION', 'an options object', opts, ['options']);
  const basis = opts.basis ?? 'reached';
  if (basis !== 'reached' && basis !== 'visited') fail('INVALID_OPTION', "basis 'reached' or 'visited'", basis, ['options', 'basis']);
  const rate = opts.rate ?? 'conversion';
  if (rate !== 'conversion' && rate !== 'decided') fail('INVALID_OPTION', "rate 'conversion' or 'decided'", rate, ['options', 'rate']);
  const rule = testOptions(opts.test, opts.minExpected);
  let ga: ConversionGroup;
  let gb: ConversionGroup;
  let labels: { a: string; b: string };
  let groupBy: string | null = null;
  if (isDealTable(b)) {
    samePath(a, b, ['b', 'stageIds']);
    ga = conversion(a, { basis, money: false }).total;
    gb = conversion(b, { basis, money: false }).total;
    labels = opts.labels ?? { a: 'a', b: 'b' };
  } else {
    const g = b as CompareGroupsOptions;
    if (g.groupBy === undefined) fail('INVALID_OPTION', 'a groupBy with keys a and b (or a second table)', undefined, ['options', 'groupBy']);
    for (const k of ['a', 'b'] as const) {
      if (g[k] !== null && typeof g[k] !== 'string') fail('INVALID_OPTION', 'a group key (string or null)', g[k], ['options', k]);
    }
    [ga, gb] = conversionGroupsOf(a, g.groupBy, [g.a, g.b], basis) as [ConversionGroup, ConversionGroup];
    labels = opts.labels ?? { a: String(g.a), b: String(g.b) };
    groupBy = typeof g.groupBy === 'function' ? 'function' : g.groupBy;
  }
  if (labels === undefined || typeof labels.a !== 'string' || typeof labels.b !== 'string') fail('INVALID_OPTION', 'labels { a, b } as strings', labels, ['options', 'labels']);
  const pa = pathStages(ga);
  const pb = pathStages(gb);
  const rows = pa.open.map((sa, k) => {
    const sb = pb.open[k] as ConversionStage;
    const trialsA = rate === 'conversion' ? sa.entered : sa.entered - sa.open;
    const trialsB = rate === 'conversion' ? sb.entered : sb.entered - sb.open;
    const A = side(sa.entered, sa.advanced, sa.open, sa.lost, sa.advanced, trialsA);
    const B = side(sb.entered, sb.advanced, sb.open, sb.lost, sb.advanced, trialsB);
    return compareSides(sa.stageId, sa.name, A, B, rule);
  });
  const adjusted = holmAdjust(rows.map((r) => r.pValue));
  const stages = rows.map((r, k) => ({ ...r, adjustedPValue: adjusted[k] ?? null }));
  const e2e = (g: ConversionGroup): ConversionSide => {
    const first = g.stages[0];
    const entered = first?.entered ?? 0;
    const open = g.stages.reduce((s, x) => s + x.open, 0);
    const lost = g.stages.reduce((s, x) => s + x.lost, 0);
    const won = g.stages.reduce((s, x) => s + x.won, 0);
    return side(entered, won, open, lost, won, rate === 'conversion' ? entered : entered - open);
  };
  const endRow = compareSides('(end-to-end)', 'End to end (won)', e2e(ga), e2e(gb), rule);
  return deepFreeze({
    stages,
    endToEnd: { ...endRow, adjustedPValue: endRow.pValue },
    rules: { basis, rate, test: rule.test, minExpected: rule.minExpected, a: labels.a, b: labels.b, groupBy, adjustment: 'holm' as const },
  });
}

/** One comparison row (without the adjusted p-value). @internal */
export function compareSides(
  stageId: string,
  name: string,
  A: ConversionSide,
  B: ConversionSide,
  rule: { test: SignificanceTest; minExpected: number },
): Omit<StageComparison, 'adjustedPValue'> {
  const t = testRates(A.successes, A.trials, B.successes, B.trials, rule);
  return { stageId, name, a: A, b: B, difference: A.rate === null || B.rate === null ? null : A.rate - B.rate, ...t };
}
