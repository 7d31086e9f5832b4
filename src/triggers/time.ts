import { fail } from '../errors/FunnelError.js';

/** Milliseconds in a day. @internal */
export const DAY_MS = 86_400_000;

/**
 * Epoch milliseconds of an instant given as a canonical ISO string, another ISO string, a `Date` or
 * epoch milliseconds. Throws INVALID_DATE naming `path` for anything that is not a valid instant
 * (NaN, `"yesterday"`, an Invalid Date). @internal
 */
export function toMs(value: unknown, path: ReadonlyArray<string | number>): number {
  const ms = msOrNaN(value);
  if (Number.isNaN(ms)) failDate(value, path);
  return ms;
}

/** Epoch ms of a valid instant, NaN otherwise (no throw, no allocation on the fast path). @internal */
export function msOrNaN(value: unknown): number {
  let ms: number;
  if (typeof value === 'string') ms = value.length === 24 ? parseCanonical(value) : Date.parse(value);
  else if (typeof value === 'number') ms = value;
  else if (value instanceof Date) ms = value.getTime();
  else return Number.NaN;
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : Number.NaN;
}

/** Throws the INVALID_DATE FunnelError for `value` at `path`. @internal */
export function failDate(value: unknown, path: ReadonlyArray<string | number>): never {
  return fail('INVALID_DATE', 'a valid instant (ISO string, Date or epoch ms)', value, path);
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysIn(y: number, mo: number): number {
  return mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : (DAYS[mo - 1] as number);
}

function digits(s: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Fast path for the canonical form `YYYY-MM-DDTHH:MM:SS.sssZ` (what the schemas produce); anything
 * else, or an out-of-range field, falls back to `Date.parse`.
 */
function parseCanonical(s: string): number {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(19) !== 46 || s.charCodeAt(23) !== 90) {
    return Date.parse(s);
  }
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 7);
  const d = digits(s, 8, 10);
  const h = digits(s, 11, 13);
  const mi = digits(s, 14, 16);
  const se = digits(s, 17, 19);
  const ms = digits(s, 20, 23);
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo) && h <= 23 && mi <= 59 && se <= 59) || Number.isNaN(y + ms)) return Date.parse(s);
  return daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + se) * 1000 + ms;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`): plain integer
 * arithmetic, no `Date.UTC` call (which also maps years 0–99 to 1900–1999, unlike ISO strings).
 */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * The canonical UTC ISO string of an instant: returned as is when it already is one
 * (`"2026-03-01T09:00:00.000Z"`), rebuilt otherwise. @internal
 */
export function toIso(value: unknown, ms: number): string {
  if (typeof value === 'string' && value.length === 24 && value.charCodeAt(23) === 90 /* Z */ && value.charCodeAt(10) === 84 /* T */) return value;
  return new Date(ms).toISOString();
}
