import { fail } from '../errors/FunnelError.js';
import { linear, yAxis } from './axes.js';
import { chartId, esc, finite, fit, headerHeight, label, legend, niceMax, nonEmpty, r, resolveTheme, size, svgDocument, text, ticks } from './svg.js';
import type { BaseOptions } from './svg.js';
import type { ChartTheme } from './theme.js';

/**
 * One period of a {@link ForecastFanChartData}: the forecast's quantiles and, for past periods, what happened.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface FanPoint {
  /** The period's label ("2026-07", "Week 32"). */
  readonly label: string;
  /** 10th percentile of the forecast (pessimistic end of the band). */
  readonly p10: number;
  /** Median forecast. */
  readonly p50: number;
  /** 90th percentile (optimistic end of the band). */
  readonly p90: number;
  /** 25th percentile (inner band), optional. */
  readonly p25?: number | undefined;
  /** 75th percentile (inner band), optional. */
  readonly p75?: number | undefined;
  /** What actually happened (backtests, closed periods); `null` or absent when not known yet. */
  readonly actual?: number | null | undefined;
}

/**
 * What {@link forecastFanChart} draws.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface ForecastFanChartData {
  /** Periods in time order. */
  readonly points: ReadonlyArray<FanPoint>;
  /** ISO 4217 code: values are money in major units of this currency. Absent: plain numbers (deals). */
  readonly currency?: string | undefined;
  /** The target (quota) drawn as a horizontal line. */
  readonly target?: number | undefined;
  /** Label of the target line (default `"Target"`). */
  readonly targetLabel?: string | undefined;
  /** Chart title (default `"Revenue forecast"`). */
  readonly title?: string | undefined;
  /** A line under the title (method, as-of time). */
  readonly subtitle?: string | undefined;
}

/**
 * Options of {@link forecastFanChart}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface ForecastFanChartOptions extends BaseOptions {
  /** Width in px (default 760). */
  readonly width?: number | undefined;
  /** Height in px (default 380). */
  readonly height?: number | undefined;
  /** Colours, fonts and number formats. */
  readonly theme?: Partial<ChartTheme> | undefined;
  /** Prefix for ids inside the SVG (default: a hash of the data). */
  readonly idPrefix?: string | undefined;
}

/** Validated points (shared with the Vega-Lite spec). @internal */
export function fanPoints(data: ForecastFanChartData): { label: string; p10: number; p25: number | null; p50: number; p75: number | null; p90: number; actual: number | null }[] {
  return nonEmpty(data?.points, ['points'], 'periods').map((p, i) => {
    const path = ['points', i];
    const p10 = finite(p?.p10, [...path, 'p10']);
    const p50 = finite(p.p50, [...path, 'p50']);
    const p90 = finite(p.p90, [...path, 'p90']);
    if (!(p10 <= p50 && p50 <= p90)) fail('INVALID_INPUT', 'p10 ≤ p50 ≤ p90', { p10, p50, p90 }, path);
    return {
      label: label(p.label, [...path, 'label']),
      p10,
      p25: p.p25 === undefined ? null : finite(p.p25, [...path, 'p25']),
      p50,
      p75: p.p75 === undefined ? null : finite(p.p75, [...path, 'p75']),
      p90,
      actual: p.actual === undefined || p.actual === null ? null : finite(p.actual, [...path, 'actual']),
    };
  });
}

/**
 * Draws a forecast as a fan: the P10–P90 band (light), the P25–P75 band when given (darker), the
 * P50 line, the target as a dashed amber line with its label, and — for backtests or closed periods —
 * the actual values as a solid dark line with square markers. The last period's range and the gap of
 * its median to the target are written out on the right.
 *
 * Definitions: P10 is the value the outcome stays below in 10% of simulations (or of the method's
 * predictive distribution); 80% of outcomes fall between P10 and P90. Gap to target = target − P50.
 *
 * @param data - periods with quantiles and actuals, currency, target
 * @param options - size, theme, id prefix
 * @returns a standalone `<svg>` string
 * @throws FunnelError `INVALID_INPUT` for no periods, non-finite values, or p10 > p50 > p90 out of order
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * const svg = forecastFanChart({ currency: 'EUR', target: 120000, points: [
 *   { label: 'Jul', p10: 80000, p50: 100000, p90: 125000, actual: 104000 },
 *   { label: 'Aug', p10: 70000, p50: 98000, p90: 131000 },
 * ] });
 * svg.includes('Target') // => true
 * ```
 */
