import { z } from 'zod';
import { ActionTypeSchema, IdSchema, SafeRecordSchema } from './common.js';
import { TimestampSchema } from './time.js';

/**
 * A customer action: a fact about what the customer did, at a time, for a deal and/or a lead.
 * `{ id, type, at, dealId?, leadId?, properties? }`, with `type` a past-tense fact
 * (`request.submitted`, `call.answered`, `requirements.described`, `proposal.received`,
 * `invoice.paid`). `id` makes applying the action idempotent. At least one of `dealId` and `leadId`
 * is required.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * const a = CustomerActionSchema.parse({ id: 'a1', type: 'call.answered', at: '2026-03-02', dealId: 'd1' });
 * a.at // => '2026-03-02T00:00:00.000Z'
 * ```
 */
export const CustomerActionSchema = z
  .strictObject({
    id: IdSchema,
    type: ActionTypeSchema,
    at: TimestampSchema,
    dealId: IdSchema.optional(),
    leadId: IdSchema.optional(),
    properties: SafeRecordSchema.optional(),
  })
  .refine((a) => a.dealId !== undefined || a.leadId !== undefined, { message: 'a dealId or a leadId', path: ['dealId'] });

/**
 * A validated customer action, as produced by {@link CustomerActionSchema}.
 *
 * @category Model
 * @since 0.1.0
 */
export type CustomerAction = z.infer<typeof CustomerActionSchema>;

/**
 * A customer action as received (times as ISO strings, `Date`s or epoch milliseconds).
 *
 * @category Model
 * @since 0.1.0
 */
export type CustomerActionInput = z.input<typeof CustomerActionSchema>;
