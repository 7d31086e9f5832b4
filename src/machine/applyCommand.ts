import { fail } from '../errors/FunnelError.js';
import type { Deal, TransitionCause } from '../model/deal.js';
import type { Funnel } from '../model/funnel.js';
import type { TimestampInput } from '../model/time.js';
import { stageIndexOf, compileFunnel, type CompiledFunnel } from '../triggers/compileFunnel.js';
import { dealView, type DealView } from '../triggers/dealView.js';
import { toIso, toMs } from '../triggers/time.js';
import { checkMove, moveDeal, rejection, type Refusal, freezeEffects, ownedBase } from './engine.js';
import { immer } from './immer.js';
import type { MachineEffect, MachineResult } from './MachineResult.js';

/**
 * Fields every {@link DealCommand} carries: when, and optionally who.
 *
 * @category Machine
 * @since 0.1.0
 */
export interface CommandBase {
  /** When the command happened (commands are facts too; the clock is never read). */
  readonly at: TimestampInput;
  /** Who issued it (recorded in the transition's cause). */
  readonly actor?: string;
}

/**
 * A manual command on a deal, discriminated by `type`:
 * - `{ type: 'moveTo', stageId, at }` — move to an open or won stage (policy: skip, backward,
 *   required fields; a lost stage is reached with `lose`);
 * - `{ type: 'win', at, stageId? }` — move into a won stage (default: the first won stage), same policy;
 * - `{ type: 'lose', at, reason, stageId? }` — lose the deal: it moves into `stageId` or the funnel's
 *   first lost stage, or keeps its stage when the funnel has none; always allowed for an open deal;
 * - `{ type: 'reopen', at, stageId? }` — reopen a won or lost deal (`policy.allowReopen`) into
 *   `stageId` (an open stage) or, by default, the stage it was lost at / the last open stage before
 *   it was won.
 *
 * @category Machine
 * @since 0.1.0
 */
export type DealCommand =
  | (CommandBase & { readonly type: 'moveTo'; readonly stageId: string })
  | (CommandBase & { readonly type: 'win'; readonly stageId?: string })
  | (CommandBase & { readonly type: 'lose'; readonly reason: string; readonly stageId?: string })
  | (CommandBase & { readonly type: 'reopen'; readonly stageId?: string });

function lastOpenStage(c: CompiledFunnel, deal: Deal): number {
  if (deal.lostAtStageId !== null) {
    const i = c.stageIndex.get(deal.lostAtStageId);
    if (i !== undefined && c.category[i] === 'open') return i;
  }
  for (let k = deal.history.length - 1; k >= 0; k--) {
    const i = c.stageIndex.get((deal.history[k] as { to: string }).to);
    if (i !== undefined && c.category[i] === 'open') return i;
  }
  return c.creation[0] as number;
}

type Plan = { to: number; lostReason: string | null } | Refusal | 'same';

function plan(c: CompiledFunnel, deal: Deal, view: DealView, command: DealCommand): Plan {
  const policy = c.funnel.policy;
  switch (command.type) {
    case 'moveTo': {
      const to = stageIndexOf(c, command.stageId, ['command', 'stageId']);
      if (c.category[to] === 'lost') fail('INVALID_INPUT', `an open or won stage (use { type: 'lose', reason } to lose a deal)`, command.stageId, ['command', 'stageId']);
      const check = checkMove(c, view, deal.attributes, to, false);
      return check === 'ok' ? { to, lostReason: null } : check === 'same' ? 'same' : (check as Refusal);
    }
    case 'win': {
      const to = command.stageId === undefined ? c.firstWon : stageIndexOf(c, command.stageId, ['command', 'stageId']);
      if (c.category[to] !== 'won') fail('INVALID_INPUT', 'a won stage', command.stageId, ['command', 'stageId']);
      if (view.status !== 'open') return { reason: 'DEAL_CLOSED', message: `the deal is already ${view.status}`, stageId: (c.stages[to] as { id: string }).id };
      const check = checkMove(c, view, deal.attributes, to, false);
      return check === 'ok' ? { to, lostReason: null } : (check as Refusal);
    }
    case 'lose': {
      if (typeof command.reason !== 'string' || command.reason === '') fail('INVALID_INPUT', 'a non-empty lost reason', command.reason, ['command', 'reason']);
      const reasons = c.funnel.lostReasons;
      if (reasons.length > 0 && !reasons.some((r) => r.id === command.reason)) {
        fail('INVALID_INPUT', `one of the funnel's lost reasons (${reasons.map((r) => r.id).join(', ')})`, command.reason, ['command', 'reason']);
      }
      let to = c.firstLost >= 0 ? c.firstLost : view.stageIdx;
      if (command.stageId !== undefined) {
        to = stageIndexOf(c, command.stageId, ['command', 'stageId']);
        if (c.category[to] !== 'lost') fail('INVALID_INPUT', 'a lost stage', command.stageId, ['command', 'stageId']);
      }
      if (view.status !== 'open') return { reason: 'DEAL_CLOSED', message: `the deal is already ${view.status}` };
      return { to, lostReason: command.reason };
    }
    case 'reopen': {
      let to: number;
      if (command.stageId !== undefined) {
        to = stageIndexOf(c, command.stageId, ['command', 'stageId']);
        if (c.category[to] !== 'open') fail('INVALID_INPUT', 'an open stage', command.stageId, ['command', 'stageId']);
      } else to = lastOpenStage(c, deal);
      if (!policy.allowReopen) return { reason: 'REOPEN_FORBIDDEN', message: 'reopening deals is not allowed (policy.allowReopen is false)' };
      if (view.status === 'open') return { reason: 'NOT_CLOSED', message: 'the deal is open' };
      return { to, lostReason: null };
    }
    default:
      return fail('INVALID_INPUT', "a command type: 'moveTo', 'win', 'lose' or 'reopen'", (command as { type?: unknown }).type, ['command', 'type']);
  }
}

