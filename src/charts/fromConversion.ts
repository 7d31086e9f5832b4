import { fail } from '../errors/FunnelError.js';
import type { ConversionGroup, ConversionReport } from '../metrics/conversion.js';
import type { ChartReasonCount, FunnelChartData } from './funnelChart.js';
import type { SegmentComparisonChartData } from './segmentComparisonChart.js';
import type { TrendChartData } from './trendChart.js';

/**
 * Options of {@link funnelDataFromConversion}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface FunnelDataFromConversionOptions {
  /** Draw this group of the report (its `key`) instead of the total. */
  readonly group?: string | null | undefined;
  /** Show money in this currency (default: the first currency of the first stage, if any). `false` hides money. */
  readonly currency?: string | false | undefined;
  /** Lost reasons per stage id (e.g. from a drop-off analysis), largest first. */
  readonly reasons?: Readonly<Record<string, ReadonlyArray<ChartReasonCount>>> | undefined;
  /** Chart title. */
  readonly title?: string | undefined;
}

function pickGroup(report: ConversionReport, group: string | null | undefined): ConversionGroup {
  if (group === undefined) return report.total;
  const g = report.groups.find((x) => x.key === group);
  if (g === undefined) fail('INVALID_OPTION', `a group key of the report (${report.groups.map((x) => JSON.stringify(x.key)).join(', ')})`, group, ['options', 'group']);
  return g;
}

/**
 * Turns a {@link conversion} report into {@link FunnelChartData}: one bar per stage of the path with
 * its `entered` count (and money when the report has it), conversion from the previous stage = the
 * previous stage's `conversion` (advanced ÷ entered), from start = `endToEnd`, and dropped = the
 * stage's `lost` deals — open deals are *in progress*, not a drop-off. The subtitle states the
 * counting basis and period, so the picture carries its rules.
 *
 * @param report - a conversion report
 * @param options - group, currency, lost reasons per stage, title
 * @returns the funnel chart's input
 * @throws FunnelError `INVALID_OPTION` for a group key that is not in the report
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [
 *   { id: 'request', name: 'Request' }, { id: 'paid', name: 'Paid', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' },
 * ] });
 * const table = DealTable.fromRows([
 *   { id: 'a', funnelId: 'f', stageId: 'paid', status: 'won', createdAt: '2026-01-01T00:00:00Z' },
 *   { id: 'b', funnelId: 'f', stageId: 'request', createdAt: '2026-01-02T00:00:00Z' },
 * ], funnel);
 * const data = funnelDataFromConversion(conversion(table));
 * data.stages.map((s) => s.count) // => [2, 1]
 * data.stages[1].conversionFromStart // => 0.5
 * ```
 */
export function funnelDataFromConversion(report: ConversionReport, options?: FunnelDataFromConversionOptions): FunnelChartData {
  const g = pickGroup(report, options?.group);
  const first = g.stages[0]?.money[0]?.currency;
  const currency = options?.currency === false ? undefined : (options?.currency ?? first);
  const rules = report.rules;
  const period = rules.period === null ? 'all deals' : `${rules.period.from.slice(0, 10)} to ${rules.period.to.slice(0, 10)}`;
  return {
    title: options?.title ?? (g.key === null ? 'Sales funnel' : `Sales funnel: ${g.key}`),
    subtitle: `${period} · counting basis "${rules.basis}" · ${g.deals} deals`,
    stages: g.stages.map((s, i) => {
      const prev = i > 0 ? g.stages[i - 1] : undefined;
      const m = currency === undefined ? undefined : s.money.find((x) => x.currency === currency);
      const reasons = options?.reasons?.[s.stageId];
      return {
        label: s.name,
        count: s.entered,
        ...(m !== undefined ? { amount: { amount: m.entered, currency: m.currency } } : {}),
        ...(prev !== undefined ? { conversionFromPrevious: prev.conversion } : {}),
        conversionFromStart: s.endToEnd,
        dropped: s.lost,
        ...(reasons !== undefined ? { topDropReasons: reasons } : {}),
      };
    }),
  };
}

