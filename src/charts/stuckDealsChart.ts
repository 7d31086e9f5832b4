import { chartId, count, esc, finite, fit, headerHeight, label, moneyValue, nonEmpty, patternDef, r, resolveTheme, size, svgDocument, text, textWidth } from './svg.js';
import type { Money } from '../model/money.js';
import type { BaseOptions } from './svg.js';
import type { ChartTheme } from './theme.js';

/**
 * One stage of a {@link StuckDealsChartData}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface StuckDealsRow {
  /** The stage's name. */
  readonly label: string;
  /** Open deals in the stage longer than its threshold. */
  readonly stuck: number;
  /** All open deals in the stage (drawn as the light bar behind). */
  readonly open?: number | undefined;
  /** Value of the stuck deals. */
  readonly amount?: Money | undefined;
  /** The threshold used for this stage, in days (stage `stallAfterDays` or a global one). */
  readonly thresholdDays?: number | undefined;
}

/**
 * What {@link stuckDealsChart} draws.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface StuckDealsChartData {
  /** The stages, first to last. */
  readonly stages: ReadonlyArray<StuckDealsRow>;
  /** Chart title (default `"Stuck deals"`). */
  readonly title?: string | undefined;
  /** A line under the title (e.g. the as-of time). */
  readonly subtitle?: string | undefined;
}

/**
 * Options of {@link stuckDealsChart}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface StuckDealsChartOptions extends BaseOptions {
  /** Width in px (default 760). */
  readonly width?: number | undefined;
  /** Height in px (default: 36 px per stage plus title). */
  readonly height?: number | undefined;
  /** Colours, fonts and number formats. */
  readonly theme?: Partial<ChartTheme> | undefined;
  /** Prefix for ids inside the SVG (default: a hash of the data). */
  readonly idPrefix?: string | undefined;
}

/**
 * Draws the stuck deals per stage: for each stage a light bar of all open deals and, over it, a
 * striped bar of the deals stuck longer than the stage's threshold, labelled "12 of 80 stuck
 * (> 21 d) · €120K". Stages with no stuck deals stay quiet.
 *
 * Definition: a deal is stuck at stage k when it is open, at stage k, and has been there longer than
 * the threshold (the stage's `stallAfterDays`, or a threshold you chose) at the as-of time.
 *
 * @param data - per stage: stuck and open counts, value, threshold
 * @param options - size, theme, id prefix
 * @returns a standalone `<svg>` string
 * @throws FunnelError `INVALID_INPUT` for no stages or a negative count
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * const svg = stuckDealsChart({ stages: [
 *   { label: 'Proposal', stuck: 12, open: 80, thresholdDays: 21 },
 *   { label: 'Invoice', stuck: 0, open: 15 },
 * ] });
 * svg.includes('12 of 80 stuck') // => true
 * ```
 */
export function stuckDealsChart(data: StuckDealsChartData, options?: StuckDealsChartOptions): string {
  const t = resolveTheme(options?.theme);
  const rows = nonEmpty(data?.stages, ['stages'], 'stages').map((s, i) => ({
    label: label(s?.label, ['stages', i, 'label']),
    stuck: count(s.stuck, ['stages', i, 'stuck']),
    open: s.open === undefined ? null : count(s.open, ['stages', i, 'open']),
    amount: s.amount === undefined ? null : t.moneyCompact(moneyValue(s.amount, ['stages', i, 'amount']), s.amount.currency),
    threshold: s.thresholdDays === undefined ? null : finite(s.thresholdDays, ['stages', i, 'thresholdDays']),
  }));
  const W = size(options?.width, 760, 'width', 320);
  const fs = t.fontSize;
  const pad = 16;
  const hh = headerHeight(t, data.subtitle);
  const naturalH = hh + 8 + rows.length * 36 + fs + 16;
  const H = size(options?.height, naturalH, 'height');
  const rowH = (H - hh - 8 - fs - 16) / rows.length;
  const labelW = Math.min(190, Math.max(100, W * 0.2));
  const x0 = pad + labelW + 12;
  const x1 = W - pad - 230;
  const max = Math.max(1, ...rows.map((q) => Math.max(q.stuck, q.open ?? 0)));
  const sx = (v: number): number => ((x1 - x0) * v) / max;
  const id = chartId('stuck', options?.idPrefix, data);
  const defs = patternDef(`${id}-s`, t.negative, 1);
  const top = hh + 8;
  let body = '';
  rows.forEach((q, i) => {
    const y = top + i * rowH;
    const cy = y + rowH / 2;
    const bh = Math.min(20, rowH * 0.58);
    body += text(pad + labelW, cy + fs * 0.35, fit(q.label, fs, labelW - 4, true), { 'text-anchor': 'end', 'font-weight': 600, fill: t.ink });
    if (q.open !== null) body += `<rect x="${r(x0)}" y="${r(cy - bh / 2)}" width="${r(Math.max(1, sx(q.open)))}" height="${r(bh)}" rx="3" fill="${esc(t.grid)}"><title>${esc(`${q.label}: ${t.num(q.open)} open`)}</title></rect>`;
    if (q.stuck > 0) body += `<rect x="${r(x0)}" y="${r(cy - bh / 2)}" width="${r(sx(q.stuck))}" height="${r(bh)}" rx="3" fill="url(#${id}-s)"><title>${esc(`${q.label}: ${t.num(q.stuck)} stuck`)}</title></rect>`;
    const lbl =
      q.stuck === 0
        ? `none stuck${q.open !== null ? ` of ${t.num(q.open)}` : ''}`
        : `${t.num(q.stuck)}${q.open !== null ? ` of ${t.num(q.open)}` : ''} stuck${q.threshold !== null ? ` (> ${t.num(q.threshold)} d)` : ''}${q.amount !== null ? ` · ${q.amount}` : ''}`;
    const end = x0 + sx(Math.max(q.stuck, q.open ?? 0)) + 10;
    body += text(Math.min(end, W - pad - textWidth(lbl, fs, q.stuck > 0)), cy + fs * 0.35, lbl, { fill: q.stuck > 0 ? t.ink : t.muted, 'font-weight': q.stuck > 0 ? 650 : 400 });
  });
  body += `<g transform="translate(${r(pad)},${r(H - 10 - fs * 0.8)})"><rect width="12" height="10" rx="2" fill="url(#${id}-s)"/>${text(16, fs * 0.75, 'stuck longer than the threshold', { 'font-size': fs * 0.8, fill: t.muted })}<rect x="${r(210)}" width="12" height="10" rx="2" fill="${esc(t.grid)}"/>${text(226, fs * 0.75, 'all open deals in the stage', { 'font-size': fs * 0.8, fill: t.muted })}</g>`;
  const total = rows.reduce((a, q) => a + q.stuck, 0);
  const worst = rows.reduce((a, q) => (q.stuck > a.stuck ? q : a), rows[0] as (typeof rows)[number]);
  const desc = `${t.num(total)} stuck deals in total. ${rows.map((q) => `${q.label}: ${t.num(q.stuck)}${q.open !== null ? ` of ${t.num(q.open)}` : ''}`).join('; ')}.${total > 0 ? ` Most at ${worst.label}.` : ''}`;
  return svgDocument({ width: W, height: H, title: data.title ?? 'Stuck deals', subtitle: data.subtitle, desc, id, theme: t, defs, body, kind: 'stuck' });
}
