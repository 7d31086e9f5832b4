import { describe, expect, it } from 'vitest';
import { DealTable, exactRevenueDistribution, forecastRevenue } from '../../src/index.js';
import { funnel } from './fixtures.js';

// Open deals 100.00 at Lead (p 0.1) and 300.00 at Offer (p 0.5): by hand, revenue is
// 0 w.p. 0.9·0.5 = 0.45, 100 w.p. 0.05, 300 w.p. 0.45, 400 w.p. 0.05.
const t = DealTable.fromColumns({ dealIds: ['a', 'b'], createdAt: [0, 0], stage: ['lead', 'offer'], amount: ['100.00', '300.00'], currency: 'EUR' }, funnel);

describe('exactRevenueDistribution: P(revenue ≥ target), and the simulation against it', () => {
  it('by hand: P(≥ 300) = 0.5, P(≥ 350) = 0.05, mean 160.00', () => {
    const d = exactRevenueDistribution(t, { target: { amount: '300.00', currency: 'EUR' } });
    expect(d.probabilityOfTarget).toBeCloseTo(0.5, 12);
    expect(exactRevenueDistribution(t, { target: { amount: '350.00', currency: 'EUR' } }).probabilityOfTarget).toBeCloseTo(0.05, 12);
    expect(d.mean.amount).toBe('160.00');
  });
  it("forecastRevenue's simulated P(revenue ≥ target) is within 4 standard errors of the exact 0.05", () => {
    const n = 20_000;
    const r = forecastRevenue(t, { now: 0, timing: false, uncertainty: 'none', simulations: n, seed: 3, target: { amount: '350.00', currency: 'EUR' } });
    expect(Math.abs(r.probabilityOfTarget! - 0.05)).toBeLessThan(4 * Math.sqrt((0.05 * 0.95) / n));
  });
});
