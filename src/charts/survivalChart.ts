import { fail } from '../errors/FunnelError.js';
import { linear, xAxisLinear, yAxis } from './axes.js';
import { chartId, DASHES, esc, finite, headerHeight, label, legend, marker, niceMax, nonEmpty, r, resolveTheme, size, svgDocument, text } from './svg.js';
import type { BaseOptions, Resolved } from './svg.js';
import type { ChartTheme } from './theme.js';

/**
 * One point of a step curve: at `time`, the curve has `value` (a share in [0, 1]), with an optional
 * confidence interval `[lower, upper]`.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface CurvePoint {
  /** Time since the start (in the chart's `unit`). */
  readonly time: number;
  /** The curve's value from this time on, in [0, 1]. */
  readonly value: number;
  /** Lower end of the confidence interval. */
  readonly lower?: number | undefined;
  /** Upper end of the confidence interval. */
  readonly upper?: number | undefined;
}

/**
 * One curve of a {@link SurvivalChartData}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface SurvivalSeries {
  /** The curve's name ("Still open", "Won", "Lost", or a segment). */
  readonly label: string;
  /** Points in increasing time; the curve is a step function through them. */
  readonly points: ReadonlyArray<CurvePoint>;
  /** Colour role: `positive` (won), `negative` (lost) or `neutral` (palette). Default `neutral`. */
  readonly tone?: 'positive' | 'negative' | 'neutral' | undefined;
}

/**
 * What {@link survivalChart} draws.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface SurvivalChartData {
  /**
   * `survival`: share of deals still open after t (Kaplan–Meier, falls from 100%);
   * `incidence`: cumulative share won / lost by t (competing risks, rises from 0%).
   */
  readonly mode: 'survival' | 'incidence';
  /** One or more curves. */
  readonly series: ReadonlyArray<SurvivalSeries>;
  /** Time unit as printed (default `"days"`). */
  readonly unit?: string | undefined;
  /** A time to mark with a vertical rule, e.g. the median time to close. */
  readonly marker?: { readonly time: number; readonly label: string } | undefined;
  /** Chart title (default by mode). */
  readonly title?: string | undefined;
  /** A line under the title. */
  readonly subtitle?: string | undefined;
}

/**
 * Options of {@link survivalChart}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface SurvivalChartOptions extends BaseOptions {
  /** Width in px (default 760). */
  readonly width?: number | undefined;
  /** Height in px (default 380). */
  readonly height?: number | undefined;
  /** Colours, fonts and number formats. */
  readonly theme?: Partial<ChartTheme> | undefined;
  /** Prefix for ids inside the SVG (default: a hash of the data). */
  readonly idPrefix?: string | undefined;
}

/** Validated series (shared with the Vega-Lite spec). @internal */
export function survivalSeries(data: SurvivalChartData): { label: string; tone: string; points: { time: number; value: number; lower: number | null; upper: number | null }[] }[] {
  if (data?.mode !== 'survival' && data?.mode !== 'incidence') fail('INVALID_INPUT', '"survival" or "incidence"', data?.mode, ['mode']);
  return nonEmpty(data.series, ['series'], 'curves').map((s, j) => {
    let last = -Infinity;
    const points = nonEmpty(s?.points, ['series', j, 'points'], 'points').map((p, i) => {
      const path = ['series', j, 'points', i];
      const time = finite(p?.time, [...path, 'time']);
      if (time < last) fail('INVALID_INPUT', 'points in increasing time', time, [...path, 'time']);
      last = time;
      const chk = (v: number | undefined, k: string): number | null => {
        if (v === undefined) return null;
        const x = finite(v, [...path, k]);
        if (x < 0 || x > 1) fail('INVALID_INPUT', 'a share between 0 and 1', v, [...path, k]);
        return x;
      };
      return { time, value: chk(p.value, 'value') as number, lower: chk(p.lower, 'lower'), upper: chk(p.upper, 'upper') };
    });
    return { label: label(s.label, ['series', j, 'label']), tone: s.tone ?? 'neutral', points };
  });
}

function colorOf(tone: string, j: number, t: Resolved): string {
  return tone === 'positive' ? t.positive : tone === 'negative' ? t.negative : (t.palette[j % t.palette.length] as string);
}

/**
 * Draws time-to-close curves as step lines with their confidence band: in `survival` mode the share
 * of deals still open after t days (falling from 100%), in `incidence` mode the cumulative share won
 * and lost by t days (rising from 0%; with competing risks the two never add up to more than 100%).
 * Curves differ by colour, dash pattern and end marker, and carry direct labels at their ends.
 *
 * Definitions: survival S(t) = share of deals not yet closed t days after creation, estimated with
 * censoring (open deals count until today, not as losses). Cumulative incidence of "won" at t = share
 * of deals won within t days. Median time to close = first t where S(t) ≤ 50%.
 *
 * @param data - mode, curves with points and optional bands, optional marker
 * @param options - size, theme, id prefix
 * @returns a standalone `<svg>` string
 * @throws FunnelError `INVALID_INPUT` for an unknown mode, no points, a value outside [0, 1] or times out of order
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * const svg = survivalChart({ mode: 'survival', series: [{ label: 'Still open', points: [
 *   { time: 0, value: 1 }, { time: 10, value: 0.7, lower: 0.6, upper: 0.8 }, { time: 30, value: 0.4, lower: 0.3, upper: 0.5 },
 * ] }] });
 * svg.includes('Still open') // => true
 * ```
 */
