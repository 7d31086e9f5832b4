/**
 * Where and why are we losing customers? Drop-off by stage with reasons (recorded, or the customer
 * action that did not happen), the bottleneck, a quarter-over-quarter comparison with significance,
 * stalled deals relative to an explicit `now`, and segments discovered from customer paths.
 * Run after `npm run build` with `npx tsx examples/drop-off.ts` (CI runs it through vitest).
 */
import { compareConversion, DealTable, defineFunnel, discoverSegments, dropOff, findStalledDeals } from 'funnelwise';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

export function main(): { reasons: string[]; bottleneck: string | null; changedMost: string | null; pValue: number | null; stalled: string[]; paths: string[] } {
  const funnel = defineFunnel({
    id: 'b2b',
    name: 'B2B pipeline',
    stages: [
      { id: 'request', name: 'Left a request', actions: ['request.submitted'], stallAfterDays: 3 },
      { id: 'answered', name: 'Picked up the callback', actions: ['call.answered'], stallAfterDays: 10 },
      { id: 'paid', name: 'Paid', category: 'won', actions: ['invoice.paid'] },
      { id: 'lost', name: 'Lost', category: 'lost' },
    ],
    lostReasons: [{ id: 'price', name: 'Too expensive' }],
  });
  // 200 deals over two quarters: Q2 loses more at the callback
  const n = 200;
  const quarter = (i: number): string => (i < 100 ? '2026-Q1' : '2026-Q2');
  const stage: string[] = [];
  const lostAt: (string | null)[] = [];
  const reason: (string | null)[] = [];
  const created: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 100;
    const lostEarly = i < 100 ? k < 20 : k < 35; // never reached by phone
    const lostPrice = k >= 90 && k < 95;
    const open = k >= 95;
    stage.push(lostEarly || lostPrice ? 'lost' : open ? 'answered' : 'paid');
    lostAt.push(lostEarly ? 'request' : lostPrice ? 'answered' : null);
    reason.push(lostPrice ? 'price' : null);
    created.push(T0 + (i < 100 ? 10 : 100) * DAY + k * 3600_000);
  }
  const table = DealTable.fromColumns(
    { dealIds: stage.map((_, i) => `d${i}`), createdAt: created, stage, lostAtStage: lostAt, lostReason: reason, attributes: stage.map((_, i) => ({ quarter: quarter(i) })) },
    funnel,
  );

  const drop = dropOff(table, { compare: { by: 'quarter', baseline: '2026-Q1', current: '2026-Q2' } });
  const request = drop.total.stages[0];
  const cmp = compareConversion(table, { groupBy: 'quarter', a: '2026-Q2', b: '2026-Q1' });
  const stalled = findStalledDeals(table, { now: T0 + 120 * DAY, quantile: null });

  const paths = discoverSegments(
    [
      { status: 'won', createdAt: T0, closedAt: T0 + 2 * DAY, actions: [{ id: 'a1', type: 'request.submitted', at: T0 }, { id: 'a2', type: 'invoice.paid', at: T0 + 2 * DAY }] },
      { status: 'won', createdAt: T0, closedAt: T0 + 30 * DAY, actions: [{ id: 'b1', type: 'request.submitted', at: T0 }, { id: 'b2', type: 'call.answered', at: T0 + DAY }, { id: 'b3', type: 'invoice.paid', at: T0 + 30 * DAY }] },
      { status: 'lost', createdAt: T0, closedAt: T0 + 5 * DAY, actions: [{ id: 'c1', type: 'request.submitted', at: T0 }] },
    ],
    { minCount: 1 },
  );

  return {
    reasons: (request?.reasons ?? []).map((r) => `${r.label}: ${Math.round((r.ofEntered ?? 0) * 100)}% of requests`),
    bottleneck: drop.total.bottleneck?.stageId ?? null,
    changedMost: drop.change?.changedMost?.stageId ?? null,
    pValue: cmp.stages[0]?.pValue ?? null,
    stalled: stalled.deals.map((d) => `${d.dealId} ${d.stageId} ${Math.round(d.daysInStage)}d`),
    paths: paths.segments.map((s) => `${s.key} (${s.count}, conversion ${s.conversion})`),
  };
}

if (process.argv[1]?.endsWith('drop-off.ts')) console.log(main());
