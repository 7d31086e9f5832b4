/**
 * The month-end question: 5 days left, we are 20% short of target — what is the gap, which deals in
 * the middle of the funnel could close it, and how many leads would new pipeline need (goal: 80% of
 * leads become opportunities; average cycle 25 days)? Then: a revenue range for the rest of the month.
 * Run after `npm run build` with `npx tsx examples/forecast-target-gap.ts` (CI runs it through vitest).
 */
import { DealTable, defineFunnel, exactRevenueDistribution, forecastRevenue, targetGap } from 'funnelwise';

export function main(): { gap: string; shortfall: number; closeIt: string[]; leadsNeeded: number | null; p10: string; p90: string } {
  const funnel = defineFunnel({
    id: 'sales',
    name: 'Sales',
    currency: 'EUR',
    stages: [
      { id: 'lead', name: 'Left a request', probability: 0.1 },
      { id: 'opportunity', name: 'Described the task', probability: 0.3 },
      { id: 'proposal', name: 'Received the proposal', probability: 0.6 },
      { id: 'won', name: 'Paid', category: 'won' },
      { id: 'lost', name: 'Lost', category: 'lost' },
    ],
  });
  const d = (s: string): number => Date.parse(s);
  // id, stage, lost at, created, closed, amount
  const rows: Array<[string, string, string | null, string, string | null, string | null]> = [
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
      dealIds: rows.map((r) => r[0]),
      stage: rows.map((r) => r[1]),
      lostAtStage: rows.map((r) => r[2]),
      createdAt: rows.map((r) => d(r[3])),
      closedAt: rows.map((r) => (r[4] === null ? Number.NaN : d(r[4]))),
      amount: rows.map((r) => r[5]),
      currency: 'EUR',
    },
    funnel,
  );
  const now = '2026-03-26T23:59:59.999Z'; // 5 days left in March
  const gap = targetGap(table, {
    target: { amount: '7582.33', currency: 'EUR' },
    now,
    cycleDays: 25,
    conversionGoals: { lead: 0.8 },
  });
  console.log(`won so far ${gap.wonSoFar.amount}, expected from the open pipeline ${gap.expectedFromOpen.amount}`);
  console.log(`gap ${gap.gap.amount} EUR = ${(gap.shortfall * 100).toFixed(1)}% of target; coverage ${gap.coverage.ratio?.toFixed(2)}×`);
  for (const c of gap.candidates) {
    console.log(`  ${c.dealId} at ${c.stageId}: ${c.amount.amount} × P(win in 5 days) ${c.winInTime.toFixed(3)}${c.closesGap ? '  ← closes the gap if won' : ''}`);
  }
  console.log(`new deals must have entered by ${gap.newPipeline.latestEntry.slice(0, 10)} — too late: ${gap.newPipeline.tooLate}`);
  const top = gap.newPipeline.topOfFunnel;
  if (top !== null) console.log(`to make up the gap eventually: ${top.steps.map((s) => `${s.neededWhole} ${s.stageId}`).join(' → ')}`);
  // the range for the rest of the month (timing ignored here: each open deal wins with its stage probability)
  const range = forecastRevenue(table, { now, timing: false, simulations: 5000, seed: 7 });
  const exact = exactRevenueDistribution(table, { now });
  console.log(`open pipeline if timing is ignored: mean ${range.mean.amount} (exact ${exact.mean.amount}), P10 ${range.p10.amount}, P90 ${range.p90.amount}`);
  return {
    gap: gap.gap.amount,
    shortfall: gap.shortfall,
    closeIt: gap.candidates.filter((c) => c.closesGap).map((c) => c.dealId),
    leadsNeeded: top?.steps[0]?.neededWhole ?? null,
    p10: range.p10.amount,
    p90: range.p90.amount,
  };
}
