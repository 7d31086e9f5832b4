import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  conditionalIncidence,
  conditionalSurvival,
  fitCompetingRisks,
  fitSortedCompetingRisks,
  incidenceAt,
  incidenceEstimate,
  incidenceQuantile,
  survivalAt,
  survivalEstimate,
  survivalQuantile,
} from '../../src/internal/survival.js';

// Freireich et al. (1963) 6-MP arm, the textbook Kaplan–Meier example (Kleinbaum & Klein, ch. 2):
// remission times in weeks, * = censored.
const sixMp = '6 6 6 6* 7 9* 10 10* 11* 13 16 17* 19* 20* 22 23 25* 32* 32* 34* 35*'.split(' ');
const t6 = sixMp.map((s) => Number.parseFloat(s));
const e6 = sixMp.map((s) => (s.endsWith('*') ? 0 : 1));

describe('Kaplan–Meier (6-MP data)', () => {
  const fit = fitCompetingRisks(t6, e6, 1);
  it('survival at the event times, by hand: Π (1 − d/n)', () => {
    expect(Array.from(fit.times)).toEqual([6, 7, 10, 13, 16, 22, 23]);
    expect(Array.from(fit.atRisk)).toEqual([21, 17, 15, 12, 11, 7, 6]);
    const s = [18 / 21];
    s.push(s[0]! * (16 / 17));
    s.push(s[1]! * (14 / 15));
    s.push(s[2]! * (11 / 12));
    s.push(s[3]! * (10 / 11));
    s.push(s[4]! * (6 / 7));
    s.push(s[5]! * (5 / 6));
    fit.survival.forEach((v, i) => expect(v).toBeCloseTo(s[i]!, 12));
    expect(survivalAt(fit, 12.9)).toBeCloseTo(0.7529, 4);
    expect(survivalAt(fit, 100)).toBeCloseTo(0.4482, 4);
  });
  it('Greenwood standard errors match the textbook (0.0764 at 6, 0.1346 at 23)', () => {
    expect(survivalEstimate(fit, 6).se).toBeCloseTo(0.0764, 4);
    expect(survivalEstimate(fit, 23).se).toBeCloseTo(0.1346, 4);
  });
  it('log-log interval at 6 weeks: S^{exp(±z se/(S|log S|))}', () => {
    const s = 18 / 21;
    const se = s * Math.sqrt(3 / (21 * 18));
    const k = (1.959963984540054 * se) / (s * Math.abs(Math.log(s)));
    const e = survivalEstimate(fit, 6);
    expect(e.lower).toBeCloseTo(s ** Math.exp(k), 10);
    expect(e.upper).toBeCloseTo(s ** Math.exp(-k), 10);
    expect(e.lower).toBeCloseTo(0.62, 2); // R survfit(conf.type = "log-log"): 0.620
  });
  it('median 23 weeks; conditional survival and quantile given survival to 10 weeks', () => {
    expect(survivalQuantile(fit, 0.5).estimate).toBe(23);
    expect(survivalQuantile(fit, 0.5).lower).toBe(13);
    expect(survivalQuantile(fit, 0.5).upper).toBeNull();
    expect(conditionalSurvival(fit, 10, 6)).toBeCloseTo((fit.survival[4]! / fit.survival[2]!), 12);
    // given alive at 10: S(t)/S(10) never reaches 0.5 (S(23)/S(10) = 0.595); the 25% quantile:
    // S(22)/S(10) = (6/7)(10/11)(11/12) = 0.714 ≤ 0.75 first → 22 − 10 = 12 more weeks
    expect(survivalQuantile(fit, 0.5, 0.95, 10).estimate).toBeNull();
    expect(survivalQuantile(fit, 0.25, 0.95, 10).estimate).toBe(12);
  });
});

