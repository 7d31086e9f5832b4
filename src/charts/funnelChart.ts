import { chartId, count, esc, fit, headerHeight, label, mix, moneyValue, nonEmpty, r, resolveTheme, share, size, svgDocument, text, textWidth } from './svg.js';
import type { Money } from '../model/money.js';
import type { BaseOptions } from './svg.js';
import type { ChartTheme } from './theme.js';

/**
 * A labelled count, e.g. one lost reason and how many deals it explains.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface ChartReasonCount {
  /** The reason, in the customer's words ("Never reached by phone"). */
  readonly label: string;
  /** How many deals it explains. */
  readonly count: number;
}

/**
 * One stage of a {@link FunnelChartData}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface FunnelChartStage {
  /** The stage's name, ideally the customer action that completes it ("Picked up the callback"). */
  readonly label: string;
  /** Deals that reached the stage. */
  readonly count: number;
  /** Total value of those deals (`{ amount: "1200.50", currency: "EUR" }`), shown beside the count. */
  readonly amount?: Money | undefined;
  /**
   * Share of the previous stage's deals that reached this one, in [0, 1]. Default `count ÷ previous count`
   * (`null` when the previous count is 0). Ignored on the first stage.
   */
  readonly conversionFromPrevious?: number | null | undefined;
  /** Share of the first stage's deals that reached this one. Default `count ÷ first count`. */
  readonly conversionFromStart?: number | null | undefined;
  /** Deals lost after this stage, before the next. Default `count − next count` (never below 0). */
  readonly dropped?: number | undefined;
  /** Why the `dropped` deals were lost, largest first is best; the chart shows the top few. */
  readonly topDropReasons?: ReadonlyArray<ChartReasonCount> | undefined;
}

/**
 * What {@link funnelChart} draws: the stages in order, top to bottom.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface FunnelChartData {
  /** The stages, first (widest) to last. */
  readonly stages: ReadonlyArray<FunnelChartStage>;
  /** Chart title (default `"Sales funnel"`); also the accessible name. */
  readonly title?: string | undefined;
  /** A line under the title, e.g. the period and counting mode. */
  readonly subtitle?: string | undefined;
}

/**
 * Options of {@link funnelChart}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface FunnelChartOptions extends BaseOptions {
  /** Width in px (default 760). */
  readonly width?: number | undefined;
  /** Height in px (default: from the number of stages, 74 px per stage plus the title). */
  readonly height?: number | undefined;
  /** Colours, fonts and number formats (partial; the rest from {@link defaultTheme}). */
  readonly theme?: Partial<ChartTheme> | undefined;
  /** Prefix for the ids inside the SVG (default: a hash of the data), to keep ids unique on a page. */
  readonly idPrefix?: string | undefined;
  /** How many drop reasons to name per stage (default 3; 0 hides them). */
  readonly maxReasons?: number | undefined;
  /** The note under the chart explaining the numbers; `false` hides it. */
  readonly footnote?: string | false | undefined;
}

interface Row {
  label: string;
  count: number;
  amount: string | null;
  fromPrev: number | null;
  fromStart: number | null;
  dropped: number;
  reasons: ReadonlyArray<ChartReasonCount>;
}

/** Normalises and validates funnel data (shared with the Vega-Lite spec). @internal */
export function funnelRows(data: FunnelChartData, theme: ReturnType<typeof resolveTheme>): Row[] {
  const stages = nonEmpty(data?.stages, ['stages'], 'stages');
  const first = count(stages[0]?.count, ['stages', 0, 'count']);
  return stages.map((s, i) => {
    const path = ['stages', i];
    const c = count(s.count, [...path, 'count']);
    const prev = i === 0 ? null : (stages[i - 1] as FunnelChartStage).count;
    const next = i + 1 < stages.length ? (stages[i + 1] as FunnelChartStage).count : null;
    const fromPrev = i === 0 ? null : s.conversionFromPrevious !== undefined ? share(s.conversionFromPrevious, [...path, 'conversionFromPrevious']) : prev !== null && prev > 0 ? c / prev : null;
    const fromStart = s.conversionFromStart !== undefined ? share(s.conversionFromStart, [...path, 'conversionFromStart']) : first > 0 ? c / first : null;
    const dropped = s.dropped !== undefined ? count(s.dropped, [...path, 'dropped']) : next === null ? 0 : Math.max(0, c - next);
    const reasons = (s.topDropReasons ?? []).map((q, j) => ({ label: label(q?.label, [...path, 'topDropReasons', j, 'label']), count: count(q?.count, [...path, 'topDropReasons', j, 'count']) }));
    const amount = s.amount === undefined ? null : theme.moneyCompact(moneyValue(s.amount, [...path, 'amount']), s.amount.currency);
    return { label: label(s.label, [...path, 'label']), count: c, amount, fromPrev, fromStart, dropped, reasons };
  });
}