export function forecastFanChart(data: ForecastFanChartData, options?: ForecastFanChartOptions): string {
  const t = resolveTheme(options?.theme);
  const pts = fanPoints(data);
  const cur = data.currency;
  const fmt = (v: number): string => (cur === undefined ? t.numCompact(v) : t.moneyCompact(v, cur));
  const target = data.target === undefined ? null : finite(data.target, ['target']);
  const W = size(options?.width, 760, 'width', 320);
  const H = size(options?.height, 380, 'height');
  const fs = t.fontSize;
  const pad = 16;
  const id = chartId('fan', options?.idPrefix, data);
  const hh = headerHeight(t, data.subtitle);
  const hasActual = pts.some((p) => p.actual !== null);
  const hasInner = pts.some((p) => p.p25 !== null && p.p75 !== null);
  const items = [
    { label: 'P10–P90', swatch: `<rect width="14" height="12" rx="2" fill="${esc(t.primarySoft)}"/>` },
    ...(hasInner ? [{ label: 'P25–P75', swatch: `<rect width="14" height="12" rx="2" fill="${esc(t.primary)}" fill-opacity="0.35"/>` }] : []),
    { label: 'P50 (median)', swatch: `<line x1="0" x2="14" y1="6" y2="6" stroke="${esc(t.primary)}" stroke-width="2.5"/>` },
    ...(hasActual ? [{ label: 'Actual', swatch: `<line x1="0" x2="14" y1="6" y2="6" stroke="${esc(t.ink)}" stroke-width="2"/><rect x="4" y="3" width="6" height="6" fill="${esc(t.ink)}"/>` }] : []),
    ...(target !== null ? [{ label: data.targetLabel ?? 'Target', swatch: `<line x1="0" x2="14" y1="6" y2="6" stroke="${esc(t.accent)}" stroke-width="2" stroke-dasharray="5 3"/>` }] : []),
  ];
  const x0 = pad + 64;
  const x1 = W - pad - 150;
  const lg = legend(items, x0, hh, W - x0 - pad, t);
  const yTop = hh + lg.height + 10;
  const yBot = H - fs * 2 - 14;
  const vals = pts.flatMap((p) => [p.p10, p.p90, p.actual ?? p.p50]);
  const hi = niceMax(Math.max(...vals, target ?? 0) * 1.04);
  const tk = ticks(0, hi, 5);
  const tickStep = tk.length > 1 ? (tk[1] as number) - (tk[0] as number) : hi;
  const minV = Math.min(...vals, target ?? Infinity);
  // a fan is read by its spread, so the axis may start above zero; it never hides a negative value
  const lo = minV < 0 ? Math.floor(minV / tickStep) * tickStep : Math.max(0, Math.floor((minV * 0.9) / tickStep) * tickStep);
  const y = linear(lo, hi, yBot, yTop);
  const n = pts.length;
  const step = (x1 - x0) / Math.max(1, n);
  const xc = (i: number): number => x0 + step * (i + 0.5);
  let body = lg.svg + yAxis(y, x0, x1, t, fmt);
  body += `<line x1="${r(x0)}" x2="${r(x1)}" y1="${r(yBot)}" y2="${r(yBot)}" stroke="${esc(t.muted)}"/>`;
  const every = Math.max(1, Math.ceil((n * 60) / (x1 - x0)));
  pts.forEach((p, i) => {
    if (i % every === 0 || i === n - 1) body += text(xc(i), yBot + fs + 6, fit(p.label, fs * 0.88, step * every - 4), { 'text-anchor': 'middle', fill: t.muted, 'font-size': fs * 0.88 });
  });
  const band = (a: (p: (typeof pts)[number]) => number, b: (p: (typeof pts)[number]) => number): string => {
    if (n === 1) {
      const p = pts[0] as (typeof pts)[number];
      return `M${r(xc(0) - step * 0.3)},${r(y(b(p)))} H${r(xc(0) + step * 0.3)} V${r(y(a(p)))} H${r(xc(0) - step * 0.3)} Z`;
    }
    const up = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${r(xc(i))},${r(y(b(p)))}`).join(' ');
    const down = pts.map((p, i) => `L${r(xc(i))},${r(y(a(p)))}`).reverse().join(' ');
    return `${up} ${down} Z`;
  };
  body += `<path d="${band((p) => p.p10, (p) => p.p90)}" fill="${esc(t.primarySoft)}" fill-opacity="0.85"/>`;
  if (hasInner) body += `<path d="${band((p) => p.p25 ?? p.p50, (p) => p.p75 ?? p.p50)}" fill="${esc(t.primary)}" fill-opacity="0.3"/>`;
  body += `<path d="${pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${r(xc(i))},${r(y(p.p50))}`).join(' ')}" fill="none" stroke="${esc(t.primary)}" stroke-width="2.5" stroke-linejoin="round"/>`;
  pts.forEach((p, i) => (body += `<circle cx="${r(xc(i))}" cy="${r(y(p.p50))}" r="3" fill="${esc(t.primary)}"><title>${esc(`${p.label}: P10 ${fmt(p.p10)}, P50 ${fmt(p.p50)}, P90 ${fmt(p.p90)}`)}</title></circle>`));
  if (hasActual) {
    let d = '';
    let pen = false;
    pts.forEach((p, i) => {
      if (p.actual === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${r(xc(i))},${r(y(p.actual))} `;
      pen = true;
    });
    body += `<path d="${d.trim()}" fill="none" stroke="${esc(t.ink)}" stroke-width="2"/>`;
    pts.forEach((p, i) => {
      if (p.actual === null) return;
      const inside = p.actual >= p.p10 && p.actual <= p.p90;
      body += `<rect x="${r(xc(i) - 3.5)}" y="${r(y(p.actual) - 3.5)}" width="7" height="7" fill="${inside ? esc(t.ink) : '#ffffff'}" stroke="${esc(t.ink)}" stroke-width="1.5"><title>${esc(`${p.label}: actual ${fmt(p.actual)}${inside ? '' : ' (outside P10–P90)'}`)}</title></rect>`;
    });
  }
  if (target !== null) {
    body += `<line x1="${r(x0)}" x2="${r(x1)}" y1="${r(y(target))}" y2="${r(y(target))}" stroke="${esc(t.accent)}" stroke-width="2" stroke-dasharray="6 4"/>`;
    body += text(x1 + 8, y(target) + fs * 0.35, `${data.targetLabel ?? 'Target'} ${fmt(target)}`, { fill: t.accent, 'font-weight': 650, 'font-size': fs * 0.92 });
  }
  const last = pts[n - 1] as (typeof pts)[number];
  const ly = y(last.p50);
  const ty = target !== null && Math.abs(y(target) - ly) < fs * 3 ? (ly > y(target) ? y(target) + fs * 1.6 : y(target) - fs * 3.2) : ly - fs * 0.6;
  body += text(x1 + 8, ty, `P50 ${fmt(last.p50)}`, { fill: t.primary, 'font-weight': 650, 'font-size': fs * 0.92 });
  body += text(x1 + 8, ty + fs * 1.15, `${fmt(last.p10)} – ${fmt(last.p90)}`, { fill: t.muted, 'font-size': fs * 0.85 });
  if (target !== null) {
    const gap = target - last.p50;
    body += text(x1 + 8, ty + fs * 2.3, gap > 0 ? `${fmt(gap)} short of target` : `${fmt(-gap)} above target`, { fill: gap > 0 ? t.negative : t.positive, 'font-size': fs * 0.85, 'font-weight': 600 });
  }
  const covered = pts.filter((p) => p.actual !== null);
  const inBand = covered.filter((p) => (p.actual as number) >= p.p10 && (p.actual as number) <= p.p90).length;
  const desc =
    `Forecast for ${n} period${n === 1 ? '' : 's'} from ${(pts[0] as { label: string }).label} to ${last.label}. ` +
    `${last.label}: median ${fmt(last.p50)}, 80% range ${fmt(last.p10)} to ${fmt(last.p90)}.` +
    (target !== null ? ` Target ${fmt(target)}; the median is ${last.p50 >= target ? 'at or above' : 'below'} it.` : '') +
    (covered.length > 0 ? ` Actuals fell inside the P10–P90 band in ${inBand} of ${covered.length} periods.` : '');
  return svgDocument({ width: W, height: H, title: data.title ?? 'Revenue forecast', subtitle: data.subtitle, desc, id, theme: t, body, kind: 'fan' });
}
