import { z } from 'zod';
import { FunnelSchema } from './funnel.js';

/**
 * The JSON Schema (draft 2020-12) of a funnel definition as written by hand, so hosts can validate
 * configuration in other languages. Cross-field rules (unique ids, known stages) are not expressible
 * in JSON Schema; {@link parseFunnel} checks them.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * const schema = funnelJsonSchema();
 * schema.type // => 'object'
 * (schema.required as string[]).includes('stages') // => true
 * ```
 */
export function funnelJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(FunnelSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