/**
 * Draws a sales funnel as an SVG string: one bar per stage, narrowing downwards, its width proportional
 * to the deals that reached the stage. Each bar shows the count (and money when given); between two
 * bars a pill shows the **conversion from the previous stage**, and on the right the **conversion from
 * the start** (end to end) and the **drop-off** after the stage with its top lost reasons.
 *
 * Definitions: conversion from previous = deals reaching stage k ÷ deals reaching stage k−1;
 * from start = deals reaching stage k ÷ deals reaching the first stage; dropped = deals that reached
 * stage k but not stage k+1. Pass your own shares (e.g. from a conversion report with another counting
 * mode) and they are drawn as given. A stage after one with 0 deals shows "—" instead of a rate.
 *
 * Pure and deterministic: the same data and options give the same string; all text is escaped.
 * Accessible: `role="img"` with `<title>` and a `<desc>` that reads the funnel out in words; the bars
 * carry their numbers as text, so nothing depends on colour.
 *
 * @param data - the stages, first to last
 * @param options - size, theme, id prefix, number of reasons, footnote
 * @returns a standalone `<svg>` element as a string
 * @throws FunnelError `INVALID_INPUT` for no stages, a negative or non-finite count, a share outside [0, 1];
 *   `INVALID_AMOUNT` for malformed money; `INVALID_OPTION` for a bad size
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * const svg = funnelChart({ stages: [
 *   { label: 'Visited', count: 50000 },
 *   { label: 'Left a request', count: 4000 },
 *   { label: 'Purchased', count: 1000 },
 * ] });
 * svg.startsWith('<svg') // => true
 * svg.includes('2%') // => true
 * svg.includes('role="img"') // => true
 * ```
 */
