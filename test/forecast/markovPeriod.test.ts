import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DealTable, defineFunnel, markovForecast } from '../../src/index.js';
import { rawDealsArb, tableOf as arbTable } from '../arbitraries/deals.js';
import { tableOf, type Row } from './fixtures.js';

const DAY = 86_400_000;
// three open stages: lead → qual → offer → won/lost
const funnel = defineFunnel({
  id: 'f3',
  name: 'F3',
  currency: 'EUR',
  stages: [
    { id: 'lead', name: 'Lead' },
    { id: 'qual', name: 'Qualified' },
    { id: 'offer', name: 'Offer' },
    { id: 'won', name: 'Won', category: 'won' },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
});
type Path = Row;
const table = (rows: Path[]): DealTable => tableOf(rows, funnel);
// Stays (days) and exits, as of day 10:
//   a: lead 0–2, qual 2–3, offer 3–4 → won       b: lead 0–2, qual 2–4 → lost
//   c: lead 0–2 → lost                            d: lead 0–1, qual 1–2, offer 2–4 → won
//   e: lead since 7 (open: 3 days censored)       f: lead 6–8, qual since 8 (open: 2 days censored)
// lead:  stays 2+2+2+1+3+2 = 12 days, exits 5 (qual 4, lost 1)  → rate 5/12, jumps 4/5, 1/5
// qual:  stays 1+2+1+2 = 6 days, exits 3 (offer 2, lost 1)      → rate 1/2,  jumps 2/3, 1/3
// offer: stays 1+2 = 3 days, exits 2 (won 2)                    → rate 2/3,  jump 1
const rows: Path[] = [
  { id: 'a', path: ['lead', 'qual', 'offer', 'won'], at: [0, 2, 3, 4], amount: '300.00' },
  { id: 'b', path: ['lead', 'qual', 'lost'], at: [0, 2, 4] },
  { id: 'c', path: ['lead', 'lost'], at: [0, 2] },
  { id: 'd', path: ['lead', 'qual', 'offer', 'won'], at: [0, 1, 2, 4], amount: '100.00' },
  { id: 'e', path: ['lead'], at: [7], amount: '1000.00' },
  { id: 'f', path: ['lead', 'qual'], at: [6, 8], amount: '10.00' },
];
// A path lead → qual → offer → won takes T1 + T2 + T3 with Ti ~ Exp(λi) independent of the jump
// choices (λ = 5/12, 1/2, 2/3), so P(won within t) = (jump probabilities) × hypoexponential CDF:
//   offer: 1 − e^{−2t/3}
//   qual:  (2/3)(1 − 4e^{−t/2} + 3e^{−2t/3})             (coefficients λ3/(λ3−λ2) = 4, λ2/(λ2−λ3) = −3)
//   lead:  (4/5)(2/3)(1 − 16e^{−5t/12} + 20e^{−t/2} − 5e^{−2t/3})  (16, −20, 5 from Π λj/(λj − λi))
const pOffer = (t: number): number => 1 - Math.exp((-2 * t) / 3);
const pQual = (t: number): number => (2 / 3) * (1 - 4 * Math.exp(-t / 2) + 3 * Math.exp((-2 * t) / 3));
const pLead = (t: number): number => (8 / 15) * (1 - 16 * Math.exp((-5 * t) / 12) + 20 * Math.exp(-t / 2) - 5 * Math.exp((-2 * t) / 3));
// ∫₀ᴴ pLead(u) du, by hand
const intLead = (h: number): number => (8 / 15) * (h - (16 * 12 / 5) * (1 - Math.exp((-5 * h) / 12)) + 40 * (1 - Math.exp(-h / 2)) - 7.5 * (1 - Math.exp((-2 * h) / 3)));

const now = 10 * DAY;
const at = (h: number) => markovForecast(table(rows), { minSample: 1, now, until: now + h * DAY });

describe('markovForecast per period (continuous-time chain)', () => {
  it('exit rates with open stays right-censored at the as-of time', () => {
    const m = at(30);
    if (!m.ok || m.period === null) throw new Error('expected a period');
    expect(m.period.stages.map((s) => [s.stageId, s.stayDays, s.exits])).toEqual([
      ['lead', 12, 5],
      ['qual', 6, 3],
      ['offer', 3, 2],
    ]);
    expect(m.period.stages[0]!.exitRatePerDay).toBeCloseTo(5 / 12, 14);
    expect(m.period.stages[0]!.meanStayDays).toBeCloseTo(12 / 5, 14);
    // as of day 9 the ongoing stays are a day shorter: lead 11 (e: 2), qual 5 (f: 1)
    const m9 = markovForecast(table(rows), { minSample: 1, now: 9 * DAY, until: 12 * DAY });
    if (!m9.ok || m9.period === null) throw new Error('expected a period');
    expect(m9.period.stages.map((s) => s.stayDays)).toEqual([11, 5, 3]);
    // dropping the censored time (e's 3 days, f's 2) would give lead 5/9 and qual 3/4 per day: faster than the data says
  });
  it('P(won within H | stage) matches the hand-solved chain for small and large H', () => {
    for (const h of [0.5, 1, 3, 7, 30, 365]) {
      const m = at(h);
      if (!m.ok || m.period === null) throw new Error('expected a period');
      const [lead, qual, offer] = m.period.stages;
      expect(lead!.pWinWithin).toBeCloseTo(pLead(h), 12);
      expect(qual!.pWinWithin).toBeCloseTo(pQual(h), 12);
      expect(offer!.pWinWithin).toBeCloseTo(pOffer(h), 12);
      expect(m.period.days).toBe(h);
    }
  });
  it('H → ∞ gives the absorbing probabilities of the one-move chain', () => {
    const m = at(5000);
    if (!m.ok || m.period === null) throw new Error('expected a period');
    expect(m.period.stages.map((s) => s.pWinWithin)).toEqual(m.stages.map((s) => expect.closeTo(s.pWin, 14)));
    expect(m.stages.map((s) => s.pWin)).toEqual([expect.closeTo(8 / 15, 14), expect.closeTo(2 / 3, 14), expect.closeTo(1, 14)]);
    expect(m.period.stages.map((s) => s.pLostWithin)).toEqual([expect.closeTo(7 / 15, 14), expect.closeTo(1 / 3, 14), 0]);
  });
  it('expected wins and revenue of the open deals, exact decimals; new deals from the inflow', () => {
    const h = 7;
    const m = markovForecast(table(rows), { minSample: 1, now, until: now + h * DAY, inflowWindowDays: 5 });
    if (!m.ok || m.period === null) throw new Error('expected a period');
    // open: e (lead, 1000.00), f (qual, 10.00)
    expect(m.period.expectedWins).toBeCloseTo(pLead(h) + pQual(h), 12);
    const open = 1000 * pLead(h) + 10 * pQual(h);
    expect(m.period.expectedAmount).toEqual([{ amount: open.toFixed(2), currency: 'EUR' }]);
    // created in (5, 10]: e (day 7) and f (day 6), both in lead → 2/5 per day
    expect(m.period.newDeals!.inflowPerDay).toEqual({ lead: 0.4 });
    expect(m.period.newDeals!.expectedWins).toBeCloseTo(0.4 * intLead(h), 12);
    // value of a new win: the mean won amount (300 + 100) / 2 = 200.00
    const fresh = 200 * 0.4 * intLead(h);
    expect(m.period.newDeals!.expectedAmount).toEqual([{ amount: fresh.toFixed(2), currency: 'EUR' }]);
    expect(m.period.totalExpectedAmount).toEqual([{ amount: (open + fresh).toFixed(2), currency: 'EUR' }]);
    expect(m.period.totalExpectedWins).toBeCloseTo(pLead(h) + pQual(h) + 0.4 * intLead(h), 12);
    const off = markovForecast(table(rows), { minSample: 1, now, until: now + h * DAY, newDeals: false });
    expect(off.ok && off.period!.newDeals).toBeNull();
    expect(off.ok && off.period!.totalExpectedAmount).toEqual(off.ok && off.period!.expectedAmount);
  });
  it('edges: a zero-length period gives 0, a stage nothing left stays put, never NaN', () => {
    for (const stay of ['memoryless', 'banded'] as const) {
      const z = markovForecast(table(rows), { minSample: 1, now, until: now, stay });
      if (!z.ok || z.period === null) throw new Error('expected a period');
      expect(z.period.stages.map((x) => [x.pWinWithin, x.pLostWithin])).toEqual([[0, 0], [0, 0], [0, 0]]);
      expect(z.period.totalExpectedWins).toBe(0);
      expect(z.period.totalExpectedAmount).toEqual([{ amount: '0.00', currency: 'EUR' }]);
    }
    // only Lead has moves: Qualified and Offer have no exits (rate 0, mean stay null) and win nothing
    const onlyLead = markovForecast(table([rows[2]!, { id: 'o', path: ['lead', 'qual'], at: [0, 1] }]), { minSample: 1, now, until: now + 30 * DAY, stay: 'banded', perDeal: true });
    if (!onlyLead.ok || onlyLead.period === null) throw new Error('expected a period');
    expect(onlyLead.period.stages.map((x) => [x.exits, x.meanStayDays, x.pWinWithin])).toEqual([[2, expect.any(Number), 0], [0, null, 0], [0, null, 0]]);
    expect(JSON.stringify(onlyLead)).not.toMatch(/NaN|null,"pWinWithin":null/);
  });
  it('no period without until; bad options throw', () => {
    const m = markovForecast(table(rows), { minSample: 1, now });
    expect(m.ok && m.period).toBeNull();
    expect(() => markovForecast(table(rows), { minSample: 1, now, until: now - DAY })).toThrow(/until/);
    expect(() => markovForecast(table(rows), { minSample: 1, now, until: now + DAY, inflowWindowDays: 0 })).toThrow(/inflowWindowDays/);
  });

  const props = { numRuns: 40 };
  const horizons = fc.array(fc.integer({ min: 0, max: 400_000 }), { minLength: 2, maxLength: 4 }).map((a) => [...a].sort((x, y) => x - y));
  test.prop([rawDealsArb, horizons], props)('probabilities in [0, 1], non-decreasing in H, converging to the absorption probability', (deals, hs) => {
    const t = arbTable(deals);
    const asOf = 1_500_000;
    let prev: number[] | null = null;
    for (const h of hs) {
      const m = markovForecast(t, { minSample: 1, now: asOf, until: asOf + h });
      if (!m.ok) return;
      const ps = m.period!.stages.map((s) => s.pWinWithin);
      m.period!.stages.forEach((s) => {
        expect(s.pWinWithin).toBeGreaterThanOrEqual(0);
        expect(s.pWinWithin).toBeLessThanOrEqual(1);
        expect(s.pWinWithin + s.pLostWithin).toBeLessThanOrEqual(1 + 1e-12);
      });
      if (prev !== null) ps.forEach((p, i) => expect(p).toBeGreaterThanOrEqual((prev![i] as number) - 1e-12));
      prev = ps;
    }
    // far horizon: every stage that can leave has left (rates are per ms-scale stays here)
    const far = markovForecast(t, { minSample: 1, now: asOf, until: asOf + 1000 * DAY });
    if (!far.ok) return;
    far.period!.stages.forEach((s, i) => expect(s.pWinWithin).toBeCloseTo(far.stages[i]!.pWin, 9));
  });
  test.prop([rawDealsArb, fc.integer({ min: 0, max: 200_000 })], props)('the order of the deals and of the history rows does not matter', (deals, h) => {
    const asOf = 1_200_000;
    const a = markovForecast(arbTable(deals), { minSample: 1, now: asOf, until: asOf + h });
    const b = markovForecast(arbTable([...deals].reverse(), true), { minSample: 1, now: asOf, until: asOf + h });
    expect(a.ok).toBe(b.ok);
    if (!a.ok || !b.ok) return;
    a.period!.stages.forEach((s, i) => {
      const o = b.period!.stages[i]!;
      expect([o.stayDays, o.exits]).toEqual([s.stayDays, s.exits]);
      expect(o.pWinWithin).toBeCloseTo(s.pWinWithin, 12);
    });
    const byCur = (xs: readonly { currency: string }[]) => [...xs].sort((x, y) => x.currency.localeCompare(y.currency));
    expect(byCur(b.period!.totalExpectedAmount)).toEqual(byCur(a.period!.totalExpectedAmount));
  });
});

describe("markovForecast per period, conditioned on the time in the stage (stay: 'banded')", () => {
  // one open stage, bands [0, 7) and [7, ∞) days in it; as of day 12, everything created at day 0:
  //   a: won after 2 days, b: lost after 4, c: won after 10, d: open for 12
  // band [0, 7): stays 2 + 4 + 7 + 7 = 20 days, exits: won 1 (a), lost 1 (b) → 0.05 and 0.05 per day
  // band [7, ∞): stays 3 (c) + 5 (d) = 8 days, exits: won 1 (c)            → 1/8 per day, never lost
  const one = defineFunnel({ id: 'o', name: 'O', currency: 'EUR', stages: [{ id: 'offer', name: 'Offer' }, { id: 'won', name: 'Won', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' }] });
  const t1 = DealTable.fromColumns(
    {
      dealIds: ['a', 'b', 'c', 'd'],
      createdAt: [0, 0, 0, 0],
      stage: ['won', 'lost', 'won', 'offer'],
      amount: [null, null, '500.00', '80.00'],
      currency: 'EUR',
      history: { deal: [0, 0, 1, 1, 2, 2, 3], from: [null, 'offer', null, 'offer', null, 'offer', null], to: ['offer', 'won', 'offer', 'lost', 'offer', 'won', 'offer'], at: [0, 2, 0, 4, 0, 10, 0].map((d) => d * DAY) },
    },
    one,
  );
  const banded = (h: number) => markovForecast(t1, { minSample: 1, now: 12 * DAY, until: (12 + h) * DAY, stay: 'banded', stayBands: [7], perDeal: true, newDeals: false });
  it('rates by band of time in the stage, open stays censored', () => {
    const m = banded(10);
    if (!m.ok || m.period === null) throw new Error('expected a period');
    expect(m.period.stages[0]!.byStay).toEqual([
      { fromDay: 0, toDay: 7, stayDays: 20, exits: 2, wins: 1, exitRatePerDay: 0.1 },
      { fromDay: 7, toDay: null, stayDays: 8, exits: 1, wins: 1, exitRatePerDay: 1 / 8 },
    ]);
    expect(m.period.stay).toBe('banded');
  });
  it('P(won within H | days in stage) by hand: piecewise-exponential stay, band-specific destinations', () => {
    for (const h of [3, 10, 40]) {
      const m = banded(h);
      if (!m.ok || m.period === null) throw new Error('expected a period');
      // d has been in Offer for 12 ≥ 7 days: only the second band matters
      expect(m.period.deals).toEqual([{ dealId: 'd', stageId: 'offer', daysInStage: 12, pWinWithin: expect.closeTo(1 - Math.exp(-h / 8), 12) }]);
      expect(m.period.expectedAmount).toEqual([{ amount: (80 * (1 - Math.exp(-h / 8))).toFixed(2), currency: 'EUR' }]);
      // a deal entering now: half of the first band's exits win, then the second band
      const fresh = h <= 7 ? 0.5 * (1 - Math.exp(-0.1 * h)) : 0.5 * (1 - Math.exp(-0.7)) + Math.exp(-0.7) * (1 - Math.exp(-(h - 7) / 8));
      const freshLost = 0.5 * (1 - Math.exp(-0.1 * Math.min(h, 7)));
      expect(m.period.stages[0]!.pWinWithin).toBeCloseTo(fresh, 12);
      expect(m.period.stages[0]!.pLostWithin).toBeCloseTo(freshLost, 12);
    }
    // the memoryless chain pools the bands: 3 exits in 28 days, 2 of them won → (2/3)(1 − e^{−3h/28}), for every deal
    const mm = markovForecast(t1, { minSample: 1, now: 12 * DAY, until: 22 * DAY, perDeal: true, newDeals: false });
    expect(mm.ok && mm.period!.deals![0]!.pWinWithin).toBeCloseTo((2 / 3) * (1 - Math.exp(-30 / 28)), 12);
  });
  it('with one band it is the memoryless chain (the hand-solved three-stage example, to the O(Δ²) of the grid)', () => {
    for (const h of [1, 7, 30]) {
      const m = markovForecast(table(rows), { minSample: 1, now, until: now + h * DAY, stay: 'banded', stayBands: [1e6], perDeal: true, inflowWindowDays: 5 });
      if (!m.ok || m.period === null) throw new Error('expected a period');
      const [lead, qual, offer] = m.period.stages;
      expect(Math.abs(lead!.pWinWithin - pLead(h))).toBeLessThan(1e-4);
      expect(Math.abs(qual!.pWinWithin - pQual(h))).toBeLessThan(1e-4);
      expect(Math.abs(offer!.pWinWithin - pOffer(h))).toBeLessThan(1e-4);
      expect(Math.abs(m.period.expectedWins - pLead(h) - pQual(h))).toBeLessThan(2e-4);
      expect(Math.abs(m.period.newDeals!.expectedWins - 0.4 * intLead(h))).toBeLessThan(1e-3 * Math.max(1, h));
    }
  });
  test.prop([rawDealsArb, fc.integer({ min: 0, max: 300_000 })], { numRuns: 25 })('banded chances are probabilities and do not depend on row order', (deals, h) => {
    const asOf = 1_200_000;
    const opts = { minSample: 1, now: asOf, until: asOf + h, stay: 'banded' as const, stayBands: [0.00001, 0.0003], perDeal: true };
    const a = markovForecast(arbTable(deals), opts);
    const b = markovForecast(arbTable([...deals].reverse(), true), opts);
    if (!a.ok || !b.ok) return;
    for (const d of a.period!.deals!) {
      expect(d.pWinWithin).toBeGreaterThanOrEqual(0);
      expect(d.pWinWithin).toBeLessThanOrEqual(1);
    }
    a.period!.stages.forEach((s) => expect(s.pWinWithin + s.pLostWithin).toBeLessThanOrEqual(1 + 1e-9));
    const byId = (xs: readonly { dealId: string; pWinWithin: number }[]) => [...xs].sort((x, y) => x.dealId.localeCompare(y.dealId));
    expect(byId(b.period!.deals!)).toEqual(byId(a.period!.deals!).map((d) => ({ ...d, pWinWithin: expect.closeTo(d.pWinWithin, 9) })));
  });
  it('a stage whose deals leave at once: won and lost within the period still sum to at most 1 (found by the property above)', () => {
    // every stay lasts 1 ms, so within a 24 s horizon the contract stage surely exits, half won half lost:
    // the two grid solutions are each within O(Δ²) of 1/2 and were 0.50000442 each before the fix
    const deals = [
      { id: 'd0', createdAt: 0, visits: [0, 3, 0], gaps: [1, 1, 1, 1, 1, 1, 1, 1], status: 'lost', amountMinor: null, currency: 'EUR', owner: 'ann' },
      { id: 'd1', createdAt: 0, visits: [0, 4], gaps: [1, 1, 1, 1, 1, 1, 1, 1], status: 'won', amountMinor: null, currency: 'EUR', owner: 'ann' },
      { id: 'd2', createdAt: 0, visits: [0], gaps: [1, 1, 1, 1, 1, 1, 1, 1], status: 'open', amountMinor: null, currency: 'EUR', owner: 'ann' },
    ] as unknown as Parameters<typeof arbTable>[0];
    const m = markovForecast(arbTable(deals), { minSample: 1, now: 1_200_000, until: 1_200_000 + 24_162, stay: 'banded', stayBands: [0.00001, 0.0003], perDeal: true });
    if (!m.ok || m.period === null) throw new Error('expected a period');
    for (const s of m.period.stages) expect(s.pWinWithin + s.pLostWithin).toBeLessThanOrEqual(1);
    const contract = m.period.stages.find((s) => s.stageId === 'contract');
    expect(contract?.pWinWithin).toBeCloseTo(0.5, 4);
    expect(contract?.pLostWithin).toBeCloseTo(0.5, 4);
  });
  it('rejects bad bands and modes', () => {
    expect(() => markovForecast(t1, { minSample: 1, stayBands: [7, 7] })).toThrow(/stayBands/);
    expect(() => markovForecast(t1, { minSample: 1, stay: 'weibull' as never })).toThrow(/stay/);
  });
});
