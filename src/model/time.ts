import { z } from 'zod';

/**
 * An instant: an ISO 8601 date-time with a `Z` or numeric offset (`"2026-03-01T09:00:00Z"`), a plain
 * date (`"2026-03-01"`, read as UTC midnight), a `Date`, or epoch milliseconds. Parsed into the
 * canonical UTC string `"2026-03-01T09:00:00.000Z"`, which sorts correctly as text.
 * Local times without an offset are rejected: their meaning depends on the machine.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * TimestampSchema.parse('2026-03-01') // => '2026-03-01T00:00:00.000Z'
 * TimestampSchema.parse(0) // => '1970-01-01T00:00:00.000Z'
 * TimestampSchema.safeParse('yesterday').success // => false
 * ```
 */
export const TimestampSchema = z
  .union([
    z.iso.datetime({ offset: true }),
    z.iso.date(),
    z.date(),
    z.number().finite(),
  ])
  .transform((v, ctx) => {
    const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v);
    if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) {
      ctx.addIssue({ code: 'custom', message: 'a valid instant', input: v, params: { funnelCode: 'INVALID_DATE' } });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

/**
 * A canonical UTC timestamp string, as produced by {@link TimestampSchema}.
 *
 * @category Model
 * @since 0.1.0
 */
export type Timestamp = z.infer<typeof TimestampSchema>;

/**
 * What {@link TimestampSchema} accepts: ISO string, `Date` or epoch milliseconds.
 *
 * @category Model
 * @since 0.1.0
 */
export type TimestampInput = z.input<typeof TimestampSchema>;
