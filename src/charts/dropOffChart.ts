import { chartId, count, esc, fit, headerHeight, label, legend, niceMax, nonEmpty, patternDef, r, resolveTheme, size, svgDocument, text, textWidth, ticks } from './svg.js';
import type { BaseOptions } from './svg.js';
import type { ChartTheme } from './theme.js';
import type { ChartReasonCount } from './funnelChart.js';

/**
 * One stage of a {@link DropOffChartData}: the deals lost after it, split by reason.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface DropOffChartStage {
  /** The stage's name. */
  readonly label: string;
  /** Lost deals by reason. Deals with no recorded reason go in `unknown`. */
  readonly reasons: ReadonlyArray<ChartReasonCount>;
  /** Lost deals with no recorded reason (drawn as a grey "No reason recorded" part). */
  readonly unknown?: number | undefined;
  /** Deals that reached the stage; when given, the total is also shown as a share of it. */
  readonly reached?: number | undefined;
}

/**
 * What {@link dropOffChart} draws.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface DropOffChartData {
  /** The stages, first to last. */
  readonly stages: ReadonlyArray<DropOffChartStage>;
  /** Chart title (default `"Where deals are lost, and why"`). */
  readonly title?: string | undefined;
  /** A line under the title. */
  readonly subtitle?: string | undefined;
}

/**
 * Options of {@link dropOffChart}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface DropOffChartOptions extends BaseOptions {
  /** Width in px (default 760). */
  readonly width?: number | undefined;
  /** Height in px (default: 40 px per stage plus title and legend). */
  readonly height?: number | undefined;
  /** Colours, fonts and number formats. */
  readonly theme?: Partial<ChartTheme> | undefined;
  /** Prefix for ids inside the SVG (default: a hash of the data). */
  readonly idPrefix?: string | undefined;
  /** Draw each bar as shares of the stage's losses (100% bars) instead of counts (default false). */
  readonly normalize?: boolean | undefined;
}

/** Validated rows and the reasons in legend order (shared with the Vega-Lite spec). @internal */
export function dropOffRows(data: DropOffChartData): { reasons: string[]; rows: { label: string; parts: number[]; total: number; reached: number | null }[] } {
  const stages = nonEmpty(data?.stages, ['stages'], 'stages');
  const totals = new Map<string, number>();
  const parsed = stages.map((s, i) => {
    const reasons = (Array.isArray(s?.reasons) ? s.reasons : []).map((q, j) => {
      const l = label(q?.label, ['stages', i, 'reasons', j, 'label']);
      const c = count(q?.count, ['stages', i, 'reasons', j, 'count']);
      totals.set(l, (totals.get(l) ?? 0) + c);
      return { l, c };
    });
    const unknown = s.unknown === undefined ? 0 : count(s.unknown, ['stages', i, 'unknown']);
    const reached = s.reached === undefined ? null : count(s.reached, ['stages', i, 'reached']);
    return { label: label(s.label, ['stages', i, 'label']), reasons, unknown, reached };
  });
  const order = [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[0]);
  const hasUnknown = parsed.some((p) => p.unknown > 0);
  const reasons = hasUnknown ? [...order, 'No reason recorded'] : order;
  const rows = parsed.map((p) => {
    const parts = order.map((name) => p.reasons.filter((q) => q.l === name).reduce((a, q) => a + q.c, 0));
    if (hasUnknown) parts.push(p.unknown);
    return { label: p.label, parts, total: parts.reduce((a, b) => a + b, 0), reached: p.reached };
  });
  return { reasons, rows };
}

/**
 * Draws drop-off by stage × reason as stacked horizontal bars: one bar per stage, as long as the
 * deals lost after that stage, split into its lost reasons. Reasons are ordered by their total over
 * all stages (largest first, left), each with its own colour **and** pattern, and labelled inside the
 * bar when there is room; the total (and, when `reached` is given, the share of the stage's deals
 * that were lost) is printed at the end of the bar.
 *
 * Definition: lost after stage k = deals whose last stage before being lost was k. Losses at
 * consideration hint at the product; at negotiation or decision, at price or the customer profile.
 *
 * @param data - stages with their lost deals by reason
 * @param options - size, theme, id prefix, `normalize` for 100% bars
 * @returns a standalone `<svg>` string
 * @throws FunnelError `INVALID_INPUT` for no stages, a missing label or a negative count
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * const svg = dropOffChart({ stages: [
 *   { label: 'Callback', reasons: [{ label: 'Never reached by phone', count: 40 }] },
 *   { label: 'Proposal', reasons: [{ label: 'Too expensive', count: 25 }], unknown: 5 },
 * ] });
 * svg.includes('Never reached by phone') // => true
 * svg.includes('No reason recorded') // => true
 * ```
 */
