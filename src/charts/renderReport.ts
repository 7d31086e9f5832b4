import { dropOffChart, type DropOffChartData } from './dropOffChart.js';
import { forecastFanChart, type ForecastFanChartData } from './forecastFanChart.js';
import { funnelChart, type FunnelChartData } from './funnelChart.js';
import { segmentComparisonChart, type SegmentComparisonChartData } from './segmentComparisonChart.js';
import { stuckDealsChart, type StuckDealsChartData } from './stuckDealsChart.js';
import { survivalChart, type SurvivalChartData } from './survivalChart.js';
import type { Money } from '../model/money.js';
import { esc, finite, moneyValue, resolveTheme, type Resolved } from './svg.js';
import type { ChartTheme } from './theme.js';
import { timeInStageChart, type TimeInStageChartData } from './timeInStageChart.js';
import { trendChart, type TrendChartData } from './trendChart.js';

/**
 * One headline number of a report, with its definition.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface ReportMetric {
  /** What it is ("Win rate"). */
  readonly label: string;
  /** The value: a number (formatted by `format`), money, a ready string, or `null` for "not enough data". */
  readonly value: number | Money | string | null;
  /** How a number is printed: `number` (default), `percent` (a share in [0, 1]) or `days`. */
  readonly format?: 'number' | 'percent' | 'days' | undefined;
  /** The definition in plain words ("won ÷ (won + lost), over deals closed in the period"). */
  readonly definition: string;
  /** A short remark under the value ("12 of 60 closed deals"). */
  readonly note?: string | undefined;
}

/**
 * A row of a report's deal list (stuck deals, largest open deals).
 *
 * @category Charts
 * @since 0.1.0
 */
export interface ReportDealRow {
  /** Deal id or name. */
  readonly deal: string;
  /** Its current stage. */
  readonly stage: string;
  /** Days in the stage (or since the last activity, as the list says). */
  readonly days: number;
  /** Deal value. */
  readonly amount?: Money | undefined;
  /** Owner, segment or any short remark. */
  readonly note?: string | undefined;
}

/**
 * A common action path and how many deals walked it.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface ReportPath {
  /** The stages or customer actions, in order. */
  readonly steps: ReadonlyArray<string>;
  /** Deals that walked exactly this path. */
  readonly count: number;
  /** Share of those deals that were won, when known. */
  readonly winRate?: number | null | undefined;
}

/**
 * One backtest: a forecast made as of a past date, next to what happened.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface ReportBacktestRow {
  /** When the forecast was made, as printed ("2026-03-31"). */
  readonly asOf: string;
  /** The period forecast, as printed ("April 2026"). */
  readonly period: string;
  /** 10th percentile of the forecast. */
  readonly p10: number;
  /** Median forecast. */
  readonly p50: number;
  /** 90th percentile. */
  readonly p90: number;
  /** What actually happened. */
  readonly actual: number;
}

/**
 * Everything {@link renderReport} can show. Every section is optional: give what you have computed;
 * a section listed in `missing` is shown as "not available" with its reason, others are left out.
 *
 * @category Charts
 * @since 0.1.0
 */
export interface ReportInput {
  /** Page title (default `"Pipeline report"`). */
  readonly title?: string | undefined;
  /** A line under the title (data source, period). */
  readonly subtitle?: string | undefined;
  /** When the report was produced, as printed (the caller passes it; the library never reads the clock). */
  readonly generatedAt?: string | undefined;
  /** The rules behind every number (counting basis, window, as-of time, seed), as label/value pairs. */
  readonly rules?: ReadonlyArray<{ readonly label: string; readonly value: string }> | undefined;
  /** Headline pipeline-health metrics. */
  readonly health?: ReadonlyArray<ReportMetric> | undefined;
  /** The funnel. */
  readonly funnel?: FunnelChartData | undefined;
  /** Drop-off by stage and reason. */
  readonly dropOff?: DropOffChartData | undefined;
  /** Time in stage. */
  readonly timeInStage?: TimeInStageChartData | undefined;
  /** Stuck deals per stage. */
  readonly stuck?: StuckDealsChartData | undefined;
  /** The stuck deals themselves (largest first is best; the report lists up to 15). */
  readonly stuckDeals?: ReadonlyArray<ReportDealRow> | undefined;
  /** Segment funnels side by side. */
  readonly segments?: SegmentComparisonChartData | undefined;
  /** Most common paths. */
  readonly paths?: ReadonlyArray<ReportPath> | undefined;
  /** Conversion by entry period. */
  readonly trend?: TrendChartData | undefined;
  /** Time to close (survival or cumulative incidence). */
  readonly survival?: SurvivalChartData | undefined;
  /** The forecast fan. */
  readonly forecast?: ForecastFanChartData | undefined;
  /** Headline forecast numbers (expected revenue, gap to target…), with definitions. */
  readonly forecastMetrics?: ReadonlyArray<ReportMetric> | undefined;
  /** Backtests of the forecast method. */
  readonly backtest?: ReadonlyArray<ReportBacktestRow> | undefined;
  /** Currency of the forecast and backtest numbers (ISO 4217); absent for plain counts. */
  readonly currency?: string | undefined;
  /** Sections that could not be computed, with the reason (e.g. `{ section: 'forecast', reason: 'fewer than 30 closed deals' }`). */
  readonly missing?: ReadonlyArray<{ readonly section: ReportSectionName; readonly reason: string }> | undefined;
  /** Colours, fonts and number formats for the charts and the page. */
  readonly theme?: Partial<ChartTheme> | undefined;
}

