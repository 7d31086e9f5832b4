import type { Deal } from '../model/deal.js';
import type { Funnel } from '../model/funnel.js';
import type { TimestampInput } from '../model/time.js';
import { compileFunnel } from '../triggers/compileFunnel.js';
import { dealView } from '../triggers/dealView.js';
import { dueSilence } from '../triggers/dueSilence.js';
import { toMs } from '../triggers/time.js';
import { commitSilence, freezeEffects, ownedBase } from './engine.js';
import { immer } from './immer.js';
import type { MachineEffect, MachineSuccess } from './MachineResult.js';

/**
 * Applies the funnel's silence rules to a deal at an explicit `now` (never the clock): "no customer
 * action for N days → flag as stalled / lose with a reason / move to a stage".
 *
 * - Idle time runs from the later of the last customer action and the deal's last transition.
 * - Due rules apply in the order they became due (ties: definition order), each **stamped at its due
 *   time** (start of silence + `afterDays`), not at `now` — so the result does not depend on how
 *   often the host evaluates.
 * - `flag` sets `deal.stalled = { since, ruleId }` (not again while stalled); `lose` moves the deal
 *   into the funnel's first lost stage (or keeps its stage when there is none) with the rule's
 *   reason; `move` moves it to the rule's stage. Silence moves bypass the skip, backward and required
 *   rules (like CRM workflows, which bypass HubSpot's pipeline rules).
 * - After a move the new stage's rules are evaluated again (the new silence starts at the move), up to
 *   1,000 rule applications per call.
 * - Only open deals; effects of every applied rule are returned (never run).
 *
 * @param funnel - the parsed funnel
 * @param deal - the deal
 * @param now - the instant to evaluate at
 * @returns always `ok: true`; outcome `moved`, `flagged` or `unchanged`
 * @throws FunnelError INVALID_DATE for an invalid `now`
 * @category Machine
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B',
 *   stages: [{ id: 'request', name: 'Request' }, { id: 'paid', name: 'Paid', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' }],
 *   silence: [{ id: 'quiet', afterDays: 7, then: { type: 'flag' } }, { id: 'gone', afterDays: 30, then: { type: 'lose', reason: 'no-response' } }],
 * });
 * const c = createDeal(funnel, { id: 'd1', createdAt: '2026-03-01' });
 * const r = c.ok ? applySilence(funnel, c.deal, '2026-04-15') : null!;
 * [r.deal.status, r.deal.lostReason, r.deal.closedAt] // => ['lost', 'no-response', '2026-03-31T00:00:00.000Z']
 * r.deal.history[1].cause // => { type: 'timeout', ruleId: 'gone' }
 * ```
 */
export function applySilence(funnel: Funnel, deal: Deal, now: TimestampInput): MachineSuccess {
  const c = compileFunnel(funnel);
  const nowMs = toMs(now, ['now']);
  const view = dealView(c, deal);
  if (dueSilence(c, view, nowMs).length === 0) return Object.freeze({ ok: true as const, deal, transitions: [], effects: [], outcome: 'unchanged' as const, late: false });
  const effects: MachineEffect[] = [];
  const before = deal.history.length;
  const base = ownedBase(deal);
  const next = immer.produce(base, (draft) => {
    commitSilence(c, draft as Deal, view, nowMs, effects);
  });
  const transitions = next.history.slice(before);
  if (next === base) return Object.freeze({ ok: true as const, deal, transitions: [], effects: [], outcome: 'unchanged' as const, late: false });
  return Object.freeze({
    ok: true as const,
    deal: next,
    transitions: Object.freeze(transitions),
    effects: freezeEffects(effects),
    outcome: transitions.length > 0 ? ('moved' as const) : ('flagged' as const),
    late: false,
  });
}
