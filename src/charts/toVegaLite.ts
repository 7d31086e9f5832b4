import { fail } from '../errors/FunnelError.js';
import { CHART_NAMES, type ChartInput } from './chartInput.js';
import { dropOffRows } from './dropOffChart.js';
import { fanPoints } from './forecastFanChart.js';
import { funnelRows } from './funnelChart.js';
import { segmentCells } from './segmentComparisonChart.js';
import { survivalSeries } from './survivalChart.js';
import { moneyValue, resolveTheme, type Resolved } from './svg.js';
import type { ChartTheme } from './theme.js';
import { trendRows } from './trendChart.js';

/**
 * A Vega-Lite v5 specification: plain JSON that Jupyter, Observable, VS Code and the Vega editor
 * render natively.
 *
 * @category Charts
 * @since 0.1.0
 */
export type VegaLiteSpec = { readonly [key: string]: unknown };

/**
 * Options of {@link toVegaLite}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface VegaLiteOptions {
  /** Width of the plot in px (default 560; `"container"` to fill the cell). */
  readonly width?: number | 'container' | undefined;
  /** Height of the plot in px (default: by chart). */
  readonly height?: number | undefined;
  /** Colours and fonts, carried into the spec's `config` (formatters do not cross into JSON). */
  readonly theme?: Partial<ChartTheme> | undefined;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

function config(t: Resolved): Record<string, unknown> {
  return {
    font: t.fontFamily,
    background: t.background === 'none' ? null : t.background,
    view: { stroke: null },
    range: { category: [...t.palette] },
    axis: { labelColor: t.muted, titleColor: t.muted, gridColor: t.grid, domainColor: t.muted, tickColor: t.muted, labelFontSize: t.fontSize * 0.9, titleFontSize: t.fontSize * 0.9 },
    legend: { labelColor: t.ink, titleColor: t.muted, orient: 'top' },
    title: { color: t.ink, subtitleColor: t.muted, anchor: 'start', fontSize: t.fontSize * 1.45, fontWeight: 650 },
  };
}

function head(title: string, subtitle: string | undefined, t: Resolved, o: VegaLiteOptions | undefined, height: number): Record<string, unknown> {
  return {
    $schema: SCHEMA,
    title: subtitle === undefined ? title : { text: title, subtitle },
    width: o?.width ?? 560,
    height: o?.height ?? height,
    config: config(t),
  };
}

/**
 * The same charts as Vega-Lite v5 specifications, for notebooks: `toVegaLite({ chart: 'funnel', data })`
 * returns a plain JSON object with the data inline (no network, no URLs to fetch besides the `$schema`
 * identifier). Display it with `Deno.jupyter.display({ 'application/vnd.vegalite.v5+json': spec }, { raw: true })`,
 * Observable's `vl.render`, or paste it in the Vega editor.
 *
 * Each spec carries the same derived numbers as the SVG chart (conversion from previous and from
 * start, reason totals, in-progress flags) as data fields, so tooltips and further transforms can use them.
 *
 * @param input - the chart's name and data (the same input as the SVG chart)
 * @param options - plot width/height and theme colours
 * @returns a Vega-Lite v5 spec (plain, JSON-serialisable)
 * @throws FunnelError `INVALID_INPUT` for an unknown chart or invalid data (the same checks as the SVG charts)
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * const spec = toVegaLite({ chart: 'funnel', data: { stages: [{ label: 'Request', count: 200 }, { label: 'Paid', count: 50 }] } });
 * spec.$schema // => 'https://vega.github.io/schema/vega-lite/v5.json'
 * (spec.data as { values: { fromStart: number }[] }).values[1].fromStart // => 0.25
 * ```
 */
