/**
 * Small SVG building blocks shared by the charts: escaping, rounding, the document frame, ticks,
 * patterns and text measurement. Not exported from the package. @internal
 */
import { fail } from '../errors/FunnelError.js';
import type { Money } from '../model/money.js';
import { defaultTheme, type ChartTheme } from './theme.js';

/** A theme with every formatter filled in. @internal */
export interface Resolved extends ChartTheme {
  readonly num: (value: number) => string;
  readonly pct: (share: number) => string;
  readonly money: (amount: number, currency: string) => string;
  readonly moneyCompact: (amount: number, currency: string) => string;
  readonly numCompact: (value: number) => string;
}

/** Common options of every chart. @internal */
export interface BaseOptions {
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  readonly theme?: Partial<ChartTheme> | undefined;
  readonly idPrefix?: string | undefined;
}

const formatCache = new Map<string, Intl.NumberFormat>();
function nf(locale: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(opts)}`;
  let f = formatCache.get(key);
  if (f === undefined) {
    f = new Intl.NumberFormat(locale, opts);
    formatCache.set(key, f);
  }
  return f;
}

/**
 * Fills a partial theme from the default and builds its formatters. `path` locates the theme in the
 * caller's arguments (default `['options', 'theme']`; the report passes `['theme']`, inside its input). @internal
 */
export function resolveTheme(partial: Partial<ChartTheme> | undefined, path: ReadonlyArray<string | number> = ['options', 'theme']): Resolved {
  const t: ChartTheme = { ...defaultTheme, ...(partial ?? {}) };
  if (t.palette.length === 0) fail('INVALID_OPTION', 'a non-empty colour palette', t.palette, [...path, 'palette']);
  const locale = t.locale;
  const num = t.formatNumber ?? ((v: number) => nf(locale, { maximumFractionDigits: Math.abs(v) < 10 && !Number.isInteger(v) ? 1 : 0 }).format(v));
  const pct =
    t.formatPercent ??
    ((s: number) => nf(locale, { style: 'percent', maximumFractionDigits: Math.abs(s) < 0.1 && s !== 0 ? 1 : Math.abs(s) >= 0.995 ? 0 : 1, minimumFractionDigits: 0 }).format(s));
  const money =
    t.formatMoney ?? ((a: number, c: string) => nf(locale, { style: 'currency', currency: c, maximumFractionDigits: Math.abs(a) >= 1000 ? 0 : 2 }).format(a));
  const moneyCompact =
    t.formatMoney ??
    ((a: number, c: string) =>
      Math.abs(a) < 10_000 ? money(a, c) : nf(locale, { style: 'currency', currency: c, notation: 'compact', minimumFractionDigits: 0, maximumFractionDigits: 1 }).format(a));
  const numCompact =
    t.formatNumber ?? ((v: number) => (Math.abs(v) < 10_000 ? num(v) : nf(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(v)));
  return { ...t, num, pct, money, moneyCompact, numCompact };
}

/** Escapes text for SVG/HTML content and attribute values. @internal */
export function esc(value: string): string {
  return value.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/** Rounds a coordinate to 2 decimals and prints it without trailing zeros (deterministic output). @internal */
export function r(x: number): string {
  const v = Math.round(x * 100) / 100;
  return Object.is(v, -0) ? '0' : String(v);
}

/** FNV-1a hash of a string, as 6 base-36 characters: deterministic ids for defs. @internal */
export function hashId(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36).padStart(6, '0').slice(-6);
}

/** Approximate rendered width of a text in px (average glyph ≈ 0.56 em; digits and capitals wider). @internal */
export function textWidth(text: string, size: number, bold = false): number {
  let w = 0;
  for (const ch of text) {
    if (/[ilI.,:;'|!]/.test(ch)) w += 0.3;
    else if (/[mwMW@%]/.test(ch)) w += 0.85;
    else if (/[A-Z0-9€$£]/.test(ch)) w += 0.64;
    else if (ch === ' ') w += 0.28;
    else w += 0.54;
  }
  return w * size * (bold ? 1.1 : 1);
}

/** Shortens a text with an ellipsis so that it fits `maxWidth` px. @internal */
export function fit(text: string, size: number, maxWidth: number, bold = false): string {
  if (textWidth(text, size, bold) <= maxWidth) return text;
  const chars = [...text];
  while (chars.length > 1 && textWidth(`${chars.join('')}…`, size, bold) > maxWidth) chars.pop();
  return `${chars.join('').trimEnd()}…`;
}

/** Attributes object → ` a="b" c="d"` (escaped; undefined skipped). @internal */
export function attrs(a: Readonly<Record<string, string | number | undefined>>): string {
  let out = '';
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined) continue;
    out += ` ${k}="${esc(typeof v === 'number' ? r(v) : v)}"`;
  }
  return out;
}

/** A `<text>` element. @internal */
export function text(x: number, y: number, content: string, a: Readonly<Record<string, string | number | undefined>> = {}): string {
  return `<text x="${r(x)}" y="${r(y)}"${attrs(a)}>${esc(content)}</text>`;
}

/** Validates a chart dimension option. @internal */
export function size(value: number | undefined, fallback: number, name: string, min = 120): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > 20_000)
    fail('INVALID_OPTION', `a size in px between ${min} and 20000`, value, ['options', name]);
  return value;
}

/** Checks a finite, non-negative count. @internal */
export function count(value: unknown, path: ReadonlyArray<string | number>): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail('INVALID_INPUT', 'a finite number ≥ 0', value, path);
  return value;
}

/** Checks a finite number. @internal */
export function finite(value: unknown, path: ReadonlyArray<string | number>): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail('INVALID_INPUT', 'a finite number', value, path);
  return value;
}

/** Checks a share in [0, 1] or null. @internal */
export function share(value: unknown, path: ReadonlyArray<string | number>): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) fail('INVALID_INPUT', 'a share between 0 and 1, or null', value, path);
  return value;
}

/** Checks a non-empty array. @internal */
export function nonEmpty<T>(value: ReadonlyArray<T> | undefined, path: ReadonlyArray<string | number>, what: string): ReadonlyArray<T> {
  if (!Array.isArray(value) || value.length === 0) fail('INVALID_INPUT', `a non-empty array of ${what}`, value, path);
  return value;
}

/** Checks a label string. @internal */
export function label(value: unknown, path: ReadonlyArray<string | number>): string {
  if (typeof value !== 'string') fail('INVALID_INPUT', 'a string label', value, path);
  return value;
}

/** A money value as it crosses the API: a decimal string and an ISO 4217 code. @internal */
export type MoneyLike = Money;

/** Parses a money value for display (major units as a number). @internal */
export function moneyValue(value: MoneyLike, path: ReadonlyArray<string | number>): number {
  if (typeof value !== 'object' || value === null || typeof value.amount !== 'string' || typeof value.currency !== 'string')
    fail('INVALID_AMOUNT', 'money as { amount: "1200.50", currency: "EUR" }', value, path);
  const v = Number(value.amount);
  if (!/^-?\d+(\.\d+)?$/.test(value.amount) || !Number.isFinite(v)) fail('INVALID_AMOUNT', 'a decimal string such as "1200.50"', value.amount, [...path, 'amount']);
  if (!/^[A-Z]{3}$/.test(value.currency)) fail('UNKNOWN_CURRENCY', 'an ISO 4217 currency code such as "EUR"', value.currency, [...path, 'currency']);
  return v;
}

/** "Nice" axis ticks covering [min, max] with about `n` steps. @internal */
export function ticks(min: number, max: number, n = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  const start = Math.ceil(min / step - 1e-9) * step;
  for (let v = start; v <= max + step * 1e-9; v += step) out.push(Math.round(v / step) * step + 0);
  return out;
}

/** The upper end of a nice axis covering `max`. @internal */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const t = ticks(0, max, 5);
  const last = t[t.length - 1] ?? max;
  if (last >= max) return last;
  const step = t.length > 1 ? (t[1] as number) - (t[0] as number) : max;
  return last + step;
}

/** Grey-scale-safe fill patterns: index 0 is solid, then stripes, dots, cross-hatch… @internal */
export function patternDef(id: string, color: string, index: number): string {
  const kind = index % 6;
  const base = `<rect width="8" height="8" fill="${esc(color)}"/>`;
  const mark = 'stroke="#ffffff" stroke-opacity="0.75"';
  const body =
    kind === 0
      ? ''
      : kind === 1
        ? `<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" ${mark} stroke-width="1.6"/>`
        : kind === 2
          ? `<circle cx="2" cy="2" r="1.3" fill="#ffffff" fill-opacity="0.8"/><circle cx="6" cy="6" r="1.3" fill="#ffffff" fill-opacity="0.8"/>`
          : kind === 3
            ? `<path d="M0,0 l8,8 M8,0 l-8,8" ${mark} stroke-width="1.1"/>`
            : kind === 4
              ? `<path d="M0,4 h8" ${mark} stroke-width="1.8"/>`
              : `<path d="M4,0 v8" ${mark} stroke-width="1.8"/>`;
  return `<pattern id="${esc(id)}" width="8" height="8" patternUnits="userSpaceOnUse">${base}${body}</pattern>`;
}

