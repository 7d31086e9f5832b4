// Backtest on the Maven CRM dataset (../shared/datasets/maven-crm-sales-opportunities): six month-end
// origins, next-month won revenue, every forecaster; prints the accuracy table.
// Run: npm run build && node bench/forecast-accuracy.mjs [uncertainty: full|parameters|none] [periodEffect: wins|forecastErrors|<sd>]
import { readFileSync } from 'node:fs';
import { backtest, defineFunnel, loadDealsCsv } from '../dist/index.js';

const file = new URL('../../shared/datasets/maven-crm-sales-opportunities/sales_pipeline.csv', import.meta.url);
const funnel = defineFunnel({
  id: 'maven',
  name: 'Maven CRM',
  stages: [
    { id: 'prospecting', name: 'Prospecting', probability: 0.1 },
    { id: 'engaging', name: 'Engaging', probability: 0.5 },
    { id: 'won', name: 'Won', category: 'won' },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
});
const { table } = loadDealsCsv(readFileSync(file, 'utf8'), {
  funnel,
  shape: 'deal',
  currency: 'USD',
  undatedAt: '2017-12-31',
  columns: { id: 'opportunity_id', stage: 'deal_stage', stageDates: { engaging: 'engage_date' }, closedAt: 'close_date', amount: 'close_value', attributes: ['sales_agent', 'product', 'account'] },
});
const t0 = performance.now();
const uncertainty = process.argv[2] ?? 'full';
const periodEffect = process.argv[3] === undefined ? 'wins' : Number.isNaN(Number(process.argv[3])) ? process.argv[3] : Number(process.argv[3]);
const r = backtest(table, { months: 6, simulations: 1000, seed: 1, openAmount: 'meanWon', uncertainty, periodEffect });
const ms = performance.now() - t0;
const pct = (v) => (v === null ? '   —  ' : `${(v * 100).toFixed(1).padStart(5)}%`);
console.log(`survival forecaster: uncertainty ${uncertainty}, periodEffect ${periodEffect}`);
console.log(`Maven CRM, ${table.size} deals, origins ${r.basis.origins.map((o) => o.slice(0, 7)).join(', ')}; next-month won revenue; open deals valued at the mean won amount (${ms.toFixed(0)} ms)`);
console.log('forecaster           WAPE    MAPE    bias   P10–P90 coverage   pinball p50 (USD)');
for (const a of r.accuracy) {
  console.log(`${a.forecaster.padEnd(18)} ${pct(a.wape)} ${pct(a.mape)} ${pct(a.bias)}   ${a.coverage === null ? '   —  ' : pct(a.coverage)}          ${a.pinball.p50 === null ? '—' : (a.pinball.p50 / 100).toFixed(0)}`);
}
console.log(`best: ${r.best?.forecaster} (WAPE ${pct(r.best?.wape ?? null)}; ${(((1 - (r.best?.ratioToRunnerUp ?? 1)) * 100)).toFixed(0)}% lower than ${r.best?.runnerUp})`);
console.log('\norigin      actual     ' + r.origins[0].forecasts.map((f) => f.forecaster.padStart(18)).join(''));
for (const o of r.origins) console.log(`${o.at.slice(0, 10)}  ${o.actual.amount.padStart(11)}` + o.forecasts.map((f) => f.point.amount.padStart(18)).join(''));
console.log('\ndeal-level win probabilities: forecaster, outcome, deals, Brier, log loss');
for (const p of r.probabilities) console.log(`${p.forecaster.padEnd(18)} ${p.outcome.padEnd(12)} ${String(p.deals).padStart(6)}  ${p.brier?.toFixed(4)}  ${p.logLoss?.toFixed(4)}`);
