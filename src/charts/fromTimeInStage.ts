import type { TimeInStageReport } from '../metrics/timeInStage.js';
import type { TimeInStageChartData } from './timeInStageChart.js';

/**
 * Turns a {@link timeInStage} report into {@link TimeInStageChartData}: per stage, the median and
 * 90th percentile of the **completed** stays, their count, and the stall threshold when you pass the
 * stages' `stallAfterDays` (stage id → days). Stages without completed stays show "no completed stays".
 *
 * @param report - a time-in-stage report
 * @param options - stall thresholds per stage id, which stage ids to leave out (e.g. won/lost), title
 * @returns the time-in-stage chart's input
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [
 *   { id: 'request', name: 'Request' }, { id: 'paid', name: 'Paid', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' },
 * ] });
 * const table = DealTable.fromRows([{ id: 'a', funnelId: 'f', stageId: 'paid', status: 'won', createdAt: '2026-01-01T00:00:00Z',
 *   history: [{ from: null, to: 'request', at: '2026-01-01T00:00:00Z', status: 'open', cause: { type: 'command', command: 'create' } },
 *             { from: 'request', to: 'paid', at: '2026-01-05T00:00:00Z', status: 'won', cause: { type: 'command', command: 'win' } }] }], funnel);
 * timeInStageDataFromReport(timeInStage(table), { omit: ['paid', 'lost'] }).stages[0].median // => 4
 * ```
 */
export function timeInStageDataFromReport(
  report: TimeInStageReport,
  options?: { readonly stallAfterDays?: Readonly<Record<string, number>> | undefined; readonly omit?: ReadonlyArray<string> | undefined; readonly title?: string | undefined },
): TimeInStageChartData {
  const omit = new Set(options?.omit ?? []);
  return {
    title: options?.title ?? 'Time in stage',
    subtitle: `Completed stays${report.rules.now !== null ? `, as of ${report.rules.now.slice(0, 10)}` : ''} · ${report.rules.visits === 'each' ? 'each visit separately' : 'visits summed per deal'}`,
    unit: 'days',
    stages: report.total.stages
      .filter((s) => !omit.has(s.stageId))
      .map((s) => {
        const stall = options?.stallAfterDays?.[s.stageId];
        return {
          label: s.name,
          median: s.completed.median,
          ...(s.completed.p90 !== null ? { p90: s.completed.p90 } : {}),
          n: s.completed.count,
          ...(stall !== undefined ? { stallAfter: stall } : {}),
        };
      }),
  };
}
