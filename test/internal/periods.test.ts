import { fc, test as propTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { nextPeriodStart, periodLabel, periodStart, type PeriodUnit } from '../../src/internal/periods.js';

const t = (s: string): number => Date.parse(s);

describe('UTC periods', () => {
  it('days start at UTC midnight', () => {
    expect(periodStart(t('2026-03-04T23:59:59.999Z'), 'day')).toBe(t('2026-03-04T00:00:00Z'));
    expect(periodLabel(t('2026-03-04T00:00:00Z'), 'day')).toBe('2026-03-04');
  });
  it('ISO weeks start on Monday and are numbered by their Thursday', () => {
    // 2026-03-04 is a Wednesday; its Monday is 2026-03-02 (ISO week 10 of 2026)
    expect(periodStart(t('2026-03-04T12:00:00Z'), 'week')).toBe(t('2026-03-02T00:00:00Z'));
    expect(periodLabel(t('2026-03-02T00:00:00Z'), 'week')).toBe('2026-W10');
    // Sunday belongs to the week that began six days earlier
    expect(periodStart(t('2026-03-08T23:00:00Z'), 'week')).toBe(t('2026-03-02T00:00:00Z'));
    // 2021-01-03 (Sunday) is in ISO week 53 of 2020, which began Monday 2020-12-28
    expect(periodStart(t('2021-01-03T10:00:00Z'), 'week')).toBe(t('2020-12-28T00:00:00Z'));
    expect(periodLabel(t('2020-12-28T00:00:00Z'), 'week')).toBe('2020-W53');
    // 2024-12-30 (Monday) starts ISO week 1 of 2025
    expect(periodLabel(t('2024-12-30T00:00:00Z'), 'week')).toBe('2025-W01');
    // before 1970 the modulo stays Monday-based: 1969-12-31 (Wednesday) → Monday 1969-12-29
    expect(periodStart(t('1969-12-31T05:00:00Z'), 'week')).toBe(t('1969-12-29T00:00:00Z'));
  });
  it('months are calendar months, including February of a leap year', () => {
    expect(periodStart(t('2024-02-29T18:00:00Z'), 'month')).toBe(t('2024-02-01T00:00:00Z'));
    expect(nextPeriodStart(t('2024-02-01T00:00:00Z'), 'month')).toBe(t('2024-03-01T00:00:00Z'));
    expect(nextPeriodStart(t('2025-12-01T00:00:00Z'), 'month')).toBe(t('2026-01-01T00:00:00Z'));
    expect(periodLabel(t('2024-02-01T00:00:00Z'), 'month')).toBe('2024-02');
  });
  propTest.prop([fc.integer({ min: -2e12, max: 4e12 }), fc.constantFrom<PeriodUnit>('day', 'week', 'month')], { numRuns: 300 })(
    'every instant lies in [start, next start) of its period',
    (ms, unit) => {
      const s = periodStart(ms, unit);
      expect(s).toBeLessThanOrEqual(ms);
      expect(nextPeriodStart(s, unit)).toBeGreaterThan(ms);
      expect(periodStart(s, unit)).toBe(s);
    },
  );
});
