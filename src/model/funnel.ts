import { z } from 'zod';
import { ActionTypeSchema, EffectSchema, IdSchema, PredicateSchema } from './common.js';
import { CurrencyCodeSchema } from './money.js';

/**
 * The category of a stage. `open`: the deal is in progress. `won`: the deal is won — the first won
 * stage is the close; later won stages are post-sale (delivery, onboarding, feedback, upsell,
 * renewal). `lost`: the deal is lost.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * StageCategorySchema.options // => ['open', 'won', 'lost']
 * ```
 */
export const StageCategorySchema = z.enum(['open', 'won', 'lost']);

/**
 * A stage category: `open`, `won` or `lost`.
 *
 * @category Model
 * @since 0.1.0
 */
export type StageCategory = z.infer<typeof StageCategorySchema>;

/**
 * Forecast category of a stage (HubSpot/Salesforce style).
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * ForecastCategorySchema.parse('commit') // => 'commit'
 * ```
 */
export const ForecastCategorySchema = z.enum(['pipeline', 'bestCase', 'commit', 'closed', 'omitted']);

/**
 * One stage of a funnel. A stage is **completed by a customer action**: `actions` lists the action
 * types whose occurrence moves a deal into this stage ("call.answered" moves the deal into the stage
 * "Callback answered"). A deal *at* stage k has done stage k's action and not yet stage k+1's.
 *
 * - `probability`: default win probability in [0, 1] for deals at this stage.
 * - `stallAfterDays`: a deal longer than this in the stage is stalled (Pipedrive's rotting).
 * - `requires`: deal attribute keys that must be present to enter the stage.
 * - `onEnter`: effects returned (never run) when a deal enters the stage.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * StageSchema.parse({ id: 'answered', name: 'Callback answered', actions: ['call.answered'] }).category // => 'open'
 * ```
 */
export const StageSchema = z.strictObject({
  id: IdSchema,
  name: z.string().min(1),
  description: z.string().optional(),
  category: StageCategorySchema.default('open'),
  actions: z.array(ActionTypeSchema).default([]),
  probability: z.number().min(0).max(1).optional(),
  stallAfterDays: z.number().positive().finite().optional(),
  requires: z.array(z.string().min(1)).default([]),
  forecastCategory: ForecastCategorySchema.optional(),
  onEnter: z.array(EffectSchema).default([]),
});

/**
 * A stage, as parsed by {@link StageSchema}.
 *
 * @category Model
 * @since 0.1.0
 */
export type Stage = z.infer<typeof StageSchema>;

/**
 * A stage as written by hand, before defaults apply.
 *
 * @category Model
 * @since 0.1.0
 */
export type StageInput = z.input<typeof StageSchema>;

/**
 * An entry of the funnel's catalogue of lost reasons (Odoo style): `price`, `no-budget`, `competitor`.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * LostReasonSchema.parse({ id: 'price', name: 'Too expensive' }).id // => 'price'
 * ```
 */
export const LostReasonSchema = z.strictObject({ id: IdSchema, name: z.string().min(1), description: z.string().optional() });

/**
 * A lost reason, as parsed by {@link LostReasonSchema}.
 *
 * @category Model
 * @since 0.1.0
 */
export type LostReason = z.infer<typeof LostReasonSchema>;

/**
 * Where a trigger may move a deal from: `previous` (only from the stage just before its target),
 * `anyEarlier` (from any earlier stage, amoCRM's rule; the default), `any` (from any stage, including
 * later ones — a backward move, which the policy must also allow), or an explicit list of stage ids.
 *
 * @category Triggers
 * @since 0.1.0
 * @example
 * ```ts
 * TriggerFromSchema.parse('previous') // => 'previous'
 * ```
 */
export const TriggerFromSchema = z.union([z.enum(['previous', 'anyEarlier', 'any']), z.array(IdSchema).min(1)]);

/**
 * A declarative rule that turns a customer action into a stage move (beyond a stage's own
 * `actions`). It matches on the action type (`action`, one or several) and on property predicates
 * (`where`, all must hold); optionally only on the `count`-th matching action for the deal ("the 6th
 * touch"), only `within` N days of entering the current stage or of the deal's creation, and only
 * when the lead score is at least `minScore`. It moves the deal `to` a stage, from where `from`
 * allows. Conflicts are resolved by `priority` (higher first), then by the furthest target stage,
 * then by definition order. A trigger whose target is a lost stage may name the `lostReason` it
 * records (the customer action that ended the deal, e.g. an unsubscribe → `no-interest`); it must be one
 * of the funnel's `lostReasons` when that catalogue is not empty, and is refused on a trigger into an
 * open or won stage.
 *
 * @category Triggers
 * @since 0.1.0
 * @example
 * ```ts
 * TriggerSchema.parse({ id: 't1', action: 'touch.made', count: 6, to: 'viable' }).from // => 'anyEarlier'
 * TriggerSchema.parse({ id: 't2', action: 'email.unsubscribed', to: 'lost', lostReason: 'no-interest' }).lostReason // => 'no-interest'
 * ```
 */