/** Line dash patterns for series, so lines differ without colour. @internal */
export const DASHES: readonly string[] = ['', '6 3', '2 3', '10 3 2 3', '1 4', '12 4'];

/** A small marker shape (circle, square, triangle, diamond…) centred on (x, y). @internal */
export function marker(index: number, x: number, y: number, s: number, fill: string, stroke: string): string {
  const k = index % 4;
  const a = attrs({ fill, stroke, 'stroke-width': 1.5 });
  if (k === 0) return `<circle cx="${r(x)}" cy="${r(y)}" r="${r(s)}"${a}/>`;
  if (k === 1) return `<rect x="${r(x - s)}" y="${r(y - s)}" width="${r(2 * s)}" height="${r(2 * s)}"${a}/>`;
  if (k === 2) return `<path d="M${r(x)},${r(y - s * 1.2)} L${r(x + s * 1.1)},${r(y + s * 0.8)} L${r(x - s * 1.1)},${r(y + s * 0.8)} Z"${a}/>`;
  return `<path d="M${r(x)},${r(y - s * 1.2)} L${r(x + s * 1.2)},${r(y)} L${r(x)},${r(y + s * 1.2)} L${r(x - s * 1.2)},${r(y)} Z"${a}/>`;
}

/** Everything a chart needs to write its frame. @internal */
export interface Frame {
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly subtitle?: string | undefined;
  readonly desc: string;
  readonly id: string;
  readonly theme: Resolved;
  readonly defs?: string | undefined;
  readonly body: string;
  readonly kind: string;
}

