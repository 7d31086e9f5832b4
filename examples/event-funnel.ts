/**
 * Event funnel: a log of customer actions (no deals) → of those who visited, how many signed up,
 * requested, received a proposal and paid within 7 days — and why the others dropped.
 * Run after `npm run build` with `npx tsx examples/event-funnel.ts` (CI runs it through vitest).
 */
import { ActionLog, eventFunnel } from 'funnelwise';

const DAY = 24 * 3600 * 1000;
const t0 = Date.UTC(2026, 2, 2);

export function main(): { counts: number[]; conversion: number | null; droppedAtPaid: Array<{ unit: string | number; why: string }> } {
  // columns: one entry per action; rows may come in any order
  const rows: Array<[string, number, string]> = [
    ['ann', 0, 'visit'], ['ann', 0.1, 'signup'], ['ann', 1, 'request'], ['ann', 2, 'proposal'], ['ann', 3, 'paid'],
    ['bob', 0, 'visit'], ['bob', 0.2, 'signup'], ['bob', 1, 'request'], ['bob', 2, 'proposal'], ['bob', 9, 'paid'],
    ['cat', 0, 'visit'], ['cat', 0.5, 'signup'], ['cat', 1, 'request'], ['cat', 2, 'proposal'],
    ['dan', 0, 'visit'],
  ];
  const log = ActionLog.fromColumns({
    unit: rows.map((r) => r[0]),
    time: rows.map((r) => t0 + r[1] * DAY),
    action: rows.map((r) => r[2]),
  });
  const report = eventFunnel(log, {
    steps: ['visit', 'signup', 'request', 'proposal', 'paid'],
    windowMs: 7 * DAY,
    units: true,
  });
  return {
    counts: report.steps.map((s) => s.count), // [4, 3, 3, 3, 1]
    conversion: report.conversion, // 0.25
    droppedAtPaid: [...(report.steps[4]?.units?.dropped ?? [])], // bob timed out (paid on day 9), cat never paid
  };
}

if (process.argv[1]?.endsWith('event-funnel.ts')) console.log(main());
