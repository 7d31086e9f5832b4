import { fail } from '../errors/FunnelError.js';
import { chartId, esc, finite, fit, headerHeight, label, niceMax, nonEmpty, r, resolveTheme, size, svgDocument, text, textWidth, ticks } from './svg.js';
import type { BaseOptions } from './svg.js';
import type { ChartTheme } from './theme.js';

/**
 * One stage of a {@link TimeInStageChartData}: how long deals stayed in it.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface TimeInStageRow {
  /** The stage's name. */
  readonly label: string;
  /** Median time in the stage (in `unit`); `null` when no deal has left the stage yet. */
  readonly median: number | null;
  /** 25th percentile (the box starts here). */
  readonly p25?: number | undefined;
  /** 75th percentile (the box ends here). */
  readonly p75?: number | undefined;
  /** 90th percentile (the whisker ends here). */
  readonly p90?: number | undefined;
  /** Number of stays measured. */
  readonly n?: number | undefined;
  /** The stage's stall threshold (`stallAfterDays`), drawn as a dashed tick. */
  readonly stallAfter?: number | undefined;
}

/**
 * What {@link timeInStageChart} draws.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface TimeInStageChartData {
  /** The stages, first to last. */
  readonly stages: ReadonlyArray<TimeInStageRow>;
  /** Unit of every duration, as printed (default `"days"`). */
  readonly unit?: string | undefined;
  /** Chart title (default `"Time in stage"`). */
  readonly title?: string | undefined;
  /** A line under the title. */
  readonly subtitle?: string | undefined;
}

/**
 * Options of {@link timeInStageChart}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface TimeInStageChartOptions extends BaseOptions {
  /** Width in px (default 760). */
  readonly width?: number | undefined;
  /** Height in px (default: 38 px per stage plus title and axis). */
  readonly height?: number | undefined;
  /** Colours, fonts and number formats. */
  readonly theme?: Partial<ChartTheme> | undefined;
  /** Prefix for ids inside the SVG (default: a hash of the data). */
  readonly idPrefix?: string | undefined;
}

function opt(v: number | undefined, path: ReadonlyArray<string | number>): number | null {
  if (v === undefined) return null;
  const x = finite(v, path);
  if (x < 0) fail('INVALID_INPUT', 'a duration ≥ 0', v, path);
  return x;
}

/**
 * Draws how long deals stay in each stage: a box from the 25th to the 75th percentile, a whisker to
 * the 90th, the median as a thick tick with its value, and the stage's stall threshold as a dashed
 * tick — so a stage where movement stalls stands out at a glance.
 *
 * Definition: time in stage = time from entering a stage to leaving it (to the next stage, or to
 * won/lost), over the stays that ended. Percentiles are over those stays.
 *
 * @param data - per stage: median and optional percentiles, count and stall threshold
 * @param options - size, theme, id prefix
 * @returns a standalone `<svg>` string
 * @throws FunnelError `INVALID_INPUT` for no stages or a negative / non-finite duration
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * const svg = timeInStageChart({ stages: [
 *   { label: 'Callback', median: 1.5, p25: 0.5, p75: 3, p90: 6 },
 *   { label: 'Proposal', median: 9, p25: 4, p75: 15, p90: 30, stallAfter: 21 },
 * ] });
 * svg.includes('median 9 days') // => true
 * ```
 */