/** The height taken by the title block. @internal */
export function headerHeight(t: Resolved, subtitle: string | undefined): number {
  return Math.round(t.fontSize * 1.45 + 18 + (subtitle === undefined ? 8 : t.fontSize + 16));
}

/** Wraps a chart body into a complete, accessible `<svg>` document. @internal */
export function svgDocument(f: Frame): string {
  const t = f.theme;
  const titleId = `${f.id}-title`;
  const descId = `${f.id}-desc`;
  const head =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${r(f.width)}" height="${r(f.height)}" viewBox="0 0 ${r(f.width)} ${r(f.height)}"` +
    ` role="img" aria-labelledby="${titleId} ${descId}" class="funnelwise-chart funnelwise-${esc(f.kind)}"` +
    ` font-family="${esc(t.fontFamily)}" font-size="${r(t.fontSize)}" fill="${esc(t.ink)}">`;
  const titleEl = `<title id="${titleId}">${esc(f.title)}</title><desc id="${descId}">${esc(f.desc)}</desc>`;
  const defs = f.defs !== undefined && f.defs !== '' ? `<defs>${f.defs}</defs>` : '';
  const bg = t.background === 'none' ? '' : `<rect width="100%" height="100%" fill="${esc(t.background)}" rx="6"/>`;
  const heading =
    text(16, 16 + t.fontSize * 1.45, f.title, { 'font-size': t.fontSize * 1.45, 'font-weight': 650, fill: t.ink, 'aria-hidden': 'true' }) +
    (f.subtitle !== undefined ? text(16, 16 + t.fontSize * 1.45 + t.fontSize + 8, f.subtitle, { fill: t.muted, 'aria-hidden': 'true' }) : '');
  return `${head}${titleEl}${defs}${bg}${heading}${f.body}</svg>`;
}

/** A horizontal legend of swatches; returns the SVG and its height. @internal */
export function legend(
  items: ReadonlyArray<{ label: string; swatch: string }>,
  x: number,
  y: number,
  maxWidth: number,
  t: Resolved,
): { svg: string; height: number } {
  let cx = x;
  let cy = y;
  let out = '';
  const fs = t.fontSize * 0.92;
  for (const it of items) {
    const w = 18 + textWidth(it.label, fs) + 16;
    if (cx + w > x + maxWidth && cx > x) {
      cx = x;
      cy += fs + 10;
    }
    out += `<g transform="translate(${r(cx)},${r(cy)})">${it.swatch}${text(18, fs * 0.85, it.label, { 'font-size': fs, fill: t.ink })}</g>`;
    cx += w;
  }
  return { svg: out, height: cy - y + fs + 10 };
}

/** Mixes two `#rrggbb` colours (t = 0 → a, 1 → b); other colour syntaxes return `a`. @internal */
export function mix(a: string, b: string, t: number): string {
  const re = /^#([0-9a-f]{6})$/i;
  const ma = re.exec(a);
  const mb = re.exec(b);
  if (ma === null || mb === null) return a;
  const pa = Number.parseInt(ma[1] as string, 16);
  const pb = Number.parseInt(mb[1] as string, 16);
  let out = '#';
  for (const shift of [16, 8, 0]) {
    const ca = (pa >> shift) & 255;
    const cb = (pb >> shift) & 255;
    out += Math.round(ca + (cb - ca) * t)
      .toString(16)
      .padStart(2, '0');
  }
  return out;
}

/** Resolves the chart id prefix: the caller's, or a hash of the data (stable across runs). @internal */
export function chartId(kind: string, idPrefix: string | undefined, data: unknown): string {
  if (idPrefix !== undefined) {
    if (!/^[A-Za-z][\w-]{0,63}$/.test(idPrefix)) fail('INVALID_OPTION', 'an id prefix of letters, digits, "-" or "_" starting with a letter', idPrefix, ['options', 'idPrefix']);
    return idPrefix;
  }
  let json: string;
  try {
    json = JSON.stringify(data) ?? '';
  } catch {
    json = kind;
  }
  return `fw-${kind}-${hashId(json)}`;
}
