import type { CompiledFunnel, CompiledSilence } from './compileFunnel.js';
import type { DealView } from './dealView.js';

/** A silence rule that is due for a deal, and when it became due. @internal */
export interface DueSilence {
  readonly s: CompiledSilence;
  readonly dueMs: number;
}

/**
 * The silence rules due for a deal at `nowMs`, in the order they became due (ties: definition order).
 * Only open deals; a rule applies in its `stages` (default: every open stage); the idle time starts at
 * the later of the last customer action and the deal's last transition (entering the current stage,
 * a reopen); a `flag` rule is not due
 * while the deal is already stalled. @internal
 */
export function dueSilence(c: CompiledFunnel, view: DealView, nowMs: number): DueSilence[] {
  if (view.status !== 'open' || c.silence.length === 0) return [];
  const start = view.lastActionMs > view.lastTransitionMs ? view.lastActionMs : view.lastTransitionMs;
  let out: DueSilence[] | undefined;
  for (const s of c.silence) {
    if (s.stages === null ? c.category[view.stageIdx] !== 'open' : !s.stages.has(view.stageIdx)) continue;
    if (s.rule.then.type === 'flag' && view.stalled) continue;
    const dueMs = start + s.afterMs;
    if (dueMs <= nowMs) (out ??= []).push({ s, dueMs });
  }
  if (out === undefined) return [];
  return out.sort((a, b) => a.dueMs - b.dueMs || a.s.order - b.s.order);
}