/**
 * The sections of a report, in page order.
 *
 * @category Charts
 * @since 0.1.0
 */
export type ReportSectionName = 'health' | 'funnel' | 'dropOff' | 'stuck' | 'segments' | 'trend' | 'forecast' | 'backtest';

const SECTION_TITLES: Record<ReportSectionName, string> = {
  health: 'Pipeline health',
  funnel: 'The funnel',
  dropOff: 'Drop-off and reasons',
  stuck: 'Time in stage and stuck deals',
  segments: 'Segments and paths',
  trend: 'Trends and time to close',
  forecast: 'Forecast',
  backtest: 'Backtest: forecast vs actual',
};

const DEFINITIONS: Record<ReportSectionName, ReadonlyArray<[string, string]>> = {
  health: [],
  funnel: [
    ['Reached', 'Deals that reached the stage (entered it or any later stage), under the counting basis listed in "Rules".'],
    ['Conversion from previous', 'Deals that reached this stage ÷ deals that reached the previous stage.'],
    ['Conversion from start', 'Deals that reached this stage ÷ deals that reached the first stage (end to end on the last stage).'],
    ['Lost after a stage', 'Deals that reached the stage but not the next one, with the lost reasons recorded for them.'],
  ],
  dropOff: [
    ['Lost after stage k', 'Deals lost whose last stage before the loss was k.'],
    ['Share of stage', 'Lost after stage k ÷ deals that reached stage k.'],
    ['No reason recorded', 'Lost deals without a lost reason in the data.'],
  ],
  stuck: [
    ['Time in stage', 'Time from entering a stage to leaving it, over the stays that ended. Box: 25th–75th percentile; whisker: 90th.'],
    ['Stuck', 'Open deals in the stage longer than the threshold at the as-of time (the stage\'s stallAfterDays, or a threshold from the data).'],
  ],
  segments: [
    ['Share of first stage', 'Deals of the segment that reached the stage ÷ deals of the segment at the first stage.'],
    ['Step', 'Conversion from the previous stage within the segment.'],
    ['★ significant', 'The step conversion differs from the baseline segment at the stated significance level (two-proportion test).'],
    ['Path', 'The sequence of steps a deal went through (in the report: the first distinct customer action types, in order); win rate = won ÷ closed among deals on that path.'],
  ],
  trend: [
    ['Conversion by entry period', 'Deals created in the period that reached the target stage ÷ deals created in the period, at the as-of time.'],
    ['In progress', 'Periods whose deals may still convert: their numbers will still rise.'],
    ['Still open after t', 'Kaplan–Meier estimate of the share of deals not yet closed t days after creation; open deals count until the as-of time (censoring).'],
  ],
  forecast: [
    ['P50', 'The median outcome: half of the simulated (or modelled) outcomes are below it.'],
    ['P10–P90', 'The range holding 80% of outcomes: P10 is exceeded 90% of the time, P90 only 10% of the time.'],
    ['Gap to target', 'Target − P50; positive means short of target.'],
  ],
  backtest: [
    ['Backtest', 'The forecast recomputed as of a past date using only the data known then, compared with what actually happened.'],
    ['Inside range', 'The actual value fell between P10 and P90. About 80% of periods should be inside for a well-calibrated forecast.'],
    ['Error', '(Actual − P50) ÷ P50. Median absolute error summarises the typical miss.'],
  ],
};

