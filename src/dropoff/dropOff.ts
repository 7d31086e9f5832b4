import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import { DEAL_LOST, type DealTable } from '../io/dealTable.js';
import { groupDeals, type DealGroupBy } from '../io/groupDeals.js';
import { conversion, type ConversionGroup, type ConversionStage } from '../metrics/conversion.js';
import { dealPath, terminalOf } from '../metrics/dealPath.js';
import type { Funnel } from '../model/funnel.js';
import { conversionGroupsOf, isDealTable, pathStages, samePath } from './compareConversion.js';
import { holmAdjust, testOptions, testRates, type RateTest, type SignificanceTest } from './testRates.js';

/**
 * What the loss rate is taken over: `'entered'` (default: lost ÷ entered — deals still open at the
 * stage count as "not lost (yet)") or `'decided'` (lost ÷ (entered − open): only deals whose fate at
 * the stage is known; fairer for a recent period with many open deals).
 *
 * @category Drop-off
 * @since 0.1.0
 */
export type LossRateBasis = 'entered' | 'decided';

/**
 * What to compare the loss rates with (the change detection of {@link dropOff}):
 * - a second {@link DealTable} of the same funnel — a previous period, another team's pipeline — as
 *   the baseline (the table given to `dropOff` is "current");
 * - or two groups of the table itself: `{ by, baseline, current }` (e.g. `by: 'createdQuarter'`,
 *   `baseline: '2026-Q1'`, `current: '2026-Q2'`, or `by: 'segment'`).
 *
 * @category Drop-off
 * @since 0.1.0
 */
export type DropOffCompare =
  | DealTable
  | {
      /** How deals are grouped (see {@link DealGroupBy}). */
      readonly by: DealGroupBy;
      /** The group key of the baseline. */
      readonly baseline: string | null;
      /** The group key of the current side. */
      readonly current: string | null;
    };

/**
 * Options of {@link dropOff}.
 *
 * @category Drop-off
 * @since 0.1.0
 */
export interface DropOffOptions {
  /** Counting basis of `entered`, as in `conversion()`: `'reached'` (default) or `'visited'`. */
  readonly basis?: 'reached' | 'visited' | undefined;
  /** Break the losses down by group (segment, owner, channel, …): see {@link DealGroupBy}. */
  readonly groupBy?: DealGroupBy | undefined;
  /** Loss rate basis (default `'entered'`): see {@link LossRateBasis}. */
  readonly rate?: LossRateBasis | undefined;
  /** A stage needs at least this many deals entered to be the bottleneck or the most changed (default 1). */
  readonly minEntered?: number | undefined;
  /** Compare with a baseline: see {@link DropOffCompare}. */
  readonly compare?: DropOffCompare | undefined;
  /** The significance test for `compare` (default `'auto'`): see {@link SignificanceTest}. */
  readonly test?: SignificanceTest | undefined;
  /** The minimum expected cell count for the z-test and the minimum-sample flag (default 5). */
  readonly minExpected?: number | undefined;
}

/**
 * Why deals were lost at a stage:
 * - `'recorded'`: the lost reason recorded on the deal (`reason`; `label` is the catalogue name when
 *   the funnel's `lostReasons` has the id);
 * - `'missingAction'`: no reason was recorded, so the reason is the customer action that did not happen —
 *   the actions that complete the next stage of the path (its `actions` and the triggers moving into
 *   it): "never did call.answered";
 * - `'unknown'`: no reason recorded and the next stage has no customer action defined.
 *
 * @category Drop-off
 * @since 0.1.0
 */
export type DropOffReasonKind = 'recorded' | 'missingAction' | 'unknown';

/**
 * One lost reason at one stage.
 *
 * @category Drop-off
 * @since 0.1.0
 */
export interface DropOffReason {
  /** Where the reason comes from. */
  readonly kind: DropOffReasonKind;
  /** The recorded reason (`null` unless `kind` is `'recorded'`). */
  readonly reason: string | null;
  /** The customer actions that did not happen (empty unless `kind` is `'missingAction'`). */
  readonly actions: ReadonlyArray<string>;
  /** The stage those actions would have moved the deal into (`null` unless `'missingAction'`). */
  readonly nextStageId: string | null;
  /** A readable label: the reason's name, "never did call.answered", or "no reason recorded". */
  readonly label: string;
  /** Deals lost at the stage for this reason. */
  readonly count: number;
  /** count ÷ deals lost at the stage (the reasons' shares sum to 1). */
  readonly share: number;
  /** count ÷ deals entered at the stage ("20% were never reached by phone"); `null` when nothing entered. */
  readonly ofEntered: number | null;
}