export const TriggerSchema = z.strictObject({
  id: IdSchema,
  action: z.union([ActionTypeSchema, z.array(ActionTypeSchema).min(1)]),
  where: z.array(PredicateSchema).default([]),
  count: z.int().min(1).optional(),
  within: z
    .strictObject({ days: z.number().positive().finite(), of: z.enum(['stageEntered', 'dealCreated']).default('stageEntered') })
    .optional(),
  minScore: z.number().finite().optional(),
  to: IdSchema,
  from: TriggerFromSchema.default('anyEarlier'),
  priority: z.int().default(0),
  effects: z.array(EffectSchema).default([]),
  lostReason: IdSchema.optional(),
});

/**
 * A trigger rule, as parsed by {@link TriggerSchema}.
 *
 * @category Triggers
 * @since 0.1.0
 */
export type Trigger = z.infer<typeof TriggerSchema>;

/**
 * A trigger rule as written by hand, before defaults apply.
 *
 * @category Triggers
 * @since 0.1.0
 */
export type TriggerInput = z.input<typeof TriggerSchema>;

/**
 * A silence rule: no customer action for `afterDays` days (measured from the last customer action,
 * or from entering the stage when there was none since) while the deal is open in one of `stages`
 * (default: every open stage) → `then`: flag the deal as stalled, move it to lost with a reason, or
 * move it to a stage. Evaluated against an explicit `now`, never the clock.
 *
 * @category Triggers
 * @since 0.1.0
 * @example
 * ```ts
 * SilenceRuleSchema.parse({ id: 's1', afterDays: 14, then: { type: 'lose', reason: 'no-response' } }).then.type // => 'lose'
 * ```
 */
export const SilenceRuleSchema = z.strictObject({
  id: IdSchema,
  afterDays: z.number().positive().finite(),
  stages: z.array(IdSchema).optional(),
  then: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('flag') }),
    z.strictObject({ type: z.literal('lose'), reason: IdSchema }),
    z.strictObject({ type: z.literal('move'), to: IdSchema }),
  ]),
  effects: z.array(EffectSchema).default([]),
});

/**
 * A silence rule, as parsed by {@link SilenceRuleSchema}.
 *
 * @category Triggers
 * @since 0.1.0
 */
export type SilenceRule = z.infer<typeof SilenceRuleSchema>;

/**
 * The funnel's movement policy (HubSpot pipeline rules, Bitrix24's "allow moving back"):
 * - `allowSkip` (default `true`): may a deal jump over stages going forward;
 * - `allowBackward` (default `false`): may a deal move to an earlier stage;
 * - `allowReopen` (default `true`): may a won or lost deal be reopened;
 * - `creationStages` (default: the first stage): the stages a deal may be created in;
 * - `unknownActions` (default `'ignore'`): what to do with an action type the funnel does not know
 *   (`'reject'` makes it an error);
 * - `requiredOnAutomaticMoves` (default `'enforce'`): whether `requires` also applies to moves caused by
 *   customer actions (`'ignore'` is amoCRM's rule);
 * - `lateActions` (default `'apply'`): an action older than the deal's last transition is `'apply'`-ed
 *   without moving the deal backwards in time (it is recorded, and it can still move the deal
 *   forward; such a transition is stamped at the last transition's time, with `cause.actionAt` the
 *   action's own time), or `'ignore'`-d (recorded only).
 *
 * See the guide "Deal state machine and triggers" (docs/machine.md) for every rule with examples.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * FunnelPolicySchema.parse({}).allowBackward // => false
 * ```
 */
export const FunnelPolicySchema = z.strictObject({
  allowSkip: z.boolean().default(true),
  allowBackward: z.boolean().default(false),
  allowReopen: z.boolean().default(true),
  creationStages: z.array(IdSchema).min(1).optional(),
  unknownActions: z.enum(['ignore', 'reject']).default('ignore'),
  requiredOnAutomaticMoves: z.enum(['enforce', 'ignore']).default('enforce'),
  lateActions: z.enum(['apply', 'ignore']).default('apply'),
});

