/**
 * Builds the report's input from a DealTable with the library's analyses: pipelineHealth, conversion,
 * dropOff, timeInStage, findStalledDeals, conversion by segment and month, discoverSegments (when the
 * deals' customer actions are known), timeToClose, forecastRevenue and backtest (seeded). A section
 * that cannot be computed is listed as missing with the reason. Not part of the library API.
 */
import {
  funnelDataFromConversion,
  segmentDataFromConversion,
  timeInStageDataFromReport,
  trendDataFromConversion,
  type ChartReasonCount,
  type DropOffChartData,
  type ForecastFanChartData,
  type ReportBacktestRow,
  type ReportDealRow,
  type ReportPath,
  type SurvivalChartData,
  type ReportInput,
  type ReportMetric,
  type StuckDealsChartData,
} from '../charts/index.js';
import { twoProportionZTest } from '../internal/stats.js';
import { fromMinor, scaleOf } from '../internal/money.js';
import { dropOff, findStalledDeals } from '../dropoff/index.js';
import { backtest, forecastRevenue, timeToClose, type ForecastRevenueReport } from '../forecast/index.js';
import type { DealTable } from '../io/index.js';
import { conversion, pipelineHealth, timeInStage } from '../metrics/index.js';
import { discoverSegments, type SubjectAction } from '../segments/index.js';

const DAY = 86_400_000;

/** Options of {@link reportInputFromTable}. */
export interface ReportDataOptions {
  /** The as-of time (epoch ms). */
  readonly now: number;
  /** Where the data came from, as printed. */
  readonly source: string;
  /** Report title. */
  readonly title?: string;
  /** Seed of the forecast simulations (default 1). */
  readonly seed?: number;
  /** Customer actions per deal id, when known (synthetic data): feeds the paths table. */
  readonly actionsByDeal?: ReadonlyMap<string, ReadonlyArray<SubjectAction>>;
  /** Progress messages (stderr in the CLI). */
  readonly progress?: (message: string) => void;
}

function sortedReasons(list: ReadonlyArray<ChartReasonCount>): ChartReasonCount[] {
  return [...list].sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1));
}

function money(table: DealTable, i: number): { amount: string; currency: string } | undefined {
  const c = table.currencyIndex[i] as number;
  const a = table.amountMinor[i] as number;
  if (c < 0 || Number.isNaN(a)) return undefined;
  const currency = table.currencies[c] as string;
  return { amount: fromMinor(a, scaleOf(currency)), currency };
}

/** The currency most deals with an amount are in, or null when no deal has an amount. */
function mainCurrency(table: DealTable): string | null {
  const n = new Map<number, number>();
  for (let i = 0; i < table.size; i++) {
    const c = table.currencyIndex[i] as number;
    if (c >= 0 && !Number.isNaN(table.amountMinor[i] as number)) n.set(c, (n.get(c) ?? 0) + 1);
  }
  const best = [...n].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  return best === undefined ? null : (table.currencies[best[0]] as string);
}

/** End of the UTC month `k` months after the one containing t (last millisecond). */
function monthEnd(t: number, k: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k + 1, 1) - 1;
}