export function dropOffChart(data: DropOffChartData, options?: DropOffChartOptions): string {
  const t = resolveTheme(options?.theme);
  const { reasons, rows } = dropOffRows(data);
  const normalize = options?.normalize === true;
  const W = size(options?.width, 760, 'width', 320);
  const fs = t.fontSize;
  const pad = 16;
  const id = chartId('dropoff', options?.idPrefix, data);
  const color = (k: number): string => (reasons[k] === 'No reason recorded' ? '#9aa5b1' : (t.palette[k % t.palette.length] as string));
  let defs = '';
  reasons.forEach((_, k) => (defs += patternDef(`${id}-r${k}`, color(k), reasons[k] === 'No reason recorded' ? 0 : k)));
  const items = reasons.map((name, k) => ({ label: name, swatch: `<rect width="12" height="12" rx="2" fill="url(#${id}-r${k})"/>` }));
  const hh = headerHeight(t, data.subtitle);
  const lg = legend(items, pad, hh + 2, W - 2 * pad, t);
  const axisH = fs + 14;
  const rowBase = 40;
  const naturalH = hh + lg.height + 8 + rows.length * rowBase + axisH + 8;
  const H = size(options?.height, naturalH, 'height');
  const rowH = (H - hh - lg.height - 8 - axisH - 8) / rows.length;
  const labelW = Math.min(190, Math.max(100, W * 0.2));
  const x0 = pad + labelW + 12;
  const totalW = normalize ? 0 : Math.max(...rows.map((q) => textWidth(`${t.num(q.total)}${q.reached !== null && q.reached > 0 ? ` · ${t.pct(q.total / q.reached)} of stage` : ''}`, fs, true))) + 12;
  const x1 = W - pad - totalW;
  const max = normalize ? 1 : niceMax(Math.max(...rows.map((q) => q.total), 0));
  const scale = (v: number): number => ((x1 - x0) * v) / max;
  const top = hh + lg.height + 8;
  let body = lg.svg;
  for (const v of ticks(0, max, 5)) {
    const px = x0 + scale(v);
    body += `<line x1="${r(px)}" x2="${r(px)}" y1="${r(top)}" y2="${r(top + rows.length * rowH)}" stroke="${esc(t.grid)}"/>`;
    body += text(px, top + rows.length * rowH + fs + 4, normalize ? t.pct(v) : t.num(v), { 'text-anchor': 'middle', fill: t.muted, 'font-size': fs * 0.85 });
  }
  rows.forEach((row, i) => {
    const y = top + i * rowH;
    const bh = Math.min(26, rowH * 0.62);
    const by = y + (rowH - bh) / 2;
    body += text(pad + labelW, y + rowH / 2 + fs * 0.35, fit(row.label, fs, labelW - 4, true), { 'text-anchor': 'end', 'font-weight': 600, fill: t.ink });
    let x = x0;
    row.parts.forEach((v, k) => {
      if (v <= 0) return;
      const w = scale(normalize ? (row.total > 0 ? v / row.total : 0) : v);
      body += `<rect x="${r(x)}" y="${r(by)}" width="${r(w)}" height="${r(bh)}" fill="url(#${id}-r${k})" stroke="${esc(t.background === 'none' ? '#ffffff' : t.background)}" stroke-width="1"><title>${esc(`${row.label} · ${reasons[k]}: ${t.num(v)}`)}</title></rect>`;
      const lbl = normalize ? t.pct(row.total > 0 ? v / row.total : 0) : t.num(v);
      if (textWidth(lbl, fs * 0.85, true) + 8 < w && bh >= fs) {
        const pw = textWidth(lbl, fs * 0.85, true) + 6;
        body += `<rect x="${r(x + w / 2 - pw / 2)}" y="${r(by + bh / 2 - fs * 0.62)}" width="${r(pw)}" height="${r(fs * 1.24)}" rx="3" fill="#ffffff" fill-opacity="0.88"/>`;
        body += text(x + w / 2, by + bh / 2 + fs * 0.3, lbl, { 'text-anchor': 'middle', 'font-size': fs * 0.85, 'font-weight': 650, fill: t.ink });
      }
      x += w;
    });
    if (!normalize) {
      const tail = `${t.num(row.total)}${row.reached !== null && row.reached > 0 ? ` · ${t.pct(row.total / row.reached)} of stage` : ''}`;
      body += text(x + 8, y + rowH / 2 + fs * 0.35, tail, { 'font-weight': 650, fill: t.ink });
    }
  });
  const totalLost = rows.reduce((a, q) => a + q.total, 0);
  const top3 = reasons
    .map((name, k) => ({ name, v: rows.reduce((a, q) => a + (q.parts[k] ?? 0), 0) }))
    .sort((a, b) => b.v - a.v)
    .slice(0, 3)
    .map((q) => `${q.name} (${t.num(q.v)})`);
  const worst = rows.reduce((a, q) => (q.total > a.total ? q : a), rows[0] as (typeof rows)[number]);
  const desc = `Lost deals by stage and reason: ${t.num(totalLost)} in total. Most lost after ${worst.label} (${t.num(worst.total)}). Top reasons: ${top3.join(', ')}.`;
  return svgDocument({ width: W, height: H, title: data.title ?? 'Where deals are lost, and why', subtitle: data.subtitle, desc, id, theme: t, defs, body, kind: 'dropoff' });
}
