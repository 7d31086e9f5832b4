import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DealTable, exactRevenueDistribution, forecastRevenue, isFunnelError } from '../../src/index.js';
import { DAY, funnel, tableOf, type Row } from './fixtures.js';

function openTable(amounts: number[], stages: string[]): DealTable {
  return DealTable.fromColumns(
    { dealIds: amounts.map((_, i) => `d${i}`), createdAt: amounts.map(() => 0), stage: stages, amountMinor: amounts, currencyIndex: amounts.map(() => 0), currencies: ['EUR'] },
    funnel,
  );
}

describe('exactRevenueDistribution and forecastRevenue (no timing)', () => {
  const t = openTable([10_000, 30_000, 5_000, 90_000], ['lead', 'offer', 'offer', 'lead']);
  it('exact mean, sd and tail by hand', () => {
    const d = exactRevenueDistribution(t, { target: { amount: '900.00', currency: 'EUR' } });
    // mean = 100·0.1 + 300·0.5 + 50·0.5 + 900·0.1 = 275
    expect(d.mean.amount).toBe('275.00');
    expect(d.basis.exact).toBe(true);
    expect(d.basis.step.amount).toBe('50.00'); // gcd of the amounts
    // P(S ≥ 900) = P(the 900 deal wins) = 0.1
    expect(d.probabilityOfTarget).toBeCloseTo(0.1, 12);
    expect(d.expectedWins).toBeCloseTo(1.2, 12);
  });
  // exactRevenueDistribution is the exact distribution of the per-deal model: the simulation it is
  // compared with is the one with that model, uncertainty 'none' (no parameter draws, no period effect)
  it('same seed → same result; the simulated mean converges to the exact mean', () => {
    const a = forecastRevenue(t, { now: 0, timing: false, simulations: 20_000, seed: 9, uncertainty: 'none' });
    const b = forecastRevenue(t, { now: 0, timing: false, simulations: 20_000, seed: 9, uncertainty: 'none' });
    expect(a).toEqual(b);
    const sd = Math.sqrt(100 ** 2 * 0.09 + 300 ** 2 * 0.25 + 50 ** 2 * 0.25 + 900 ** 2 * 0.09);
    expect(Math.abs(Number(a.mean.amount) - 275)).toBeLessThan((4 * sd) / Math.sqrt(20_000));
    const exact = exactRevenueDistribution(t);
    expect(a.p50).toEqual(exact.quantiles[1]!.amount);
  });
  test.prop([fc.array(fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('lead', 'offer')), { minLength: 1, maxLength: 20 }), fc.integer({ min: 0, max: 1000 })], { numRuns: 15 })(
    'Monte-Carlo mean within 5 standard errors of the exact mean',
    (rows, seed) => {
      const tt = openTable(rows.map((r) => r[0]), rows.map((r) => r[1]));
      const sims = 3000;
      const mc = forecastRevenue(tt, { now: 0, timing: false, simulations: sims, seed, uncertainty: 'none' });
      const ex = exactRevenueDistribution(tt);
      const sd = Number(ex.standardDeviation.amount);
      expect(Math.abs(Number(mc.mean.amount) - Number(ex.mean.amount))).toBeLessThanOrEqual((5 * sd) / Math.sqrt(sims) + 0.011);
    },
  );
  it('progress and abort', () => {
    const seen: number[] = [];
    forecastRevenue(t, { now: 0, timing: false, simulations: 100, onProgress: (d) => seen.push(d) });
    expect(seen.at(-1)).toBe(100);
    const ac = new AbortController();
    ac.abort();
    try {
      forecastRevenue(t, { now: 0, simulations: 100, signal: ac.signal });
      throw new Error('expected abort');
    } catch (e) {
      expect(isFunnelError(e) && e.code).toBe('ABORTED');
    }
  });
});

