import { fail } from '../errors/FunnelError.js';
import { linear, yAxis } from './axes.js';
import { chartId, DASHES, esc, finite, fit, headerHeight, label, legend, marker, niceMax, nonEmpty, r, resolveTheme, size, svgDocument, text } from './svg.js';
import type { BaseOptions } from './svg.js';
import type { ChartTheme } from './theme.js';

/**
 * One period of a {@link TrendSeries}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface TrendPoint {
  /** The entry period's label ("2026-03"). Periods are shared by every series and keep their first-seen order. */
  readonly period: string;
  /** The value (a share in [0, 1] when the chart's `format` is `percent`); `null` when there is no data. */
  readonly value: number | null;
  /** How many deals entered in the period (shown in the tooltip and the description). */
  readonly n?: number | undefined;
  /** True when the period's deals are still in progress, so the value will still change. */
  readonly inProgress?: boolean | undefined;
}

/**
 * One line of a {@link TrendChartData}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface TrendSeries {
  /** The line's name (a segment, a stage pair). */
  readonly label: string;
  /** Points by period. */
  readonly points: ReadonlyArray<TrendPoint>;
}

/**
 * What {@link trendChart} draws.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface TrendChartData {
  /** One or more lines. */
  readonly series: ReadonlyArray<TrendSeries>;
  /** How values are printed: `percent` (shares, default) or `number`. */
  readonly format?: 'percent' | 'number' | undefined;
  /** Y axis title (default `"conversion"`). */
  readonly yLabel?: string | undefined;
  /** Chart title (default `"Conversion by entry period"`). */
  readonly title?: string | undefined;
  /** A line under the title. */
  readonly subtitle?: string | undefined;
}

/**
 * Options of {@link trendChart}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface TrendChartOptions extends BaseOptions {
  /** Width in px (default 760). */
  readonly width?: number | undefined;
  /** Height in px (default 340). */
  readonly height?: number | undefined;
  /** Colours, fonts and number formats. */
  readonly theme?: Partial<ChartTheme> | undefined;
  /** Prefix for ids inside the SVG (default: a hash of the data). */
  readonly idPrefix?: string | undefined;
}

/** Validated periods and series (shared with the Vega-Lite spec). @internal */
export function trendRows(data: TrendChartData): { periods: string[]; inProgress: boolean[]; series: { label: string; values: (number | null)[]; n: (number | null)[] }[] } {
  const series = nonEmpty(data?.series, ['series'], 'series');
  const periods: string[] = [];
  const index = new Map<string, number>();
  series.forEach((s, j) =>
    nonEmpty(s?.points, ['series', j, 'points'], 'points').forEach((p, i) => {
      const per = label(p?.period, ['series', j, 'points', i, 'period']);
      if (!index.has(per)) {
        index.set(per, periods.length);
        periods.push(per);
      }
    }),
  );
  const inProgress = periods.map(() => false);
  const out = series.map((s, j) => {
    const values: (number | null)[] = periods.map(() => null);
    const n: (number | null)[] = periods.map(() => null);
    s.points.forEach((p, i) => {
      const k = index.get(p.period) as number;
      if (values[k] !== null) fail('INVALID_INPUT', 'each period once per series', p.period, ['series', j, 'points', i, 'period']);
      values[k] = p.value === null ? null : finite(p.value, ['series', j, 'points', i, 'value']);
      n[k] = p.n ?? null;
      if (p.inProgress === true) inProgress[k] = true;
    });
    return { label: label(s.label, ['series', j, 'label']), values, n };
  });
  return { periods, inProgress, series: out };
}

/**
 * Draws conversion (or any rate) by entry period, one line per series. Periods whose deals are still
 * in progress — whose conversion can still rise — sit on a hatched background labelled "in progress",
 * and the line into them is dashed with hollow markers, so nobody reads a young cohort's low number
 * as a decline. Series differ by colour, dash and marker shape, with direct labels at the end.
 *
 * Definition (cohort by entry): conversion of period P = deals that entered in P and reached the
 * target stage ÷ deals that entered in P, counted at the as-of time.
 *
 * @param data - series of points by period, format, axis label
 * @param options - size, theme, id prefix
 * @returns a standalone `<svg>` string
 * @throws FunnelError `INVALID_INPUT` for no series or points, a non-finite value, a period twice in a series
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * const svg = trendChart({ series: [{ label: 'Request → Paid', points: [
 *   { period: '2026-01', value: 0.12 }, { period: '2026-02', value: 0.14 },
 *   { period: '2026-03', value: 0.06, inProgress: true },
 * ] }] });
 * svg.includes('in progress') // => true
 * ```
 */
