import { clonePlain } from '../internal/clone.js';
import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import type { CustomerAction } from '../model/action.js';
import type { Deal } from '../model/deal.js';
import type { Funnel } from '../model/funnel.js';
import type { Money } from '../model/money.js';
import type { TimestampInput } from '../model/time.js';
import { compileFunnel, type CompiledFunnel, type CompiledRule } from '../triggers/compileFunnel.js';
import { dealView, type DealView } from '../triggers/dealView.js';
import type { MatchOptions } from '../triggers/matchAction.js';
import { compareCandidates } from '../triggers/matchCandidates.js';
import { matchesPredicates } from '../triggers/matchesPredicates.js';
import { toIso, toMs } from '../triggers/time.js';
import { blankDeal, startDeal } from './createDeal.js';
import { checkAction, commitAction, commitSilence, decideAction, freezeDeal, missingRequired } from './engine.js';
import type { MachineRejectionReason } from './MachineResult.js';

/**
 * Options for {@link replay}.
 *
 * @category Machine
 * @since 0.1.0
 */
export interface ReplayOptions {
  /** Deals to continue from (their ids are matched with `dealId ?? leadId`); they are copied, never mutated. */
  readonly deals?: ReadonlyArray<Deal>;
  /**
   * When a group of actions with no deal yet creates one:
   * - `'creationAction'` (default): the first action that moves into a creation stage (a stage's own
   *   action or a trigger whose target is in `policy.creationStages`) creates the deal in that stage,
   *   at its time; earlier actions of the group are rejected with `NO_DEAL`;
   * - `'anyAction'`: the first action creates the deal (in that way if it can, otherwise in the
   *   first creation stage, and is then applied like any other action).
   */
  readonly createOn?: 'creationAction' | 'anyAction';
  /**
   * Evaluate silence rules as time passes: before each action (rules due strictly before its time)
   * and, at the end, at `now`. Actions later than `now` are rejected with `AFTER_NOW`. Without `now`,
   * silence rules are not evaluated.
   */
  readonly now?: TimestampInput;
  /** Segment, amount and attributes for a deal created by the stream (called once per new deal). */
  readonly dealDefaults?: (dealId: string, firstAction: CustomerAction) => {
    readonly segmentId?: string | null;
    readonly amount?: Money | null;
    readonly attributes?: Readonly<Record<string, unknown>>;
  };
  /** The lead score for trigger rules with `minScore` (the deal passed is the working copy: read it, do not keep it). */
  readonly scoreOf?: MatchOptions['scoreOf'];
}

/**
 * Why {@link replay} did not apply an action: a machine refusal, `NO_DEAL` (no deal exists yet for
 * the action and it cannot create one), or `AFTER_NOW` (later than `options.now`).
 *
 * @category Machine
 * @since 0.1.0
 */
export type ReplayRejectionReason = MachineRejectionReason | 'NO_DEAL' | 'AFTER_NOW';

/**
 * An action {@link replay} did not apply, with the reason.
 *
 * @category Machine
 * @since 0.1.0
 */
export interface RejectedAction {
  /** The action's id. */
  readonly actionId: string;
  /** The deal it was for (`dealId ?? leadId`). */
  readonly dealId: string;
  /** The action's time. */
  readonly at: string;
  /** Why it was not applied. */
  readonly reason: ReplayRejectionReason;
  /** The target stage of the refused move, when there was one. */
  readonly stageId?: string;
  /** The trigger rule that asked for it, when one did. */
  readonly ruleId?: string;
}

/**
 * Counts of a replay. `actions` = `applied` + `duplicates` + `rejected`.
 *
 * @category Machine
 * @since 0.1.0
 */
export interface ReplayCounts {
  /** Actions in the input. */
  readonly actions: number;
  /** Actions recorded on a deal (including the ones that created a deal). */
  readonly applied: number;
  /** Applied actions that moved their deal. */
  readonly moved: number;
  /** Actions ignored because their id was already applied to the deal. */
  readonly duplicates: number;
  /** Actions not applied (see `rejected`). */
  readonly rejected: number;
  /** Deals in the result. */
  readonly deals: number;
  /** Deals created by the stream. */
  readonly created: number;
  /** Transitions appended (creations, moves, timeouts). */
  readonly transitions: number;
  /** Silence rules applied (flags, losses, moves). */
  readonly timeouts: number;
}

