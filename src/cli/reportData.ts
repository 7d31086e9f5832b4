/**
 * Builds the report's input from a DealTable with the analyses that exist in the library today.
 * Sections whose analysis has not landed yet (forecast, backtest, survival) are listed as missing
 * with the reason. Not part of the library API.
 */
import {
  funnelDataFromConversion,
  segmentDataFromConversion,
  timeInStageDataFromReport,
  trendDataFromConversion,
  type ChartReasonCount,
  type DropOffChartData,
  type ReportDealRow,
  type ReportInput,
  type ReportMetric,
  type StuckDealsChartData,
} from '../charts/index.js';
import { twoProportionZTest } from '../internal/stats.js';
import { fromMinor, scaleOf } from '../internal/money.js';
import { DEAL_LOST, DEAL_OPEN, type DealTable } from '../io/index.js';
import { conversion, pipelineHealth, timeInStage } from '../metrics/index.js';

const DAY = 86_400_000;

/** Options of {@link reportInputFromTable}. */
export interface ReportDataOptions {
  /** The as-of time (epoch ms). */
  readonly now: number;
  /** Where the data came from, as printed. */
  readonly source: string;
  /** Report title. */
  readonly title?: string;
  /** Progress messages (stderr in the CLI). */
  readonly progress?: (message: string) => void;
}

/** Lost deals per stage index and reason (the table's lostAtStage × lostReason). */
function lostByStage(table: DealTable): { byStage: Map<number, Map<string, number>>; unknown: Map<number, number> } {
  const byStage = new Map<number, Map<string, number>>();
  const unknown = new Map<number, number>();
  for (let i = 0; i < table.size; i++) {
    if (table.status[i] !== DEAL_LOST) continue;
    const s = table.lostAtStage[i] as number;
    const r = table.lostReason[i] as number;
    if (r < 0) unknown.set(s, (unknown.get(s) ?? 0) + 1);
    else {
      const m = byStage.get(s) ?? new Map<string, number>();
      const name = table.lostReasons[r] as string;
      m.set(name, (m.get(name) ?? 0) + 1);
      byStage.set(s, m);
    }
  }
  return { byStage, unknown };
}

function sortedReasons(m: Map<string, number> | undefined): ChartReasonCount[] {
  return [...(m ?? new Map<string, number>()).entries()].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1));
}

/** When each deal entered its current stage (last history row into it), epoch ms. */
function enteredCurrent(table: DealTable, i: number): number {
  const cur = table.stage[i] as number;
  let at = table.createdAt[i] as number;
  for (let h = table.histStart[i] as number; h < (table.histStart[i + 1] as number); h++) if (table.histTo[h] === cur && (table.histFrom[h] as number) !== cur) at = table.histAt[h] as number;
  return at;
}

