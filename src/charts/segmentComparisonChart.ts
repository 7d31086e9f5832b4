import { fail } from '../errors/FunnelError.js';
import { chartId, count, esc, fit, headerHeight, label, nonEmpty, patternDef, r, resolveTheme, size, svgDocument, text, textWidth } from './svg.js';
import type { BaseOptions, Resolved } from './svg.js';
import type { ChartTheme } from './theme.js';

/**
 * One funnel of a {@link SegmentComparisonChartData}: a segment's counts per stage.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface SegmentFunnel {
  /** The segment's name ("Inbound", "Burnt kettle today"). */
  readonly label: string;
  /** Deals of this segment that reached each stage, in the order of `stages`. */
  readonly counts: ReadonlyArray<number>;
  /**
   * Per stage (same order as `stages`): does this segment's conversion into the stage differ
   * significantly from the baseline segment's? Entries for the first stage and for the baseline are ignored.
   */
  readonly significant?: ReadonlyArray<boolean> | undefined;
  /** Per stage: the p-value of that difference, printed in the description when given. */
  readonly pValues?: ReadonlyArray<number | null> | undefined;
}

/**
 * What {@link segmentComparisonChart} draws: the same stages for two or more segments.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface SegmentComparisonChartData {
  /** Stage labels, first to last. */
  readonly stages: ReadonlyArray<string>;
  /** Two or more segments. */
  readonly segments: ReadonlyArray<SegmentFunnel>;
  /** Index of the segment the others are compared with (default 0). */
  readonly baseline?: number | undefined;
  /** The significance level used, printed in the legend (default 0.05). */
  readonly alpha?: number | undefined;
  /** Chart title (default `"Funnels by segment"`). */
  readonly title?: string | undefined;
  /** A line under the title. */
  readonly subtitle?: string | undefined;
}

/**
 * Options of {@link segmentComparisonChart}.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface SegmentComparisonChartOptions extends BaseOptions {
  /** Width in px (default 760). */
  readonly width?: number | undefined;
  /** Height in px (default: 46 px per stage plus title and legend). */
  readonly height?: number | undefined;
  /** Colours, fonts and number formats. */
  readonly theme?: Partial<ChartTheme> | undefined;
  /** Prefix for ids inside the SVG (default: a hash of the data). */
  readonly idPrefix?: string | undefined;
}

/** One validated cell. @internal */
export interface SegmentCell {
  readonly count: number;
  readonly fromStart: number | null;
  readonly fromPrev: number | null;
  readonly significant: boolean;
  readonly direction: -1 | 0 | 1;
}

/** Validates the data and computes the shares (shared with the Vega-Lite spec). @internal */
export function segmentCells(data: SegmentComparisonChartData): { stages: string[]; segments: string[]; cells: SegmentCell[][]; baseline: number } {
  const stages = nonEmpty(data?.stages, ['stages'], 'stage labels').map((s, i) => label(s, ['stages', i]));
  const segs = nonEmpty(data.segments, ['segments'], 'segments');
  const baseline = data.baseline ?? 0;
  if (!Number.isInteger(baseline) || baseline < 0 || baseline >= segs.length) fail('INVALID_INPUT', `a segment index from 0 to ${segs.length - 1}`, baseline, ['baseline']);
  const raw = segs.map((s, j) => {
    const counts = s?.counts;
    if (!Array.isArray(counts) || counts.length !== stages.length) fail('INVALID_INPUT', `${stages.length} counts (one per stage)`, counts, ['segments', j, 'counts']);
    return counts.map((c, i) => count(c, ['segments', j, 'counts', i]));
  });
  const step = (cs: number[], i: number): number | null => (i === 0 ? null : (cs[i - 1] as number) > 0 ? (cs[i] as number) / (cs[i - 1] as number) : null);
  const cells = raw.map((cs, j) => {
    const first = cs[0] as number;
    return cs.map((c, i): SegmentCell => {
      const fromPrev = step(cs, i);
      const base = step(raw[baseline] as number[], i);
      const sig = j !== baseline && i > 0 && (segs[j] as SegmentFunnel).significant?.[i] === true;
      const direction = fromPrev === null || base === null || fromPrev === base ? 0 : fromPrev > base ? 1 : -1;
      return { count: c, fromStart: first > 0 ? c / first : null, fromPrev, significant: sig, direction };
    });
  });
  return { stages, segments: segs.map((s, j) => label(s.label, ['segments', j, 'label'])), cells, baseline };
}

