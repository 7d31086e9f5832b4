import { fail } from '../errors/FunnelError.js';
import { dropOffChart, type DropOffChartData } from './dropOffChart.js';
import { forecastFanChart, type ForecastFanChartData } from './forecastFanChart.js';
import { funnelChart, type FunnelChartData } from './funnelChart.js';
import { segmentComparisonChart, type SegmentComparisonChartData } from './segmentComparisonChart.js';
import { stuckDealsChart, type StuckDealsChartData } from './stuckDealsChart.js';
import type { BaseOptions } from './svg.js';
import { survivalChart, type SurvivalChartData } from './survivalChart.js';
import type { ChartTheme } from './theme.js';
import { timeInStageChart, type TimeInStageChartData } from './timeInStageChart.js';
import { trendChart, type TrendChartData } from './trendChart.js';

/**
 * Any chart's input, tagged with the chart it is for: what {@link renderChart} and
 * {@link toVegaLite} take. Lets an application keep a list of charts as plain data.
 *
 * @category Charts
 * @since 0.1.0
 */
export type ChartInput =
  | { readonly chart: 'funnel'; readonly data: FunnelChartData }
  | { readonly chart: 'segmentComparison'; readonly data: SegmentComparisonChartData }
  | { readonly chart: 'dropOff'; readonly data: DropOffChartData }
  | { readonly chart: 'timeInStage'; readonly data: TimeInStageChartData }
  | { readonly chart: 'stuckDeals'; readonly data: StuckDealsChartData }
  | { readonly chart: 'survival'; readonly data: SurvivalChartData }
  | { readonly chart: 'forecastFan'; readonly data: ForecastFanChartData }
  | { readonly chart: 'trend'; readonly data: TrendChartData };

/**
 * Options shared by every chart: size, theme and id prefix.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface ChartOptions extends BaseOptions {
  /** Width in px (each chart has its own default, 760 for most). */
  readonly width?: number | undefined;
  /** Height in px (default: each chart's natural height). */
  readonly height?: number | undefined;
  /** Colours, fonts and number formats (partial; the rest from {@link defaultTheme}). */
  readonly theme?: Partial<ChartTheme> | undefined;
  /** Prefix for ids inside the SVG (default: a hash of the data). */
  readonly idPrefix?: string | undefined;
}

/**
 * Renders any chart from a tagged {@link ChartInput}: `renderChart({ chart: 'funnel', data })` is
 * `funnelChart(data)`. Useful when charts are configured as data (a dashboard, the report).
 *
 * @param input - the chart's name and its data
 * @param options - size, theme, id prefix
 * @returns a standalone `<svg>` string
 * @throws FunnelError `INVALID_INPUT` for an unknown chart name, and whatever the chart itself throws
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * renderChart({ chart: 'funnel', data: { stages: [{ label: 'Request', count: 10 }, { label: 'Paid', count: 2 }] } }).includes('20%') // => true
 * ```
 */
export function renderChart(input: ChartInput, options?: ChartOptions): string {
  switch (input?.chart) {
    case 'funnel':
      return funnelChart(input.data, options);
    case 'segmentComparison':
      return segmentComparisonChart(input.data, options);
    case 'dropOff':
      return dropOffChart(input.data, options);
    case 'timeInStage':
      return timeInStageChart(input.data, options);
    case 'stuckDeals':
      return stuckDealsChart(input.data, options);
    case 'survival':
      return survivalChart(input.data, options);
    case 'forecastFan':
      return forecastFanChart(input.data, options);
    case 'trend':
      return trendChart(input.data, options);
    default:
      return fail('INVALID_INPUT', `one of ${CHART_NAMES.map((n) => `"${n}"`).join(', ')}`, (input as { chart?: unknown } | undefined)?.chart, ['chart']);
  }
}

/** The chart names a {@link ChartInput} may carry. @internal */
export const CHART_NAMES = ['funnel', 'segmentComparison', 'dropOff', 'timeInStage', 'stuckDeals', 'survival', 'forecastFan', 'trend'] as const;
