import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { forecastRevenue, isFunnelError, type ForecastRevenueReport } from '../../src/index.js';
import { DAY, tableOf, type Row } from './fixtures.js';

/**
 * Four 10-day periods before now = day 40. In period j (days 10j..10j + 10) 20 deals are created on
 * day 10j + 1 and close 5 days later: `wins[j]` of them won, the rest lost. Plus `open` deals created
 * on day 38, still in lead at now.
 */
function history(wins: readonly number[], open = 10): ReturnType<typeof tableOf> {
  const rows: Row[] = [];
  wins.forEach((w, j) => {
    for (let i = 0; i < 20; i++) rows.push({ id: `p${j}-${i}`, path: ['lead', i < w ? 'won' : 'lost'], at: [10 * j + 1, 10 * j + 6], amount: '100.00' });
  });
  for (let i = 0; i < open; i++) rows.push({ id: `o${i}`, path: ['lead'], at: [38], amount: '100.00' });
  return tableOf(rows);
}
const now = 40 * DAY;
const until = 50 * DAY;
const width = (r: ForecastRevenueReport): number => Number(r.p90.amount) - Number(r.p10.amount);
const withoutBasis = (r: ForecastRevenueReport): unknown => ({ ...r, basis: { ...r.basis, uncertainty: null, periodEffect: null } });

describe('period effect learned from the wins of past periods (hand-computed)', () => {
  it('wins 10, 18, 2, 10 against 10 expected each: τ² = 0.54', () => {
    const t = history([10, 18, 2, 10]);
    const r = forecastRevenue(t, { now, until, simulations: 2000, seed: 1, newDeals: false });
    // Every closed deal closes at age 5, 40 of 80 won: Λ_won(5) = 40/80 = 1/2, so each period's 20
    // deals are expected to win 10. The first close is on day 6, so the periods are (30, 40], (20, 30]
    // and (10, 20] (the first one starts before any outcome is recorded). The open deals are 2 days
    // old: no win is expected before age 5. Wins 10, 2, 18 (most recent first); ĉ = 30/30 = 1;
    // Q = (0 + 8² + 8²)/10 = 12.8 on 2 degrees of freedom; ΣE − ΣE²/ΣE = 30 − 300/30 = 20;
    // τ² = (12.8 − 2)/20 = 0.54.
    expect(r.basis.uncertainty).toBe('full');
    const pe = r.basis.periodEffect;
    expect(pe !== null && pe.ok).toBe(true);
    if (pe === null || !pe.ok) return;
    expect(pe.method).toBe('wins');
    expect(pe.sd).toBeCloseTo(Math.sqrt(0.54), 12);
    expect(pe.level).toBeCloseTo(1, 12);
    expect(pe.lengthDays).toBe(10);
    expect(pe.periods.map((p) => [p.from.slice(0, 10), p.to.slice(0, 10), p.wins, p.revenue.amount, p.forecast])).toEqual([
      ['1970-01-31', '1970-02-10', 10, '1000.00', null],
      ['1970-01-21', '1970-01-31', 2, '200.00', null],
      ['1970-01-11', '1970-01-21', 18, '1800.00', null],
    ]);
    pe.periods.forEach((p) => expect(p.expectedWins).toBeCloseTo(10, 12));
  });
  it('the range widens, the expectation stays', () => {
    const t = history([10, 18, 2, 10]);
    const o = { now, until, simulations: 4000, seed: 3, newDeals: false } as const;
    const full = forecastRevenue(t, o);
    const par = forecastRevenue(t, { ...o, uncertainty: 'parameters' });
    // each open deal wins within 10 days with 1/2 (40 of the 80 deals in lead at age 2 won 3 days later)
    expect(full.expectedFromOpen.amount).toBe('500.00');
    expect(par.expectedFromOpen.amount).toBe('500.00');
    expect(width(full)).toBeGreaterThan(width(par));
    // θ averages 1 over the run; min(1, θ/2) caps a little mass when θ > 2 (about 2 % of the runs
    // with τ = 0.73): the mean moves by less than 2 %
    expect(Math.abs(Number(full.mean.amount) - Number(par.mean.amount))).toBeLessThan(10);
  });
  it('fewer past periods than minPeriods: no period effect, the range of uncertainty "parameters"', () => {
    const t = history([10, 18, 2, 10]);
    const o = { now, until, simulations: 500, seed: 2 } as const;
    const r = forecastRevenue(t, { ...o, minPeriods: 4 });
    expect(r.basis.periodEffect).toEqual({ ok: false, reason: 'insufficientHistory', n: 3, needed: 4 });
    expect(withoutBasis(r)).toEqual(withoutBasis(forecastRevenue(t, { ...o, uncertainty: 'parameters' })));
  });
  it('no timing: no period effect (the exact model of exactRevenueDistribution is untouched)', () => {
    const t = history([10, 18, 2, 10]);
    const r = forecastRevenue(t, { now, timing: false, simulations: 300 });
    expect(r.basis.periodEffect).toBeNull();
    expect(withoutBasis(r)).toEqual(withoutBasis(forecastRevenue(t, { now, timing: false, simulations: 300, uncertainty: 'none' })));
  });
});

