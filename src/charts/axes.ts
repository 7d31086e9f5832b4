/**
 * Plot-area helpers shared by the cartesian charts (survival, forecast fan, trend). @internal
 */
import { esc, r, text, ticks, type Resolved } from './svg.js';

/** A linear scale. @internal */
export interface Scale {
  (v: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
}

/** A linear scale from domain to range. @internal */
export function linear(d0: number, d1: number, r0: number, r1: number): Scale {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const f = ((v: number) => r0 + (v - d0) * k) as Scale;
  return Object.assign(f, { domain: [d0, d1] as const, range: [r0, r1] as const });
}

/** Horizontal grid lines and y tick labels. @internal */
export function yAxis(y: Scale, x0: number, x1: number, t: Resolved, format: (v: number) => string, title?: string): string {
  let out = '';
  const [d0, d1] = y.domain;
  for (const v of ticks(Math.min(d0, d1), Math.max(d0, d1), 5)) {
    const py = y(v);
    out += `<line x1="${r(x0)}" x2="${r(x1)}" y1="${r(py)}" y2="${r(py)}" stroke="${esc(t.grid)}" stroke-width="1"/>`;
    out += text(x0 - 8, py + t.fontSize * 0.33, format(v), { 'text-anchor': 'end', fill: t.muted, 'font-size': t.fontSize * 0.9 });
  }
  if (title !== undefined) {
    const my = (y.range[0] + y.range[1]) / 2;
    out += `<text transform="translate(${r(14)},${r(my)}) rotate(-90)" text-anchor="middle" fill="${esc(t.muted)}" font-size="${r(t.fontSize * 0.9)}">${esc(title)}</text>`;
  }
  return out;
}

/** X tick labels for a linear axis, with the base line. @internal */
export function xAxisLinear(x: Scale, y0: number, t: Resolved, format: (v: number) => string, title?: string): string {
  const [d0, d1] = x.domain;
  let out = `<line x1="${r(x.range[0])}" x2="${r(x.range[1])}" y1="${r(y0)}" y2="${r(y0)}" stroke="${esc(t.muted)}" stroke-width="1"/>`;
  for (const v of ticks(d0, d1, 6)) {
    const px = x(v);
    out += `<line x1="${r(px)}" x2="${r(px)}" y1="${r(y0)}" y2="${r(y0 + 4)}" stroke="${esc(t.muted)}"/>`;
    out += text(px, y0 + 6 + t.fontSize, format(v), { 'text-anchor': 'middle', fill: t.muted, 'font-size': t.fontSize * 0.9 });
  }
  if (title !== undefined) out += text((x.range[0] + x.range[1]) / 2, y0 + 10 + t.fontSize * 2.1, title, { 'text-anchor': 'middle', fill: t.muted, 'font-size': t.fontSize * 0.9 });
  return out;
}