export function timeInStageChart(data: TimeInStageChartData, options?: TimeInStageChartOptions): string {
  const t = resolveTheme(options?.theme);
  const unit = data?.unit ?? 'days';
  const rows = nonEmpty(data?.stages, ['stages'], 'stages').map((s, i) => ({
    label: label(s?.label, ['stages', i, 'label']),
    median: s.median === null ? null : opt(s.median, ['stages', i, 'median']),
    p25: opt(s.p25, ['stages', i, 'p25']),
    p75: opt(s.p75, ['stages', i, 'p75']),
    p90: opt(s.p90, ['stages', i, 'p90']),
    n: s.n ?? null,
    stall: opt(s.stallAfter, ['stages', i, 'stallAfter']),
  }));
  const W = size(options?.width, 760, 'width', 320);
  const fs = t.fontSize;
  const pad = 16;
  const hh = headerHeight(t, data.subtitle);
  const axisH = fs * 3.6 + 14;
  const naturalH = hh + 8 + rows.length * 38 + axisH;
  const H = size(options?.height, naturalH, 'height');
  const rowH = (H - hh - 8 - axisH) / rows.length;
  const labelW = Math.min(190, Math.max(100, W * 0.2));
  const x0 = pad + labelW + 12;
  const x1 = W - pad - 150;
  const maxV = niceMax(Math.max(0, ...rows.flatMap((q) => [q.median ?? 0, q.p75 ?? 0, q.p90 ?? 0, q.stall ?? 0])));
  const sx = (v: number): number => x0 + ((x1 - x0) * v) / maxV;
  const top = hh + 8;
  const id = chartId('timeinstage', options?.idPrefix, data);
  let body = '';
  for (const v of ticks(0, maxV, 6)) {
    body += `<line x1="${r(sx(v))}" x2="${r(sx(v))}" y1="${r(top)}" y2="${r(top + rows.length * rowH)}" stroke="${esc(t.grid)}"/>`;
    body += text(sx(v), top + rows.length * rowH + fs + 4, t.num(v), { 'text-anchor': 'middle', fill: t.muted, 'font-size': fs * 0.85 });
  }
  body += text((x0 + x1) / 2, top + rows.length * rowH + fs * 2.3 + 4, unit, { 'text-anchor': 'middle', fill: t.muted, 'font-size': fs * 0.85 });
  rows.forEach((q, i) => {
    const y = top + i * rowH;
    const cy = y + rowH / 2;
    const bh = Math.min(18, rowH * 0.5);
    body += text(pad + labelW, cy + fs * 0.35, fit(q.label, fs, labelW - 4, true), { 'text-anchor': 'end', 'font-weight': 600, fill: t.ink });
    if (q.p75 !== null && q.p90 !== null) body += `<line x1="${r(sx(q.p75))}" x2="${r(sx(q.p90))}" y1="${r(cy)}" y2="${r(cy)}" stroke="${esc(t.muted)}" stroke-width="1.5"/><line x1="${r(sx(q.p90))}" x2="${r(sx(q.p90))}" y1="${r(cy - bh / 3)}" y2="${r(cy + bh / 3)}" stroke="${esc(t.muted)}" stroke-width="1.5"/>`;
    if (q.p25 !== null && q.p75 !== null) body += `<rect x="${r(sx(q.p25))}" y="${r(cy - bh / 2)}" width="${r(Math.max(1, sx(q.p75) - sx(q.p25)))}" height="${r(bh)}" rx="3" fill="${esc(t.primarySoft)}" stroke="${esc(t.primary)}" stroke-width="1"/>`;
    if (q.stall !== null) body += `<line x1="${r(sx(q.stall))}" x2="${r(sx(q.stall))}" y1="${r(y + 3)}" y2="${r(y + rowH - 3)}" stroke="${esc(t.accent)}" stroke-width="2" stroke-dasharray="3 2"><title>${esc(`stalled after ${t.num(q.stall)} ${unit}`)}</title></line>`;
    let right = sx(Math.max(q.median ?? 0, q.p90 ?? q.p75 ?? 0, q.stall ?? 0));
    if (q.median !== null) {
      body += `<line x1="${r(sx(q.median))}" x2="${r(sx(q.median))}" y1="${r(cy - bh / 2 - 3)}" y2="${r(cy + bh / 2 + 3)}" stroke="${esc(t.ink)}" stroke-width="3" stroke-linecap="round"/>`;
      right = Math.max(right, sx(q.median));
    }
    const lbl = q.median === null ? 'no completed stays' : `median ${t.num(q.median)} ${unit}${q.n !== null ? ` · n ${t.num(q.n)}` : ''}`;
    body += text(Math.min(right + 10, W - pad - textWidth(lbl, fs * 0.9)), cy + fs * 0.33, lbl, { fill: t.ink, 'font-size': fs * 0.9 });
  });
  const legendY = H - 10;
  body += text(pad, legendY, `Thick tick: median · box: 25th–75th percentile · whisker: 90th · dashed: stall threshold`, { fill: t.muted, 'font-size': fs * 0.8 });
  const slowest = rows.reduce((a, q) => ((q.median ?? -1) > (a.median ?? -1) ? q : a), rows[0] as (typeof rows)[number]);
  const desc = `Time in stage, in ${unit}. ${rows.map((q) => `${q.label}: median ${q.median === null ? 'n/a' : t.num(q.median)}`).join('; ')}. Slowest stage: ${slowest.label}.`;
  return svgDocument({ width: W, height: H, title: data.title ?? 'Time in stage', subtitle: data.subtitle, desc, id, theme: t, body, kind: 'timeinstage' });
}