describe('period effect (properties)', () => {
  it('more between-period variance in the history → a larger τ̂ and a wider range', () => {
    const runs = [0, 4, 7, 10].map((d) => forecastRevenue(history([10, 10 + d, 10 - d, 10]), { now, until, simulations: 3000, seed: 5, newDeals: false }));
    const sds = runs.map((r) => (r.basis.periodEffect?.ok === true ? r.basis.periodEffect.sd : -1));
    // d = 0: wins 10, 10, 10 — no spread at all → τ̂ = 0; d = 4: Q = 3.2 → τ̂² = 1.2/20
    expect(sds[0]).toBe(0);
    for (let i = 1; i < sds.length; i++) expect(sds[i]).toBeGreaterThan(sds[i - 1] as number);
    for (let i = 2; i < runs.length; i++) expect(width(runs[i]!)).toBeGreaterThan(width(runs[i - 1]!));
  });
  test.prop([fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 2, maxLength: 6 }), fc.integer({ min: 0, max: 1000 })], { numRuns: 12 })(
    'zero between-period variance → the same simulation as before (uncertainty "parameters")',
    (wins, seed) => {
      const t = history(wins, 6);
      const o = { now: 10 * wins.length * DAY, until: (10 * wins.length + 10) * DAY, simulations: 200, seed } as const;
      const full = forecastRevenue(t, o);
      const par = forecastRevenue(t, { ...o, uncertainty: 'parameters' });
      const pe = full.basis.periodEffect;
      if (pe === null || !pe.ok || pe.sd === 0) expect(withoutBasis(full)).toEqual(withoutBasis(par));
      // a given standard deviation of 0 is always the same as no period effect
      expect(withoutBasis(forecastRevenue(t, { ...o, periodEffect: 0 }))).toEqual(withoutBasis(par));
    },
  );
  test.prop([fc.double({ min: 0, max: 0.5, noNaN: true }), fc.integer({ min: 0, max: 1000 })], { numRuns: 6 })('a larger given standard deviation gives a wider range', (sd, seed) => {
    const t = history([10, 10, 10, 10], 60);
    const o = { now, until, simulations: 3000, seed, newDeals: false } as const;
    expect(width(forecastRevenue(t, { ...o, periodEffect: sd + 0.25 }))).toBeGreaterThan(width(forecastRevenue(t, { ...o, periodEffect: sd })));
  });
});

describe("period effect from the forecast's own errors", () => {
  it('forecasts each past period from the data known at its start (by hand)', () => {
    // now = day 43, periods of 10 days: (33, 43], (23, 33], (13, 23]. At each cut-off the 20 deals
    // created 2 days before are open; the landmark population at age 2 is every earlier deal (all close
    // 3 days later), so P = the share of them that won and se² = P(1 − P)/n (no censoring):
    //   day 33: 30 of 60 → 0.5, forecast 20 × 100 × 0.5 = 1,000, won 10 × 100 = 1,000
    //   day 23: 28 of 40 → 0.7, forecast 1,400, won 200
    //   day 13: 10 of 20 → 0.5, forecast 1,000, won 1,800
    // model variance V = Σ a² p (1 − p) + (Σ a)² se²: 50,000 + 2,000²/240; 42,000 + 2,000² · 0.21/40;
    // 50,000 + 2,000² · 0.25/20. τ² = Σ[(Y − F)² − V] / ΣF²
    //   = (0 − 66,666.67 + 1,200² − 63,000 + 800² − 100,000) / (1,000² + 1,400² + 1,000²) = 0.46726
    const t = history([10, 18, 2, 10]);
    const r = forecastRevenue(t, { now: 43 * DAY, until: 53 * DAY, simulations: 500, seed: 1, newDeals: false, periodEffect: 'forecastErrors', minSample: 5 });
    const pe = r.basis.periodEffect;
    expect(pe?.ok).toBe(true);
    if (pe === null || !pe.ok) return;
    expect(pe.method).toBe('forecastErrors');
    expect(pe.periods.map((p) => [p.to.slice(0, 10), p.forecast?.amount, p.revenue.amount, p.expectedWins])).toEqual([
      ['1970-02-13', '1000.00', '1000.00', null],
      ['1970-02-03', '1400.00', '200.00', null],
      ['1970-01-24', '1000.00', '1800.00', null],
    ]);
    const tau2 = (0 - (50_000 + 4e6 / 240) + 1200 ** 2 - (42_000 + (4e6 * 0.21) / 40) + 800 ** 2 - (50_000 + (4e6 * 0.25) / 20)) / (1e6 + 1.96e6 + 1e6);
    expect(pe.sd).toBeCloseTo(Math.sqrt(tau2), 10);
    expect(pe.level).toBeCloseTo(3000 / 3400, 12);
  });
});

describe('misuse', () => {
  const t = history([10, 18, 2, 10]);
  const pathOf = (fn: () => unknown): string => {
    try {
      fn();
    } catch (e) {
      if (isFunnelError(e)) return `${e.code} ${e.path.join('.')}`;
      throw e;
    }
    return 'no error';
  };
  it('bad options are FunnelErrors naming the option', () => {
    expect(pathOf(() => forecastRevenue(t, { uncertainty: 'period' as never }))).toBe('INVALID_OPTION options.uncertainty');
    expect(pathOf(() => forecastRevenue(t, { periodEffect: -0.1 }))).toBe('INVALID_OPTION options.periodEffect');
    expect(pathOf(() => forecastRevenue(t, { periodEffect: 'seasonal' as never }))).toBe('INVALID_OPTION options.periodEffect');
    expect(pathOf(() => forecastRevenue(t, { periodEffect: Number.NaN }))).toBe('INVALID_OPTION options.periodEffect');
    expect(pathOf(() => forecastRevenue(t, { periodHistory: 1 }))).toBe('INVALID_OPTION options.periodHistory');
    expect(pathOf(() => forecastRevenue(t, { minPeriods: 2.5 }))).toBe('INVALID_OPTION options.minPeriods');
  });
});