/**
 * The result of {@link replay}: the deals (sorted by id, frozen), the rejected actions (sorted by
 * deal, time, action id), counts, and the rules that produced them.
 *
 * @category Machine
 * @since 0.1.0
 */
export interface ReplayResult {
  /** Every deal, sorted by id (UTF-16 code-unit order). */
  readonly deals: ReadonlyArray<Deal>;
  /** Actions not applied, sorted by deal id, then time, then action id. */
  readonly rejected: ReadonlyArray<RejectedAction>;
  /** What happened, in numbers. */
  readonly counts: ReplayCounts;
  /** The rules of this replay. */
  readonly rules: {
    /** How actions are ordered within a deal: `'at, then id'`. */
    readonly order: 'at, then id';
    /** The creation rule used. */
    readonly createOn: 'creationAction' | 'anyAction';
    /** The funnel's late-action policy. */
    readonly lateActions: 'apply' | 'ignore';
    /** The `now` silence rules were evaluated at, or `null` when they were not. */
    readonly now: string | null;
  };
}

/** A deal being replayed: the private mutable deal, its numeric view, and (for long deals) its action ids. */
interface Work {
  deal: Deal;
  view: DealView;
  /**
   * The ids of `deal.actions`, built only once the deal has more than {@link SCAN_LIMIT} actions;
   * below that a linear scan of `deal.actions` is cheaper than a Set per deal.
   */
  ids: Set<string> | null;
}

/** Up to this many recorded actions, duplicate ids are found by scanning `deal.actions`. */
const SCAN_LIMIT = 16;

function newWork(c: CompiledFunnel, deal: Deal): Work {
  const w: Work = { deal, view: dealView(c, deal), ids: null };
  if (deal.actions.length > SCAN_LIMIT) w.ids = new Set(deal.actions.map((x) => x.id));
  return w;
}

/** Whether the deal already records an action with this id. */
function hasActionId(w: Work, id: string): boolean {
  if (w.ids !== null) return w.ids.has(id);
  const list = w.deal.actions;
  for (let j = 0; j < list.length; j++) if ((list[j] as { id: string }).id === id) return true;
  return false;
}

/** Keeps `w.ids` in step after `commitAction` recorded the action `id`. */
function recordedActionId(w: Work, id: string): void {
  if (w.ids !== null) w.ids.add(id);
  else if (w.deal.actions.length > SCAN_LIMIT) w.ids = new Set(w.deal.actions.map((x) => x.id));
}

function creationRule(c: CompiledFunnel, a: CustomerAction, score: (() => number) | undefined): CompiledRule | null {
  const rules = c.byType.get(a.type);
  if (rules === undefined) return null;
  let best: CompiledRule | null = null;
  let scoreValue: number | undefined;
  for (const r of rules) {
    if (!c.creationSet.has(r.to) || r.withinMs !== undefined || (r.count !== undefined && r.count > 1)) continue;
    if (r.where.length > 0 && !matchesPredicates(r.where, a.properties)) continue;
    if (r.minScore !== undefined) {
      if (score === undefined) continue;
      scoreValue ??= score();
      if (scoreValue < r.minScore) continue;
    }
    if (best === null || compareCandidates(c, r, best) < 0) best = r;
  }
  return best;
}

function tieBreak(a: CustomerAction, b: CustomerAction): number {
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  const pa = JSON.stringify(a.properties ?? null);
  const pb = JSON.stringify(b.properties ?? null);
  return pa === pb ? 0 : pa < pb ? -1 : 1;
}

