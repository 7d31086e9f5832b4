import { fail } from '../errors/FunnelError.js';
import { TimestampSchema, type TimestampInput } from '../model/time.js';

/**
 * Converts an instant as the API accepts it (ISO string with offset or plain date, `Date`, epoch
 * milliseconds) to epoch milliseconds, or throws INVALID_DATE naming the path. @internal
 */
export function toEpochMs(value: TimestampInput, path: ReadonlyArray<string | number>): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && Math.abs(value) <= 8.64e15) return value;
    return fail('INVALID_DATE', 'a valid instant (ISO string, Date or epoch milliseconds)', value, path);
  }
  const r = TimestampSchema.safeParse(value);
  if (!r.success) return fail('INVALID_DATE', 'a valid instant (ISO string, Date or epoch milliseconds)', value, path);
  return Date.parse(r.data);
}

/** Milliseconds in a day. @internal */
export const DAY_MS = 86_400_000;