export function funnelChart(data: FunnelChartData, options?: FunnelChartOptions): string {
  const t = resolveTheme(options?.theme);
  const rows = funnelRows(data, t);
  const n = rows.length;
  const W = size(options?.width, 760, 'width', 320);
  const title = data.title ?? 'Sales funnel';
  const id = chartId('funnel', options?.idPrefix, data);
  const maxReasons = options?.maxReasons ?? 3;
  const fs = t.fontSize;
  const hh = headerHeight(t, data.subtitle);
  const footnote =
    options?.footnote === false
      ? null
      : (options?.footnote ?? 'Between bars: share of the previous stage that reached the next. Right: share of the first stage; deals lost after each stage, and why.');
  const footH = footnote === null ? 8 : fs * 0.85 + 20;
  const baseBar = 40;
  const baseGap = 34;
  const naturalH = hh + 10 + n * baseBar + (n - 1) * baseGap + footH;
  const H = size(options?.height, naturalH, 'height');
  const k = (H - hh - 10 - footH) / (n * baseBar + (n - 1) * baseGap);
  const barH = baseBar * k;
  const gapH = baseGap * k;

  const pad = 16;
  const labelW = Math.min(230, Math.max(110, W * 0.24));
  const rightW = Math.min(300, Math.max(140, W * 0.3));
  const x0 = pad + labelW + 14;
  const x1 = W - pad - rightW - 14;
  const areaW = Math.max(40, x1 - x0);
  const cx = x0 + areaW / 2;
  const maxCount = Math.max(...rows.map((q) => q.count), 0);
  const widthOf = (c: number): number => (maxCount > 0 ? Math.max(3, (c / maxCount) * areaW) : 3);
  const top = hh + 10;
  const yOf = (i: number): number => top + i * (barH + gapH);

  let body = '';
  // connectors first (under the bars)
  for (let i = 0; i + 1 < n; i++) {
    const a = widthOf((rows[i] as Row).count);
    const b = widthOf((rows[i + 1] as Row).count);
    const y0 = yOf(i) + barH;
    const y1 = yOf(i + 1);
    body += `<path d="M${r(cx - a / 2)},${r(y0)} L${r(cx + a / 2)},${r(y0)} L${r(cx + b / 2)},${r(y1)} L${r(cx - b / 2)},${r(y1)} Z" fill="${esc(t.primarySoft)}" fill-opacity="0.55"/>`;
  }
  rows.forEach((row, i) => {
    const y = yOf(i);
    const w = widthOf(row.count);
    const fill = mix(t.primary, '#ffffff', n > 1 ? (i / (n - 1)) * 0.38 : 0);
    const mid = y + barH / 2;
    body += `<g class="stage">`;
    body += `<rect x="${r(cx - w / 2)}" y="${r(y)}" width="${r(w)}" height="${r(barH)}" rx="${r(Math.min(4, barH / 4))}" fill="${esc(fill)}"><title>${esc(`${row.label}: ${t.num(row.count)}`)}</title></rect>`;
    body += text(pad + labelW, mid + fs * 0.35, fit(row.label, fs, labelW, true), { 'text-anchor': 'end', 'font-weight': 600, fill: t.ink });
    const countText = t.num(row.count);
    const valueText = row.amount === null ? countText : `${countText} · ${row.amount}`;
    const vw = textWidth(valueText, fs, true) + 16;
    if (vw <= w) body += text(cx, mid + fs * 0.35, valueText, { 'text-anchor': 'middle', 'font-weight': 650, fill: '#ffffff' });
    else body += text(cx + w / 2 + 8, mid + fs * 0.35, valueText, { 'font-weight': 650, fill: t.ink });
    // right column: end to end
    const rx = W - pad - rightW;
    if (row.fromStart !== null) {
      body += text(rx, mid + fs * 0.35, t.pct(row.fromStart), { 'font-weight': 650, 'font-size': fs * 1.08, fill: t.ink });
      body += text(rx + textWidth(t.pct(row.fromStart), fs * 1.08, true) + 5, mid + fs * 0.35, i === 0 ? 'start' : 'of start', { fill: t.muted, 'font-size': fs * 0.92 });
    } else body += text(rx, mid + fs * 0.35, '—', { fill: t.muted });
    body += `</g>`;
    if (i + 1 < n) {
      const next = rows[i + 1] as Row;
      const gy = y + barH + gapH / 2;
      // conversion pill
      const conv = next.fromPrev === null ? '—' : t.pct(next.fromPrev);
      const pillText = `↓ ${conv}`;
      const pw = textWidth(pillText, fs * 0.95) + 16;
      const ph = Math.min(20, gapH - 4);
      body += `<g class="conversion"><rect x="${r(cx - pw / 2)}" y="${r(gy - ph / 2)}" width="${r(pw)}" height="${r(ph)}" rx="${r(ph / 2)}" fill="${esc(t.background === 'none' ? '#ffffff' : t.background)}" stroke="${esc(t.grid)}"/>`;
      body += text(cx, gy + fs * 0.33, pillText, { 'text-anchor': 'middle', 'font-size': fs * 0.95, 'font-weight': 600, fill: t.ink }) + '</g>';
      // drop-off
      if (row.dropped > 0) {
        const lost = `▼ ${t.num(row.dropped)} lost${row.count > 0 ? ` (${t.pct(row.dropped / row.count)})` : ''}`;
        const reasons = row.reasons
          .slice(0, Math.max(0, maxReasons))
          .map((q) => `${q.label} ${t.num(q.count)}`)
          .join(' · ');
        const more = row.reasons.length > maxReasons && maxReasons > 0 ? ` · +${row.reasons.length - maxReasons} more` : '';
        const twoLines = reasons !== '' && gapH >= fs * 2.2;
        const ly = twoLines ? gy - 1 : gy + fs * 0.35;
        body += `<g class="dropoff">${text(rx, ly, lost, { fill: t.negative, 'font-weight': 600, 'font-size': fs * 0.92 })}`;
        if (twoLines) body += text(rx, ly + fs * 1.1, fit(reasons + more, fs * 0.85, rightW), { fill: t.muted, 'font-size': fs * 0.85 });
        body += '</g>';
      }
    }
  });
  if (footnote !== null) body += text(pad, H - 12, fit(footnote, fs * 0.85, W - 2 * pad), { fill: t.muted, 'font-size': fs * 0.85 });

  return svgDocument({ width: W, height: H, title, subtitle: data.subtitle, desc: describeFunnel(rows, t), id, theme: t, body, kind: 'funnel' });
}

function describeFunnel(rows: Row[], t: ReturnType<typeof resolveTheme>): string {
  const first = rows[0] as Row;
  const last = rows[rows.length - 1] as Row;
  const parts = rows.map((q, i) => `${q.label}: ${t.num(q.count)}${i > 0 && q.fromPrev !== null ? ` (${t.pct(q.fromPrev)} of the previous stage)` : ''}`);
  let s = `Funnel of ${rows.length} stage${rows.length === 1 ? '' : 's'}. ${parts.join('; ')}.`;
  if (rows.length > 1 && last.fromStart !== null) s += ` End to end, ${t.pct(last.fromStart)} of ${first.label} reached ${last.label}.`;
  let worst: Row | null = null;
  for (const q of rows) if (q.dropped > 0 && (worst === null || q.dropped > worst.dropped)) worst = q;
  if (worst !== null) {
    s += ` Largest drop-off after ${worst.label}: ${t.num(worst.dropped)} deals`;
    const top = worst.reasons[0];
    s += top !== undefined ? `, mostly ${top.label} (${t.num(top.count)}).` : '.';
  }
  return s;
}