/**
 * Draws two or more funnels side by side, one column per segment, so their shapes can be compared.
 * Each cell shows the share of the segment's first stage that reached the stage (bar length and
 * percentage) and, in brackets, the conversion from the previous stage. A step conversion that differs
 * significantly from the baseline segment is marked with ★ and an arrow (▲ higher, ▼ lower) and an
 * outlined bar — marks that read without colour.
 *
 * The chart does not test significance itself: pass `significant` flags computed by your comparison
 * (e.g. a two-proportion test per stage), so the chart and the numbers agree.
 *
 * @param data - stage labels, segments with counts, optional significance flags
 * @param options - size, theme, id prefix
 * @returns a standalone `<svg>` string
 * @throws FunnelError `INVALID_INPUT` when a segment has not one count per stage, or a count is negative
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * const svg = segmentComparisonChart({
 *   stages: ['Request', 'Proposal', 'Paid'],
 *   segments: [
 *     { label: 'Inbound', counts: [200, 100, 50] },
 *     { label: 'Outbound', counts: [200, 60, 12], significant: [false, true, true] },
 *   ],
 * });
 * svg.includes('Outbound') // => true
 * svg.includes('★') // => true
 * ```
 */
export function segmentComparisonChart(data: SegmentComparisonChartData, options?: SegmentComparisonChartOptions): string {
  const t = resolveTheme(options?.theme);
  const { stages, segments, cells, baseline } = segmentCells(data);
  const W = size(options?.width, 760, 'width', 320);
  const fs = t.fontSize;
  const hh = headerHeight(t, data.subtitle);
  const headH = fs * 2.6 + 8;
  const legendH = fs * 0.9 + 22;
  const rowBase = 46;
  const naturalH = hh + headH + stages.length * rowBase + legendH;
  const H = size(options?.height, naturalH, 'height');
  const rowH = (H - hh - headH - legendH) / stages.length;
  const id = chartId('segments', options?.idPrefix, data);
  const pad = 16;
  const labelW = Math.min(190, Math.max(100, W * 0.2));
  const colGap = 18;
  const colW = (W - 2 * pad - labelW - 12 - colGap * (segments.length - 1)) / segments.length;
  const colX = (j: number): number => pad + labelW + 12 + j * (colW + colGap);
  let defs = '';
  segments.forEach((_, j) => (defs += patternDef(`${id}-p${j}`, t.palette[j % t.palette.length] as string, j)));
  let body = '';
  const top = hh + headH;
  segments.forEach((s, j) => {
    const x = colX(j);
    const first = (cells[j] as SegmentCell[])[0] as SegmentCell;
    body += text(x, hh + fs * 1.2, fit(s, fs * 1.05, colW, true), { 'font-weight': 650, 'font-size': fs * 1.05, fill: t.ink });
    body += text(x, hh + fs * 2.35, `${j === baseline ? 'baseline · ' : ''}n = ${t.num(first.count)}`, { fill: t.muted, 'font-size': fs * 0.85 });
  });
  stages.forEach((st, i) => {
    const y = top + i * rowH;
    if (i % 2 === 0) body += `<rect x="${r(pad)}" y="${r(y)}" width="${r(W - 2 * pad)}" height="${r(rowH)}" fill="${esc(t.grid)}" fill-opacity="0.35" rx="3"/>`;
    body += text(pad + labelW, y + rowH / 2 + fs * 0.35, fit(st, fs, labelW - 4, true), { 'text-anchor': 'end', 'font-weight': 600, fill: t.ink });
    segments.forEach((_, j) => {
      const c = (cells[j] as SegmentCell[])[i] as SegmentCell;
      const x = colX(j);
      const barMax = colW * 0.4;
      const bw = c.fromStart === null ? 0 : Math.max(2, c.fromStart * barMax);
      const bh = Math.min(18, rowH * 0.42);
      const by = y + rowH / 2 - bh / 2;
      body += `<rect x="${r(x)}" y="${r(by)}" width="${r(barMax)}" height="${r(bh)}" fill="${esc(t.grid)}" rx="2"/>`;
      body += `<rect x="${r(x)}" y="${r(by)}" width="${r(bw)}" height="${r(bh)}" fill="url(#${id}-p${j})" rx="2"${c.significant ? ` stroke="${esc(t.ink)}" stroke-width="1.5"` : ''}><title>${esc(`${segments[j]} · ${st}: ${t.num(c.count)}`)}</title></rect>`;
      const main = c.fromStart === null ? '—' : t.pct(c.fromStart);
      const tx = x + barMax + 8;
      body += text(tx, y + rowH / 2 - 1, main, { 'font-weight': 650, fill: t.ink });
      const sub = i === 0 ? `${t.num(c.count)} deals` : `${t.num(c.count)} · step ${c.fromPrev === null ? '—' : t.pct(c.fromPrev)}`;
      body += text(tx, y + rowH / 2 + fs * 0.95, fit(sub, fs * 0.82, colW - barMax - 8), { fill: t.muted, 'font-size': fs * 0.82 });
      if (c.significant) {
        const mark = `★ ${c.direction > 0 ? '▲' : c.direction < 0 ? '▼' : ''}`;
        body += text(tx + textWidth(main, fs, true) + 6, y + rowH / 2 - 1, mark, { fill: c.direction < 0 ? t.negative : t.positive, 'font-weight': 700 });
      }
    });
  });
  const alpha = data.alpha ?? 0.05;
  body += text(
    pad,
    H - 12,
    fit(`%: share of the segment's first stage · step: conversion from the previous stage · ★ step differs from ${segments[baseline]} (α = ${alpha}), ▲ higher, ▼ lower`, fs * 0.82, W - 2 * pad),
    { fill: t.muted, 'font-size': fs * 0.82 },
  );
  const desc = describe(stages, segments, cells, baseline, data, t);
  return svgDocument({ width: W, height: H, title: data.title ?? 'Funnels by segment', subtitle: data.subtitle, desc, id, theme: t, defs, body, kind: 'segments' });
}

function describe(stages: string[], segments: string[], cells: SegmentCell[][], baseline: number, data: SegmentComparisonChartData, t: Resolved): string {
  const last = stages.length - 1;
  const ends = segments.map((s, j) => {
    const c = (cells[j] as SegmentCell[])[last] as SegmentCell;
    return `${s} ${c.fromStart === null ? 'n/a' : t.pct(c.fromStart)}`;
  });
  let s = `Comparison of ${segments.length} segment funnels over ${stages.length} stages. End to end: ${ends.join(', ')}.`;
  const sig: string[] = [];
  segments.forEach((seg, j) =>
    (cells[j] as SegmentCell[]).forEach((c, i) => {
      if (!c.significant) return;
      const p = data.segments[j]?.pValues?.[i];
      sig.push(`${seg} at ${stages[i]} (${c.direction > 0 ? 'higher' : 'lower'}${typeof p === 'number' ? `, p = ${p.toPrecision(2)}` : ''})`);
    }),
  );
  s += sig.length > 0 ? ` Significant differences from ${segments[baseline]}: ${sig.join('; ')}.` : ' No significant differences marked.';
  return s;
}
