/**
 * Charts: draw a funnel, the drop-off by reason and a forecast fan as SVG strings, and the same
 * funnel as a Vega-Lite spec for a notebook. Writes nothing to disk: it returns the strings, so you
 * can put them in a page, an e-mail or a file yourself.
 * Run after `npm run build` with `npx tsx examples/charts.ts` (CI runs it through vitest).
 */
import { dropOffChart, forecastFanChart, funnelChart, toVegaLite, type FunnelChartData } from 'funnelwise';

export function main(): { funnel: string; dropOff: string; forecast: string; vegaLite: string } {
  // 200 new leads, 50 went all the way: 25% end to end.
  const funnel: FunnelChartData = {
    title: 'B2B pipeline, Q3',
    stages: [
      { label: 'Left a request on the site', count: 200, amount: { amount: '480000', currency: 'EUR' }, topDropReasons: [{ label: 'Never reached by phone', count: 40 }] },
      { label: 'Picked up the callback', count: 160, topDropReasons: [{ label: 'Never described the task', count: 32 }] },
      { label: 'Described the task', count: 128 },
      { label: 'Received the proposal', count: 80, topDropReasons: [{ label: 'Too expensive', count: 20 }] },
      { label: 'Paid', count: 50, amount: { amount: '120000', currency: 'EUR' } },
    ],
  };
  const svg = funnelChart(funnel, { width: 720, theme: { locale: 'de-DE' } });

  const dropOff = dropOffChart({
    stages: [
      { label: 'Request', reached: 200, reasons: [{ label: 'Never reached by phone', count: 40 }] },
      { label: 'Callback', reached: 160, reasons: [{ label: 'Never described the task', count: 32 }] },
      { label: 'Proposal', reached: 80, reasons: [{ label: 'Too expensive', count: 20 }], unknown: 10 },
    ],
  });

  // A team 20% short of target: the median is 96,000 against a 120,000 quota.
  const forecast = forecastFanChart({
    currency: 'EUR',
    target: 120000,
    targetLabel: 'Quota',
    points: [
      { label: 'Jul', p10: 70000, p50: 88000, p90: 110000, actual: 91000 },
      { label: 'Aug', p10: 72000, p50: 92000, p90: 118000, actual: 86000 },
      { label: 'Sep', p10: 71000, p50: 96000, p90: 126000 },
    ],
  });

  const spec = toVegaLite({ chart: 'funnel', data: funnel });
  return { funnel: svg, dropOff, forecast, vegaLite: JSON.stringify(spec) };
}

if (process.argv[1]?.endsWith('charts.ts')) {
  const out = main();
  console.log(Object.fromEntries(Object.entries(out).map(([k, v]) => [k, `${v.length} characters`])));
}