/**
 * Folds a whole stream of customer actions into deals — the bulk form of {@link applyAction}, with
 * the same rules. Actions are grouped by `dealId ?? leadId`; within a deal they are applied in time
 * order, **ties broken by action id** (then type and properties), so the result does not depend on
 * the order of the input array. Deals come from `options.deals` or are created by the stream (see
 * `createOn`); repeated action ids are applied once (the first in that order). With `options.now`,
 * silence rules fire as time passes (see {@link applySilence}).
 *
 * Speed: deal keys are interned once (one map lookup per row, none for consecutive rows of the same
 * deal), rows are grouped by a counting sort into one typed array, each row's time is parsed once, and
 * the hot loop works on private mutable deals (no immer, no per-deal id set for deals with up to 16
 * actions) that are frozen once at the end. Cost O(n + d log d) for n actions and d deals, plus
 * O(k log k) for a deal whose k actions are not already in (time, id) order. Measured by
 * `bench/replay.mjs` (see the Performance guide): about 4–7× a bare map-lookup fold of the same
 * stream on a loaded 2-core machine.
 *
 * @param funnel - the parsed funnel
 * @param actions - the customer actions (validated: see `parseCustomerActions`)
 * @param options - initial deals, creation rule, `now` for silence rules, defaults for new deals
 * @returns deals, rejected actions and counts
 * @throws FunnelError naming the row (`[3].at`): INVALID_DATE for an invalid time, INVALID_INPUT for a
 *   malformed action or one with neither `dealId` nor `leadId`, UNKNOWN_ACTION for an unknown type
 *   when `policy.unknownActions` is `'reject'`
 * @category Machine
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B', stages: [
 *   { id: 'request', name: 'Request', actions: ['request.submitted'] },
 *   { id: 'answered', name: 'Callback answered', actions: ['call.answered'] },
 *   { id: 'paid', name: 'Paid', category: 'won', actions: ['invoice.paid'] },
 * ] });
 * const r = replay(funnel, [
 *   { id: 'a2', type: 'call.answered', at: '2026-03-02T00:00:00.000Z', leadId: 'l1' },
 *   { id: 'a1', type: 'request.submitted', at: '2026-03-01T00:00:00.000Z', leadId: 'l1' },
 *   { id: 'b1', type: 'call.answered', at: '2026-03-01T00:00:00.000Z', leadId: 'l2' },
 * ]);
 * r.deals.map((d) => [d.id, d.stageId]) // => [['l1', 'answered']]
 * r.rejected.map((x) => [x.actionId, x.reason]) // => [['b1', 'NO_DEAL']]
 * r.counts.applied // => 2
 * ```
 */
