import { z } from 'zod';
import { ActionTypeSchema, IdSchema, PredicateSchema, type Predicate } from './common.js';

/**
 * One action type or a list of them (any of which matches).
 *
 * @category Segments
 * @since 0.1.0
 */
export type ActionMatch = string | ReadonlyArray<string>;

/**
 * A segment rule: a predicate on a lead's (or deal's) attributes and on the customer's observed action
 * path. The path is the customer's actions in time order (ties broken by action id); the *path
 * signature* is its ordered distinct action types (see {@link pathSignature}).
 *
 * - `{ kind: 'all', rules }`, `{ kind: 'any', rules }`, `{ kind: 'not', rule }` — combinators
 *   (`all` of nothing is true, `any` of nothing is false).
 * - `{ kind: 'attributes', where }` — every predicate holds on the attributes.
 * - `{ kind: 'firstAction', action }` — the first action is of one of these types.
 * - `{ kind: 'pathStartsWith', path }` — the path signature begins with these types, in this order.
 * - `{ kind: 'pathContains', path }` — these types occur in the path signature in this order, gaps
 *   allowed (a subsequence).
 * - `{ kind: 'actionWithin', action, where?, days, after? }` — an action of type `action` (with
 *   properties satisfying `where`) happened at most `days` days after the first action (of type
 *   `after`, when given; of any type otherwise). "Asked for a callback within a day of the first visit".
 * - `{ kind: 'activity', minActions, moreThanDays, action?, before? }` — at least `minActions` actions
 *   (of type `action`, when given) and strictly more than `moreThanDays` days between the first and
 *   the last of them; with `before`, only actions strictly before the first action of that type count
 *   (all of them when it never happened). "Browsed for weeks before the request".
 * - `{ kind: 'actionCount', action?, where?, min?, max? }` — the number of matching actions is within
 *   [min, max] (both inclusive, both optional).
 *
 * @category Segments
 * @since 0.1.0
 */
export type SegmentRule =
  | { readonly kind: 'all'; readonly rules: ReadonlyArray<SegmentRule> }
  | { readonly kind: 'any'; readonly rules: ReadonlyArray<SegmentRule> }
  | { readonly kind: 'not'; readonly rule: SegmentRule }
  | { readonly kind: 'attributes'; readonly where: ReadonlyArray<Predicate> }
  | { readonly kind: 'firstAction'; readonly action: ActionMatch }
  | { readonly kind: 'pathStartsWith'; readonly path: ReadonlyArray<string> }
  | { readonly kind: 'pathContains'; readonly path: ReadonlyArray<string> }
  | {
      readonly kind: 'actionWithin';
      readonly action: ActionMatch;
      readonly where?: ReadonlyArray<Predicate>;
      readonly days: number;
      readonly after?: ActionMatch;
    }
  | {
      readonly kind: 'activity';
      readonly minActions: number;
      readonly moreThanDays: number;
      readonly action?: ActionMatch;
      readonly before?: ActionMatch;
    }
  | {
      readonly kind: 'actionCount';
      readonly action?: ActionMatch;
      readonly where?: ReadonlyArray<Predicate>;
      readonly min?: number;
      readonly max?: number;
    };

const ActionMatchSchema = z.union([ActionTypeSchema, z.array(ActionTypeSchema).min(1)]);
const Days = z.number().nonnegative().finite();

/**
 * The zod schema of a {@link SegmentRule} (recursive). Strict objects: a misspelt key is an error.
 *
 * @category Segments
 * @since 0.1.0
 * @example
 * ```ts
 * SegmentRuleSchema.safeParse({ kind: 'actionWithin', action: 'callback.requested', days: 1 }).success // => true
 * SegmentRuleSchema.safeParse({ kind: 'actionWithin', action: 'callback.requested', days: -1 }).success // => false
 * ```
 */