/**
 * Turns a {@link conversion} report grouped by segment (or channel, owner…) into
 * {@link SegmentComparisonChartData}: one funnel per group with its `entered` counts. Pass the
 * significance flags of your comparison in `significant` (group key → one flag per stage).
 *
 * @param report - a conversion report with `groupBy`
 * @param options - which groups (default: all, in report order), the baseline, significance flags, title
 * @returns the segment comparison chart's input
 * @throws FunnelError `INVALID_INPUT` when the report has fewer than two groups
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [
 *   { id: 'request', name: 'Request' }, { id: 'paid', name: 'Paid', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' },
 * ] });
 * const table = DealTable.fromRows([
 *   { id: 'a', funnelId: 'f', stageId: 'paid', status: 'won', createdAt: '2026-01-01T00:00:00Z', attributes: { channel: 'web' } },
 *   { id: 'b', funnelId: 'f', stageId: 'request', createdAt: '2026-01-02T00:00:00Z', attributes: { channel: 'ads' } },
 * ], funnel);
 * segmentDataFromConversion(conversion(table, { groupBy: 'channel' })).segments.map((s) => s.label) // => ['web', 'ads']
 * ```
 */
export function segmentDataFromConversion(
  report: ConversionReport,
  options?: { readonly groups?: ReadonlyArray<string> | undefined; readonly significant?: Readonly<Record<string, ReadonlyArray<boolean>>> | undefined; readonly title?: string | undefined },
): SegmentComparisonChartData {
  const groups = options?.groups === undefined ? report.groups : options.groups.map((k) => pickGroup(report, k));
  if (groups.length < 2) fail('INVALID_INPUT', 'a conversion report with at least two groups (use the groupBy option)', groups.length, ['groups']);
  const stages = (groups[0] as ConversionGroup).stages.map((s) => s.name);
  return {
    title: options?.title ?? `Funnels by ${report.rules.groupBy ?? 'group'}`,
    subtitle: `Counting basis "${report.rules.basis}"`,
    stages,
    segments: groups.map((g) => {
      const key = g.key ?? '(none)';
      const sig = options?.significant?.[key];
      return { label: key, counts: g.stages.map((s) => s.entered), ...(sig !== undefined ? { significant: sig } : {}) };
    }),
  };
}

/**
 * Turns a {@link conversion} report grouped by entry period (`groupBy: 'createdMonth'`, cohort
 * `created`) into {@link TrendChartData}: per period, the share of the period's deals that reached
 * the target stage (`endToEnd` of that stage). Periods listed in `inProgress` (typically those younger
 * than the usual time to close) are drawn as still changing.
 *
 * @param report - a conversion report grouped by period
 * @param options - the target stage id (default: the first won stage, else the last), in-progress periods, label
 * @returns the trend chart's input (periods sorted)
 * @throws FunnelError `INVALID_OPTION` for a target stage that is not on the report's path
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [
 *   { id: 'request', name: 'Request' }, { id: 'paid', name: 'Paid', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' },
 * ] });
 * const table = DealTable.fromRows([
 *   { id: 'a', funnelId: 'f', stageId: 'paid', status: 'won', createdAt: '2026-01-01T00:00:00Z' },
 *   { id: 'b', funnelId: 'f', stageId: 'request', createdAt: '2026-02-02T00:00:00Z' },
 * ], funnel);
 * const trend = trendDataFromConversion(conversion(table, { groupBy: 'createdMonth' }), { inProgress: ['2026-02'] });
 * trend.series[0].points.map((p) => p.value) // => [1, 0]
 * ```
 */
export function trendDataFromConversion(
  report: ConversionReport,
  options?: { readonly stageId?: string | undefined; readonly inProgress?: ReadonlyArray<string> | undefined; readonly label?: string | undefined; readonly title?: string | undefined },
): TrendChartData {
  const stages = report.total.stages;
  const target = options?.stageId ?? stages.find((s) => s.category === 'won')?.stageId ?? stages[stages.length - 1]?.stageId;
  const idx = stages.findIndex((s) => s.stageId === target);
  if (idx < 0) fail('INVALID_OPTION', `a stage id on the path (${stages.map((s) => s.stageId).join(', ')})`, target, ['options', 'stageId']);
  const ip = new Set(options?.inProgress ?? []);
  const groups = [...report.groups].filter((g) => g.key !== null).sort((a, b) => ((a.key as string) < (b.key as string) ? -1 : 1));
  const first = stages[0]?.name ?? '';
  const name = stages[idx]?.name ?? '';
  return {
    title: options?.title ?? 'Conversion by entry period',
    subtitle: `${first} → ${name}, by the ${report.rules.groupBy ?? 'period'} the deal was created`,
    series: [
      {
        label: options?.label ?? `${first} → ${name}`,
        points: groups.map((g) => ({ period: g.key as string, value: g.stages[idx]?.endToEnd ?? null, n: g.deals, inProgress: ip.has(g.key as string) })),
      },
    ],
  };
}
