import { fail } from '../errors/FunnelError.js';
import type { CustomerAction } from '../model/action.js';
import type { Deal } from '../model/deal.js';
import type { Funnel } from '../model/funnel.js';
import { compileFunnel } from '../triggers/compileFunnel.js';
import { dealView } from '../triggers/dealView.js';
import { scoreGetter, type MatchOptions } from '../triggers/matchAction.js';
import { toIso } from '../triggers/time.js';
import { checkAction, commitAction, decideAction, rejection, freezeEffects, ownedBase } from './engine.js';
import { immer } from './immer.js';
import type { MachineEffect, MachineResult } from './MachineResult.js';

/**
 * Options for {@link applyAction}: the lead score for trigger rules with `minScore`.
 *
 * @category Machine
 * @since 0.1.0
 */
export interface ApplyActionOptions extends MatchOptions {}

/**
 * Applies one customer action to a deal — the live, one-deal-at-a-time machine. Pure: the input deal
 * is never mutated; the returned deal is a new frozen value (built on a private immer instance).
 *
 * What happens, in order:
 * 1. **Idempotency** — an action whose `id` is already in `deal.actions` changes nothing
 *    (`ok: true`, outcome `duplicate`, the same deal back).
 * 2. **Matching** — the stage whose `actions` include the type, and every trigger rule that matches
 *    (see `matchAction`), in priority order: `priority` desc, furthest target, definition order.
 * 3. **Policy** — the first candidate the policy allows wins. Candidates that would move the deal
 *    backwards (without `policy.allowBackward`), move a won deal back into an open stage, or target
 *    the current stage are silently passed over (a repeated earlier action is normal). If no
 *    candidate is allowed and one was refused (skip forbidden, missing required attributes — unless
 *    `policy.requiredOnAutomaticMoves` is `'ignore'` —, or the deal is lost), the result is
 *    `{ ok: false, reason }` and the deal is unchanged (the action is not recorded).
 * 4. **Recording** — otherwise the action is appended to `deal.actions` (even when it moves
 *    nothing: `ok: true`, outcome `recorded`), the counters of `count` rules advance, a stalled flag
 *    older than the action is cleared, and the move is made: one transition whose cause names the
 *    action and the rule (`ruleId`, absent for a stage's own action). Effects: the rule's `effects`,
 *    then the entered stage's `onEnter`.
 * 5. **Late actions** — an action older than the deal's last transition: with `policy.lateActions`
 *    `'apply'` (default) it is recorded and may still move the deal, but the transition is stamped at
 *    the last transition's time (`cause.actionAt` keeps the action's own time), so history never
 *    goes back in time; with `'ignore'` it is recorded and never moves the deal.
 *
 * Ties: actions with equal times are applied in the order given; `replay` orders them by action id.
 *
 * @param funnel - the parsed funnel
 * @param deal - the deal (of this funnel)
 * @param action - the customer action (`dealId`, when given, must be the deal's id)
 * @param options - the lead score for `minScore` rules
 * @returns `{ ok: true, deal, transitions, effects, outcome, late }` or `{ ok: false, reason, message }`
 * @throws FunnelError INVALID_DATE for an action time that is not an instant (NaN),
 *   UNKNOWN_ACTION for an action type the funnel does not know when `policy.unknownActions` is
 *   `'reject'`, INVALID_INPUT for a malformed action or a deal of another funnel
 * @category Machine
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B', stages: [
 *   { id: 'request', name: 'Request', actions: ['request.submitted'] },
 *   { id: 'answered', name: 'Callback answered', actions: ['call.answered'] },
 *   { id: 'paid', name: 'Paid', category: 'won', actions: ['invoice.paid'] },
 * ] });
 * const created = createDeal(funnel, { id: 'd1', createdAt: '2026-03-01' });
 * const deal = created.ok ? created.deal : null!;
 * const r = applyAction(funnel, deal, { id: 'a1', type: 'call.answered', at: '2026-03-02T10:00:00.000Z', dealId: 'd1' });
 * r.ok && r.deal.stageId // => 'answered'
 * r.ok && r.transitions[0].cause // => { type: 'action', actionId: 'a1', actionType: 'call.answered' }
 * deal.stageId // => 'request'
 * const won = r.ok ? applyAction(funnel, r.deal, { id: 'a2', type: 'invoice.paid', at: '2026-03-09T00:00:00.000Z', dealId: 'd1' }) : r;
 * won.ok && [won.deal.status, won.deal.closedAt] // => ['won', '2026-03-09T00:00:00.000Z']
 * ```
 */
export function applyAction(funnel: Funnel, deal: Deal, action: CustomerAction, options?: ApplyActionOptions): MachineResult {
  const c = compileFunnel(funnel);
  const ms = checkAction(c, action, null);
  const view = dealView(c, deal);
  if (action.dealId !== undefined && action.dealId !== deal.id) {
    fail('INVALID_INPUT', `the deal's id "${deal.id}"`, action.dealId, ['action', 'dealId']);
  }
  for (const a of deal.actions) {
    if (a.id === action.id) return Object.freeze({ ok: true as const, deal, transitions: [], effects: [], outcome: 'duplicate' as const, late: false });
  }
  const decision = decideAction(c, view, deal.attributes, action.type, action.properties, ms, scoreGetter(options, deal, action));
  if (decision.kind === 'reject') return rejection(decision.refusal);
  if (decision.kind === 'duplicate') return Object.freeze({ ok: true as const, deal, transitions: [], effects: [], outcome: 'duplicate' as const, late: false });
  const at = toIso(action.at, ms);
  const effects: MachineEffect[] = [];
  const before = deal.history.length;
  const next = immer.produce(ownedBase(deal), (draft) => {
    commitAction(c, draft as Deal, view, action, ms, at, decision, effects);
  });
  const transitions = next.history.slice(before);
  return Object.freeze({
    ok: true as const,
    deal: next,
    transitions: Object.freeze(transitions),
    effects: freezeEffects(effects),
    outcome: transitions.length > 0 ? ('moved' as const) : ('recorded' as const),
    late: decision.late,
  });
}
