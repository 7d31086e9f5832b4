/**
 * The machine's core, shared by the immer-based single steps (`applyAction`, `applyCommand`,
 * `applySilence`) and by the lean `replay` loop: decisions read a deal and its {@link DealView};
 * commits mutate a deal (an immer draft, or a private mutable object in `replay`). @internal
 */
import { clonePlain } from '../internal/clone.js';
import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import { failDate, msOrNaN } from '../triggers/time.js';
import type { CustomerAction } from '../model/action.js';
import type { Effect } from '../model/common.js';
import type { Deal, DealStatus, Transition, TransitionCause } from '../model/deal.js';
import type { CompiledFunnel, CompiledRule } from '../triggers/compileFunnel.js';
import type { DealView } from '../triggers/dealView.js';
import { dueSilence } from '../triggers/dueSilence.js';
import { matchCandidates } from '../triggers/matchCandidates.js';
import type { MachineEffect, MachineRejection, MachineRejectionReason, EffectOrigin } from './MachineResult.js';

/** A refusal before it becomes a frozen MachineRejection. */
export interface Refusal {
  readonly reason: MachineRejectionReason;
  readonly message: string;
  readonly stageId?: string;
  readonly ruleId?: string;
  readonly missing?: ReadonlyArray<string>;
}

/** What a customer action will do. */
export type ActionDecision =
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'reject'; readonly refusal: Refusal }
  | { readonly kind: 'apply'; readonly late: boolean; readonly move: CompiledRule | null; readonly counted: ReadonlyArray<CompiledRule> };

/** `'ok'`: allowed; `'same'`: already there; `'ignore'`: an automatic move that silently does not happen. */
export type MoveCheck = 'ok' | 'same' | 'ignore' | Refusal;

/** Attribute keys of `requires` that are absent, null, undefined or an empty string. */
export function missingRequired(requires: ReadonlyArray<string>, attributes: Readonly<Record<string, unknown>>): string[] | null {
  let missing: string[] | null = null;
  for (const key of requires) {
    const v = Object.prototype.hasOwnProperty.call(attributes, key) ? attributes[key] : undefined;
    if (v === undefined || v === null || v === '') (missing ??= []).push(key);
  }
  return missing;
}

/**
 * The movement policy for a move of a deal at `view` into stage `to` (not for lose/reopen commands).
 * Automatic moves (customer actions) never move a deal backwards or a won deal back into an open
 * stage: such candidates are `'ignore'`d; commands get a refusal instead.
 */
export function checkMove(c: CompiledFunnel, view: DealView, attributes: Readonly<Record<string, unknown>>, to: number, automatic: boolean): MoveCheck {
  const cur = view.stageIdx;
  if (to === cur) return 'same';
  const stageId = (c.stages[to] as { id: string }).id;
  if (view.status === 'lost') return { reason: 'DEAL_CLOSED', message: 'the deal is lost; reopen it before moving it', stageId };
  const toCat = c.category[to];
  if (view.status === 'won' && toCat !== 'won') {
    return automatic ? 'ignore' : { reason: 'DEAL_CLOSED', message: 'the deal is won; only later won (post-sale) stages can follow, or reopen it', stageId };
  }
  const policy = c.funnel.policy;
  const rc = c.rank[cur] as number;
  const rt = c.rank[to] as number;
  if (toCat !== 'lost') {
    if (rt < rc && !policy.allowBackward) {
      return automatic ? 'ignore' : { reason: 'NOT_ALLOWED_BACKWARD', message: `moving back from "${(c.stages[cur] as { id: string }).id}" to "${stageId}" is not allowed (policy.allowBackward is false)`, stageId };
    }
    if (rt > rc && !policy.allowSkip && rt !== rc + 1) {
      return { reason: 'SKIP_FORBIDDEN', message: `"${stageId}" is not the next stage after "${(c.stages[cur] as { id: string }).id}" (policy.allowSkip is false)`, stageId };
    }
  }
  if (!automatic || policy.requiredOnAutomaticMoves === 'enforce') {
    const missing = missingRequired((c.stages[to] as { requires: string[] }).requires, attributes);
    if (missing !== null) return { reason: 'MISSING_REQUIRED', message: `stage "${stageId}" requires the deal attribute(s) ${missing.join(', ')}`, stageId, missing };
  }
  return 'ok';
}

/**
 * Decides what a customer action does to a deal: duplicate (same id already applied), refused (the
 * best move it asks for is forbidden and no allowed one exists), or applied (recorded, with the move
 * it makes, if any).
 */