function money(table: DealTable, i: number): { amount: string; currency: string } | undefined {
  const c = table.currencyIndex[i] as number;
  const a = table.amountMinor[i] as number;
  if (c < 0 || Number.isNaN(a)) return undefined;
  const currency = table.currencies[c] as string;
  return { amount: fromMinor(a, scaleOf(currency)), currency };
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
  const lost = lostByStage(table);
  const stageIndex = new Map(table.stageIds.map((id, i) => [id, i]));
  const reasons: Record<string, ChartReasonCount[]> = {};
  for (const s of conv.total.stages) reasons[s.stageId] = sortedReasons(lost.byStage.get(stageIndex.get(s.stageId) ?? -1));
  const funnelData = funnelDataFromConversion(conv, { reasons, title: funnel.name });

  const dropOff: DropOffChartData = {
    subtitle: 'Lost deals by the stage they were lost at, and the reason recorded',
    stages: conv.total.stages
      .filter((s) => s.category === 'open')
      .map((s) => {
        const k = stageIndex.get(s.stageId) ?? -1;
        const unknown = lost.unknown.get(k) ?? 0;
        return { label: s.name, reached: s.entered, reasons: sortedReasons(lost.byStage.get(k)), ...(unknown > 0 ? { unknown } : {}) };
      }),
  };

  say('time in stage and stuck deals');
  const tis = timeInStage(table, { now: options.now });
  const stall: Record<string, number> = {};
  for (const st of funnel.stages) if (st.stallAfterDays !== undefined) stall[st.id] = st.stallAfterDays;
  const closedIds = funnel.stages.filter((s) => s.category !== 'open').map((s) => s.id);
  const timeData = timeInStageDataFromReport(tis, { stallAfterDays: stall, omit: closedIds });
  // Stuck: open deals longer in their stage than its stallAfterDays, or than the stage's P90 of completed stays.
  const thresholds = new Map<number, number>();
  for (const s of tis.total.stages) {
    const k = stageIndex.get(s.stageId) ?? -1;
    const t = stall[s.stageId] ?? s.completed.p90;
    if (t !== null && t !== undefined) thresholds.set(k, t);
  }
  const openCount = new Map<number, number>();
  const stuckCount = new Map<number, number>();
  const stuckRows: (ReportDealRow & { minor: number })[] = [];
  for (let i = 0; i < table.size; i++) {
    if (table.status[i] !== DEAL_OPEN) continue;
    const k = table.stage[i] as number;
    openCount.set(k, (openCount.get(k) ?? 0) + 1);
    const t = thresholds.get(k);
    const days = (options.now - enteredCurrent(table, i)) / DAY;
    if (t === undefined || days <= t) continue;
    stuckCount.set(k, (stuckCount.get(k) ?? 0) + 1);
    const m = money(table, i);
    stuckRows.push({ deal: table.dealIds[i] as string, stage: funnel.stages[k]?.name ?? '', days: Math.round(days), ...(m !== undefined ? { amount: m } : {}), minor: Number.isNaN(table.amountMinor[i] as number) ? 0 : (table.amountMinor[i] as number) });
  }
  stuckRows.sort((a, b) => b.minor - a.minor || b.days - a.days);
  const stuck: StuckDealsChartData = {
    subtitle: `Open deals longer in their stage than its stallAfterDays, else the stage's P90 of completed stays · as of ${nowIso.slice(0, 10)}`,
    stages: funnel.stages
      .map((s, k) => ({ s, k }))
      .filter(({ s }) => s.category === 'open')
      .map(({ s, k }) => {
        const t = thresholds.get(k);
        return { label: s.name, stuck: stuckCount.get(k) ?? 0, open: openCount.get(k) ?? 0, ...(t !== undefined ? { thresholdDays: Math.round(t * 10) / 10 } : {}) };
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
  const byMonth = conversion(table, { groupBy: 'createdMonth' });
  const cycle = h.medianDaysToClose ?? 30;
  const inProgress = byMonth.groups
    .map((g) => g.key)
    .filter((k): k is string => k !== null && Date.parse(`${k}-01T00:00:00Z`) + 31 * DAY + cycle * DAY > options.now);
  const trend = byMonth.groups.length >= 2 ? trendDataFromConversion(byMonth, { inProgress }) : undefined;

  missing.push({ section: 'forecast', reason: 'the forecasting analyses (issue 4) are not wired into the report yet' });
  missing.push({ section: 'backtest', reason: 'the forecast backtests (issue 4) are not wired into the report yet' });

  return {
    title: options.title ?? `Pipeline report: ${funnel.name}`,
    subtitle: `${options.source} · ${table.size.toLocaleString('en-US')} deals`,
    generatedAt: nowIso,
    rules: [
      { label: 'As of', value: nowIso },
      { label: 'Counting basis', value: `${conv.rules.basis}: a deal counts at every stage up to the furthest it reached (lost deals up to the stage they were lost at); each deal once per stage` },
      { label: 'Win rate', value: `${h.rules.winRate}: won ÷ (won + lost)` },
      { label: 'Time in stage', value: `completed stays, ${tis.rules.quantile}` },
      { label: 'Significance', value: 'two-proportion z-test of each step conversion against the first segment, α = 0.05' },
    ],
    health,
    funnel: funnelData,
    dropOff,
    timeInStage: timeData,
    stuck,
    stuckDeals: stuckRows.map(({ minor: _m, ...r }) => r),
    ...(segments !== undefined ? { segments } : {}),
    ...(trend !== undefined ? { trend } : {}),
    missing,
  };
}