/**
 * The movement policy of a funnel: see {@link FunnelPolicySchema}.
 *
 * @category Model
 * @since 0.1.0
 */
export type FunnelPolicy = z.infer<typeof FunnelPolicySchema>;

/**
 * One lead-scoring rule: `points` for each matching customer action (`action` and `where` on its
 * properties), or once for a matching lead/deal attribute (`attribute`). `maxTimes` caps how often an
 * action rule scores; `halfLifeDays` (overriding the model's) decays the points with the action's age.
 *
 * @category Segments
 * @since 0.1.0
 * @example
 * ```ts
 * ScoringRuleSchema.parse({ id: 'demo', points: 20, action: 'demo.requested' }).points // => 20
 * ```
 */
export const ScoringRuleSchema = z
  .strictObject({
    id: IdSchema,
    points: z.number().finite(),
    action: z.union([ActionTypeSchema, z.array(ActionTypeSchema).min(1)]).optional(),
    where: z.array(PredicateSchema).default([]),
    attribute: PredicateSchema.optional(),
    maxTimes: z.int().min(1).optional(),
    halfLifeDays: z.number().positive().finite().optional(),
  })
  .refine((r) => (r.action === undefined) !== (r.attribute === undefined), {
    message: 'exactly one of action or attribute',
  });

/**
 * A lead-scoring rule, as parsed by {@link ScoringRuleSchema}.
 *
 * @category Segments
 * @since 0.1.0
 */
export type ScoringRule = z.infer<typeof ScoringRuleSchema>;

/**
 * A lead-scoring model: rules, an optional default half-life for decay, and the MQL and SQL
 * thresholds (SQL ≥ MQL).
 *
 * @category Segments
 * @since 0.1.0
 * @example
 * ```ts
 * LeadScoringSchema.parse({ rules: [], thresholds: { mql: 30, sql: 60 } }).thresholds.sql // => 60
 * ```
 */
export const LeadScoringSchema = z
  .strictObject({
    rules: z.array(ScoringRuleSchema),
    halfLifeDays: z.number().positive().finite().optional(),
    thresholds: z.strictObject({ mql: z.number().finite(), sql: z.number().finite() }),
  })
  .refine((m) => m.thresholds.sql >= m.thresholds.mql, { message: 'thresholds.sql ≥ thresholds.mql', path: ['thresholds', 'sql'] });

/**
 * A lead-scoring model, as parsed by {@link LeadScoringSchema}.
 *
 * @category Segments
 * @since 0.1.0
 */
export type LeadScoring = z.infer<typeof LeadScoringSchema>;

function issue(ctx: z.RefinementCtx, path: (string | number)[], message: string, input: unknown, funnelCode: string): void {
  ctx.addIssue({ code: 'custom', path, message, input, params: { funnelCode } });
}

/**
 * A funnel (pipeline) definition: ordered stages, each completed by customer actions; trigger and
 * silence rules; a catalogue of lost reasons; the movement policy; an optional lead-scoring model;
 * and an optional list of `knownActions` (with `policy.unknownActions: 'reject'`, any other action
 * type is an error).
 *
 * Cross-field rules: stage, trigger, silence-rule and lost-reason ids are unique; every stage a rule
 * names exists; at least one `won` stage and one `open` stage; creation stages are open; a silence
 * rule's lost reason is in the catalogue when the catalogue is not empty; a stage's action type
 * completes at most one stage.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * const f = FunnelSchema.parse({
 *   id: 'b2b', name: 'B2B',
 *   stages: [
 *     { id: 'request', name: 'Request', actions: ['request.submitted'] },
 *     { id: 'paid', name: 'Paid', category: 'won', actions: ['invoice.paid'] },
 *   ],
 * });
 * f.stages.length // => 2
 * f.policy.allowSkip // => true
 * ```
 */