export function decideAction(
  c: CompiledFunnel,
  view: DealView,
  attributes: Readonly<Record<string, unknown>>,
  type: string,
  properties: unknown,
  ms: number,
  score: (() => number) | undefined,
): ActionDecision {
  const late = ms < view.lastTransitionMs;
  const m = matchCandidates(c, view, type, properties, ms, score);
  if (late && c.funnel.policy.lateActions === 'ignore') return { kind: 'apply', late, move: null, counted: m.counted };
  let refusal: Refusal | undefined;
  for (const r of m.candidates) {
    const check = checkMove(c, view, attributes, r.to, true);
    if (check === 'ok') return { kind: 'apply', late, move: r, counted: m.counted };
    if (check === 'same' || check === 'ignore') continue;
    refusal ??= r.ruleId === undefined ? check : { ...check, ruleId: r.ruleId };
  }
  if (refusal !== undefined) return { kind: 'reject', refusal };
  return { kind: 'apply', late, move: null, counted: m.counted };
}

/** Turns a refusal into the frozen public rejection. */
export function rejection(r: Refusal): MachineRejection {
  return Object.freeze({ ok: false as const, ...r });
}

/** Appends an effect list with its origin. */
export function pushEffects(out: MachineEffect[], list: ReadonlyArray<Effect>, dealId: string, at: string, origin: EffectOrigin): void {
  for (const e of list) {
    out.push(e.params === undefined ? { type: e.type, dealId, at, origin } : { type: e.type, params: e.params, dealId, at, origin });
  }
}

/**
 * Moves a deal (mutable or draft) into stage `to` at `atMs`, appending the transition and keeping
 * status, closedAt, lostAtStageId and lostReason consistent; clears the stalled flag; adds the target
 * stage's `onEnter` effects when the stage changes.
 */
export function moveDeal(
  c: CompiledFunnel,
  deal: Deal,
  view: DealView,
  to: number,
  atMs: number,
  at: string,
  cause: TransitionCause,
  lostReason: string | null,
  effects: MachineEffect[] | null,
): void {
  const cur = view.stageIdx;
  const stage = c.stages[to] as { id: string; onEnter: Effect[] };
  const toCat = c.category[to];
  // a lost reason means a loss (a lose command or silence rule, possibly keeping the stage)
  const status: DealStatus = lostReason !== null || toCat === 'lost' ? 'lost' : toCat === 'won' ? 'won' : 'open';
  const t: Transition = lostReason === null || status !== 'lost' ? { from: deal.stageId, to: stage.id, at, status, cause } : { from: deal.stageId, to: stage.id, at, status, cause, lostReason };
  deal.history.push(t);
  const prev = deal.status;
  if (status === 'won') {
    if (prev !== 'won') deal.closedAt = at;
    deal.lostAtStageId = null;
    deal.lostReason = null;
  } else if (status === 'lost') {
    if (prev !== 'lost') {
      deal.closedAt = at;
      deal.lostAtStageId = c.category[cur] === 'open' ? deal.stageId : deal.lostAtStageId ?? deal.stageId;
    }
    deal.lostReason = lostReason;
  } else {
    deal.closedAt = null;
    deal.lostAtStageId = null;
    deal.lostReason = null;
  }
  deal.status = status;
  deal.stageId = stage.id;
  deal.stalled = null;
  view.status = status;
  view.stalled = false;
  view.lastTransitionMs = atMs;
  if (to !== cur) {
    view.stageIdx = to;
    view.enteredMs = atMs;
    if (effects !== null && stage.onEnter.length > 0) pushEffects(effects, stage.onEnter, deal.id, at, { kind: 'onEnter', stageId: stage.id });
  }
}

/**
 * Records an applied action on a deal and makes its move, if any. A late action's move is stamped
 * at the last transition's time (history stays in time order) with `cause.actionAt` keeping its own.
 */
export function commitAction(
  c: CompiledFunnel,
  deal: Deal,
  view: DealView,
  action: Pick<CustomerAction, 'id' | 'type'>,
  ms: number,
  at: string,
  decision: { readonly late: boolean; readonly move: CompiledRule | null; readonly counted: ReadonlyArray<CompiledRule> },
  effects: MachineEffect[] | null,
): void {
  deal.actions.push({ id: action.id, type: action.type, at });
  if (decision.counted.length > 0) {
    const counts = deal.triggerCounts;
    for (const r of decision.counted) counts[r.ruleId as string] = (counts[r.ruleId as string] ?? 0) + 1;
  }
  if (ms > view.lastActionMs) view.lastActionMs = ms;
  if (deal.stalled !== null && at >= deal.stalled.since) {
    deal.stalled = null;
    view.stalled = false;
  }
  const r = decision.move;
  if (r === null) return;
  const late = ms < view.lastTransitionMs;
  const atMs = late ? view.lastTransitionMs : ms;
  const atT = late ? new Date(atMs).toISOString() : at;
  const cause: TransitionCause = { type: 'action', actionId: action.id, actionType: action.type };
  if (r.ruleId !== undefined) cause.ruleId = r.ruleId;
  if (late) cause.actionAt = at;
  if (effects !== null && r.effects.length > 0) pushEffects(effects, r.effects, deal.id, atT, { kind: 'trigger', ruleId: r.ruleId as string });
  moveDeal(c, deal, view, r.to, atMs, atT, cause, r.lostReason, effects);
}