const CSS = `
:root{--ink:#1f2933;--muted:#5f6b7a;--grid:#e3e7ec;--bg:#f4f6f8;--card:#fff;--primary:#2f5d8a;--neg:#c8474f;--pos:#1f8a70}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 var(--font);-webkit-font-smoothing:antialiased}
header.top{background:var(--card);border-bottom:1px solid var(--grid);padding:28px max(24px,calc(50% - 520px)) 18px}
header.top h1{margin:0 0 4px;font-size:26px;letter-spacing:-.01em}
header.top p{margin:0;color:var(--muted)}
nav{display:flex;flex-wrap:wrap;gap:6px 16px;margin-top:14px;font-size:13px}
nav a{color:var(--primary);text-decoration:none}nav a:hover{text-decoration:underline}
main{max-width:1040px;margin:0 auto;padding:8px 24px 48px}
section{background:var(--card);border:1px solid var(--grid);border-radius:10px;padding:20px 22px;margin:18px 0}
section h2{margin:0 0 4px;font-size:19px}
section>p.lead{margin:0 0 14px;color:var(--muted)}
.chart{margin:12px 0;overflow-x:auto}.chart svg{max-width:100%;height:auto;display:block}
.metrics{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:12px;margin:10px 0}
.metric{border:1px solid var(--grid);border-radius:8px;padding:12px 14px}
.metric .label{color:var(--muted);font-size:12.5px}.metric .value{font-size:24px;font-weight:650;font-variant-numeric:tabular-nums}
.metric .note{color:var(--muted);font-size:12px}.metric .def{font-size:12px;color:var(--muted);margin-top:6px;border-top:1px dashed var(--grid);padding-top:6px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;font-size:13.5px;margin:8px 0}
th,td{padding:6px 10px;border-bottom:1px solid var(--grid);text-align:left}th{color:var(--muted);font-weight:600;font-size:12.5px}
td.num,th.num{text-align:right}
.yes{color:var(--pos);font-weight:600}.no{color:var(--neg);font-weight:600}
details{margin-top:10px;font-size:13px}summary{cursor:pointer;color:var(--primary)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:8px 0}dt{font-weight:600}dd{margin:0;color:var(--muted)}
.missing{color:var(--muted);font-style:italic}
footer{max-width:1040px;margin:0 auto;padding:0 24px 40px;color:var(--muted);font-size:12.5px}
@media print{body{background:#fff}section{break-inside:avoid;border:none;padding:0}nav{display:none}}
`;

function fmtMetric(m: ReportMetric, t: Resolved, path: ReadonlyArray<string | number>): string {
  const v = m.value;
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return t.money(moneyValue(v, [...path, 'value']), v.currency);
  const x = finite(v, [...path, 'value']);
  if (m.format === 'percent') return t.pct(x);
  if (m.format === 'days') return `${t.num(x)} d`;
  return t.num(x);
}

function metricsGrid(ms: ReadonlyArray<ReportMetric>, t: Resolved, root: string): string {
  return `<div class="metrics">${ms
    .map(
      (m, i) =>
        `<div class="metric"><div class="label">${esc(m.label)}</div><div class="value">${esc(fmtMetric(m, t, [root, i]))}</div>${m.note !== undefined ? `<div class="note">${esc(m.note)}</div>` : ''}<div class="def">${esc(m.definition)}</div></div>`,
    )
    .join('')}</div>`;
}

function definitions(name: ReportSectionName): string {
  const defs = DEFINITIONS[name];
  if (defs.length === 0) return '';
  return `<details><summary>How these numbers are defined</summary><dl>${defs.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl></details>`;
}

function chart(svg: string): string {
  return `<div class="chart">${svg}</div>`;
}

/**
 * Renders a complete pipeline report as **one self-contained HTML page**: inline CSS, inline SVG
 * charts, no script, no fonts or images to fetch (a Content-Security-Policy forbids any network
 * access). Sections, in order: pipeline health, the funnel, drop-off and reasons, time in stage and
 * stuck deals, segments and paths, trends and time to close, the forecast with its range, and the
 * backtest table. Each section says what it shows and carries the definitions of its numbers; the
 * "Rules" block lists how everything was counted.
 *
 * Pure: the same input gives the same page. Sections you do not pass are left out, or shown as "not
 * available" with the reason when listed in `missing`. All text is escaped.
 *
 * @param input - the computed results to show (see {@link ReportInput})
 * @returns an HTML document as a string
 * @throws FunnelError `INVALID_INPUT` / `INVALID_AMOUNT` when a chart's data or a metric is invalid (with its path)
 * @category Charts
 * @since 0.1.0
 * @example
 * ```ts
 * const html = renderReport({
 *   title: 'Q3 pipeline',
 *   health: [{ label: 'Win rate', value: 0.25, format: 'percent', definition: 'won ÷ (won + lost)' }],
 *   funnel: { stages: [{ label: 'Request', count: 200 }, { label: 'Paid', count: 50 }] },
 * });
 * html.startsWith('<!doctype html>') // => true
 * html.includes('25%') // => true
 * html.includes('<script') // => false
 * ```
 */