function monthName(t: number): string {
  return new Date(t).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function why(e: unknown): string {
  return e instanceof Error ? e.message.replace(/^funnelwise: /, '') : String(e);
}

/** Computes every section that can be computed from the table with today's analyses. */
export function reportInputFromTable(table: DealTable, options: ReportDataOptions): ReportInput {
  const say = options.progress ?? ((): void => undefined);
  const nowIso = new Date(options.now).toISOString();
  const funnel = table.funnel;
  const missing: { section: 'forecast' | 'backtest'; reason: string }[] = [];

  say('health metrics');
  const h = pipelineHealth(table, { now: options.now });
  const openValue = h.stages.flatMap((s) => s.value);
  const currencies = [...new Set(openValue.map((m) => m.currency))];
  const openByCurrency = currencies.map((c) => {
    const scale = scaleOf(c);
    let minor = 0n;
    for (const m of openValue) if (m.currency === c) minor += BigInt(m.amount.replace('.', '').replace(/^(-?)0+(?=\d)/, '$1'));
    return { amount: fromMinor(minor, scale), currency: c };
  });
  const health: ReportMetric[] = [
    { label: 'Deals', value: h.deals, definition: 'Deals in the data as of the report time.' },
    { label: 'Open deals', value: h.open, definition: 'Deals neither won nor lost at the as-of time.' },
    ...openByCurrency.map((m): ReportMetric => ({ label: `Open pipeline (${m.currency})`, value: m, definition: 'Sum of the amounts of open deals (deals without an amount count as 0).' })),
    { label: 'Won', value: h.won, definition: 'Deals won.' },
    { label: 'Lost', value: h.lost, definition: 'Deals lost.' },
    { label: 'Win rate', value: h.winRate, format: 'percent', definition: 'Won ÷ (won + lost): the share of closed deals that were won.', note: `${h.won} of ${h.won + h.lost} closed deals` },
    ...h.averageDealSize.map((m): ReportMetric => ({ label: `Average deal size (${m.currency})`, value: m, definition: 'Mean amount of won deals.' })),
    { label: 'Median time to close', value: h.medianDaysToClose, format: 'days', definition: 'Median days from creation to won, over won deals.' },
  ];

  say('conversion by stage');
  const conv = conversion(table, { money: true });

  say('drop-off and reasons');
  const drop = dropOff(table);
  const openStage = new Set(funnel.stages.filter((s) => s.category === 'open').map((s) => s.id));
  const reasons: Record<string, ChartReasonCount[]> = {};
  const dropStages = drop.total.stages.filter((s) => openStage.has(s.stageId));
  const dropOffStages = dropStages.map((s) => {
    const known = sortedReasons(s.reasons.filter((r) => r.kind !== 'unknown').map((r) => ({ label: r.label, count: r.count })));
    const unknown = s.reasons.filter((r) => r.kind === 'unknown').reduce((n, r) => n + r.count, 0);
    reasons[s.stageId] = known;
    return { label: s.name, reached: s.entered, reasons: known, ...(unknown > 0 ? { unknown } : {}) };
  });
  const funnelData = funnelDataFromConversion(conv, { reasons, title: funnel.name });
  const bottleneck = drop.total.bottleneck;
  const dropOffData: DropOffChartData = {
    subtitle: `Lost deals by the last open stage before the loss: the recorded reason, else the next stage's customer actions that never happened${bottleneck === null ? '' : ` · bottleneck: ${funnel.stages.find((s) => s.id === bottleneck.stageId)?.name ?? bottleneck.stageId} (${Math.round(bottleneck.lossRate * 1000) / 10}% of deals that entered it were lost there)`}`,
    stages: dropOffStages,
  };

  say('time in stage and stuck deals');
  const tis = timeInStage(table, { now: options.now });
  const stall: Record<string, number> = {};
  for (const st of funnel.stages) if (st.stallAfterDays !== undefined) stall[st.id] = st.stallAfterDays;
  const closedIds = funnel.stages.filter((s) => s.category !== 'open').map((s) => s.id);
  const timeData = timeInStageDataFromReport(tis, { stallAfterDays: stall, omit: closedIds });
  const stalled = findStalledDeals(table, { now: options.now });
  const threshold = new Map<string, number>();
  for (const t of stalled.thresholds) {
    const d = stall[t.stageId] ?? t.days;
    if (d !== null && d !== undefined && !threshold.has(t.stageId)) threshold.set(t.stageId, d);
  }
  const flagged = stalled.deals
    .map((d) => ({ d, m: money(table, d.dealIndex), minor: Number.isNaN(table.amountMinor[d.dealIndex] as number) ? 0 : (table.amountMinor[d.dealIndex] as number) }))
    .sort((x, y) => y.minor - x.minor || y.d.daysInStage - x.d.daysInStage);
  const stuckRows: ReportDealRow[] = flagged.map(({ d, m }) => ({
    deal: d.dealId,
    stage: funnel.stages.find((s) => s.id === d.stageId)?.name ?? d.stageId,
    days: Math.round(d.daysInStage),
    ...(m !== undefined ? { amount: m } : {}),
    note: [d.slowFixed ? `over the stage's ${d.fixedDays} days` : '', d.slowDataDriven ? `over P90 of completed stays (${Math.round((d.dataDrivenDays ?? 0) * 10) / 10} d)` : '', d.idle ? 'idle' : ''].filter((x) => x !== '').join('; '),
  }));
  const stuck: StuckDealsChartData = {
    subtitle: `Open deals longer in their stage than its stallAfterDays (fixed rule) or than P${Math.round((stalled.rules.quantile ?? 0.9) * 100)} of the stage's completed stays (data-driven, at least ${stalled.rules.minStays} stays) · as of ${nowIso.slice(0, 10)}`,
    stages: stalled.stages
      .filter((s) => openStage.has(s.stageId))
      .map((s) => {
        const t = threshold.get(s.stageId);
        return { label: funnel.stages.find((x) => x.id === s.stageId)?.name ?? s.stageId, stuck: s.flagged, open: s.open, ...(t !== undefined ? { thresholdDays: Math.round(t * 10) / 10 } : {}) };
      }),
  };

  say('segments and trends');
  let segments: ReportInput['segments'];
  if (table.segments.length >= 2) {
    const bySeg = conversion(table, { groupBy: 'segment' });
    const groups = bySeg.groups.filter((g) => g.key !== null);
    if (groups.length >= 2) {
      const base = groups[0] as (typeof groups)[number];
      const significant: Record<string, boolean[]> = {};
      for (const g of groups.slice(1))
        significant[g.key as string] = g.stages.map((s, i) => {
          if (i === 0) return false;
          const p = g.stages[i - 1];
          const bp = base.stages[i - 1];
          const bs = base.stages[i];
          if (p === undefined || bp === undefined || bs === undefined) return false;
          const r = twoProportionZTest({ successesA: bs.entered, trialsA: bp.entered, successesB: s.entered, trialsB: p.entered });
          return r !== null && r.pValue < 0.05;
        });
      segments = { ...segmentDataFromConversion(bySeg, { groups: groups.map((g) => g.key as string), significant, title: 'Funnels by segment' }), alpha: 0.05 };
    }
  }
  let paths: ReportPath[] | undefined;
  let pathRule: string | undefined;
  if (options.actionsByDeal !== undefined) {
    const byDeal = options.actionsByDeal;
    const found = discoverSegments(table, { actionsOf: (t, i) => byDeal.get(t.dealIds[i] as string) ?? [], depth: 3, minShare: 0.02 });
    paths = found.segments.map((g) => ({ steps: g.path, count: g.count, winRate: g.winRate }));
    if (found.other !== null) paths.push({ steps: [`(other paths: ${found.other.paths})`], count: found.other.count, winRate: found.other.winRate });
    pathRule = 'the first 3 distinct customer action types of each deal, in order (discoverSegments, depth 3); paths under 2% of deals folded into "other"; win rate = won ÷ (won + lost) on the path';
  }
  const byMonth = conversion(table, { groupBy: 'createdMonth' });
  const cycle = h.medianDaysToClose ?? 30;
  const inProgress = byMonth.groups
    .map((g) => g.key)
    .filter((k): k is string => k !== null && Date.parse(`${k}-01T00:00:00Z`) + 31 * DAY + cycle * DAY > options.now);
  const trend = byMonth.groups.length >= 2 ? trendDataFromConversion(byMonth, { inProgress }) : undefined;

  say('time to close');
  let survival: SurvivalChartData | undefined;
  let maxDays = 0;
  for (let i = 0; i < table.size; i++) {
    const c = table.closedAt[i] as number;
    if (!Number.isNaN(c)) maxDays = Math.max(maxDays, (c - (table.createdAt[i] as number)) / DAY);
  }
  const step = Math.max(1, Math.ceil(Math.min(maxDays, 730) / 40));
  const ttc = timeToClose(table, { now: options.now, horizons: Array.from({ length: 41 }, (_, k) => k * step) });
  if (ttc.ok) {
    survival = {
      mode: 'survival',
      unit: 'days',
      title: 'Time to close',
      subtitle: `Share of deals still open t days after creation (Kaplan–Meier, ${Math.round(ttc.basis.level * 100)}% band); ${ttc.won} won, ${ttc.lost} lost, ${ttc.open} open (censored at the as-of time)`,
      series: [{ label: 'Still open', tone: 'neutral', points: ttc.horizons.map((h) => ({ time: h.days, value: h.open.estimate, ...(h.open.lower !== null ? { lower: h.open.lower } : {}), ...(h.open.upper !== null ? { upper: h.open.upper } : {}) })) }],
      ...(ttc.medianDaysToWin !== null ? { marker: { time: ttc.medianDaysToWin, label: `median time to win ${Math.round(ttc.medianDaysToWin)} d` } } : {}),
    };
  } else say(`time to close skipped: ${ttc.n} closed deals, ${ttc.needed} needed`);

  say('revenue forecast');
  const seed = options.seed ?? 1;
  const currency = mainCurrency(table);
  let forecast: ForecastFanChartData | undefined;
  let forecastMetrics: ReportMetric[] | undefined;
  let backtestRows: ReportBacktestRow[] | undefined;
  if (currency === null) {
    missing.push({ section: 'forecast', reason: 'no deal has an amount' }, { section: 'backtest', reason: 'no deal has an amount' });
  } else {
    try {
      const ends = [0, 1, 2, 3].map((k) => monthEnd(options.now, k)).filter((t) => t - options.now >= 7 * DAY).slice(0, 3);
      const runs = ends.map((until) => forecastRevenue(table, { now: options.now, until, currency, seed, simulations: 1000 }));
      const first = runs[0] as ForecastRevenueReport;
      const n = (m: { amount: string }): number => Number(m.amount);
      forecast = {
        title: 'Revenue forecast',
        subtitle: `Won revenue from ${nowIso.slice(0, 10)} to the end of each month, cumulative (${first.basis.simulations} seeded simulations, seed ${seed})`,
        currency,
        points: runs.map((r, k) => ({ label: `by ${monthName(ends[k] as number)}`, p10: n(r.p10), p50: n(r.p50), p90: n(r.p90) })),
      };
      const by = new Date(ends[0] as number).toISOString().slice(0, 10);
      forecastMetrics = [
        { label: `P50 revenue by ${by}`, value: first.p50, definition: 'Median of the simulated revenue won from now to the end of the period: half of the runs are below it.' },
        { label: 'P10 (pessimistic)', value: first.p10, definition: '10th percentile of the simulated revenue: 90% of the runs are above it.' },
        { label: 'P90 (optimistic)', value: first.p90, definition: '90th percentile of the simulated revenue: only 10% of the runs are above it.' },
        { label: 'Expected from open deals', value: first.expectedFromOpen, definition: 'Σ amount × P(won in the period | stage, age) over open deals, from the time-to-close model of each stage.' },
        { label: 'Expected from new deals', value: first.expectedFromNew, definition: `Deals not yet created: new deals per day (${Math.round(first.inflowPerDay * 100) / 100}, over the last 90 days) × chance to be won in time × mean won amount.` },
        { label: 'Open deals simulated', value: first.deals, definition: `Open deals with an amount in ${currency}; ${first.skipped} left out (no amount or another currency).` },
      ];
    } catch (e) {
      missing.push({ section: 'forecast', reason: why(e) });
    }
    say('forecast backtest');
    try {
      const bt = backtest(table, { currency, seed, simulations: 300, forecasters: ['naive', 'runRate', 'weightedConfigured', 'survival', 'markov', 'markovStay'] });
      backtestRows = bt.origins.flatMap((o) => {
        const f = o.forecasts.find((x) => x.forecaster === 'survival');
        if (f === undefined || f.p10 === null || f.p50 === null || f.p90 === null) return [];
        return [{ asOf: o.at.slice(0, 10), period: monthName(Date.parse(o.periodEnd)), p10: Number(f.p10.amount), p50: Number(f.p50.amount), p90: Number(f.p90.amount), actual: Number(o.actual.amount) }];
      });
      if (backtestRows.length === 0) missing.push({ section: 'backtest', reason: 'no complete month after the first month of data to backtest on' });
      if (bt.best !== null && forecastMetrics !== undefined) {
        const wape = bt.accuracy.map((x) => `${x.forecaster} ${x.wape === null ? '—' : `${Math.round(x.wape * 1000) / 10}%`}`).join(', ');
        forecastMetrics.push({ label: 'Most accurate in backtest', value: bt.best.forecaster, definition: 'The forecaster with the lowest WAPE = Σ|actual − forecast| ÷ Σ actual over the backtested months (the fan above is the survival forecaster).', note: wape });
      }
    } catch (e) {
      missing.push({ section: 'backtest', reason: why(e) });
    }
  }

  return {
    title: options.title ?? `Pipeline report: ${funnel.name}`,
    subtitle: `${options.source} · ${table.size.toLocaleString('en-US')} deals`,
    generatedAt: nowIso,
    rules: [
      { label: 'As of', value: nowIso },
      { label: 'Counting basis', value: `${conv.rules.basis}: a deal counts at every stage up to the furthest it reached (lost deals up to the stage they were lost at); each deal once per stage` },
      { label: 'Win rate', value: `${h.rules.winRate}: won ÷ (won + lost)` },
      { label: 'Time in stage', value: `completed stays, ${tis.rules.quantile}` },
      { label: 'Drop-off', value: `${drop.rules.basis}; lost at ${drop.rules.lostAt}; reasons: ${drop.rules.reasons}` },
      { label: 'Stuck deals', value: `${stalled.rules.stays}; P${Math.round((stalled.rules.quantile ?? 0.9) * 100)} rule, at least ${stalled.rules.minStays} stays` },
      ...(ttc.ok ? [{ label: 'Time to close', value: ttc.basis.method }] : []),
      ...(forecast !== undefined ? [{ label: 'Forecast', value: `seeded Monte-Carlo (seed ${seed}) of each open deal's chance to be won in the period from its stage's time-to-close curve, plus new deals at the recent rate; quantiles: inverse empirical CDF` }] : []),
      ...(pathRule !== undefined ? [{ label: 'Paths', value: pathRule }] : []),
      { label: 'Significance', value: 'two-proportion z-test of each step conversion against the first segment, α = 0.05' },
    ],
    health,
    funnel: funnelData,
    dropOff: dropOffData,
    timeInStage: timeData,
    stuck,
    stuckDeals: stuckRows,
    ...(segments !== undefined ? { segments } : {}),
    ...(paths !== undefined ? { paths } : {}),
    ...(trend !== undefined ? { trend } : {}),
    ...(survival !== undefined ? { survival } : {}),
    ...(forecast !== undefined ? { forecast } : {}),
    ...(forecastMetrics !== undefined ? { forecastMetrics } : {}),
    ...(backtestRows !== undefined && backtestRows.length > 0 ? { backtest: backtestRows } : {}),
    currency: currency ?? undefined,
    missing,
  };
}