export function replay(funnel: Funnel, actions: ReadonlyArray<CustomerAction>, options?: ReplayOptions): ReplayResult {
  const c = compileFunnel(funnel);
  if (!Array.isArray(actions)) fail('INVALID_INPUT', 'an array of customer actions', actions, ['actions']);
  const createOn = options?.createOn ?? 'creationAction';
  if (createOn !== 'creationAction' && createOn !== 'anyAction') fail('INVALID_OPTION', "'creationAction' or 'anyAction'", createOn, ['options', 'createOn']);
  const nowMs = options?.now === undefined ? Number.POSITIVE_INFINITY : toMs(options.now, ['options', 'now']);
  const silenceOn = options?.now !== undefined && c.silence.length > 0;
  const scoreOf = options?.scoreOf;
  const n = actions.length;
  // Deal keys are interned once into slots 0, 1, 2, … (initial deals first, then in order of first
  // appearance); everything after this reads arrays indexed by slot instead of string-keyed maps.
  const slotOf = new Map<string, number>();
  const keys: string[] = [];
  const works: (Work | undefined)[] = [];
  // One pass: check each action, its time (epoch ms) and its deal slot; count actions per slot.
  // Times are read once here (epoch ms and canonical ISO string per row), so the per-deal loop below
  // never re-reads an action's `at` string; consecutive rows of the same deal skip the map lookup.
  const ms = new Float64Array(n);
  const isoOf: string[] = new Array<string>(n);
  const slotOfAction = new Int32Array(n);
  let lastKey: string | undefined;
  let lastSlot = -1;
  const initial = options?.deals ?? [];
  const start = new Int32Array(n + (Array.isArray(initial) ? initial.length : 0) + 1);
  for (let i = 0; i < n; i++) {
    const a = actions[i] as CustomerAction;
    const t = checkAction(c, a, i);
    ms[i] = t;
    isoOf[i] = toIso(a.at, t);
    const key = a.dealId ?? a.leadId;
    if (typeof key !== 'string' || key === '') fail('INVALID_INPUT', 'a dealId or a leadId', key, [i, 'dealId']);
    let s = key === lastKey ? lastSlot : slotOf.get(key);
    if (s === undefined) {
      s = keys.length;
      slotOf.set(key, s);
      keys.push(key);
      works.push(undefined);
    }
    lastKey = key;
    lastSlot = s;
    slotOfAction[i] = s;
    start[s + 1] = (start[s + 1] as number) + 1;
  }
  for (const [k, d] of initial.entries()) {
    if (typeof d !== 'object' || d === null) fail('INVALID_INPUT', 'a deal', d, ['options', 'deals', k]);
    const deal = clonePlain(d) as Deal;
    deal.triggerCounts ??= {};
    const w = newWork(c, deal);
    const s = slotOf.get(deal.id);
    if (s !== undefined) works[s] = w; // a repeated deal id: the last one wins
    else {
      slotOf.set(deal.id, keys.length);
      keys.push(deal.id);
      works.push(w);
    }
  }
  // Counting sort by slot (stable): `order[start[s] .. start[s + 1])` are the rows of deal slot s,
  // in input order; each range is then put in (at, id) order unless it already is.
  const slots = keys.length;
  for (let s = 0; s < slots; s++) start[s + 1] = (start[s + 1] as number) + (start[s] as number);
  const order = new Int32Array(n);
  const fill = start.slice(0, slots);
  for (let i = 0; i < n; i++) {
    const s = slotOfAction[i] as number;
    order[fill[s] as number] = i;
    fill[s] = (fill[s] as number) + 1;
  }
  const rejected: RejectedAction[] = [];
  let applied = 0;
  let moved = 0;
  let duplicates = 0;
  let created = 0;
  let timeouts = 0;
  const cmp = (x: number, y: number): number => {
    const d = (ms[x] as number) - (ms[y] as number);
    if (d !== 0) return d;
    const ax = actions[x] as CustomerAction;
    const ay = actions[y] as CustomerAction;
    return ax.id < ay.id ? -1 : ax.id > ay.id ? 1 : tieBreak(ax, ay);
  };
  const reject = (a: CustomerAction, key: string, at: number, reason: ReplayRejectionReason, stageId?: string, ruleId?: string): void => {
    const r: { -readonly [K in keyof RejectedAction]: RejectedAction[K] } = { actionId: a.id, dealId: key, at: new Date(at).toISOString(), reason };
    if (stageId !== undefined) r.stageId = stageId;
    if (ruleId !== undefined) r.ruleId = ruleId;
    rejected.push(r);
  };
  for (let s = 0; s < slots; s++) {
    const from = start[s] as number;
    const to = start[s + 1] as number;
    if (from === to) continue;
    sortRange(order, from, to, cmp);
    const key = keys[s] as string;
    let w = works[s];
    for (let j = from; j < to; j++) {
      const i = order[j] as number;
      const a = actions[i] as CustomerAction;
      const t = ms[i] as number;
      if (t > nowMs) {
        reject(a, key, t, 'AFTER_NOW');
        continue;
      }
      const at = isoOf[i] as string;
      const score = scoreOf === undefined ? undefined : (): number => scoreOf((w as Work).deal, a);
      if (w === undefined) {
        const defaults = options?.dealDefaults?.(key, a) ?? {};
        const provisional = scoreOf === undefined ? undefined : blankDeal(c, key, at, c.creation[0] as number, defaults);
        const rule = creationRule(c, a, provisional === undefined || scoreOf === undefined ? undefined : () => scoreOf(provisional, a));
        if (rule === null && createOn === 'creationAction') {
          reject(a, key, t, 'NO_DEAL');
          continue;
        }
        const stage = rule === null ? (c.creation[0] as number) : rule.to;
        const deal = blankDeal(c, key, at, stage, defaults);
        if (c.funnel.policy.requiredOnAutomaticMoves === 'enforce') {
          const missing = missingRequired((c.stages[stage] as { requires: string[] }).requires, deal.attributes);
          if (missing !== null) {
            reject(a, key, t, 'MISSING_REQUIRED', (c.stages[stage] as { id: string }).id, rule?.ruleId);
            continue;
          }
        }
        startDeal(c, deal, stage, rule?.ruleId === undefined ? { type: 'action', actionId: a.id, actionType: a.type } : { type: 'action', actionId: a.id, actionType: a.type, ruleId: rule.ruleId }, null);
        w = newWork(c, deal);
        works[s] = w;
        created++;
        if (rule !== null) {
          commitAction(c, deal, w.view, a, t, at, { late: false, move: null, counted: countedFor(c, a) }, null);
          recordedActionId(w, a.id);
          applied++;
          continue;
        }
      }
      if (hasActionId(w, a.id)) {
        duplicates++;
        continue;
      }
      if (silenceOn) timeouts += commitSilence(c, w.deal, w.view, t - 1, null);
      const decision = decideAction(c, w.view, w.deal.attributes, a.type, a.properties, t, score);
      if (decision.kind === 'reject') {
        const f = decision.refusal;
        reject(a, key, t, f.reason, f.stageId, f.ruleId);
        continue;
      }
      if (decision.kind === 'duplicate') {
        duplicates++;
        continue;
      }
      commitAction(c, w.deal, w.view, a, t, at, decision, null);
      recordedActionId(w, a.id);
      applied++;
      if (decision.move !== null) moved++;
    }
  }
  // The deals sorted by id (UTF-16 code units, as `Array.prototype.sort` does), frozen once each.
  const done: Work[] = [];
  for (const w of works) if (w !== undefined) done.push(w);
  let idsInOrder = true;
  for (let j = 1; j < done.length && idsInOrder; j++) idsInOrder = (done[j - 1] as Work).deal.id < (done[j] as Work).deal.id;
  if (!idsInOrder) done.sort((x, y) => (x.deal.id < y.deal.id ? -1 : x.deal.id > y.deal.id ? 1 : 0));
  const deals: Deal[] = [];
  let transitions = 0;
  for (const w of done) {
    if (silenceOn) timeouts += commitSilence(c, w.deal, w.view, nowMs, null);
    transitions += w.deal.history.length;
    deals.push(freezeDeal(w.deal));
  }
  for (const d of initial) transitions -= d.history.length;
  rejected.sort((x, y) => (x.dealId < y.dealId ? -1 : x.dealId > y.dealId ? 1 : x.at < y.at ? -1 : x.at > y.at ? 1 : x.actionId < y.actionId ? -1 : x.actionId > y.actionId ? 1 : 0));
  return Object.freeze({
    deals: Object.freeze(deals),
    rejected: deepFreeze(rejected),
    counts: Object.freeze({ actions: n, applied, moved, duplicates, rejected: rejected.length, deals: deals.length, created, transitions, timeouts }),
    rules: Object.freeze({
      order: 'at, then id' as const,
      createOn,
      lateActions: c.funnel.policy.lateActions,
      now: options?.now === undefined ? null : new Date(nowMs).toISOString(),
    }),
  });
}

/**
 * Puts `order[from..to)` in the order of `cmp`, in place: nothing to do when it already is (the
 * common case: a stream in time order), insertion sort for short runs (a deal's handful of actions),
 * `Array.prototype.sort` otherwise.
 */
function sortRange(order: Int32Array, from: number, to: number, cmp: (x: number, y: number) => number): void {
  let sorted = true;
  for (let j = from + 1; j < to; j++) {
    if (cmp(order[j - 1] as number, order[j] as number) > 0) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  if (to - from <= 32) {
    for (let j = from + 1; j < to; j++) {
      const v = order[j] as number;
      let k = j - 1;
      while (k >= from && cmp(order[k] as number, v) > 0) {
        order[k + 1] = order[k] as number;
        k--;
      }
      order[k + 1] = v;
    }
    return;
  }
  const run = Array.from(order.subarray(from, to)).sort(cmp);
  order.set(run, from);
}

function countedFor(c: CompiledFunnel, a: CustomerAction): CompiledRule[] {
  if (!c.hasCounting) return [];
  const rules = c.byType.get(a.type) ?? [];
  return rules.filter((r) => r.count !== undefined && matchesPredicates(r.where, a.properties));
}
