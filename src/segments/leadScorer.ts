import type { CustomerAction, Deal, LeadScoring } from '../model/index.js';
import { scoreLead } from './scoreLead.js';
import type { SubjectAction } from './subject.js';

/**
 * Options of {@link leadScorer}.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface LeadScorerOptions {
  /**
   * The customer's earlier actions with their properties, for a deal (default: the deal's applied
   * action references, which carry no properties — enough unless rules use `where`).
   */
  readonly actionsOf?: ((deal: Deal) => ReadonlyArray<SubjectAction>) | undefined;
}

/**
 * A lead-score function for the deal state machine's `scoreOf` option, so a trigger's `minScore` can
 * gate a move: it scores the deal's attributes and its actions so far plus the incoming action, as of
 * the incoming action's time — `scoreLead(model, { attributes, actions: [...earlier, action] }, { now: action.at }).score`.
 *
 * @param model - the lead-scoring model (usually the funnel's `scoring`)
 * @param options - {@link LeadScorerOptions}
 * @returns `(deal, action) => score`, for `applyAction(…, { scoreOf })` and `replay(…, { scoreOf })`
 * @category Segments
 * @since 0.1.0
 * @example
 * ```ts
 * const scoreOf = leadScorer({ thresholds: { mql: 10, sql: 20 }, rules: [{ id: 'v', points: 5, action: 'page.viewed' }] });
 * const deal = parseDeal({ id: 'd1', funnelId: 'f', createdAt: '2026-03-01', stageId: 'request',
 *   actions: [{ id: 'a1', type: 'page.viewed', at: '2026-03-01' }] });
 * scoreOf(deal, parseCustomerAction({ id: 'a2', type: 'page.viewed', at: '2026-03-02', dealId: 'd1' })) // => 10
 * ```
 */
export function leadScorer(model: LeadScoring, options?: LeadScorerOptions): (deal: Deal, action: CustomerAction) => number {
  const actionsOf = options?.actionsOf;
  return (deal, action) => {
    const earlier = actionsOf === undefined ? deal.actions : actionsOf(deal);
    return scoreLead(model, { attributes: deal.attributes, actions: [...earlier, action] }, { now: action.at }).score;
  };
}
