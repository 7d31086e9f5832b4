// Monte-Carlo revenue simulation: 1000 simulations × 70,000 open deals (target ≤ 250 ms), against a
// plain-JS reference loop (Math.random and an `if`) measured in the same run. Also the exact
// convolution and the survival-timed simulation. Run: npm run build && node bench/forecast.mjs
import { DealTable, defineFunnel, exactRevenueDistribution, forecastRevenue } from '../dist/index.js';

const N = 70_000;
const SIMS = 1000;
const funnel = defineFunnel({
  id: 'bench',
  name: 'Bench',
  stages: [
    { id: 'lead', name: 'Lead', probability: 0.1 },
    { id: 'qualified', name: 'Qualified', probability: 0.25 },
    { id: 'proposal', name: 'Proposal', probability: 0.5 },
    { id: 'negotiation', name: 'Negotiation', probability: 0.8 },
    { id: 'won', name: 'Won', category: 'won' },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
});
// deterministic inputs: 70k open deals plus 30k closed ones for the survival model
let s = 12345;
const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
const DAY = 86_400_000;
const now = Date.parse('2026-03-20T00:00:00Z');
const M = N + 30_000;
const stage = [];
const createdAt = new Float64Array(M);
const closedAt = new Float64Array(M).fill(Number.NaN);
const amountMinor = new Float64Array(M);
const lostAtStage = [];
for (let i = 0; i < M; i++) {
  createdAt[i] = now - Math.floor(rnd() * 200) * DAY;
  amountMinor[i] = 100_00 + Math.floor(rnd() * 50_000_00);
  if (i < N) {
    stage.push(['lead', 'qualified', 'proposal', 'negotiation'][Math.floor(rnd() * 4)]);
    lostAtStage.push(null);
  } else {
    const won = rnd() < 0.3;
    stage.push(won ? 'won' : 'lost');
    lostAtStage.push(won ? null : ['lead', 'qualified', 'proposal', 'negotiation'][Math.floor(rnd() * 4)]);
    closedAt[i] = Math.min(now, createdAt[i] + Math.floor(1 + rnd() * 90) * DAY);
  }
}
const table = DealTable.fromColumns({ dealIds: Array.from({ length: M }, (_, i) => `d${i}`), createdAt, closedAt, stage, lostAtStage, amountMinor, currencyIndex: new Int32Array(M), currencies: ['EUR'] }, funnel);

function time(fn, reps = 5) {
  const t = [];
  let out;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    out = fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { ms: t[Math.floor(reps / 2)], out };
}

// reference: the textbook loop with Math.random and an if, same sizes, over typed arrays
const probs = new Float64Array(N);
const amounts = new Float64Array(N);
const P = { lead: 0.1, qualified: 0.25, proposal: 0.5, negotiation: 0.8 };
for (let i = 0; i < N; i++) {
  probs[i] = P[stage[i]];
  amounts[i] = amountMinor[i];
}
const ref = time(() => {
  const totals = new Float64Array(SIMS);
  for (let k = 0; k < SIMS; k++) {
    let t = 0;
    for (let i = 0; i < N; i++) if (Math.random() < probs[i]) t += amounts[i];
    totals[k] = t;
  }
  return totals;
}, 3);

const mc = time(() => forecastRevenue(table, { now, timing: false, simulations: SIMS, seed: 1 }));
const learned = time(() => forecastRevenue(table, { now, timing: false, probabilities: 'odoo', simulations: SIMS, seed: 1 }), 3);
const learnedNone = time(() => forecastRevenue(table, { now, timing: false, probabilities: 'odoo', simulations: SIMS, seed: 1, uncertainty: 'none' }), 3);
const timed = time(() => forecastRevenue(table, { now, until: now + 30 * DAY, simulations: SIMS, seed: 1 }), 3);
const timedNone = time(() => forecastRevenue(table, { now, until: now + 30 * DAY, simulations: SIMS, seed: 1, uncertainty: 'none' }), 3);
const exact = time(() => exactRevenueDistribution(table, { now }), 3);

console.log(`open deals ${N}, simulations ${SIMS} (median of runs)`);
console.log(`forecastRevenue, no timing (whole call)      ${mc.ms.toFixed(1)} ms   target ≤ 250 ms   mean ${mc.out.mean.amount} P10 ${mc.out.p10.amount} P90 ${mc.out.p90.amount}`);
console.log(`reference loop (Math.random + if)             ${ref.ms.toFixed(1)} ms   ratio funnelwise/reference ${(mc.ms / ref.ms).toFixed(2)}`);
console.log(`forecastRevenue, Odoo probabilities, parameter uncertainty  ${learned.ms.toFixed(1)} ms   P10 ${learned.out.p10.amount} P90 ${learned.out.p90.amount}`);
console.log(`forecastRevenue, Odoo probabilities, uncertainty 'none'       ${learnedNone.ms.toFixed(1)} ms   P10 ${learnedNone.out.p10.amount} P90 ${learnedNone.out.p90.amount}`);
const pe = timed.out.basis.periodEffect;
console.log(`forecastRevenue, survival timing (30 days), default 'full' (bootstrap + period effect ${pe?.ok ? `τ̂ ${pe.sd.toFixed(3)}` : pe === null ? 'none' : `insufficient history: ${pe.n} periods`})  ${timed.ms.toFixed(1)} ms   mean ${timed.out.mean.amount} P10 ${timed.out.p10.amount} P90 ${timed.out.p90.amount} cells ${timed.out.basis.cells}`);
console.log(`forecastRevenue, survival timing (30 days), uncertainty 'none'      ${timedNone.ms.toFixed(1)} ms   mean ${timedNone.out.mean.amount} P10 ${timedNone.out.p10.amount} P90 ${timedNone.out.p90.amount}`);
console.log(`exactRevenueDistribution (${exact.out.basis.exact ? 'exact' : `bucketed, step ${exact.out.basis.step.amount}, max error ${exact.out.basis.maxError.amount}`})  ${exact.ms.toFixed(1)} ms   mean ${exact.out.mean.amount} P10 ${exact.out.quantiles[0].amount.amount} P90 ${exact.out.quantiles[2].amount.amount}`);
