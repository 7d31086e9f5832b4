/**
 * The look of every chart: colours, fonts and number formatting. Charts never read the user's locale
 * or the clock; everything comes in through a {@link ChartTheme}.
 */

/**
 * Colours, fonts and formatters used by every chart. Pass a partial theme in a chart's options
 * (`{ theme: { locale: 'de-DE', palette: [...] } }`); missing fields come from {@link defaultTheme}.
 *
 * Formatting: numbers, percentages and money are formatted with `Intl.NumberFormat` for `locale`
 * unless you inject your own `formatNumber` / `formatPercent` / `formatMoney`.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface ChartTheme {
  /** BCP 47 locale used by `Intl.NumberFormat` (default `'en-US'`). */
  readonly locale: string;
  /** Font stack for all text. */
  readonly fontFamily: string;
  /** Base font size in px (labels); titles are 1.45× this, small notes 0.85×. */
  readonly fontSize: number;
  /** Page background (the chart's own rectangle); `'none'` for transparent. */
  readonly background: string;
  /** Main text colour. */
  readonly ink: string;
  /** Secondary text colour (axis labels, notes). */
  readonly muted: string;
  /** Grid and rule colour. */
  readonly grid: string;
  /** The main colour of single-series marks (funnel bars, median lines). */
  readonly primary: string;
  /** A lighter companion of `primary` (connectors, confidence bands). */
  readonly primarySoft: string;
  /** Colour for won outcomes and good news. */
  readonly positive: string;
  /** Colour for lost outcomes, drop-off and bad news. */
  readonly negative: string;
  /** Colour for targets and highlights. */
  readonly accent: string;
  /** Categorical palette for series (segments, reasons); cycled when there are more series. */
  readonly palette: readonly string[];
  /** Formats a count, e.g. `1234` → `"1,234"`. */
  readonly formatNumber?: ((value: number) => string) | undefined;
  /** Formats a share in [0, 1], e.g. `0.125` → `"12.5%"`. */
  readonly formatPercent?: ((share: number) => string) | undefined;
  /** Formats an amount of money in major units, e.g. `(1200.5, 'EUR')` → `"€1,200.50"`. */
  readonly formatMoney?: ((amount: number, currency: string) => string) | undefined;
}

/**
 * The default theme: a calm blue funnel, teal for won, coral red for lost, amber for targets, and a
 * colour-blind-safe categorical palette. Every colour keeps enough contrast on white, and the charts
 * add patterns, dashes and direct labels so they read in grey-scale too.
 *
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * defaultTheme.locale // => 'en-US'
 * defaultTheme.palette.length // => 8
 * ```
 */
export const defaultTheme: ChartTheme = Object.freeze({
  locale: 'en-US',
  fontFamily: "Inter, 'Segoe UI', system-ui, -apple-system, 'Helvetica Neue', Arial, sans-serif",
  fontSize: 12,
  background: '#ffffff',
  ink: '#1f2933',
  muted: '#5f6b7a',
  grid: '#e3e7ec',
  primary: '#2f5d8a',
  primarySoft: '#cfdceb',
  positive: '#1f8a70',
  negative: '#c8474f',
  accent: '#d98b1e',
  palette: Object.freeze(['#2f5d8a', '#d9734e', '#3f9a82', '#8a63a6', '#c9a227', '#5aa3c9', '#b5536f', '#6b7a3a']),
});
