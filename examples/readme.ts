/**
 * The README's usage example, verbatim: replay customer actions through the machine, then read
 * conversion, drop-off with its reasons and next month's revenue range. CI runs it against the build.
 */
import { DealTable, conversion, dropOff, forecastRevenue, generateB2BDataset, replay } from 'funnelwise';

export function main(): { entered: number[]; bottleneck: string | null; p10: string; p90: string } {
  // A seeded synthetic stream of B2B customer actions ("request.submitted", "call.answered", …).
  const { funnel, actions, now } = generateB2BDataset({ seed: 7, deals: 2000 });

  // Live side: the state machine folds the actions into deals (pure, order-independent).
  const { deals } = replay(funnel, actions, { now });

  // Bulk side: one columnar table, reused by every analysis.
  const table = DealTable.fromRows(deals, funnel, { ignoreFunnelId: true });
  const funnelReport = conversion(table, { basis: 'reached' });
  const losses = dropOff(table);
  const forecast = forecastRevenue(table, { now, seed: 1, simulations: 500 });

  console.log(funnelReport.total.stages.map((s) => `${s.stageId}: ${s.entered} entered, ${s.advanced} advanced`));
  console.log(losses.total.bottleneck, losses.total.stages[1]?.reasons[0]?.label); // "never did call.answered"
  console.log(`next month: ${forecast.p10.amount}–${forecast.p90.amount} ${forecast.p50.currency}`);

  return {
    entered: funnelReport.total.stages.map((s) => s.entered),
    bottleneck: losses.total.bottleneck?.stageId ?? null,
    p10: forecast.p10.amount,
    p90: forecast.p90.amount,
  };
}