/**
 * The losses at one open stage.
 *
 * @category Drop-off
 * @since 0.1.0
 */
export interface DropOffStage {
  /** Stage id. */
  readonly stageId: string;
  /** Stage name. */
  readonly name: string;
  /** Deals counted at the stage (basis as in `conversion()`). */
  readonly entered: number;
  /** Of those, deals that went on to a later stage. */
  readonly advanced: number;
  /** Of those, deals still open here (in progress — not a drop-off). */
  readonly open: number;
  /** Of those, deals lost at this stage. */
  readonly lost: number;
  /** lost ÷ entered; `null` when nothing entered. */
  readonly lossRate: number | null;
  /** lost ÷ (entered − open); `null` when no deal is decided. */
  readonly decidedLossRate: number | null;
  /** lost here ÷ all deals lost in the group (where the losses are); `null` when nothing was lost. */
  readonly shareOfLost: number | null;
  /** The reasons, most frequent first (ties by label). */
  readonly reasons: ReadonlyArray<DropOffReason>;
}

/**
 * The stage with the highest loss rate.
 *
 * @category Drop-off
 * @since 0.1.0
 */
export interface DropOffBottleneck {
  /** Stage id. */
  readonly stageId: string;
  /** Its loss rate (on the chosen {@link LossRateBasis}). */
  readonly lossRate: number;
  /** Deals lost there. */
  readonly lost: number;
  /** Deals entered there. */
  readonly entered: number;
}

/**
 * Drop-off of one group (or of all deals).
 *
 * @category Drop-off
 * @since 0.1.0
 */
export interface DropOffGroup {
  /** Group key (`null` for deals without a value, and for the total). */
  readonly key: string | null;
  /** Deals placed on the path. */
  readonly deals: number;
  /** Deals lost in total (at any stage). */
  readonly lost: number;
  /** Lost deals whose stage is unknown (no lost-at stage and no open stage in the history): in `lost`, in no stage. */
  readonly unplacedLost: number;
  /** Per open stage of the path, in funnel order. */
  readonly stages: ReadonlyArray<DropOffStage>;
  /** The stage with the highest loss rate among those with at least `minEntered` deals (ties: the earlier stage); `null` when none qualifies. */
  readonly bottleneck: DropOffBottleneck | null;
}

/**
 * The change of the loss rate at one stage, current vs baseline.
 *
 * @category Drop-off
 * @since 0.1.0
 */
export interface DropOffStageChange extends RateTest {
  /** Stage id. */
  readonly stageId: string;
  /** Baseline: lost, trials (entered or decided) and the loss rate. */
  readonly baseline: { readonly lost: number; readonly trials: number; readonly lossRate: number | null };
  /** Current: lost, trials and the loss rate. */
  readonly current: { readonly lost: number; readonly trials: number; readonly lossRate: number | null };
  /** current − baseline loss rate; `null` when either is `null`. */
  readonly difference: number | null;
  /** Holm–Bonferroni adjusted p-value over the stages. */
  readonly adjustedPValue: number | null;
}

/**
 * Change detection in a {@link DropOffReport}.
 *
 * @category Drop-off
 * @since 0.1.0
 */
export interface DropOffChange {
  /** Label of the baseline (`'baseline'` for a table, else its group key). */
  readonly baseline: string;
  /** Label of the current side (`'current'` for the table, else its group key). */
  readonly current: string;
  /** Per open stage. */
  readonly stages: ReadonlyArray<DropOffStageChange>;
  /** The stage whose loss rate changed most (largest |difference| among stages with at least `minEntered` deals on both sides; ties: the earlier stage); `null` when none qualifies. */
  readonly changedMost: DropOffStageChange | null;
}

/**
 * The result of {@link dropOff}.
 *
 * @category Drop-off
 * @since 0.1.0
 */
export interface DropOffReport {
  /** All deals together. */
  readonly total: DropOffGroup;
  /** Per group when `groupBy` is given (order of first appearance), else empty. */
  readonly groups: ReadonlyArray<DropOffGroup>;
  /** The comparison with the baseline, or `null` without `compare`. */
  readonly change: DropOffChange | null;
  /** The rules used. */
  readonly rules: {
    /** Counting basis of `entered`. */
    readonly basis: 'reached' | 'visited';
    /** Loss rate basis. */
    readonly rate: LossRateBasis;
    /** The grouping (`null` = none). */
    readonly groupBy: string | null;
    /** Minimum entered deals for the bottleneck and the most changed stage. */
    readonly minEntered: number;
    /** Where a lost deal counts. */
    readonly lostAt: 'the last open stage before the loss (lostAtStage, else the furthest open stage of its history)';
    /** How reasons are filled in. */
    readonly reasons: 'recorded reason, else the next stage’s customer actions that did not happen';
    /** The test selection (for `compare`). */
    readonly test: SignificanceTest;
    /** The minimum expected count (for `compare`). */
    readonly minExpected: number;
  };
}

