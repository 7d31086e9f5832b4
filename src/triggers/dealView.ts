import { fail } from '../errors/FunnelError.js';
import type { Deal, DealStatus } from '../model/deal.js';
import { stageIndexOf, type CompiledFunnel } from './compileFunnel.js';
import { toMs } from './time.js';

/** What matching and silence need to know about a deal, as numbers. @internal */
export interface DealView {
  stageIdx: number;
  status: DealStatus;
  createdMs: number;
  /** When the deal entered its current stage (the last transition that changed the stage, or creation). */
  enteredMs: number;
  /** Time of the last transition (or creation). */
  lastTransitionMs: number;
  /** Time of the latest recorded customer action; -Infinity when none. */
  lastActionMs: number;
  stalled: boolean;
  counts: Readonly<Record<string, number>>;
}

/**
 * Reads a deal into a {@link DealView}, checking that it belongs to the funnel. Cost: O(history +
 * actions). @internal
 */
export function dealView(c: CompiledFunnel, deal: Deal): DealView {
  if (typeof deal !== 'object' || deal === null) fail('INVALID_INPUT', 'a deal', deal, ['deal']);
  if (deal.funnelId !== c.funnel.id) fail('INVALID_INPUT', `a deal of funnel "${c.funnel.id}"`, deal.funnelId, ['deal', 'funnelId']);
  const stageIdx = stageIndexOf(c, deal.stageId, ['deal', 'stageId']);
  const createdMs = toMs(deal.createdAt, ['deal', 'createdAt']);
  const history = Array.isArray(deal.history) ? deal.history : [];
  let enteredMs = createdMs;
  let lastTransitionMs = createdMs;
  const last = history[history.length - 1];
  if (last !== undefined) lastTransitionMs = toMs(last.at, ['deal', 'history', history.length - 1, 'at']);
  for (let i = history.length - 1; i >= 0; i--) {
    const t = history[i];
    if (t !== undefined && t.to === deal.stageId && t.from !== t.to) {
      enteredMs = toMs(t.at, ['deal', 'history', i, 'at']);
      break;
    }
  }
  let lastActionMs = Number.NEGATIVE_INFINITY;
  const actions = Array.isArray(deal.actions) ? deal.actions : [];
  for (let i = 0; i < actions.length; i++) {
    const ms = toMs(actions[i]?.at, ['deal', 'actions', i, 'at']);
    if (ms > lastActionMs) lastActionMs = ms;
  }
  return {
    stageIdx,
    status: deal.status,
    createdMs,
    enteredMs,
    lastTransitionMs,
    lastActionMs,
    stalled: deal.stalled !== null && deal.stalled !== undefined,
    counts: deal.triggerCounts ?? {},
  };
}