/** Largest number of silence-rule applications in one evaluation (a guard against move cycles). */
export const MAX_SILENCE_STEPS = 1000;

/**
 * Applies the silence rules due at `nowMs`, in the order they became due, each stamped at its due
 * time: `flag` sets `stalled`; `lose` loses the deal (into the first lost stage, if any); `move` moves
 * it (silence moves bypass skip/backward/required rules, as CRM workflows do). After a move the new
 * stage's rules are evaluated again, up to {@link MAX_SILENCE_STEPS} applications. Returns the number
 * of rules applied.
 */
export function commitSilence(c: CompiledFunnel, deal: Deal, view: DealView, nowMs: number, effects: MachineEffect[] | null): number {
  if (view.status !== 'open' || nowMs - (view.lastActionMs > view.lastTransitionMs ? view.lastActionMs : view.lastTransitionMs) < c.minSilenceMs) return 0;
  let applied = 0;
  outer: while (applied < MAX_SILENCE_STEPS) {
    const due = dueSilence(c, view, nowMs);
    if (due.length === 0) break;
    for (const d of due) {
      const rule = d.s.rule;
      const at = new Date(d.dueMs).toISOString();
      const then = rule.then;
      if (then.type === 'move' && d.s.to === view.stageIdx) continue;
      applied++;
      if (effects !== null) pushEffects(effects, rule.effects, deal.id, at, { kind: 'silence', ruleId: rule.id });
      if (then.type === 'flag') {
        deal.stalled = { since: at, ruleId: rule.id };
        view.stalled = true;
        continue;
      }
      const cause: TransitionCause = { type: 'timeout', ruleId: rule.id };
      if (then.type === 'lose') moveDeal(c, deal, view, c.firstLost >= 0 ? c.firstLost : view.stageIdx, d.dueMs, at, cause, then.reason, effects);
      else moveDeal(c, deal, view, d.s.to, d.dueMs, at, cause, null, effects);
      continue outer;
    }
    break;
  }
  return applied;
}

/** Checks an action's shape and returns its time in ms; FunnelErrors name the row `index` (or `action`). */
export function checkAction(c: CompiledFunnel, action: CustomerAction, index: number | null): number {
  if (typeof action !== 'object' || action === null) fail('INVALID_INPUT', 'a customer action object', action, index === null ? ['action'] : [index]);
  if (typeof action.id !== 'string' || action.id === '') fail('INVALID_INPUT', 'a non-empty action id', action.id, rowPath(index, 'id'));
  if (typeof action.type !== 'string' || action.type === '') fail('INVALID_INPUT', 'a non-empty action type', action.type, rowPath(index, 'type'));
  const ms = msOrNaN(action.at);
  if (Number.isNaN(ms)) failDate(action.at, rowPath(index, 'at'));
  if (c.known !== null && !c.known.has(action.type)) {
    fail('UNKNOWN_ACTION', `an action type the funnel knows (policy.unknownActions is 'reject')`, action.type, rowPath(index, 'type'));
  }
  return ms;
}

function rowPath(index: number | null, field: string): (string | number)[] {
  return index === null ? ['action', field] : [index, field];
}

/**
 * Freezes a deal built by the machine (known shape: no generic key walk for history and actions;
 * attributes and amount are frozen deeply).
 */
export function freezeDeal(deal: Deal): Deal {
  const h = deal.history;
  for (let i = 0; i < h.length; i++) {
    const t = h[i] as Transition;
    if (!Object.isFrozen(t)) {
      Object.freeze(t.cause);
      Object.freeze(t);
    }
  }
  const a = deal.actions;
  for (let i = 0; i < a.length; i++) Object.freeze(a[i]);
  Object.freeze(h);
  Object.freeze(a);
  deepFreeze(deal.attributes);
  if (deal.amount !== null) Object.freeze(deal.amount);
  if (deal.stalled !== null) Object.freeze(deal.stalled);
  Object.freeze(deal.triggerCounts);
  return Object.freeze(deal);
}

/** Freezes a list of effects built by the machine (each effect and its origin; params come frozen from the funnel). */
export function freezeEffects(effects: MachineEffect[]): ReadonlyArray<MachineEffect> {
  for (const e of effects) {
    Object.freeze(e.origin);
    Object.freeze(e);
  }
  return Object.freeze(effects);
}

/**
 * The base immer may share with its result. Immer freezes every subtree it shares, so a deal that is
 * not frozen (not made by the machine or `parseDeal`) is copied first: the caller's objects are never
 * frozen in place.
 */
export function ownedBase(deal: Deal): Deal {
  if (Object.isFrozen(deal) && Object.isFrozen(deal.history) && Object.isFrozen(deal.actions) && Object.isFrozen(deal.attributes)) return deal;
  try {
    return clonePlain(deal);
  } catch (cause) {
    return fail('INVALID_INPUT', 'a deal made of plain data', cause instanceof Error ? cause.message : cause, ['deal']);
  }
}
