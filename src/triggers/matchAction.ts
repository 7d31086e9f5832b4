import type { CustomerAction } from '../model/action.js';
import type { Effect } from '../model/common.js';
import type { Deal } from '../model/deal.js';
import type { Funnel } from '../model/funnel.js';
import { compileFunnel } from './compileFunnel.js';
import { dealView } from './dealView.js';
import { matchCandidates } from './matchCandidates.js';
import { toMs } from './time.js';

/**
 * Options for matching a customer action: the lead score, for trigger rules with `minScore`.
 *
 * @category Triggers
 * @since 0.1.0
 */
export interface MatchOptions {
  /** The lead score to compare with `minScore` (e.g. `scoreLead(...).score`). */
  readonly score?: number;
  /** Computes the lead score when a rule with `minScore` needs it (called at most once per action). */
  readonly scoreOf?: (deal: Deal, action: CustomerAction) => number;
}

/**
 * A move a customer action asks for: the target stage, the trigger rule (or the stage's own
 * `actions`), its priority and effects.
 *
 * @category Triggers
 * @since 0.1.0
 */
export interface TriggerMatch {
  /** The stage the action would move the deal into. */
  readonly to: string;
  /** The trigger rule's id; `null` when the target stage's own `actions` matched. */
  readonly ruleId: string | null;
  /** The rule's priority (0 for stage actions). */
  readonly priority: number;
  /** The rule's effects (stage `onEnter` effects are added by the machine when the move happens). */
  readonly effects: ReadonlyArray<Effect>;
}

/**
 * The moves a customer action asks for, for a deal in its current state, best first — before the
 * movement policy is applied (the machine then takes the first one the policy allows). A stage's own
 * `actions` move a deal into that stage from any stage; a trigger rule matches when its action type
 * matches, all `where` predicates hold on the action's `properties`, the action is at least the
 * `count`-th matching one for the deal (this one included), it falls `within` the given days of
 * entering the current stage (or of the deal's creation), the lead score reaches `minScore`, and the
 * deal's current stage satisfies `from` (`previous`: the stage just before the target on the path of
 * open and won stages; `anyEarlier`: any earlier one; `any`; or a list).
 *
 * Order: `priority` (higher first), then the furthest target (a lost stage counts as furthest), then
 * definition order (trigger rules in their order, then stage actions in stage order).
 *
 * @param funnel - the parsed funnel
 * @param deal - the deal the action belongs to
 * @param action - the customer action
 * @param options - the lead score for `minScore` rules
 * @returns the candidate moves, possibly empty
 * @throws FunnelError INVALID_DATE for an invalid action time; INVALID_OPTION when a `minScore` rule
 *   matches and no score was given
 * @category Triggers
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B', stages: [
 *   { id: 'request', name: 'Request', actions: ['request.submitted'] },
 *   { id: 'talk', name: 'Talk', actions: ['call.answered'] },
 *   { id: 'paid', name: 'Paid', category: 'won', actions: ['invoice.paid'] },
 * ], triggers: [{ id: 'big', action: 'call.answered', where: [{ field: 'budget', op: 'gte', value: 10000 }], to: 'paid', priority: 1 }] });
 * const r = createDeal(funnel, { id: 'd1', createdAt: '2026-03-01' });
 * const deal = r.ok ? r.deal : null!;
 * matchAction(funnel, deal, { id: 'a1', type: 'call.answered', at: '2026-03-02T00:00:00.000Z', dealId: 'd1', properties: { budget: 20000 } }).map((m) => m.to) // => ['paid', 'talk']
 * matchAction(funnel, deal, { id: 'a2', type: 'call.answered', at: '2026-03-02T00:00:00.000Z', dealId: 'd1' }).map((m) => m.to) // => ['talk']
 * ```
 */
export function matchAction(funnel: Funnel, deal: Deal, action: CustomerAction, options?: MatchOptions): TriggerMatch[] {
  const c = compileFunnel(funnel);
  const view = dealView(c, deal);
  const ms = toMs(action.at, ['action', 'at']);
  const score = scoreGetter(options, deal, action);
  return matchCandidates(c, view, action.type, action.properties, ms, score).candidates.map((r) => ({
    to: (c.stages[r.to] as { id: string }).id,
    ruleId: r.ruleId ?? null,
    priority: r.priority,
    effects: r.effects,
  }));
}

/** Turns the score options into a lazy getter. @internal */
export function scoreGetter(options: MatchOptions | undefined, deal: Deal, action: CustomerAction): (() => number) | undefined {
  if (options?.score !== undefined) {
    const s = options.score;
    return () => s;
  }
  const f = options?.scoreOf;
  return f === undefined ? undefined : () => f(deal, action);
}
