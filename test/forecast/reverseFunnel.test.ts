import { describe, expect, it } from 'vitest';
import { reverseFunnel } from '../../src/index.js';

describe('reverseFunnel', () => {
  it("KLYR's worked example: 20% × 60% × 40% = 4.8%", () => {
    const r = reverseFunnel({
      target: { amount: '48000.00', currency: 'USD' },
      averageDealSize: { amount: '1000.00', currency: 'USD' },
      stages: ['lead', 'opportunity', 'proposal'],
      rates: { lead: 0.2, opportunity: 0.6, proposal: 0.4 },
    });
    expect(r.winsNeeded).toBe(48);
    expect(r.steps.map((s) => s.neededWhole)).toEqual([1000, 200, 120]);
    expect(r.endToEnd).toBeCloseTo(0.048, 12);
  });
  it('reports missing rates and currency mismatches', () => {
    expect(() => reverseFunnel({ target: { amount: '1', currency: 'USD' }, averageDealSize: { amount: '1', currency: 'USD' }, stages: ['a'] })).toThrow(/conversion rate/);
    expect(() => reverseFunnel({ target: { amount: '1', currency: 'USD' }, averageDealSize: { amount: '1', currency: 'EUR' }, stages: ['a'], rates: { a: 1 } })).toThrow(/USD/);
  });
});