export function survivalChart(data: SurvivalChartData, options?: SurvivalChartOptions): string {
  const t = resolveTheme(options?.theme);
  const series = survivalSeries(data);
  const unit = data.unit ?? 'days';
  const W = size(options?.width, 760, 'width', 320);
  const H = size(options?.height, 380, 'height');
  const fs = t.fontSize;
  const pad = 16;
  const id = chartId('survival', options?.idPrefix, data);
  const hh = headerHeight(t, data.subtitle);
  const items = series.map((s, j) => ({
    label: s.label,
    swatch: `<line x1="0" x2="14" y1="6" y2="6" stroke="${esc(colorOf(s.tone, j, t))}" stroke-width="2.5" stroke-dasharray="${DASHES[j % DASHES.length]}"/>`,
  }));
  const lg = legend(items, pad + 48, hh, W - 2 * pad - 48, t);
  const x0 = pad + 48;
  const x1 = W - pad - 90;
  const yTop = hh + lg.height + 8;
  const yBot = H - fs * 3 - 14;
  const maxT = niceMax(Math.max(...series.flatMap((s) => s.points.map((p) => p.time)), data.marker?.time ?? 0));
  const x = linear(0, maxT, x0, x1);
  const y = linear(0, 1, yBot, yTop);
  let body = lg.svg + yAxis(y, x0, x1, t, t.pct, data.mode === 'survival' ? 'still open' : 'closed by then') + xAxisLinear(x, yBot, t, t.num, `${unit} since creation`);
  series.forEach((s, j) => {
    const c = colorOf(s.tone, j, t);
    const pts = s.points;
    const last = pts[pts.length - 1] as (typeof pts)[number];
    // confidence band as a step area
    if (pts.some((p) => p.lower !== null && p.upper !== null)) {
      let up = '';
      let lo = '';
      pts.forEach((p, i) => {
        const nx = i + 1 < pts.length ? (pts[i + 1] as (typeof pts)[number]).time : p.time;
        const u = p.upper ?? p.value;
        const l = p.lower ?? p.value;
        up += `${i === 0 ? 'M' : 'L'}${r(x(p.time))},${r(y(u))} L${r(x(nx))},${r(y(u))} `;
        lo = `L${r(x(nx))},${r(y(l))} L${r(x(p.time))},${r(y(l))} ` + lo;
      });
      body += `<path d="${up}${lo}Z" fill="${esc(c)}" fill-opacity="0.14" stroke="none"/>`;
    }
    let d = '';
    pts.forEach((p, i) => {
      d += i === 0 ? `M${r(x(p.time))},${r(y(p.value))}` : ` H${r(x(p.time))} V${r(y(p.value))}`;
    });
    body += `<path d="${d}" fill="none" stroke="${esc(c)}" stroke-width="2.5" stroke-linejoin="round" stroke-dasharray="${DASHES[j % DASHES.length]}"/>`;
    body += marker(j, x(last.time), y(last.value), 4, '#ffffff', c);
    body += text(x(last.time) + 9, y(last.value) + fs * 0.35, `${s.label} ${t.pct(last.value)}`, { fill: c, 'font-weight': 650, 'font-size': fs * 0.92 });
  });
  if (data.marker !== undefined) {
    const mx = x(finite(data.marker.time, ['marker', 'time']));
    body += `<line x1="${r(mx)}" x2="${r(mx)}" y1="${r(yTop)}" y2="${r(yBot)}" stroke="${esc(t.ink)}" stroke-dasharray="4 3" stroke-opacity="0.7"/>`;
    body += text(mx + 5, yTop + fs, data.marker.label, { fill: t.ink, 'font-size': fs * 0.9 });
  }
  const desc =
    `${data.mode === 'survival' ? 'Share of deals still open' : 'Cumulative share of deals closed'} by ${unit} since creation. ` +
    series.map((s) => `${s.label}: ${t.pct((s.points[s.points.length - 1] as { value: number }).value)} at ${t.num((s.points[s.points.length - 1] as { time: number }).time)} ${unit}`).join('; ') +
    '.' +
    (data.marker !== undefined ? ` Marked: ${data.marker.label}.` : '');
  const title = data.title ?? (data.mode === 'survival' ? 'Time to close' : 'Won and lost over time');
  return svgDocument({ width: W, height: H, title, subtitle: data.subtitle, desc, id, theme: t, body, kind: 'survival' });
}
