/**
 * Calendar periods in UTC for trends: a day, an ISO week (Monday to Sunday) or a calendar month.
 * Pure arithmetic on epoch milliseconds; no time zones, no clock.
 * @internal
 */
import { fail } from '../errors/FunnelError.js';

/** A trend period length. @internal */
export type PeriodUnit = 'day' | 'week' | 'month';

const DAY = 86_400_000;

/** The UTC start (epoch ms) of the period containing `ms`. Weeks start on Monday (ISO 8601). @internal */
export function periodStart(ms: number, unit: PeriodUnit): number {
  if (!Number.isFinite(ms)) fail('INVALID_DATE', 'a finite epoch-millisecond time', ms, ['time']);
  const day = Math.floor(ms / DAY);
  if (unit === 'day') return day * DAY;
  if (unit === 'week') {
    const mondayBased = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday (index 3)
    return (day - mondayBased) * DAY;
  }
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** The UTC start of the period after the one starting at `start`. @internal */
export function nextPeriodStart(start: number, unit: PeriodUnit): number {
  if (unit === 'day') return start + DAY;
  if (unit === 'week') return start + 7 * DAY;
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/**
 * A readable label for the period starting at `start`: `2026-03-02` (day), `2026-W10` (ISO week,
 * numbered by the ISO week-year of its Thursday), `2026-03` (month). @internal
 */
export function periodLabel(start: number, unit: PeriodUnit): string {
  const iso = new Date(start).toISOString();
  if (unit === 'day') return iso.slice(0, 10);
  if (unit === 'month') return iso.slice(0, 7);
  const thursday = new Date(start + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
