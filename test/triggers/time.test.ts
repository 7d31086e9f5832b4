import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { msOrNaN, toIso } from '../../src/triggers/time.js';

describe('msOrNaN (canonical ISO fast path)', () => {
  it('agrees with Date.parse on canonical strings, including years 0–99 and leap days', () => {
    for (const s of ['0000-01-01T00:00:00.000Z', '0050-03-01T12:34:56.789Z', '0099-12-31T23:59:59.999Z', '1970-01-01T00:00:00.000Z', '2024-02-29T10:00:00.000Z', '2100-03-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
      expect(msOrNaN(s)).toBe(Date.parse(s));
    }
  });

  it('falls back to Date.parse (NaN) for impossible dates', () => {
    expect(msOrNaN('2026-02-30T00:00:00.000Z')).toBe(Date.parse('2026-02-30T00:00:00.000Z'));
    expect(Number.isNaN(msOrNaN('2026-13-01T00:00:00.000Z'))).toBe(true);
  });

  test.prop([fc.integer({ min: Date.parse('0000-01-01T00:00:00.000Z'), max: Date.parse('9999-12-31T23:59:59.999Z') })], { numRuns: 500 })('round-trips every instant of years 0000–9999', (t) => {
    const s = new Date(t).toISOString();
    expect(msOrNaN(s)).toBe(t);
    expect(toIso(s, t)).toBe(s);
  });
});