describe('Aalen–Johansen (won = 1, lost = 2)', () => {
  // 6 deals, days to close: 1 won, 2 lost, 3 still open (censored), 4 won, 5 lost, 6 won.
  const fit = fitCompetingRisks([1, 2, 3, 4, 5, 6], [1, 2, 0, 1, 2, 1], 2);
  it('matches the hand computation F_j(t) = Σ Ŝ(t_{l−1}) d_jl / Y_l', () => {
    expect(incidenceAt(fit, 1, 1)).toBeCloseTo(1 / 6, 12);
    expect(incidenceAt(fit, 2, 2)).toBeCloseTo(1 / 6, 12);
    expect(incidenceAt(fit, 1, 4)).toBeCloseTo(7 / 18, 12); // 1/6 + (4/6)(1/3)
    expect(incidenceAt(fit, 2, 5)).toBeCloseTo(7 / 18, 12); // 1/6 + (4/9)(1/2)
    expect(incidenceAt(fit, 1, 6)).toBeCloseTo(11 / 18, 12);
    expect(incidenceAt(fit, 1, 6) + incidenceAt(fit, 2, 6)).toBeCloseTo(1 - survivalAt(fit, 6), 12);
  });
  it('is below the naive 1 − KM that treats losses as censored', () => {
    const naive = fitCompetingRisks([1, 2, 3, 4, 5, 6], [1, 0, 0, 1, 0, 1], 1);
    expect(1 - survivalAt(naive, 4)).toBeCloseTo(1 - (5 / 6) * (2 / 3), 12);
    expect(incidenceAt(fit, 1, 4)).toBeLessThan(1 - survivalAt(naive, 4));
  });
  it('conditional incidence given open at day 3: (F(3+t) − F(3)) / S(3)', () => {
    expect(conditionalIncidence(fit, 1, 3, 3)).toBeCloseTo((11 / 18 - 1 / 6) / (4 / 6), 12);
    expect(incidenceQuantile(fit, 1, 0.3)).toBe(4);
    expect(incidenceQuantile(fit, 1, 0.9)).toBeNull();
  });
  it('delta-method variance reduces to the binomial variance without censoring', () => {
    const f = fitCompetingRisks([1, 1, 2, 3, 3, 4, 5, 5], [1, 2, 1, 2, 1, 1, 2, 1], 2);
    for (const t of [1, 2, 3, 4, 5]) {
      const e = incidenceEstimate(f, 1, t);
      expect(e.se ** 2).toBeCloseTo((e.estimate * (1 - e.estimate)) / 8, 12);
    }
  });
});

const dataArb = fc.array(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 10 })), { minLength: 1, maxLength: 60 });

describe('laws', () => {
  test.prop([dataArb], { numRuns: 100 })('incidences are non-decreasing, sum with Ŝ to 1, estimates and bounds in [0,1]', (rows) => {
    const fit = fitCompetingRisks(
      rows.map((r) => r[0] + r[2]),
      rows.map((r) => r[1]),
      2,
      rows.map((r) => r[2] - 0.5),
    );
    let prev1 = 0;
    let prev2 = 0;
    for (let t = 0; t <= 41; t++) {
      const f1 = incidenceAt(fit, 1, t);
      const f2 = incidenceAt(fit, 2, t);
      expect(f1).toBeGreaterThanOrEqual(prev1 - 1e-12);
      expect(f2).toBeGreaterThanOrEqual(prev2 - 1e-12);
      expect(f1 + f2).toBeLessThanOrEqual(1 + 1e-12);
      expect(f1 + f2 + survivalAt(fit, t)).toBeCloseTo(1, 9);
      prev1 = f1;
      prev2 = f2;
      for (const e of [survivalEstimate(fit, t), incidenceEstimate(fit, 1, t)]) {
        expect(e.lower).toBeGreaterThanOrEqual(0);
        expect(e.upper).toBeLessThanOrEqual(1 + 1e-12);
        expect(e.lower).toBeLessThanOrEqual(e.estimate + 1e-12);
        expect(e.upper).toBeGreaterThanOrEqual(e.estimate - 1e-12);
      }
      const c = conditionalIncidence(fit, 1, 5, t);
      if (c !== null) expect(c).toBeGreaterThanOrEqual(-1e-12);
      if (c !== null) expect(c).toBeLessThanOrEqual(1 + 1e-12);
    }
  });
});

describe('fitSortedCompetingRisks', () => {
  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 3 })), { minLength: 0, maxLength: 60 })], { numRuns: 100 })(
    'equals fitCompetingRisks on rows in time order (ties, censorings, an event code above the causes)',
    (rows) => {
      const sorted = [...rows].sort((a, b) => a[0] - b[0]);
      const t = sorted.map((r) => r[0] / 4);
      const e = sorted.map((r) => r[1]);
      expect(fitSortedCompetingRisks(t, e, 2)).toEqual(fitCompetingRisks(t, e, 2));
    },
  );
});
