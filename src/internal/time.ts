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

/**
 * The bounds of a closed period `{ from, to }` in epoch ms, both included. A date-only `to`
 * (`'2026-01-31'`) means the **end of that day** (23:59:59.999 UTC), so a period given in whole days
 * includes its last day, as CRM date ranges and PostHog's `date_to` do; any other `to` is the instant
 * itself. Throws INVALID_DATE naming `path`/from or `path`/to, INVALID_OPTION when from > to. @internal
 */
export function periodBounds(p: { readonly from: TimestampInput; readonly to: TimestampInput }, path: ReadonlyArray<string | number>): [number, number] {
  if (typeof p !== 'object' || p === null) return fail('INVALID_OPTION', 'a period { from, to }', p, path);
  const from = toEpochMs(p.from, [...path, 'from']);
  let to = toEpochMs(p.to, [...path, 'to']);
  if (typeof p.to === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(p.to.trim())) to += DAY_MS - 1;
  const name = path.length > 0 ? String(path[path.length - 1]) : 'period';
  if (from > to) fail('INVALID_OPTION', `${name}.from ≤ ${name}.to`, p.from, [...path, 'from']);
  return [from, to];
}

/** Milliseconds in a day. @internal */
export const DAY_MS = 86_400_000;