interface ReasonCell {
  kind: DropOffReasonKind;
  reason: string | null;
  count: number;
}

/** The customer actions that complete each path position's next stage (its actions, and triggers into it). */
function missingActions(funnel: Funnel, pathStageIdx: Int32Array): { actions: string[]; next: string | null }[] {
  return Array.from(pathStageIdx, (_, p) => {
    const nextIdx = pathStageIdx[p + 1];
    if (nextIdx === undefined) return { actions: [], next: null };
    const next = funnel.stages[nextIdx];
    if (next === undefined) return { actions: [], next: null };
    const set = new Set<string>(next.actions);
    for (const t of funnel.triggers) {
      if (t.to !== next.id) continue;
      for (const a of typeof t.action === 'string' ? [t.action] : t.action) set.add(a);
    }
    return { actions: [...set], next: next.id };
  });
}

function rateOf(s: ConversionStage, rate: LossRateBasis): { lost: number; trials: number } {
  return { lost: s.lost, trials: rate === 'entered' ? s.entered : s.entered - s.open };
}

function bottleneckOf(stages: ReadonlyArray<DropOffStage>, rate: LossRateBasis, minEntered: number): DropOffBottleneck | null {
  let best: DropOffBottleneck | null = null;
  for (const s of stages) {
    const r = rate === 'entered' ? s.lossRate : s.decidedLossRate;
    if (r === null || s.entered < minEntered) continue;
    if (best === null || r > best.lossRate) best = { stageId: s.stageId, lossRate: r, lost: s.lost, entered: s.entered };
  }
  return best;
}

/**
 * Where and why deals are lost: lost deals by the **stage they were lost at** × **lost reason** ×
 * group, the loss rate at every stage, the **bottleneck**, and — with `compare` — the stage whose loss
 * rate **changed most**, with a significance test at each stage.
 *
 * Definitions (per open stage of the path, counts as in `conversion()` with the same basis):
 * - a lost deal counts at the stage it was lost at (its `lostAtStage`, else the furthest open stage of
 *   its history); open deals are **not** drop-offs;
 * - **loss rate** = lost ÷ entered (`rate: 'decided'`: lost ÷ (entered − open));
 * - **reason**: the recorded lost reason; where none was recorded, the customer action that did not
 *   happen — the actions completing the next stage ("never did call.answered": the seeds' "20% were
 *   never reached by phone"); each reason's `share` of the stage's losses and its share `ofEntered`;
 * - **bottleneck**: the stage with the highest loss rate among stages with ≥ `minEntered` deals;
 * - **change**: current − baseline loss rate at each stage, a two-sided p-value (pooled two-proportion
 *   z-test when every expected count ≥ `minExpected`, else Fisher's exact test; see
 *   {@link compareConversion}), Holm-adjusted over the stages; `changedMost` = the largest absolute
 *   difference among stages with ≥ `minEntered` deals on both sides.
 *
 * Cost: one `conversion()` pass plus one pass over the lost deals; with `compare`, one more pass.
 *
 * @param table - the deals (current side when comparing)
 * @param options - {@link DropOffOptions}
 * @returns per stage (and per group) losses, rates and reasons, the bottleneck, the change, and the rules
 * @throws FunnelError `INVALID_OPTION` for bad options or a baseline table of another funnel
 * @category Drop-off
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B', stages: [
 *   { id: 'request', name: 'Request left', actions: ['request.submitted'] },
 *   { id: 'answered', name: 'Callback answered', actions: ['call.answered'] },
 *   { id: 'paid', name: 'Invoice paid', category: 'won', actions: ['invoice.paid'] },
 *   { id: 'lost', name: 'Lost', category: 'lost' },
 * ] });
 * // 10 requests: 2 never picked up the phone (lost at request, no reason), 1 lost at request for price,
 * // 4 answered and then lost, 3 paid
 * const table = DealTable.fromColumns({
 *   dealIds: Array.from({ length: 10 }, (_, i) => `d${i}`), createdAt: new Float64Array(10),
 *   stage: ['lost', 'lost', 'lost', 'lost', 'lost', 'lost', 'lost', 'paid', 'paid', 'paid'],
 *   lostAtStage: ['request', 'request', 'request', 'answered', 'answered', 'answered', 'answered', null, null, null],
 *   lostReason: [null, null, 'price', null, null, null, null, null, null, null],
 * }, funnel);
 * const r = dropOff(table);
 * const request = r.total.stages[0];
 * [request.entered, request.lost, request.lossRate] // => [10, 3, 0.3]
 * request.reasons[0].label // => 'never did call.answered'
 * request.reasons[0].ofEntered // => 0.2
 * r.total.bottleneck.stageId // => 'answered'
 * r.total.bottleneck.lossRate // => 4 / 7
 * ```
 */