export function renderReport(input: ReportInput): string {
  const t = resolveTheme(input?.theme, ['theme']);
  const title = input.title ?? 'Pipeline report';
  const missing = new Map((input.missing ?? []).map((m) => [m.section, m.reason]));
  const sections: { name: ReportSectionName; html: string }[] = [];
  const add = (name: ReportSectionName, lead: string, content: string | null): void => {
    const reason = missing.get(name);
    if (content === null && reason === undefined) return;
    const inner = content ?? `<p class="missing">Not available: ${esc(reason as string)}</p>`;
    sections.push({ name, html: `<section id="${name}"><h2>${esc(SECTION_TITLES[name])}</h2><p class="lead">${esc(lead)}</p>${inner}${content !== null ? definitions(name) : ''}</section>` });
  };
  const opt = { theme: input.theme };
  const sid = (k: string): { theme: Partial<ChartTheme> | undefined; idPrefix: string } => ({ ...opt, idPrefix: `report-${k}` });

  add('health', 'The state of the pipeline in a few numbers. Each card gives its definition.', input.health !== undefined && input.health.length > 0 ? metricsGrid(input.health, t, 'health') : null);
  add('funnel', 'How many deals reached each stage, how many moved on, and where the rest were lost.', input.funnel !== undefined ? chart(funnelChart(input.funnel, sid('funnel'))) : null);
  add('dropOff', 'Deals lost after each stage, split by the reason recorded — the customer action that did not happen.', input.dropOff !== undefined ? chart(dropOffChart(input.dropOff, sid('dropoff'))) : null);
  {
    let html = '';
    if (input.timeInStage !== undefined) html += chart(timeInStageChart(input.timeInStage, sid('time')));
    if (input.stuck !== undefined) html += chart(stuckDealsChart(input.stuck, sid('stuck')));
    if (input.stuckDeals !== undefined && input.stuckDeals.length > 0) {
      const rows = input.stuckDeals.slice(0, 15);
      html += `<table><caption class="missing" style="caption-side:bottom;text-align:left">${rows.length < input.stuckDeals.length ? `Showing ${rows.length} of ${input.stuckDeals.length} stuck deals.` : ''}</caption><thead><tr><th>Deal</th><th>Stage</th><th class="num">Days</th><th class="num">Value</th><th>Note</th></tr></thead><tbody>${rows
        .map(
          (d, i) =>
            `<tr><td>${esc(d.deal)}</td><td>${esc(d.stage)}</td><td class="num">${esc(t.num(finite(d.days, ['stuckDeals', i, 'days'])))}</td><td class="num">${d.amount === undefined ? '' : esc(t.money(moneyValue(d.amount, ['stuckDeals', i, 'amount']), d.amount.currency))}</td><td>${esc(d.note ?? '')}</td></tr>`,
        )
        .join('')}</tbody></table>`;
    }
    add('stuck', 'How long deals stay in each stage, and which open deals have stalled.', html === '' ? null : html);
  }
  {
    let html = '';
    if (input.segments !== undefined) html += chart(segmentComparisonChart(input.segments, sid('segments')));
    if (input.paths !== undefined && input.paths.length > 0) {
      const total = input.paths.reduce((a, p) => a + p.count, 0);
      html += `<table><thead><tr><th>Path</th><th class="num">Deals</th><th class="num">Share</th><th class="num">Win rate</th></tr></thead><tbody>${input.paths
        .map(
          (p, i) =>
            `<tr><td>${esc(p.steps.join(' → '))}</td><td class="num">${esc(t.num(finite(p.count, ['paths', i, 'count'])))}</td><td class="num">${total > 0 ? esc(t.pct(p.count / total)) : '—'}</td><td class="num">${p.winRate === undefined || p.winRate === null ? '—' : esc(t.pct(p.winRate))}</td></tr>`,
        )
        .join('')}</tbody></table>`;
    }
    add('segments', 'The same funnel for each segment, and the paths deals actually walk.', html === '' ? null : html);
  }
  {
    let html = '';
    if (input.trend !== undefined) html += chart(trendChart(input.trend, sid('trend')));
    if (input.survival !== undefined) html += chart(survivalChart(input.survival, sid('survival')));
    add('trend', 'Whether conversion is getting better or worse, and how long deals take to close.', html === '' ? null : html);
  }
  {
    let html = '';
    if (input.forecastMetrics !== undefined && input.forecastMetrics.length > 0) html += metricsGrid(input.forecastMetrics, t, 'forecastMetrics');
    if (input.forecast !== undefined) html += chart(forecastFanChart(input.forecast, sid('forecast')));
    add('forecast', 'Revenue the pipeline can be expected to bring, as a range rather than one number.', html === '' ? null : html);
  }
  if (input.backtest !== undefined && input.backtest.length > 0) {
    const cur = input.currency;
    const f = (v: number): string => (cur === undefined ? t.num(v) : t.money(v, cur));
    const rows = input.backtest.map((b, i) => {
      for (const k of ['p10', 'p50', 'p90', 'actual'] as const) finite(b[k], ['backtest', i, k]);
      const inside = b.actual >= b.p10 && b.actual <= b.p90;
      const err = b.p50 !== 0 ? (b.actual - b.p50) / b.p50 : null;
      return { b, inside, err };
    });
    const covered = rows.filter((q) => q.inside).length;
    const errs = rows.map((q) => q.err).filter((e): e is number => e !== null).map(Math.abs).sort((a, b) => a - b);
    const medErr = errs.length === 0 ? null : errs.length % 2 === 1 ? (errs[(errs.length - 1) / 2] as number) : ((errs[errs.length / 2 - 1] as number) + (errs[errs.length / 2] as number)) / 2;
    let html = metricsGrid(
      [
        { label: 'Inside P10–P90', value: `${covered} of ${rows.length}`, definition: 'Backtests whose actual fell inside the forecast range; about 80% is well calibrated.' },
        { label: 'Median absolute error', value: medErr, format: 'percent', definition: 'Median of |actual − P50| ÷ P50 over the backtests.' },
      ],
      t,
      'backtest',
    );
    html += chart(
      forecastFanChart(
        { title: 'Forecast vs actual', subtitle: 'Each period forecast as of its backtest date', ...(cur !== undefined ? { currency: cur } : {}), points: input.backtest.map((b) => ({ label: b.period, p10: b.p10, p50: b.p50, p90: b.p90, actual: b.actual })) },
        sid('backtest'),
      ),
    );
    html += `<table><thead><tr><th>As of</th><th>Period</th><th class="num">P10</th><th class="num">P50</th><th class="num">P90</th><th class="num">Actual</th><th>Inside range</th><th class="num">Error</th></tr></thead><tbody>${rows
      .map(
        ({ b, inside, err }) =>
          `<tr><td>${esc(b.asOf)}</td><td>${esc(b.period)}</td><td class="num">${esc(f(b.p10))}</td><td class="num">${esc(f(b.p50))}</td><td class="num">${esc(f(b.p90))}</td><td class="num">${esc(f(b.actual))}</td><td class="${inside ? 'yes' : 'no'}">${inside ? '✓ yes' : '✗ no'}</td><td class="num">${err === null ? '—' : esc(`${err > 0 ? '+' : ''}${t.pct(err)}`)}</td></tr>`,
      )
      .join('')}</tbody></table>`;
    add('backtest', 'The forecast method replayed on the past: what it said then, and what happened.', html);
  } else add('backtest', 'The forecast method replayed on the past: what it said then, and what happened.', null);

  const rules =
    input.rules !== undefined && input.rules.length > 0
      ? `<section id="rules"><h2>Rules</h2><p class="lead">How every number on this page was counted.</p><dl>${input.rules.map((r) => `<dt>${esc(r.label)}</dt><dd>${esc(r.value)}</dd>`).join('')}</dl></section>`
      : '';
  const nav = sections.map((s) => `<a href="#${s.name}">${esc(SECTION_TITLES[s.name])}</a>`).join('') + (rules !== '' ? '<a href="#rules">Rules</a>' : '');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:`;
  const vars = `:root{--ink:${t.ink};--muted:${t.muted};--grid:${t.grid};--primary:${t.primary};--neg:${t.negative};--pos:${t.positive};--font:${t.fontFamily}}`;
  return (
    `<!doctype html><html lang="${esc(t.locale.split('-')[0] ?? 'en')}"><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><meta name="generator" content="funnelwise">` +
    `<title>${esc(title)}</title><style>${CSS}${vars.replace(/<\//g, '<\\/')}</style></head><body>` +
    `<header class="top"><h1>${esc(title)}</h1>${input.subtitle !== undefined ? `<p>${esc(input.subtitle)}</p>` : ''}${input.generatedAt !== undefined ? `<p>Generated ${esc(input.generatedAt)}</p>` : ''}<nav>${nav}</nav></header>` +
    `<main>${sections.map((s) => s.html).join('')}${rules}</main>` +
    `<footer>Made with funnelwise. Self-contained page: no scripts, no network.</footer></body></html>`
  );
}
