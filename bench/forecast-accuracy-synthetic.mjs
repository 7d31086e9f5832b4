// Backtest on the built-in synthetic B2B dataset (generateB2BDataset, replayed through its funnel):
// month-end origins, next-month won revenue, every forecaster; prints the accuracy table.
// Run: npm run build && node bench/forecast-accuracy-synthetic.mjs [seed] [deals] [uncertainty: full|parameters|none] [periodEffect: wins|forecastErrors|<sd>]
import { backtest, DealTable, generateB2BDataset, replayB2BDataset } from '../dist/index.js';

const seed = Number(process.argv[2] ?? 7);
const deals = Number(process.argv[3] ?? 3000);
const ds = generateB2BDataset({ seed, deals });
const result = replayB2BDataset(ds, { through: 'general' });
const table = DealTable.fromRows(result.deals, ds.funnel);
const t0 = performance.now();
const uncertainty = process.argv[4] ?? 'full';
const periodEffect = process.argv[5] === undefined ? 'wins' : Number.isNaN(Number(process.argv[5])) ? process.argv[5] : Number(process.argv[5]);
const r = backtest(table, { months: 4, simulations: 1000, seed: 1, uncertainty, periodEffect });
const ms = performance.now() - t0;
const pct = (v) => (v === null ? '   —  ' : `${(v * 100).toFixed(1).padStart(6)}%`);
console.log(`survival forecaster: uncertainty ${uncertainty}, periodEffect ${periodEffect}`);
console.log(`synthetic B2B (seed ${seed}, ${table.size} deals, now ${ds.now}), origins ${r.basis.origins.map((o) => o.slice(0, 7)).join(', ')}; next-month won revenue (${ms.toFixed(0)} ms)`);
console.log('forecaster            WAPE     MAPE     bias   P10–P90 coverage');
for (const a of r.accuracy) console.log(`${a.forecaster.padEnd(18)} ${pct(a.wape)} ${pct(a.mape)} ${pct(a.bias)}   ${a.coverage === null ? '   —  ' : pct(a.coverage)}`);
console.log(`best: ${r.best?.forecaster} (WAPE ${pct(r.best?.wape ?? null)}; runner-up ${r.best?.runnerUp}, ratio ${r.best?.ratioToRunnerUp?.toFixed(2)})`);
console.log('\norigin      actual     ' + r.origins[0].forecasts.map((f) => f.forecaster.padStart(18)).join(''));
for (const o of r.origins) console.log(`${o.at.slice(0, 10)}  ${o.actual.amount.padStart(11)}` + o.forecasts.map((f) => f.point.amount.padStart(18)).join(''));
console.log('\ndeal-level win probabilities: forecaster, outcome, deals, Brier, log loss');
for (const p of r.probabilities) console.log(`${p.forecaster.padEnd(18)} ${p.outcome.padEnd(12)} ${String(p.deals).padStart(6)}  ${p.brier?.toFixed(4)}  ${p.logLoss?.toFixed(4)}`);