export function trendChart(data: TrendChartData, options?: TrendChartOptions): string {
  const t = resolveTheme(options?.theme);
  const { periods, inProgress, series } = trendRows(data);
  const percent = (data.format ?? 'percent') === 'percent';
  const fmt = percent ? t.pct : t.numCompact;
  const W = size(options?.width, 760, 'width', 320);
  const H = size(options?.height, 340, 'height');
  const fs = t.fontSize;
  const pad = 16;
  const id = chartId('trend', options?.idPrefix, data);
  const hh = headerHeight(t, data.subtitle);
  const color = (j: number): string => t.palette[j % t.palette.length] as string;
  const items = series.map((s, j) => ({
    label: s.label,
    swatch: `<line x1="0" x2="14" y1="6" y2="6" stroke="${esc(color(j))}" stroke-width="2.5" stroke-dasharray="${DASHES[j % DASHES.length]}"/>`,
  }));
  if (inProgress.some(Boolean)) items.push({ label: 'in progress (still changing)', swatch: `<rect width="14" height="12" fill="url(#${id}-hatch)" stroke="${esc(t.grid)}"/>` });
  const x0 = pad + 52;
  const x1 = W - pad - 110;
  const lg = legend(items, x0, hh, W - x0 - pad, t);
  const yTop = hh + lg.height + 10;
  const yBot = H - fs * 2 - 14;
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const hi = percent ? Math.min(1, niceMax(Math.max(0.05, ...all) * 1.1)) : niceMax(Math.max(1, ...all) * 1.1);
  const y = linear(0, hi, yBot, yTop);
  const n = periods.length;
  const step = (x1 - x0) / Math.max(1, n);
  const xc = (i: number): number => x0 + step * (i + 0.5);
  const defs = `<pattern id="${id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${esc(t.grid)}" fill-opacity="0.35"/><line x1="0" y1="0" x2="0" y2="6" stroke="${esc(t.muted)}" stroke-opacity="0.35" stroke-width="2"/></pattern>`;
  let body = lg.svg;
  inProgress.forEach((ip, i) => {
    if (!ip) return;
    body += `<rect x="${r(xc(i) - step / 2)}" y="${r(yTop)}" width="${r(step)}" height="${r(yBot - yTop)}" fill="url(#${id}-hatch)"/>`;
  });
  const firstIp = inProgress.indexOf(true);
  if (firstIp >= 0) body += text(xc(firstIp) - step / 2 + 4, yTop + fs, 'in progress', { fill: t.muted, 'font-size': fs * 0.85, 'font-style': 'italic' });
  body += yAxis(y, x0, x1, t, fmt, data.yLabel ?? 'conversion');
  body += `<line x1="${r(x0)}" x2="${r(x1)}" y1="${r(yBot)}" y2="${r(yBot)}" stroke="${esc(t.muted)}"/>`;
  const every = Math.max(1, Math.ceil((n * 56) / (x1 - x0)));
  periods.forEach((p, i) => {
    if (i % every === 0 || i === n - 1) body += text(xc(i), yBot + fs + 6, fit(p, fs * 0.88, step * every - 2), { 'text-anchor': 'middle', fill: inProgress[i] ? t.muted : t.ink, 'font-size': fs * 0.88 });
  });
  series.forEach((s, j) => {
    const c = color(j);
    for (let i = 0; i + 1 < n; i++) {
      const a = s.values[i];
      const b = s.values[i + 1];
      if (a === null || a === undefined || b === null || b === undefined) continue;
      const dashed = inProgress[i + 1] === true;
      const dash = dashed ? '3 4' : (DASHES[j % DASHES.length] as string);
      body += `<line x1="${r(xc(i))}" y1="${r(y(a))}" x2="${r(xc(i + 1))}" y2="${r(y(b))}" stroke="${esc(c)}" stroke-width="2.5" stroke-linecap="round"${dash === '' ? '' : ` stroke-dasharray="${dash}"`}${dashed ? ' stroke-opacity="0.75"' : ''}/>`;
    }
    s.values.forEach((v, i) => {
      if (v === null) return;
      body += marker(j, xc(i), y(v), 3.6, inProgress[i] ? '#ffffff' : c, c);
    });
    let lastI = -1;
    s.values.forEach((v, i) => (v !== null ? (lastI = i) : undefined));
    if (lastI >= 0) body += text(x1 + 8, y(s.values[lastI] as number) + fs * 0.35, fit(`${s.label} ${fmt(s.values[lastI] as number)}`, fs * 0.9, W - pad - x1 - 8), { fill: c, 'font-weight': 650, 'font-size': fs * 0.9 });
  });
  const desc =
    `${percent ? 'Conversion' : 'Values'} by entry period, ${periods[0]} to ${periods[n - 1]}. ` +
    series.map((s) => `${s.label}: ${s.values.map((v, i) => `${periods[i]} ${v === null ? 'n/a' : fmt(v)}${inProgress[i] ? ' (in progress)' : ''}`).join(', ')}`).join('. ') +
    '.';
  return svgDocument({ width: W, height: H, title: data.title ?? 'Conversion by entry period', subtitle: data.subtitle, desc, id, theme: t, defs, body, kind: 'trend' });
}