export function toVegaLite(input: ChartInput, options?: VegaLiteOptions): VegaLiteSpec {
  const t = resolveTheme(options?.theme);
  const o = options;
  switch (input?.chart) {
    case 'funnel': {
      const d = input.data;
      const rows = funnelRows(d, t);
      const values = rows.map((q, i) => ({
        order: i,
        stage: q.label,
        count: q.count,
        amount: d.stages[i]?.amount === undefined ? null : moneyValue(d.stages[i]?.amount as { amount: string; currency: string }, ['stages', i, 'amount']),
        currency: d.stages[i]?.amount?.currency ?? null,
        fromPrevious: q.fromPrev,
        fromStart: q.fromStart,
        dropped: q.dropped,
        topReasons: q.reasons.map((x) => `${x.label} ${x.count}`).join(', '),
      }));
      const y = { field: 'stage', type: 'nominal', sort: { field: 'order' }, title: null, axis: { labelFontWeight: 600, labelColor: t.ink, domain: false, ticks: false } };
      return {
        ...head(d.title ?? 'Sales funnel', d.subtitle, t, o, rows.length * 56),
        data: { values },
        encoding: { y },
        layer: [
          {
            mark: { type: 'bar', cornerRadius: 4, color: t.primary },
            encoding: {
              x: { field: 'count', type: 'quantitative', stack: 'center', axis: null },
              opacity: { field: 'order', type: 'quantitative', scale: { range: [1, 0.6] }, legend: null },
              tooltip: [
                { field: 'stage' },
                { field: 'count', format: ',' },
                { field: 'fromPrevious', title: 'from previous', format: '.1%' },
                { field: 'fromStart', title: 'from start', format: '.1%' },
                { field: 'dropped', title: 'lost after' },
                { field: 'topReasons', title: 'top reasons' },
              ],
            },
          },
          { mark: { type: 'text', color: t.ink, fontWeight: 650, align: 'left', dx: 6 }, encoding: { x: { field: 'count', type: 'quantitative', stack: 'center' }, text: { field: 'count', format: ',' } } },
          { mark: { type: 'text', color: t.muted, align: 'right', x: 'width', dx: 60 }, encoding: { text: { field: 'fromStart', format: '.1%' } } },
        ],
      };
    }
    case 'segmentComparison': {
      const d = input.data;
      const { stages, segments, cells } = segmentCells(d);
      const values = segments.flatMap((s, j) =>
        stages.map((st, i) => {
          const c = (cells[j] ?? [])[i];
          return { segment: s, segmentOrder: j, stage: st, order: i, count: c?.count ?? 0, fromStart: c?.fromStart ?? null, fromPrevious: c?.fromPrev ?? null, significant: c?.significant ?? false };
        }),
      );
      const { width: _ignored, height: _ignoredToo, ...top } = head(d.title ?? 'Funnels by segment', d.subtitle, t, o, 0);
      return {
        ...top,
        data: { values },
        facet: { column: { field: 'segment', type: 'nominal', sort: { field: 'segmentOrder' }, title: null, header: { labelFontWeight: 650, labelColor: t.ink } } },
        spec: {
          width: typeof o?.width === 'number' ? Math.max(120, o.width / segments.length) : 180,
          height: o?.height ?? stages.length * 34,
          layer: [
            {
              mark: { type: 'bar', cornerRadius: 2 },
              encoding: {
                y: { field: 'stage', type: 'nominal', sort: { field: 'order' }, title: null },
                x: { field: 'fromStart', type: 'quantitative', title: 'share of first stage', axis: { format: '%' }, scale: { domain: [0, 1] } },
                color: { field: 'segment', type: 'nominal', legend: null, sort: { field: 'segmentOrder' } },
                strokeWidth: { condition: { test: 'datum.significant', value: 2 }, value: 0 },
                stroke: { value: t.ink },
                tooltip: [{ field: 'segment' }, { field: 'stage' }, { field: 'count' }, { field: 'fromStart', format: '.1%' }, { field: 'fromPrevious', title: 'step', format: '.1%' }, { field: 'significant' }],
              },
            },
            {
              mark: { type: 'text', align: 'left', dx: 4, color: t.ink },
              encoding: {
                y: { field: 'stage', type: 'nominal', sort: { field: 'order' } },
                x: { field: 'fromStart', type: 'quantitative' },
                text: { condition: { test: 'datum.significant', value: '★' }, value: '' },
              },
            },
          ],
        },
      };
    }
    case 'dropOff': {
      const d = input.data;
      const { reasons, rows } = dropOffRows(d);
      const values = rows.flatMap((row, i) => row.parts.map((v, k) => ({ stage: row.label, order: i, reason: reasons[k], reasonOrder: k, count: v, stageTotal: row.total })).filter((x) => x.count > 0));
      return {
        ...head(d.title ?? 'Where deals are lost, and why', d.subtitle, t, o, rows.length * 36),
        data: { values },
        mark: { type: 'bar', stroke: '#ffffff', strokeWidth: 1 },
        encoding: {
          y: { field: 'stage', type: 'nominal', sort: { field: 'order' }, title: null },
          x: { field: 'count', type: 'quantitative', aggregate: 'sum', title: 'lost deals' },
          color: { field: 'reason', type: 'nominal', sort: reasons, title: 'reason' },
          order: { field: 'reasonOrder' },
          tooltip: [{ field: 'stage' }, { field: 'reason' }, { field: 'count' }, { field: 'stageTotal', title: 'lost after stage' }],
        },
      };
    }
    case 'timeInStage': {
      const d = input.data;
      const values = (Array.isArray(d?.stages) ? d.stages : fail('INVALID_INPUT', 'a non-empty array of stages', d?.stages, ['stages'])).map((s, i) => ({ order: i, stage: s.label, median: s.median, p25: s.p25 ?? null, p75: s.p75 ?? null, p90: s.p90 ?? null, n: s.n ?? null, stallAfter: s.stallAfter ?? null }));
      const unit = d.unit ?? 'days';
      const y = { field: 'stage', type: 'nominal', sort: { field: 'order' }, title: null };
      return {
        ...head(d.title ?? 'Time in stage', d.subtitle, t, o, values.length * 34),
        data: { values },
        encoding: { y },
        layer: [
          { mark: { type: 'rule', color: t.muted }, encoding: { x: { field: 'p75', type: 'quantitative' }, x2: { field: 'p90' } } },
          { mark: { type: 'bar', color: t.primarySoft, stroke: t.primary, cornerRadius: 3, height: 14 }, encoding: { x: { field: 'p25', type: 'quantitative', title: unit }, x2: { field: 'p75' } } },
          { mark: { type: 'tick', color: t.ink, thickness: 3, size: 22 }, encoding: { x: { field: 'median', type: 'quantitative' }, tooltip: [{ field: 'stage' }, { field: 'median' }, { field: 'p25' }, { field: 'p75' }, { field: 'p90' }, { field: 'n' }] } },
          { mark: { type: 'tick', color: t.accent, thickness: 2, size: 26, strokeDash: [3, 2] }, encoding: { x: { field: 'stallAfter', type: 'quantitative' } } },
        ],
      };
    }
    case 'stuckDeals': {
      const d = input.data;
      const values = (Array.isArray(d?.stages) ? d.stages : fail('INVALID_INPUT', 'a non-empty array of stages', d?.stages, ['stages'])).map((s, i) => ({ order: i, stage: s.label, stuck: s.stuck, open: s.open ?? null, thresholdDays: s.thresholdDays ?? null }));
      const y = { field: 'stage', type: 'nominal', sort: { field: 'order' }, title: null };
      return {
        ...head(d.title ?? 'Stuck deals', d.subtitle, t, o, values.length * 32),
        data: { values },
        encoding: { y },
        layer: [
          { mark: { type: 'bar', color: t.grid, cornerRadius: 3 }, encoding: { x: { field: 'open', type: 'quantitative', title: 'deals' } } },
          { mark: { type: 'bar', color: t.negative, cornerRadius: 3 }, encoding: { x: { field: 'stuck', type: 'quantitative' }, tooltip: [{ field: 'stage' }, { field: 'stuck' }, { field: 'open' }, { field: 'thresholdDays' }] } },
          { mark: { type: 'text', align: 'left', dx: 4, color: t.ink }, encoding: { x: { field: 'open', type: 'quantitative' }, text: { field: 'stuck' } } },
        ],
      };
    }
    case 'survival': {
      const d = input.data;
      const series = survivalSeries(d);
      const values = series.flatMap((s, j) => s.points.map((p) => ({ series: s.label, seriesOrder: j, time: p.time, value: p.value, lower: p.lower, upper: p.upper })));
      const x = { field: 'time', type: 'quantitative', title: `${d.unit ?? 'days'} since creation` };
      const color = { field: 'series', type: 'nominal', title: null, sort: { field: 'seriesOrder' } };
      return {
        ...head(d.title ?? (d.mode === 'survival' ? 'Time to close' : 'Won and lost over time'), d.subtitle, t, o, 300),
        data: { values },
        encoding: { x, color },
        layer: [
          { mark: { type: 'area', interpolate: 'step-after', opacity: 0.15 }, encoding: { y: { field: 'lower', type: 'quantitative' }, y2: { field: 'upper' } } },
          {
            mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2.5 },
            encoding: { y: { field: 'value', type: 'quantitative', title: d.mode === 'survival' ? 'still open' : 'closed by then', axis: { format: '%' }, scale: { domain: [0, 1] } }, strokeDash: { field: 'series', type: 'nominal', legend: null } },
          },
        ],
      };
    }
    case 'forecastFan': {
      const d = input.data;
      const pts = fanPoints(d);
      const values = pts.map((p, i) => ({ order: i, period: p.label, ...p, target: d.target ?? null }));
      const x = { field: 'period', type: 'ordinal', sort: { field: 'order' }, title: null, axis: { labelAngle: 0 } };
      const yTitle = d.currency === undefined ? 'value' : d.currency;
      const layer: unknown[] = [
        { mark: { type: 'area', color: t.primarySoft, opacity: 0.85 }, encoding: { y: { field: 'p10', type: 'quantitative', title: yTitle }, y2: { field: 'p90' } } },
        { mark: { type: 'line', color: t.primary, strokeWidth: 2.5, point: true }, encoding: { y: { field: 'p50', type: 'quantitative' }, tooltip: [{ field: 'period' }, { field: 'p10' }, { field: 'p50' }, { field: 'p90' }, { field: 'actual' }] } },
        { mark: { type: 'line', color: t.ink, strokeWidth: 2, point: { shape: 'square', filled: true, color: t.ink } }, encoding: { y: { field: 'actual', type: 'quantitative' } } },
      ];
      if (pts.some((p) => p.p25 !== null)) layer.splice(1, 0, { mark: { type: 'area', color: t.primary, opacity: 0.3 }, encoding: { y: { field: 'p25', type: 'quantitative' }, y2: { field: 'p75' } } });
      if (d.target !== undefined) layer.push({ mark: { type: 'rule', color: t.accent, strokeDash: [6, 4], strokeWidth: 2 }, encoding: { y: { datum: d.target }, x: null } });
      return { ...head(d.title ?? 'Revenue forecast', d.subtitle, t, o, 300), data: { values }, encoding: { x }, layer };
    }
    case 'trend': {
      const d = input.data;
      const { periods, inProgress, series } = trendRows(d);
      const values = series.flatMap((s, j) => periods.map((p, i) => ({ series: s.label, seriesOrder: j, period: p, order: i, value: s.values[i] ?? null, n: s.n[i] ?? null, inProgress: inProgress[i] ?? false })));
      const fmt = (d.format ?? 'percent') === 'percent' ? '%' : ',';
      const x = { field: 'period', type: 'ordinal', sort: { field: 'order' }, title: null, axis: { labelAngle: 0 } };
      return {
        ...head(d.title ?? 'Conversion by entry period', d.subtitle, t, o, 280),
        data: { values },
        encoding: { x },
        layer: [
          { transform: [{ filter: 'datum.inProgress && datum.seriesOrder === 0' }], mark: { type: 'rect', color: t.grid, opacity: 0.6 }, encoding: {} },
          { mark: { type: 'line', strokeWidth: 2.5 }, encoding: { y: { field: 'value', type: 'quantitative', title: d.yLabel ?? 'conversion', axis: { format: fmt } }, color: { field: 'series', type: 'nominal', title: null, sort: { field: 'seriesOrder' } }, strokeDash: { field: 'series', type: 'nominal', legend: null } } },
          {
            mark: { type: 'point', size: 60, strokeWidth: 2 },
            encoding: {
              y: { field: 'value', type: 'quantitative' },
              color: { field: 'series', type: 'nominal', sort: { field: 'seriesOrder' } },
              fill: { condition: { test: 'datum.inProgress', value: '#ffffff' }, field: 'series', type: 'nominal', legend: null },
              shape: { field: 'series', type: 'nominal', legend: null },
              tooltip: [{ field: 'series' }, { field: 'period' }, { field: 'value', format: fmt === '%' ? '.1%' : ',' }, { field: 'n' }, { field: 'inProgress', title: 'in progress' }],
            },
          },
        ],
      };
    }
    default:
      return fail('INVALID_INPUT', `one of ${CHART_NAMES.map((n) => `"${n}"`).join(', ')}`, (input as { chart?: unknown } | undefined)?.chart, ['chart']);
  }
}