/**
 * Applies a manual command (move to, win, lose with a reason, reopen) to a deal. Pure: the input is
 * never mutated; the result's deal is frozen. Commands follow the movement policy like customer
 * actions do, but a forbidden move is always a refusal (never silently passed over):
 * `NOT_ALLOWED_BACKWARD`, `SKIP_FORBIDDEN`, `MISSING_REQUIRED` (required fields always apply to
 * commands), `DEAL_CLOSED`, `REOPEN_FORBIDDEN`, `NOT_CLOSED`, and `OUT_OF_ORDER` for a command older
 * than the deal's last transition.
 *
 * Status bookkeeping: a move into a won stage sets `status: 'won'` and `closedAt` (later post-sale
 * won stages keep `closedAt`); a loss sets `status: 'lost'`, `closedAt`, `lostReason`, and
 * `lostAtStageId` = the open stage the deal was in; a reopen sets `status: 'open'` and clears
 * `closedAt`, `lostReason` and `lostAtStageId` (the history keeps them). Every command clears
 * `stalled`. A `moveTo` the current stage is `ok: true` with outcome `unchanged`.
 *
 * @param funnel - the parsed funnel
 * @param deal - the deal
 * @param command - the command (see {@link DealCommand})
 * @returns `{ ok: true, deal, transitions, effects }` or `{ ok: false, reason, message }`
 * @throws FunnelError UNKNOWN_STAGE for a `stageId` the funnel does not have (path `command.stageId`),
 *   INVALID_INPUT for a malformed command (a lost stage in `moveTo`, a reason not in the catalogue),
 *   INVALID_DATE for an invalid `at`
 * @category Machine
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B', stages: [
 *   { id: 'request', name: 'Request' }, { id: 'proposal', name: 'Proposal' },
 *   { id: 'paid', name: 'Paid', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' },
 * ], lostReasons: [{ id: 'price', name: 'Too expensive' }] });
 * const d0 = createDeal(funnel, { id: 'd1', createdAt: '2026-03-01' });
 * const d1 = d0.ok ? applyCommand(funnel, d0.deal, { type: 'moveTo', stageId: 'proposal', at: '2026-03-03' }) : d0;
 * const lost = d1.ok ? applyCommand(funnel, d1.deal, { type: 'lose', reason: 'price', at: '2026-03-05' }) : d1;
 * lost.ok && [lost.deal.stageId, lost.deal.status, lost.deal.lostAtStageId, lost.deal.lostReason] // => ['lost', 'lost', 'proposal', 'price']
 * const back = lost.ok ? applyCommand(funnel, lost.deal, { type: 'moveTo', stageId: 'request', at: '2026-03-06' }) : lost;
 * back.ok ? null : back.reason // => 'DEAL_CLOSED'
 * ```
 */
export function applyCommand(funnel: Funnel, deal: Deal, command: DealCommand): MachineResult {
  const c = compileFunnel(funnel);
  if (typeof command !== 'object' || command === null) fail('INVALID_INPUT', 'a command object', command, ['command']);
  const ms = toMs(command.at, ['command', 'at']);
  const view = dealView(c, deal);
  const p = plan(c, deal, view, command);
  if (p === 'same') return Object.freeze({ ok: true as const, deal, transitions: [], effects: [], outcome: 'unchanged' as const, late: false });
  if ('reason' in p) return rejection(p);
  if (ms < view.lastTransitionMs) {
    return rejection({ reason: 'OUT_OF_ORDER', message: `the command at ${new Date(ms).toISOString()} is older than the deal's last transition`, stageId: (c.stages[p.to] as { id: string }).id });
  }
  const at = toIso(command.at, ms);
  const cause: TransitionCause =
    command.actor === undefined ? { type: 'command', command: command.type } : { type: 'command', command: command.type, actor: command.actor };
  const effects: MachineEffect[] = [];
  const before = deal.history.length;
  const next = immer.produce(ownedBase(deal), (draft) => {
    moveDeal(c, draft as Deal, view, p.to, ms, at, cause, p.lostReason, effects);
  });
  return Object.freeze({
    ok: true as const,
    deal: next,
    transitions: Object.freeze(next.history.slice(before)),
    effects: freezeEffects(effects),
    outcome: 'moved' as const,
    late: false,
  });
}
