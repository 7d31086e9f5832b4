/**
 * Sample inputs for every chart, in the domain's own numbers: used by the chart tests, the browser
 * check and `npm run screenshots`.
 */
import type {
  ChartInput,
  ReportInput,
  DropOffChartData,
  ForecastFanChartData,
  FunnelChartData,
  SegmentComparisonChartData,
  StuckDealsChartData,
  SurvivalChartData,
  TimeInStageChartData,
  TrendChartData,
} from '../../src/charts/index.js';

const eur = (amount: string) => ({ amount, currency: 'EUR' });

export const funnelSample: FunnelChartData = {
  title: 'B2B pipeline',
  subtitle: 'Deals created Jan–Jun 2026 · counted when they reached each stage',
  stages: [
    { label: 'Left a request on the site', count: 1000, amount: eur('2400000'), topDropReasons: [{ label: 'Never reached by phone', count: 180 }, { label: 'Spam', count: 40 }] },
    { label: 'Picked up the callback', count: 780, amount: eur('1900000'), topDropReasons: [{ label: 'No budget', count: 120 }, { label: 'Chose a competitor', count: 60 }, { label: 'Went silent', count: 30 }] },
    { label: 'Described the task', count: 570, amount: eur('1300000'), topDropReasons: [{ label: 'Never described requirements', count: 200 }, { label: 'Went silent', count: 60 }] },
    { label: 'Received the proposal', count: 310, amount: eur('820000'), topDropReasons: [{ label: 'Too expensive', count: 90 }, { label: 'Chose a competitor', count: 60 }] },
    { label: 'Accepted the invoice', count: 160, amount: eur('410000'), topDropReasons: [{ label: 'Payment delayed', count: 36 }] },
    { label: 'Paid', count: 124, amount: eur('305000.50') },
  ],
};

export const segmentSample: SegmentComparisonChartData = {
  title: 'Inbound vs outbound vs partners',
  subtitle: 'Same stages, same period · ★ = step conversion differs from Inbound (two-proportion test)',
  stages: ['Left a request', 'Picked up the callback', 'Received the proposal', 'Accepted the invoice', 'Paid'],
  segments: [
    { label: 'Inbound', counts: [520, 450, 210, 110, 90] },
    { label: 'Outbound', counts: [380, 240, 70, 34, 22], significant: [false, true, true, false, false], pValues: [null, 0.001, 0.003, 0.4, 0.7] },
    { label: 'Partners', counts: [100, 90, 30, 16, 12], significant: [false, false, false, false, false] },
  ],
};

export const dropOffSample: DropOffChartData = {
  subtitle: 'Deals lost after each stage, by the customer action that did not happen',
  stages: [
    { label: 'Left a request', reached: 1000, reasons: [{ label: 'Never reached by phone', count: 180 }, { label: 'Spam', count: 40 }] },
    { label: 'Picked up the callback', reached: 780, reasons: [{ label: 'No budget', count: 120 }, { label: 'Chose a competitor', count: 60 }], unknown: 30 },
    { label: 'Described the task', reached: 570, reasons: [{ label: 'Never described requirements', count: 200 }], unknown: 60 },
    { label: 'Received the proposal', reached: 310, reasons: [{ label: 'Too expensive', count: 90 }, { label: 'Chose a competitor', count: 60 }] },
    { label: 'Accepted the invoice', reached: 160, reasons: [{ label: 'No budget', count: 20 }], unknown: 16 },
  ],
};

export const timeInStageSample: TimeInStageChartData = {
  subtitle: 'Completed stays, Jan–Jun 2026',
  stages: [
    { label: 'Left a request', median: 0.8, p25: 0.2, p75: 2, p90: 4, n: 1000, stallAfter: 3 },
    { label: 'Picked up the callback', median: 3, p25: 1, p75: 6, p90: 11, n: 780, stallAfter: 10 },
    { label: 'Described the task', median: 7, p25: 3, p75: 12, p90: 20, n: 570, stallAfter: 14 },
    { label: 'Received the proposal', median: 12, p25: 6, p75: 21, p90: 35, n: 310, stallAfter: 21 },
    { label: 'Accepted the invoice', median: 4, p25: 2, p75: 8, p90: 15, n: 160, stallAfter: 10 },
  ],
};

export const stuckSample: StuckDealsChartData = {
  subtitle: 'Open deals past their stage threshold, as of 2026-07-01',
  stages: [
    { label: 'Left a request', stuck: 6, open: 40, thresholdDays: 3 },
    { label: 'Picked up the callback', stuck: 14, open: 55, thresholdDays: 10, amount: eur('140000') },
    { label: 'Described the task', stuck: 22, open: 61, thresholdDays: 14, amount: eur('260000') },
    { label: 'Received the proposal', stuck: 18, open: 34, thresholdDays: 21, amount: eur('310000') },
    { label: 'Accepted the invoice', stuck: 0, open: 9, thresholdDays: 10 },
  ],
};

function km(days: number[], k: number): { time: number; value: number; lower: number; upper: number }[] {
  return days.map((d) => {
    const v = Math.exp(-d / k);
    const half = 0.04 + 0.0025 * d;
    return { time: d, value: v, lower: Math.max(0, v - half), upper: Math.min(1, v + half) };
  });
}

export const survivalSample: SurvivalChartData = {
  mode: 'survival',
  subtitle: 'Kaplan–Meier estimate, open deals censored at 2026-07-01 · band: 95% confidence',
  series: [
    { label: 'Inbound', points: km([0, 5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 90], 32) },
    { label: 'Outbound', points: km([0, 5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 90], 55) },
  ],
  marker: { time: 25, label: 'median 25 days' },
};

