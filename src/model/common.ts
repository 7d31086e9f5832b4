import { z } from 'zod';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * True for keys that could reach an object's prototype (`__proto__`, `constructor`, `prototype`).
 * Such keys are rejected everywhere the library accepts free-form records or ids.
 * @internal
 */
export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/**
 * An identifier: a non-empty string of at most 200 characters that is not `__proto__`,
 * `constructor` or `prototype`.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * IdSchema.safeParse('proposal').success // => true
 * IdSchema.safeParse('__proto__').success // => false
 * ```
 */
export const IdSchema = z
  .string()
  .min(1, { message: 'a non-empty id' })
  .max(200)
  .refine((s) => !isForbiddenKey(s), { message: 'an id other than __proto__, constructor or prototype' });

/**
 * A customer action type: a past-tense fact such as `"request.submitted"` or `"invoice.paid"`.
 * Any non-empty string of at most 200 characters is accepted (event logs bring their own names);
 * the dotted past-tense style is a convention, not a rule.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * ActionTypeSchema.safeParse('call.answered').success // => true
 * ActionTypeSchema.safeParse('').success // => false
 * ```
 */
export const ActionTypeSchema = z.string().min(1, { message: 'a non-empty action type' }).max(200);

/**
 * A JSON-like scalar: string, finite number, boolean or null.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * ScalarSchema.safeParse(3).success // => true
 * ScalarSchema.safeParse(Number.NaN).success // => false
 * ```
 */
export const ScalarSchema = z.union([z.string(), z.number().finite(), z.boolean(), z.null()]);

/**
 * A JSON-like scalar value.
 *
 * @category Model
 * @since 0.1.0
 */
export type Scalar = z.infer<typeof ScalarSchema>;

/**
 * A free-form record (deal attributes, action properties): string keys other than `__proto__`,
 * `constructor` and `prototype`; any values.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * SafeRecordSchema.safeParse({ channel: 'web' }).success // => true
 * SafeRecordSchema.safeParse(JSON.parse('{"__proto__": {"x": 1}}')).success // => false
 * ```
 */
export const SafeRecordSchema = z
  .unknown()
  .superRefine((value, ctx) => {
    // zod's record parser silently drops an own "__proto__" key (as JSON.parse makes it); reject such
    // keys on the raw input instead, at any depth, so a hostile payload is an error, not a quiet change.
    const seen = new Set<object>();
    const scan = (v: unknown, path: (string | number)[]): void => {
      if (typeof v !== 'object' || v === null || seen.has(v) || path.length > 32) return;
      seen.add(v);
      for (const key of Object.keys(v)) {
        if (isForbiddenKey(key)) {
          ctx.addIssue({ code: 'custom', path: [...path, key], message: 'a key other than __proto__, constructor or prototype', input: key });
        } else scan((v as Record<string, unknown>)[key], [...path, key]);
      }
    };
    scan(value, []);
  })
  .pipe(z.record(z.string(), z.unknown())) as unknown as z.ZodRecord<z.ZodString, z.ZodUnknown>;

/**
 * One condition on a property of an action or an attribute of a deal/lead. `field` is a dotted path
 * (`"budget.amount"`). Operators: `eq`, `neq`, `in`, `notIn`, `exists`, `missing`, and the numeric
 * comparisons `gt`, `gte`, `lt`, `lte` (which are false when the value is not a finite number).
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * PredicateSchema.safeParse({ field: 'channel', op: 'in', values: ['web', 'ads'] }).success // => true
 * PredicateSchema.safeParse({ field: 'budget', op: 'gt', value: 'lots' }).success // => false
 * ```
 */
export const PredicateSchema = z.discriminatedUnion('op', [
  z.strictObject({ field: z.string().min(1), op: z.literal('eq'), value: ScalarSchema }),
  z.strictObject({ field: z.string().min(1), op: z.literal('neq'), value: ScalarSchema }),
  z.strictObject({ field: z.string().min(1), op: z.literal('in'), values: z.array(ScalarSchema).min(1) }),
  z.strictObject({ field: z.string().min(1), op: z.literal('notIn'), values: z.array(ScalarSchema).min(1) }),
  z.strictObject({ field: z.string().min(1), op: z.literal('exists') }),
  z.strictObject({ field: z.string().min(1), op: z.literal('missing') }),
  z.strictObject({ field: z.string().min(1), op: z.literal('gt'), value: z.number().finite() }),
  z.strictObject({ field: z.string().min(1), op: z.literal('gte'), value: z.number().finite() }),
  z.strictObject({ field: z.string().min(1), op: z.literal('lt'), value: z.number().finite() }),
  z.strictObject({ field: z.string().min(1), op: z.literal('lte'), value: z.number().finite() }),
]);

/**
 * A condition on a property: see {@link PredicateSchema}.
 *
 * @category Model
 * @since 0.1.0
 */
export type Predicate = z.infer<typeof PredicateSchema>;

/**
 * An effect for the host to run (send a follow-up, notify the owner): a `type` and optional
 * parameters. The library returns effects; it never runs them.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * EffectSchema.parse({ type: 'email.followUp', params: { template: 'proposal-reminder' } }).type // => 'email.followUp'
 * ```
 */
export const EffectSchema = z.strictObject({
  type: z.string().min(1),
  params: SafeRecordSchema.optional(),
});

/**
 * An effect the host should run: see {@link EffectSchema}.
 *
 * @category Model
 * @since 0.1.0
 */
export type Effect = z.infer<typeof EffectSchema>;