export function dropOff(table: DealTable, options: DropOffOptions = {}): DropOffReport {
  if (!isDealTable(table)) fail('INVALID_INPUT', 'a DealTable', table, ['table']);
  if (typeof options !== 'object' || options === null) fail('INVALID_OPTION', 'an options object', options, ['options']);
  const basis = options.basis ?? 'reached';
  if (basis !== 'reached' && basis !== 'visited') fail('INVALID_OPTION', "basis 'reached' or 'visited'", basis, ['options', 'basis']);
  const rate = options.rate ?? 'entered';
  if (rate !== 'entered' && rate !== 'decided') fail('INVALID_OPTION', "rate 'entered' or 'decided'", rate, ['options', 'rate']);
  const minEntered = options.minEntered ?? 1;
  if (!(Number.isFinite(minEntered) && minEntered >= 0)) fail('INVALID_OPTION', 'a count ≥ 0', minEntered, ['options', 'minEntered']);
  const rule = testOptions(options.test, options.minExpected);

  const conv = conversion(table, { basis, money: false, ...(options.groupBy === undefined ? {} : { groupBy: options.groupBy }) });
  const grouping = options.groupBy === undefined ? null : groupDeals(table, options.groupBy);
  const G = grouping === null ? 1 : grouping.keys.length;
  const path = dealPath(table);
  const P = path.stages.length;
  const missing = missingActions(table.funnel, path.stages);
  // reason cells: per (group, path position), a map reason key → cell; the total is kept separately
  const cells: Map<number, ReasonCell>[] = Array.from({ length: (G + 1) * P }, () => new Map());
  const unplaced = new Float64Array(G + 1);
  const lostTotal = new Float64Array(G + 1);
  for (let i = 0; i < table.size; i++) {
    if (table.status[i] !== DEAL_LOST) continue;
    const g = grouping === null ? 0 : (grouping.index[i] as number);
    const T = terminalOf(table, i, path.position, path.openStage);
    for (const gg of grouping === null ? [0] : [g, G]) {
      lostTotal[gg] = (lostTotal[gg] as number) + 1;
      if (T < 0) {
        unplaced[gg] = (unplaced[gg] as number) + 1;
        continue;
      }
      const r = table.lostReason[i] as number;
      const key = r >= 0 ? r : missing[T]?.next === null || (missing[T]?.actions.length ?? 0) === 0 ? -2 : -1;
      const map = cells[gg * P + T] as Map<number, ReasonCell>;
      let c = map.get(key);
      if (c === undefined) {
        c = { kind: key >= 0 ? 'recorded' : key === -1 ? 'missingAction' : 'unknown', reason: key >= 0 ? (table.lostReasons[key] as string) : null, count: 0 };
        map.set(key, c);
      }
      c.count++;
    }
  }
  const catalogue = new Map(table.funnel.lostReasons.map((r) => [r.id, r.name] as const));
  const groupOut = (cg: ConversionGroup, gg: number): DropOffGroup => {
    const lostAll = lostTotal[gg] as number;
    const stages: DropOffStage[] = [];
    cg.stages.forEach((s, p) => {
      if (s.category !== 'open') return;
      const reasons: DropOffReason[] = [...(cells[gg * P + p] as Map<number, ReasonCell>).values()].map((c) => {
        const m = missing[p] ?? { actions: [], next: null };
        const label =
          c.kind === 'recorded' ? (catalogue.get(c.reason as string) ?? (c.reason as string)) : c.kind === 'missingAction' ? `never did ${m.actions.join(' or ')}` : 'no reason recorded';
        return {
          kind: c.kind,
          reason: c.reason,
          actions: c.kind === 'missingAction' ? m.actions : [],
          nextStageId: c.kind === 'missingAction' ? m.next : null,
          label,
          count: c.count,
          share: s.lost > 0 ? c.count / s.lost : 0,
          ofEntered: s.entered > 0 ? c.count / s.entered : null,
        };
      });
      reasons.sort((x, y) => y.count - x.count || (x.label < y.label ? -1 : x.label > y.label ? 1 : 0));
      const decided = s.entered - s.open;
      stages.push({
        stageId: s.stageId,
        name: s.name,
        entered: s.entered,
        advanced: s.advanced,
        open: s.open,
        lost: s.lost,
        lossRate: s.entered > 0 ? s.lost / s.entered : null,
        decidedLossRate: decided > 0 ? s.lost / decided : null,
        shareOfLost: lostAll > 0 ? s.lost / lostAll : null,
        reasons,
      });
    });
    return { key: cg.key, deals: cg.deals, lost: lostAll, unplacedLost: unplaced[gg] as number, stages, bottleneck: bottleneckOf(stages, rate, minEntered) };
  };
  const total = groupOut(conv.total, grouping === null ? 0 : G);
  const groups = grouping === null ? [] : conv.groups.map((cg, g) => groupOut(cg, g));

  let change: DropOffChange | null = null;
  if (options.compare !== undefined) change = changeOf(table, conv.total, options.compare, basis, rate, minEntered, rule);

  return deepFreeze({
    total,
    groups,
    change,
    rules: {
      basis,
      rate,
      groupBy: options.groupBy === undefined ? null : typeof options.groupBy === 'function' ? 'function' : options.groupBy,
      minEntered,
      lostAt: 'the last open stage before the loss (lostAtStage, else the furthest open stage of its history)' as const,
      reasons: 'recorded reason, else the next stage’s customer actions that did not happen' as const,
      test: rule.test,
      minExpected: rule.minExpected,
    },
  });
}

