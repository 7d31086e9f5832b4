import { fail } from '../errors/FunnelError.js';

/** Milliseconds in a day. @internal */
export const DAY_MS = 86_400_000;

/**
 * Epoch milliseconds of an instant given as a canonical ISO string, another ISO string, a `Date` or
 * epoch milliseconds. Throws INVALID_DATE naming `path` for anything that is not a valid instant
 * (NaN, `"yesterday"`, an Invalid Date). @internal
 */
export function toMs(value: unknown, path: ReadonlyArray<string | number>): number {
  let ms: number;
  if (typeof value === 'string') ms = Date.parse(value);
  else if (typeof value === 'number') ms = value;
  else if (value instanceof Date) ms = value.getTime();
  else ms = Number.NaN;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) fail('INVALID_DATE', 'a valid instant (ISO string, Date or epoch ms)', value, path);
  return ms;
}

/**
 * The canonical UTC ISO string of an instant: returned as is when it already is one
 * (`"2026-03-01T09:00:00.000Z"`), rebuilt otherwise. @internal
 */
export function toIso(value: unknown, ms: number): string {
  if (typeof value === 'string' && value.length === 24 && value.charCodeAt(23) === 90 /* Z */ && value.charCodeAt(10) === 84 /* T */) return value;
  return new Date(ms).toISOString();
}