export const incidenceSample: SurvivalChartData = {
  mode: 'incidence',
  subtitle: 'Cumulative incidence with competing risks',
  series: [
    { label: 'Won', tone: 'positive', points: [0, 10, 20, 30, 45, 60, 90].map((d) => ({ time: d, value: 0.14 * (1 - Math.exp(-d / 25)) })) },
    { label: 'Lost', tone: 'negative', points: [0, 10, 20, 30, 45, 60, 90].map((d) => ({ time: d, value: 0.7 * (1 - Math.exp(-d / 20)) })) },
  ],
};

export const fanSample: ForecastFanChartData = {
  title: 'Revenue forecast, next 6 months',
  subtitle: 'Monte Carlo over open deals and new-lead rate · 10,000 runs, seed 7',
  currency: 'EUR',
  target: 330000,
  targetLabel: 'Quota',
  points: [
    { label: 'Jan', p10: 240000, p25: 262000, p50: 281000, p75: 300000, p90: 318000, actual: 276000 },
    { label: 'Feb', p10: 235000, p25: 259000, p50: 282000, p75: 306000, p90: 329000, actual: 301000 },
    { label: 'Mar', p10: 230000, p25: 260000, p50: 288000, p75: 317000, p90: 344000, actual: 251000 },
    { label: 'Apr', p10: 228000, p25: 262000, p50: 293000, p75: 326000, p90: 358000 },
    { label: 'May', p10: 224000, p25: 263000, p50: 299000, p75: 336000, p90: 373000 },
    { label: 'Jun', p10: 220000, p25: 265000, p50: 305000, p75: 347000, p90: 390000 },
  ],
};

export const trendSample: TrendChartData = {
  subtitle: 'Request → Paid, by month the deal was created',
  series: [
    {
      label: 'Inbound',
      points: [
        { period: '2026-01', value: 0.18, n: 90 },
        { period: '2026-02', value: 0.2, n: 85 },
        { period: '2026-03', value: 0.17, n: 88 },
        { period: '2026-04', value: 0.19, n: 92 },
        { period: '2026-05', value: 0.11, n: 80, inProgress: true },
        { period: '2026-06', value: 0.04, n: 85, inProgress: true },
      ],
    },
    {
      label: 'Outbound',
      points: [
        { period: '2026-01', value: 0.07, n: 60 },
        { period: '2026-02', value: 0.06, n: 66 },
        { period: '2026-03', value: 0.08, n: 61 },
        { period: '2026-04', value: 0.055, n: 70 },
        { period: '2026-05', value: 0.03, n: 58, inProgress: true },
        { period: '2026-06', value: 0.01, n: 65, inProgress: true },
      ],
    },
  ],
};

/** Every chart with its sample input (the survival chart twice: survival and incidence). */
export const ALL: ChartInput[] = [
  { chart: 'funnel', data: funnelSample },
  { chart: 'segmentComparison', data: segmentSample },
  { chart: 'dropOff', data: dropOffSample },
  { chart: 'timeInStage', data: timeInStageSample },
  { chart: 'stuckDeals', data: stuckSample },
  { chart: 'survival', data: survivalSample },
  { chart: 'survival', data: incidenceSample },
  { chart: 'forecastFan', data: fanSample },
  { chart: 'trend', data: trendSample },
];

/** A complete report input built from the samples. */
export const reportSample: ReportInput = {
  title: 'Pipeline report',
  subtitle: 'Sample B2B pipeline · deals created Jan–Jun 2026',
  generatedAt: '2026-07-01 09:00 UTC',
  rules: [
    { label: 'Counting basis', value: 'reached: a deal counts at every stage it reached, even if it skipped one' },
    { label: 'As of', value: '2026-07-01T00:00:00Z' },
  ],
  health: [
    { label: 'Open deals', value: 199, definition: 'Deals neither won nor lost at the as-of time.' },
    { label: 'Open pipeline', value: { amount: '1250000', currency: 'EUR' }, definition: 'Sum of the amounts of open deals.' },
    { label: 'Win rate', value: 0.155, format: 'percent', definition: 'Won ÷ (won + lost), over deals closed in the period.', note: '124 of 800 closed deals' },
    { label: 'Average time to close', value: 25, format: 'days', definition: 'Mean days from creation to won, over won deals.' },
  ],
  funnel: funnelSample,
  dropOff: dropOffSample,
  timeInStage: timeInStageSample,
  stuck: stuckSample,
  stuckDeals: [
    { deal: 'D-1042 <ACME & Co>', stage: 'Received the proposal', days: 48, amount: { amount: '42000', currency: 'EUR' }, note: 'owner: Ana' },
    { deal: 'D-0977', stage: 'Described the task', days: 31 },
  ],
  segments: segmentSample,
  paths: [
    { steps: ['Request', 'Callback', 'Task', 'Proposal', 'Invoice', 'Paid'], count: 96, winRate: 1 },
    { steps: ['Request', 'Proposal', 'Paid'], count: 28, winRate: 1 },
    { steps: ['Request', 'Callback', 'Lost'], count: 210, winRate: 0 },
  ],
  trend: trendSample,
  survival: survivalSample,
  forecast: fanSample,
  forecastMetrics: [{ label: 'Expected next month (P50)', value: { amount: '293000', currency: 'EUR' }, definition: 'Median of 10,000 simulated months.' }],
  currency: 'EUR',
  backtest: [
    { asOf: '2026-01-31', period: 'Feb 2026', p10: 235000, p50: 282000, p90: 329000, actual: 301000 },
    { asOf: '2026-02-28', period: 'Mar 2026', p10: 230000, p50: 288000, p90: 344000, actual: 251000 },
    { asOf: '2026-03-31', period: 'Apr 2026', p10: 228000, p50: 293000, p90: 358000, actual: 371000 },
  ],
};
