import { describe, expect, it } from 'vitest';
import { DealTable, defineFunnel, targetGap } from '../../src/index.js';

// The seed's scenario: average cycle 25 days, goal: 80% of leads become opportunities, 5 days left in
// the month, 20% short of target — what is the gap, and which mid-funnel deals could close it?
const funnel = defineFunnel({
  id: 'sales',
  name: 'Sales',
  stages: [
    { id: 'lead', name: 'Lead', probability: 0.1 },
    { id: 'opportunity', name: 'Opportunity', probability: 0.3 },
    { id: 'proposal', name: 'Proposal', probability: 0.6 },
    { id: 'won', name: 'Won', category: 'won' },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
});
const d = (s: string): number => Date.parse(s);
const deals: Array<[string, string, string | null, string, string | null, string | null]> = [
  // id, stage, lost at, created, closed, amount
  ['w1', 'won', null, '2026-02-10', '2026-03-05', '3000.00'],
  ['w2', 'won', null, '2026-02-20', '2026-03-12', '2000.00'],
  ['w0', 'won', null, '2026-01-10', '2026-02-03', '4000.00'],
  ['x1', 'lost', 'lead', '2026-01-05', '2026-01-20', null],
  ['x2', 'lost', 'lead', '2026-01-06', '2026-01-21', null],
  ['x3', 'lost', 'lead', '2026-01-07', '2026-01-22', null],
  ['x4', 'lost', 'opportunity', '2026-01-08', '2026-02-01', null],
  ['x5', 'lost', 'opportunity', '2026-01-09', '2026-02-02', null],
  ['x6', 'lost', 'proposal', '2026-01-10', '2026-02-05', null],
  ['p1', 'proposal', null, '2026-03-01', null, '4000.00'],
  ['p2', 'proposal', null, '2026-03-02', null, '2500.00'],
  ['o1', 'opportunity', null, '2026-03-03', null, '6000.00'],
  ['l1', 'lead', null, '2026-03-20', null, '1000.00'],
  ['l2', 'lead', null, '2026-03-21', null, '800.00'],
];
const table = DealTable.fromColumns(
  {
    dealIds: deals.map((x) => x[0]),
    stage: deals.map((x) => x[1]),
    lostAtStage: deals.map((x) => x[2]),
    createdAt: deals.map((x) => d(x[3])),
    closedAt: deals.map((x) => (x[4] === null ? Number.NaN : d(x[4]))),
    amount: deals.map((x) => x[5]),
    currency: 'EUR',
  },
  funnel,
);

describe('targetGap: the seed scenario', () => {
  const now = '2026-03-26T23:59:59.999Z'; // 5 days left in March
  const inTime = 1 - Math.exp(-5 / 25);
  const expected = inTime * (0.6 * 6500 + 0.3 * 6000 + 0.1 * 1800);
  const target = Math.round(((5000 + expected) / 0.8) * 100) / 100; // a target we are 20% short of
  const g = targetGap(table, { target: { amount: target.toFixed(2), currency: 'EUR' }, now, cycleDays: 25, conversionGoals: { lead: 0.8 } });
  it('gap = target − won so far − expected from open, 20% of the target', () => {
    expect(g.daysLeft).toBe(5);
    expect(g.wonSoFar.amount).toBe('5000.00');
    expect(Number(g.expectedFromOpen.amount)).toBeCloseTo(expected, 2);
    expect(Number(g.gap.amount)).toBeCloseTo(target - 5000 - expected, 2);
    expect(g.shortfall).toBeCloseTo(0.2, 4);
    // coverage = open pipeline 14,300 / remaining target (target − 5,000)
    expect(g.coverage.openPipeline.amount).toBe('14300.00');
    expect(g.coverage.ratio).toBeCloseTo(14300 / (target - 5000), 6);
  });
  it('mid-funnel deals that could close it, ranked by amount × P(win in 5 days)', () => {
    expect(g.candidates.map((c) => [c.dealId, c.stageId])).toEqual([
      ['p1', 'proposal'], // 4000 × 0.6
      ['o1', 'opportunity'], // 6000 × 0.3
      ['p2', 'proposal'], // 2500 × 0.6
    ]);
    expect(g.candidates[0]!.winInTime).toBeCloseTo(0.6 * inTime, 12);
    expect(g.candidates.map((c) => c.closesGap)).toEqual([true, false, false]); // p1 alone (4,000) covers the gap
  });
  it('new pipeline: too late on a 25-day cycle; the reverse funnel uses the 80% goal', () => {
    expect(g.newPipeline.tooLate).toBe(true);
    expect(g.newPipeline.latestEntry).toBe('2026-03-06T23:59:59.999Z');
    expect(g.newPipeline.averageDealSize.amount).toBe('3000.00');
    expect(g.newPipeline.dealsNeeded).toBeCloseTo(Number(g.gap.amount) / (3000 * 0.1 * inTime), 2);
    const top = g.newPipeline.topOfFunnel!;
    // learned: opportunity → proposal (3 + 1)/(3 + 3), proposal → won 3/(3 + 1); goal lead → opportunity 0.8
    expect(top.steps.map((s) => [s.stageId, s.source])).toEqual([
      ['lead', 'given'],
      ['opportunity', 'learned'],
      ['proposal', 'learned'],
    ]);
    expect(top.steps[2]!.conversion).toBeCloseTo(0.75, 12);
    expect(top.steps[1]!.conversion).toBeCloseTo(4 / 6, 12);
    const wins = Number(g.gap.amount) / 3000; // the gap is passed up to the next cent
    expect(top.winsNeeded).toBeCloseTo(wins, 5);
    expect(top.steps[0]!.needed).toBeCloseTo(top.winsNeeded / 0.75 / (4 / 6) / 0.8, 9);
  });
  it('without a cycle the survival model is used; misuse is reported', () => {
    const s = targetGap(table, { target: { amount: '10000.00', currency: 'EUR' }, now, minSample: 1 });
    expect(s.basis.timing).toMatch(/Aalen–Johansen/);
    expect(() => targetGap(table, { target: { amount: '1', currency: 'EUR' }, now, cycleDays: -1 })).toThrow(/cycle/);
  });
});
