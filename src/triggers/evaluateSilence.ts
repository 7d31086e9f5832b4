import type { Effect } from '../model/common.js';
import type { Deal } from '../model/deal.js';
import type { Funnel, SilenceRule } from '../model/funnel.js';
import type { TimestampInput } from '../model/time.js';
import { compileFunnel } from './compileFunnel.js';
import { dealView } from './dealView.js';
import { dueSilence } from './dueSilence.js';
import { toMs } from './time.js';

/**
 * A silence rule that is due for a deal: which rule, when it became due, what it does and the effects
 * it asks the host to run.
 *
 * @category Triggers
 * @since 0.1.0
 */
export interface SilenceDue {
  /** The silence rule's id. */
  readonly ruleId: string;
  /** When the rule became due: the start of the silence plus `afterDays` (UTC ISO string). */
  readonly dueAt: string;
  /** The idle time at `now`, in days (from the start of the silence). */
  readonly idleDays: number;
  /** What the rule does: flag as stalled, lose with a reason, or move to a stage. */
  readonly then: SilenceRule['then'];
  /** The effects the rule returns (never run). */
  readonly effects: ReadonlyArray<Effect>;
}

/**
 * Which silence rules are due for a deal at `now`, without changing the deal (use `applySilence` to
 * apply them). A rule is due when the deal is open, sits in one of the rule's `stages` (default: any
 * open stage), and has been idle for at least `afterDays`: idle time runs from the **later** of the
 * last customer action recorded on the deal and its last transition (the moment it entered its
 * current stage, or was reopened). A `flag`
 * rule is not due again while the deal is already stalled. The rules come in the order they became
 * due (ties: definition order); only the current stage is considered (what happens after a move is
 * `applySilence`'s job).
 *
 * Cost: O(rules + the deal's history and actions).
 *
 * @param funnel - the parsed funnel
 * @param deal - the deal
 * @param now - the instant to evaluate at (never the clock)
 * @returns the due rules, possibly empty
 * @throws FunnelError INVALID_DATE when `now` is not a valid instant, UNKNOWN_STAGE when the deal's
 *   stage is not in the funnel
 * @category Triggers
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B',
 *   stages: [{ id: 'request', name: 'Request' }, { id: 'paid', name: 'Paid', category: 'won' }],
 *   silence: [{ id: 'quiet', afterDays: 7, then: { type: 'flag' } }, { id: 'gone', afterDays: 30, then: { type: 'lose', reason: 'no-response' } }],
 * });
 * const created = createDeal(funnel, { id: 'd1', createdAt: '2026-03-01' });
 * const due = evaluateSilence(funnel, created.ok ? created.deal : null!, '2026-03-10');
 * due.map((d) => d.ruleId) // => ['quiet']
 * due[0].dueAt // => '2026-03-08T00:00:00.000Z'
 * ```
 */
export function evaluateSilence(funnel: Funnel, deal: Deal, now: TimestampInput): SilenceDue[] {
  const c = compileFunnel(funnel);
  const nowMs = toMs(now, ['now']);
  const view = dealView(c, deal);
  const start = Math.max(view.lastActionMs, view.lastTransitionMs);
  return dueSilence(c, view, nowMs).map((d) => ({
    ruleId: d.s.rule.id,
    dueAt: new Date(d.dueMs).toISOString(),
    idleDays: (nowMs - start) / 86_400_000,
    then: d.s.rule.then,
    effects: d.s.rule.effects,
  }));
}