describe('forecastRevenue with survival timing', () => {
  // history: 40 deals created on day 0..39, each won 10 days later; 2 open deals aged 5 and 15 days at now = 60
  const rows: Row[] = [];
  for (let i = 0; i < 40; i++) rows.push({ id: `h${i}`, path: ['lead', 'won'], at: [i, i + 10], amount: '100.00' });
  rows.push({ id: 'young', path: ['lead'], at: [55], amount: '1000.00' });
  rows.push({ id: 'old', path: ['lead'], at: [45], amount: '1000.00' });
  const t = tableOf(rows);
  it('a deal younger than the cycle closes within the period; one older than every closed cycle has no evidence', () => {
    const r = forecastRevenue(t, { now: 60 * DAY, until: 70 * DAY, simulations: 500, newDeals: false });
    // landmark age 5 (young's age): the 40 history deals (in lead at 5, won 5 days later) and 'old'
    // (in lead at 5, censored 10 days later); 41 at risk at residual 5, 40 wins → young: 40/41.
    // old (age 15, landmark 14): nobody else in lead at ages 7.5..30 → pooled curve, flat after 15 → 0
    expect(r.expectedFromOpen.amount).toBe('975.61');
    expect(r.p10.amount).toBe('1000.00');
    expect(r.basis.weighting).toBe('deals');
    // amount weighting: weights = amount / mean amount (6,000 / 42 per deal):
    // history 0.7 each, old 7; at residual 5 the weight at risk is 28 + 7 = 35, of which 28 win → 0.8
    const v = forecastRevenue(t, { now: 60 * DAY, until: 70 * DAY, simulations: 500, newDeals: false, weighting: 'amount' });
    expect(v.expectedFromOpen.amount).toBe('800.00');
  });
  it('new deals: λ ∫ F_won adds expected revenue', () => {
    const r = forecastRevenue(t, { now: 60 * DAY, until: 70 * DAY, simulations: 2000, inflowWindowDays: 60 });
    // created in (0, 60] days: 41 deals (h1..h39, young, old) → λ = 41/60; ∫₀¹⁰ F_won = 0 (all win at exactly 10 days)
    expect(r.inflowPerDay).toBeCloseTo(41 / 60, 12);
    expect(r.expectedFromNew.amount).toBe('0.00');
    const longer = forecastRevenue(t, { now: 60 * DAY, until: 80 * DAY, simulations: 2000, inflowWindowDays: 60 });
    // H = 20: ∫₀²⁰ F_won(u) du = 10 (F = 40/42 from day 10? the pooled fit has 2 censored) — positive
    expect(Number(longer.expectedFromNew.amount)).toBeGreaterThan(0);
  });
  it('new deals by hand: λ × ∫₀ᴴ F_won(u) du wins, each at the mean past won amount', () => {
    // four closed deals created on day 20: lost after 5 days, won after 10, 20 and 30 days (100, 200,
    // 300.00); two open leads created on day 99 (censored at age 1, before any close). Pooled curve from
    // creation (Aalen–Johansen): S(5) = 3/4; F_won = 1/4 on [10, 20), 1/2 on [20, 30), 3/4 from 30.
    const hand: Row[] = [
      { id: 'l1', path: ['lead', 'lost'], at: [20, 25], amount: '50.00' },
      { id: 'w1', path: ['lead', 'won'], at: [20, 30], amount: '100.00' },
      { id: 'w2', path: ['lead', 'won'], at: [20, 40], amount: '200.00' },
      { id: 'w3', path: ['lead', 'won'], at: [20, 50], amount: '300.00' },
      { id: 'o1', path: ['lead'], at: [99], amount: '1000.00' },
      { id: 'o2', path: ['lead'], at: [99], amount: '1000.00' },
    ];
    const r = forecastRevenue(tableOf(hand), { now: 100 * DAY, until: 130 * DAY, simulations: 200, inflowWindowDays: 90 });
    // created in (day 10, day 100]: all six → λ = 6/90 per day; H = 30: ∫₀³⁰ F_won = 10·1/4 + 10·1/2 = 7.5
    // → 6/90 · 7.5 = 0.5 expected new wins × mean won amount 200.00 = 100.00
    expect(r.inflowPerDay).toBeCloseTo(6 / 90, 12);
    expect(r.expectedFromNew.amount).toBe('100.00');
  });
});