export const SegmentRuleSchema: z.ZodType<SegmentRule> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('all'), rules: z.array(SegmentRuleSchema) }),
    z.strictObject({ kind: z.literal('any'), rules: z.array(SegmentRuleSchema) }),
    z.strictObject({ kind: z.literal('not'), rule: SegmentRuleSchema }),
    z.strictObject({ kind: z.literal('attributes'), where: z.array(PredicateSchema).min(1) }),
    z.strictObject({ kind: z.literal('firstAction'), action: ActionMatchSchema }),
    z.strictObject({ kind: z.literal('pathStartsWith'), path: z.array(ActionTypeSchema).min(1) }),
    z.strictObject({ kind: z.literal('pathContains'), path: z.array(ActionTypeSchema).min(1) }),
    z.strictObject({
      kind: z.literal('actionWithin'),
      action: ActionMatchSchema,
      where: z.array(PredicateSchema).optional(),
      days: Days,
      after: ActionMatchSchema.optional(),
    }),
    z.strictObject({
      kind: z.literal('activity'),
      minActions: z.int().min(1),
      moreThanDays: Days,
      action: ActionMatchSchema.optional(),
      before: ActionMatchSchema.optional(),
    }),
    z
      .strictObject({
        kind: z.literal('actionCount'),
        action: ActionMatchSchema.optional(),
        where: z.array(PredicateSchema).optional(),
        min: z.int().min(0).optional(),
        max: z.int().min(0).optional(),
      })
      .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, { message: 'min ≤ max', path: ['max'] }),
  ]),
) as unknown as z.ZodType<SegmentRule>;

/**
 * A segment: leads that walk the same sequence of customer actions ("asked for a callback within a
 * day of the first visit" vs "browsed for weeks"). Each segment points at its own funnel
 * (`funnelId`). When several segments match, the highest `priority` wins (default 0), then the one
 * defined first.
 *
 * @category Segments
 * @since 0.1.0
 * @example
 * ```ts
 * const s = SegmentSchema.parse({ id: 'hot', name: 'Hot', funnelId: 'b2b-fast',
 *   rule: { kind: 'actionWithin', action: 'callback.requested', days: 1 } });
 * s.priority // => 0
 * ```
 */
export const SegmentSchema = z.strictObject({
  id: IdSchema,
  name: z.string().min(1),
  description: z.string().optional(),
  funnelId: IdSchema,
  priority: z.int().default(0),
  rule: SegmentRuleSchema,
});

/**
 * A validated segment definition, as produced by {@link SegmentSchema}.
 *
 * @category Segments
 * @since 0.1.0
 */
export type Segment = z.infer<typeof SegmentSchema>;

/**
 * A segment definition as written by hand (before defaults apply).
 *
 * @category Segments
 * @since 0.1.0
 */
export type SegmentInput = z.input<typeof SegmentSchema>;

/**
 * A list of segment definitions with unique ids (the definition order breaks priority ties).
 *
 * @category Segments
 * @since 0.1.0
 * @example
 * ```ts
 * const rule = { kind: 'firstAction', action: 'request.submitted' };
 * const r = SegmentListSchema.safeParse([
 *   { id: 'a', name: 'A', funnelId: 'f', rule },
 *   { id: 'a', name: 'Again', funnelId: 'f', rule },
 * ]);
 * r.success // => false
 * ```
 */
export const SegmentListSchema = z.array(SegmentSchema).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((s, i) => {
    if (seen.has(s.id)) {
      ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'a unique segment id', input: s.id, params: { funnelCode: 'INVALID_INPUT' } });
    }
    seen.add(s.id);
  });
});

/**
 * The JSON Schema (draft 2020-12) of a list of segment definitions as written by hand, so hosts can
 * validate segment configuration in other languages. Unique ids and known funnel ids are not
 * expressible in JSON Schema; {@link parseSegments} checks them.
 *
 * @category Segments
 * @since 0.1.0
 * @example
 * ```ts
 * const schema = segmentsJsonSchema();
 * schema.type // => 'array'
 * ```
 */
export function segmentsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(SegmentListSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
