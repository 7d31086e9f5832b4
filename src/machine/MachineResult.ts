import type { Deal, Transition } from '../model/deal.js';

/**
 * Why the machine refused a move (an expected domain outcome, returned — never thrown):
 *
 * - `NOT_ALLOWED_BACKWARD` — a command moves a deal to an earlier stage and `policy.allowBackward` is off;
 * - `SKIP_FORBIDDEN` — the move jumps over stages and `policy.allowSkip` is off;
 * - `MISSING_REQUIRED` — the target stage `requires` deal attributes that are missing;
 * - `DEAL_CLOSED` — the deal is lost (or won, for a move back into an open stage): reopen it first;
 * - `NOT_A_CREATION_STAGE` — a deal may not be created in that stage (`policy.creationStages`);
 * - `REOPEN_FORBIDDEN` — `policy.allowReopen` is off;
 * - `NOT_CLOSED` — reopen of a deal that is open;
 * - `OUT_OF_ORDER` — a command older than the deal's last transition (history stays in time order).
 *
 * @category Machine
 * @since 0.1.0
 */
export type MachineRejectionReason =
  | 'NOT_ALLOWED_BACKWARD'
  | 'SKIP_FORBIDDEN'
  | 'MISSING_REQUIRED'
  | 'DEAL_CLOSED'
  | 'NOT_A_CREATION_STAGE'
  | 'REOPEN_FORBIDDEN'
  | 'NOT_CLOSED'
  | 'OUT_OF_ORDER';

/**
 * Where an effect comes from: the `onEnter` list of the stage entered, the trigger rule that moved
 * the deal, or a silence rule.
 *
 * @category Machine
 * @since 0.1.0
 */
export type EffectOrigin =
  | { readonly kind: 'onEnter'; readonly stageId: string }
  | { readonly kind: 'trigger'; readonly ruleId: string }
  | { readonly kind: 'silence'; readonly ruleId: string };

/**
 * An effect for the host to run (send a follow-up, notify the owner), with the deal, the time and the
 * rule or stage it came from. The machine returns effects; it never runs them.
 *
 * @category Machine
 * @since 0.1.0
 */
export interface MachineEffect {
  /** The effect's type, e.g. `"email.followUp"`. */
  readonly type: string;
  /** The effect's parameters, when it has some. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** The deal it concerns. */
  readonly dealId: string;
  /** The time of the transition (or silence) that produced it. */
  readonly at: string;
  /** The stage or rule it came from. */
  readonly origin: EffectOrigin;
}

/**
 * What a successful step did: `created` a deal, `moved` it (at least one transition), `recorded` an
 * action that moved nothing, `flagged` it as stalled, ignored a `duplicate` action id, or left it
 * `unchanged` (a command to the stage it is in, no silence rule due).
 *
 * @category Machine
 * @since 0.1.0
 */
export type MachineOutcome = 'created' | 'moved' | 'recorded' | 'flagged' | 'duplicate' | 'unchanged';

/**
 * A step the machine accepted: the new deal (frozen; the input is untouched), the transitions it
 * appended to the history, and the effects for the host to run.
 *
 * @category Machine
 * @since 0.1.0
 */
export interface MachineSuccess {
  /** Discriminant: the step was accepted. */
  readonly ok: true;
  /** The deal after the step (frozen). For a duplicate or unchanged step, the input deal itself. */
  readonly deal: Deal;
  /** The transitions this step appended to `deal.history` (empty when nothing moved). */
  readonly transitions: ReadonlyArray<Transition>;
  /** Effects to run: trigger effects, then `onEnter` of the stage entered; silence effects. */
  readonly effects: ReadonlyArray<MachineEffect>;
  /** What the step did. */
  readonly outcome: MachineOutcome;
  /** True when the action was older than the deal's last transition (see `policy.lateActions`). */
  readonly late: boolean;
}

/**
 * A step the policy refused: why, in a code and a sentence, and which stage/rule asked for the move.
 * The deal is unchanged (and the action is not recorded).
 *
 * @category Machine
 * @since 0.1.0
 */
export interface MachineRejection {
  /** Discriminant: the step was refused. */
  readonly ok: false;
  /** The reason code. */
  readonly reason: MachineRejectionReason;
  /** The reason in words. */
  readonly message: string;
  /** The target stage of the refused move, when there was one. */
  readonly stageId?: string;
  /** The trigger rule that asked for the move, when one did. */
  readonly ruleId?: string;
  /** For `MISSING_REQUIRED`: the missing attribute keys. */
  readonly missing?: ReadonlyArray<string>;
}

/**
 * The result of every machine step: {@link MachineSuccess} or {@link MachineRejection}, told apart
 * by `ok`.
 *
 * @category Machine
 * @since 0.1.0
 */
export type MachineResult = MachineSuccess | MachineRejection;