function changeOf(
  table: DealTable,
  currentAll: ConversionGroup,
  compare: DropOffCompare,
  basis: 'reached' | 'visited',
  rate: LossRateBasis,
  minEntered: number,
  rule: { test: SignificanceTest; minExpected: number },
): DropOffChange {
  let base: ConversionGroup;
  let cur: ConversionGroup;
  let labels: { baseline: string; current: string };
  if (isDealTable(compare)) {
    samePath(table, compare, ['options', 'compare', 'stageIds']);
    base = conversion(compare, { basis, money: false }).total;
    cur = currentAll;
    labels = { baseline: 'baseline', current: 'current' };
  } else {
    if (typeof compare !== 'object' || compare === null || compare.by === undefined) {
      fail('INVALID_OPTION', 'a baseline DealTable or { by, baseline, current }', compare, ['options', 'compare']);
    }
    for (const k of ['baseline', 'current'] as const) {
      if (compare[k] !== null && typeof compare[k] !== 'string') fail('INVALID_OPTION', 'a group key (string or null)', compare[k], ['options', 'compare', k]);
    }
    [base, cur] = conversionGroupsOf(table, compare.by, [compare.baseline, compare.current], basis) as [ConversionGroup, ConversionGroup];
    labels = { baseline: String(compare.baseline), current: String(compare.current) };
  }
  const pb = pathStages(base).open;
  const pc = pathStages(cur).open;
  const rows = pc.map((sc, k) => {
    const sb = pb[k] as ConversionStage;
    const c = rateOf(sc, rate);
    const b = rateOf(sb, rate);
    const t = testRates(c.lost, c.trials, b.lost, b.trials, rule);
    const cr = c.trials > 0 ? c.lost / c.trials : null;
    const br = b.trials > 0 ? b.lost / b.trials : null;
    return {
      stageId: sc.stageId,
      baseline: { lost: b.lost, trials: b.trials, lossRate: br },
      current: { lost: c.lost, trials: c.trials, lossRate: cr },
      difference: cr === null || br === null ? null : cr - br,
      ...t,
      eligible: sc.entered >= minEntered && sb.entered >= minEntered,
    };
  });
  const adjusted = holmAdjust(rows.map((r) => r.pValue));
  const stages: DropOffStageChange[] = rows.map(({ eligible: _e, ...r }, k) => ({ ...r, adjustedPValue: adjusted[k] ?? null }));
  let most: DropOffStageChange | null = null;
  rows.forEach((r, k) => {
    if (!r.eligible || r.difference === null) return;
    const s = stages[k] as DropOffStageChange;
    if (most === null || Math.abs(r.difference) > Math.abs(most.difference as number)) most = s;
  });
  return { baseline: labels.baseline, current: labels.current, stages, changedMost: most };
}