export const FunnelSchema = z
  .strictObject({
    id: IdSchema,
    name: z.string().min(1),
    description: z.string().optional(),
    currency: CurrencyCodeSchema.optional(),
    stages: z.array(StageSchema).min(1),
    triggers: z.array(TriggerSchema).default([]),
    silence: z.array(SilenceRuleSchema).default([]),
    lostReasons: z.array(LostReasonSchema).default([]),
    policy: FunnelPolicySchema.default({
      allowSkip: true,
      allowBackward: false,
      allowReopen: true,
      unknownActions: 'ignore',
      requiredOnAutomaticMoves: 'enforce',
      lateActions: 'apply',
    }),
    scoring: LeadScoringSchema.optional(),
    knownActions: z.array(ActionTypeSchema).optional(),
  })
  .superRefine((f, ctx) => {
    const stageIds = new Map<string, number>();
    f.stages.forEach((s, i) => {
      if (stageIds.has(s.id)) issue(ctx, ['stages', i, 'id'], 'a unique stage id', s.id, 'INVALID_FUNNEL');
      else stageIds.set(s.id, i);
    });
    if (!f.stages.some((s) => s.category === 'won')) issue(ctx, ['stages'], 'at least one stage with category "won"', 'no won stage', 'INVALID_FUNNEL');
    if (!f.stages.some((s) => s.category === 'open')) issue(ctx, ['stages'], 'at least one stage with category "open"', 'no open stage', 'INVALID_FUNNEL');
    const actionOwner = new Map<string, string>();
    f.stages.forEach((s, i) => {
      s.actions.forEach((a, j) => {
        const owner = actionOwner.get(a);
        if (owner !== undefined && owner !== s.id) {
          issue(ctx, ['stages', i, 'actions', j], `an action type that completes only one stage (already completes "${owner}")`, a, 'INVALID_FUNNEL');
        } else actionOwner.set(a, s.id);
      });
    });
    const known = (id: string, path: (string | number)[]): void => {
      if (!stageIds.has(id)) issue(ctx, path, `one of the funnel's stage ids (${[...stageIds.keys()].join(', ')})`, id, 'UNKNOWN_STAGE');
    };
    const uniq = (ids: string[], path: (i: number) => (string | number)[], what: string): void => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id)) issue(ctx, path(i), `a unique ${what} id`, id, 'INVALID_FUNNEL');
        seen.add(id);
      });
    };
    uniq(f.triggers.map((t) => t.id), (i) => ['triggers', i, 'id'], 'trigger');
    uniq(f.silence.map((t) => t.id), (i) => ['silence', i, 'id'], 'silence rule');
    uniq(f.lostReasons.map((t) => t.id), (i) => ['lostReasons', i, 'id'], 'lost reason');
    const reasons = new Set(f.lostReasons.map((r) => r.id));
    f.triggers.forEach((t, i) => {
      known(t.to, ['triggers', i, 'to']);
      if (t.lostReason !== undefined) {
        const target = f.stages.find((st) => st.id === t.to);
        if (target !== undefined && target.category !== 'lost') {
          issue(ctx, ['triggers', i, 'lostReason'], `no lost reason on a trigger into the ${target.category} stage '${t.to}'`, t.lostReason, 'INVALID_FUNNEL');
        } else if (reasons.size > 0 && !reasons.has(t.lostReason)) {
          issue(ctx, ['triggers', i, 'lostReason'], `one of the lost reasons (${[...reasons].join(', ')})`, t.lostReason, 'INVALID_FUNNEL');
        }
      }
      if (Array.isArray(t.from)) t.from.forEach((s, j) => known(s, ['triggers', i, 'from', j]));
      if (t.minScore !== undefined && f.scoring === undefined) {
        issue(ctx, ['triggers', i, 'minScore'], 'a funnel with a scoring model when a trigger uses minScore', t.minScore, 'INVALID_FUNNEL');
      }
    });
    f.silence.forEach((r, i) => {
      r.stages?.forEach((s, j) => known(s, ['silence', i, 'stages', j]));
      if (r.then.type === 'move') known(r.then.to, ['silence', i, 'then', 'to']);
      if (r.then.type === 'lose' && reasons.size > 0 && !reasons.has(r.then.reason)) {
        issue(ctx, ['silence', i, 'then', 'reason'], `one of the lost reasons (${[...reasons].join(', ')})`, r.then.reason, 'INVALID_FUNNEL');
      }
    });
    f.policy.creationStages?.forEach((s, j) => {
      known(s, ['policy', 'creationStages', j]);
      const idx = stageIds.get(s);
      if (idx !== undefined && f.stages[idx]?.category !== 'open') {
        issue(ctx, ['policy', 'creationStages', j], 'an open stage', s, 'INVALID_FUNNEL');
      }
    });
  });

/**
 * A validated funnel definition, as produced by {@link FunnelSchema}.
 *
 * @category Model
 * @since 0.1.0
 */
export type Funnel = z.infer<typeof FunnelSchema>;

/**
 * A funnel definition as written by hand (before defaults apply).
 *
 * @category Model
 * @since 0.1.0
 */
export type FunnelInput = z.input<typeof FunnelSchema>;
