import { describe, expect, it } from 'vitest';
import { timeToClose } from '../../src/index.js';
import { DAY, tableOf, type Row } from './fixtures.js';

// 6 deals, days to close from creation: 1 won, 2 lost, 3 open (censored at now), 4 won, 5 lost, 6 won
const rows: Row[] = [
  { id: 'a', path: ['lead', 'won'], at: [0, 1] },
  { id: 'b', path: ['lead', 'lost'], at: [0, 2] },
  { id: 'c', path: ['lead'], at: [7] }, // open, age 3 at now = 10
  { id: 'd', path: ['lead', 'offer', 'won'], at: [0, 1, 4] },
  { id: 'e', path: ['lead', 'offer', 'lost'], at: [0, 2, 5] },
  { id: 'f', path: ['lead', 'won'], at: [0, 6] },
];

describe('timeToClose', () => {
  const t = tableOf(rows);
  it('Aalen–Johansen and Kaplan–Meier, by hand', () => {
    const r = timeToClose(t, { now: 10 * DAY, minSample: 1, horizons: [4, 6] });
    if (!r.ok) throw new Error('expected ok');
    expect([r.deals, r.won, r.lost, r.open]).toEqual([6, 3, 2, 1]);
    expect(r.horizons[0]!.won.estimate).toBeCloseTo(7 / 18, 12);
    expect(r.horizons[1]!.won.estimate).toBeCloseTo(11 / 18, 12);
    expect(r.horizons[1]!.lost.estimate).toBeCloseTo(7 / 18, 12);
    expect(r.horizons[0]!.open.estimate).toBeCloseTo(4 / 9, 12);
    // median time to close: S(4) = 4/9 ≤ 0.5 first at t = 4 (S(2) = 4/6)
    expect(r.quantiles.find((q) => q.q === 0.5)!.days).toBe(4);
    const w = r.horizons[0]!.won;
    expect(w.lower!).toBeLessThan(w.estimate);
    expect(w.upper!).toBeGreaterThan(w.estimate);
  });
  it('conditional on age and on stage', () => {
    const r = timeToClose(t, { now: 10 * DAY, minSample: 1, horizons: [3], age: 3 });
    if (!r.ok) throw new Error('expected ok');
    expect(r.horizons[0]!.won.estimate).toBeCloseTo((11 / 18 - 1 / 6) / (4 / 6), 12);
    expect(r.horizons[0]!.won.lower).toBeNull();
    const s = timeToClose(t, { now: 10 * DAY, minSample: 1, stage: 'offer', horizons: [10] });
    if (!s.ok) throw new Error('expected ok');
    // deals that entered offer: d (won at 4), e (lost at 5), entered at ages 1 and 2
    expect([s.deals, s.won, s.lost]).toEqual([2, 1, 1]);
    expect(s.horizons[0]!.won.estimate).toBeCloseTo(0.5, 12);
  });
  it('conditional on stage and age together', () => {
    // Offer population: d (entered at age 1, won at 4), e (entered at age 2, lost at 5). Open at age 4.5:
    // Ŝ(4.5) = 1/2 (d won at 4 with both at risk); after that only e's loss at 5 remains:
    // P(won within 10 | 4.5) = (F_won(14.5) − F_won(4.5)) / Ŝ(4.5) = 0, P(lost within 10 | 4.5) = (1/2) / (1/2) = 1
    const r = timeToClose(t, { now: 10 * DAY, minSample: 1, stage: 'offer', age: 4.5, horizons: [10] });
    if (!r.ok) throw new Error('expected ok');
    expect(r.horizons[0]!.won.estimate).toBeCloseTo(0, 12);
    expect(r.horizons[0]!.lost.estimate).toBeCloseTo(1, 12);
  });
  it('floor and misuse', () => {
    expect(timeToClose(t, { now: 10 * DAY })).toEqual({ ok: false, reason: 'insufficientHistory', n: 5, needed: 30 });
    expect(() => timeToClose(t, { stage: 'won' })).toThrow(/open stage/);
    expect(() => timeToClose(t, { horizons: [-1] })).toThrow(/horizon/);
  });
});
