import { z } from 'zod';
import { ActionTypeSchema, IdSchema, SafeRecordSchema } from './common.js';
import { MoneySchema } from './money.js';
import { TimestampSchema } from './time.js';

/**
 * The status of a deal: `open`, `won` or `lost`.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * DealStatusSchema.options // => ['open', 'won', 'lost']
 * ```
 */
export const DealStatusSchema = z.enum(['open', 'won', 'lost']);

/**
 * A deal status.
 *
 * @category Model
 * @since 0.1.0
 */
export type DealStatus = z.infer<typeof DealStatusSchema>;

/**
 * Why a transition happened: a customer action (with the trigger rule that matched, if any — no
 * `ruleId` means the target stage's own `actions` matched), a manual command (`create`, `moveTo`,
 * `win`, `lose`, `reopen`, with an optional actor), or a timeout (a silence rule).
 *
 * `actionAt` is set only for a late action (older than the deal's last transition, applied under
 * `policy.lateActions: 'apply'`): the transition is stamped at the last transition's time so the
 * history stays in time order, and `actionAt` keeps the action's own time.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * TransitionCauseSchema.parse({ type: 'command', command: 'win' }).type // => 'command'
 * ```
 */
export const TransitionCauseSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('action'),
    actionId: IdSchema,
    actionType: ActionTypeSchema,
    ruleId: IdSchema.optional(),
    actionAt: TimestampSchema.optional(),
  }),
  z.strictObject({
    type: z.literal('command'),
    command: z.enum(['create', 'moveTo', 'win', 'lose', 'reopen']),
    actor: z.string().optional(),
  }),
  z.strictObject({ type: z.literal('timeout'), ruleId: IdSchema }),
]);

/**
 * The cause of a transition: see {@link TransitionCauseSchema}.
 *
 * @category Model
 * @since 0.1.0
 */
export type TransitionCause = z.infer<typeof TransitionCauseSchema>;

/**
 * One entry of a deal's history: it moved `from` a stage (`null` when created) `to` a stage `at` a
 * time, with a status after the move and its cause. A won or lost command that keeps the stage is a
 * transition with `from === to` and a changed status.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * const t = TransitionSchema.parse({ from: null, to: 'request', at: '2026-03-01', status: 'open', cause: { type: 'command', command: 'create' } });
 * t.to // => 'request'
 * ```
 */
export const TransitionSchema = z.strictObject({
  from: IdSchema.nullable(),
  to: IdSchema,
  at: TimestampSchema,
  status: DealStatusSchema,
  cause: TransitionCauseSchema,
  lostReason: z.string().optional(),
});

/**
 * One transition of a deal's history: see {@link TransitionSchema}.
 *
 * @category Model
 * @since 0.1.0
 */
export type Transition = z.infer<typeof TransitionSchema>;

/**
 * A reference to a customer action that was applied to a deal (for idempotency, counts and audit).
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * ActionRefSchema.parse({ id: 'a1', type: 'call.answered', at: '2026-03-02' }).id // => 'a1'
 * ```
 */
export const ActionRefSchema = z.strictObject({ id: IdSchema, type: ActionTypeSchema, at: TimestampSchema });

/**
 * A reference to an applied customer action: see {@link ActionRefSchema}.
 *
 * @category Model
 * @since 0.1.0
 */
export type ActionRef = z.infer<typeof ActionRefSchema>;

/**
 * A deal (opportunity): where it is in which funnel, its money, its status and its full history.
 *
 * - `stageId` is the current stage (it may be a won or lost stage).
 * - `status` is `open`, `won` or `lost`; `lostAtStageId` is the last open stage before the loss
 *   (Pipedrive's "lost at stage"), `lostReason` an id from the funnel's catalogue or free text.
 * - `closedAt` is when it was won or lost (null while open).
 * - `history` lists every transition in time order; `actions` every customer action applied.
 * - `stalled` is set by a silence rule that flags (cleared by the next customer action and by any
 *   move).
 * - `triggerCounts` counts, per trigger rule with a `count`, the recorded customer actions that
 *   matched its action type and `where` (so "the 6th touch" survives between calls).
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * const d = DealSchema.parse({ id: 'd1', funnelId: 'b2b', createdAt: '2026-03-01', stageId: 'request', amount: { amount: '1200.50', currency: 'EUR' } });
 * d.status // => 'open'
 * d.history.length // => 0
 * ```
 */
export const DealSchema = z.strictObject({
  id: IdSchema,
  funnelId: IdSchema,
  segmentId: IdSchema.nullable().default(null),
  amount: MoneySchema.nullable().default(null),
  createdAt: TimestampSchema,
  stageId: IdSchema,
  status: DealStatusSchema.default('open'),
  lostAtStageId: IdSchema.nullable().default(null),
  lostReason: z.string().nullable().default(null),
  closedAt: TimestampSchema.nullable().default(null),
  attributes: SafeRecordSchema.default({}),
  history: z.array(TransitionSchema).default([]),
  actions: z.array(ActionRefSchema).default([]),
  stalled: z.strictObject({ since: TimestampSchema, ruleId: IdSchema }).nullable().default(null),
  triggerCounts: z.record(IdSchema, z.int().min(0)).default({}),
});

/**
 * A validated deal, as produced by {@link DealSchema}.
 *
 * @category Model
 * @since 0.1.0
 */
export type Deal = z.infer<typeof DealSchema>;

/**
 * A deal as received (before defaults apply).
 *
 * @category Model
 * @since 0.1.0
 */
export type DealInput = z.input<typeof DealSchema>;
