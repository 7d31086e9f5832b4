// Monte-Carlo revenue simulation: 1000 simulations × 70,000 open deals (target ≤ 250 ms), against a
// plain-JS reference loop (Math.random and an `if`) measured in the same run. Also the exact
// convolution and the survival-timed simulation, on a table without stage history and on a seeded
// synthetic table with stage histories (~70k open deals, ~45k closed).
// Run: npm run build && node bench/forecast.mjs [case ...]   (cases: mc ref odoo timed history exact;
// default all). FUNNELWISE_DIST=/path/to/dist/index.js measures another build (before/after runs).
// Each line: median wall time and median CPU time of the process (user + system; on a shared
// machine the CPU time is the steadier figure), with the load average at the start.
import os from 'node:os';
import { pathToFileURL } from 'node:url';

const dist = process.env.FUNNELWISE_DIST ? pathToFileURL(process.env.FUNNELWISE_DIST).href : '../dist/index.js';
const { DealTable, defineFunnel, exactRevenueDistribution, forecastRevenue } = await import(dist);

const N = 70_000;
const SIMS = 1000;
const cases = new Set(process.argv.slice(2));
const want = (name) => cases.size === 0 || cases.has(name);
const stageIds = ['lead', 'qualified', 'proposal', 'negotiation'];
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
// deterministic inputs: 70k open deals plus 30k closed ones for the survival model (no stage history)
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
    stage.push(stageIds[Math.floor(rnd() * 4)]);
    lostAtStage.push(null);
  } else {
    const won = rnd() < 0.3;
    stage.push(won ? 'won' : 'lost');
    lostAtStage.push(won ? null : stageIds[Math.floor(rnd() * 4)]);
    closedAt[i] = Math.min(now, createdAt[i] + Math.floor(1 + rnd() * 90) * DAY);
  }
}
const table = DealTable.fromColumns({ dealIds: Array.from({ length: M }, (_, i) => `d${i}`), createdAt, closedAt, stage, lostAtStage, amountMinor, currencyIndex: new Int32Array(M), currencies: ['EUR'] }, funnel);

/**
 * A seeded synthetic pipeline with stage histories: deals created over the last 400 days walk
 * lead → qualified → proposal → negotiation → won, each step after 1–301 days (fractional, mostly short), lost at a
 * stage with probability 0.3 (0.35 in negotiation); a deal whose next move falls after `now` is open.
 */
function historyTable(deals, seed) {
  let h = seed >>> 0;
  const r = () => ((h = (Math.imul(h, 1664525) + 1013904223) >>> 0) / 4294967296);
  const created = new Float64Array(deals);
  const amount = new Float64Array(deals);
  const current = new Int32Array(deals);
  const hd = [];
  const hf = [];
  const ht = [];
  const ha = [];
  for (let i = 0; i < deals; i++) {
    const c = now - Math.floor(r() * 400 * DAY);
    created[i] = c;
    amount[i] = 100_00 + Math.floor(r() * r() * 100_000_00);
    let t = c;
    let from = -1;
    for (let k = 0; ; k++) {
      if (k === 0) {
        hd.push(i), hf.push(-1), ht.push(0), ha.push(t);
        from = 0;
        continue;
      }
      const next = t + (1 + r() * r() * 300) * DAY;
      current[i] = from;
      if (next > now) break; // still open in `from`
      const lose = r() < (from === 3 ? 0.35 : 0.3);
      const to = lose ? 5 : from === 3 ? 4 : from + 1;
      hd.push(i), hf.push(from), ht.push(to), ha.push(next);
      t = next;
      current[i] = to;
      if (to >= 4) break;
      from = to;
    }
  }
  return DealTable.fromColumns(
    { dealIds: Array.from({ length: deals }, (_, i) => `h${i}`), createdAt: created, stage: current, amountMinor: amount, currencyIndex: new Int32Array(deals), currencies: ['EUR'], history: { deal: hd, from: hf, to: ht, at: ha } },
    funnel,
  );
}

function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
function time(fn, reps = 5) {
  const wall = [];
  const cpu = [];
  let out;
  for (let r = 0; r < reps; r++) {
    const c0 = cpuMs();
    const t0 = performance.now();
    out = fn();
    wall.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
  }
  const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(reps / 2)];
  return { ms: med(wall), cpu: med(cpu), first: wall[0], out };
}
const fmt = (t) => `${t.ms.toFixed(1)} ms (cpu ${t.cpu.toFixed(1)}, first call ${t.first.toFixed(1)})`;

console.log(`open deals ${N}, simulations ${SIMS} (median of runs); load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${dist}`);
let mc;
if (want('mc')) {
  mc = time(() => forecastRevenue(table, { now, timing: false, simulations: SIMS, seed: 1 }));
  console.log(`forecastRevenue, no timing (whole call)      ${fmt(mc)}   target ≤ 250 ms   mean ${mc.out.mean.amount} P10 ${mc.out.p10.amount} P90 ${mc.out.p90.amount}`);
  const none = time(() => forecastRevenue(table, { now, timing: false, simulations: SIMS, seed: 1, uncertainty: 'none' }));
  console.log(`forecastRevenue, no timing, uncertainty 'none' (configured probabilities: the same simulation)  ${fmt(none)}`);
}
if (want('ref')) {
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
  console.log(`reference loop (Math.random + if)             ${fmt(ref)}${mc === undefined ? '' : `   ratio funnelwise/reference ${(mc.ms / ref.ms).toFixed(2)} (cpu ${(mc.cpu / ref.cpu).toFixed(2)})`}`);
}
if (want('odoo')) {
  const learned = time(() => forecastRevenue(table, { now, timing: false, probabilities: 'odoo', simulations: SIMS, seed: 1 }), 3);
  const learnedNone = time(() => forecastRevenue(table, { now, timing: false, probabilities: 'odoo', simulations: SIMS, seed: 1, uncertainty: 'none' }), 3);
  console.log(`forecastRevenue, Odoo probabilities, parameter uncertainty  ${fmt(learned)}   P10 ${learned.out.p10.amount} P90 ${learned.out.p90.amount}`);
  console.log(`forecastRevenue, Odoo probabilities, uncertainty 'none'       ${fmt(learnedNone)}   P10 ${learnedNone.out.p10.amount} P90 ${learnedNone.out.p90.amount}`);
}
/** The uncertainty of a default ('full') run: the bootstrap plus the learned period effect. */
const full = (r) => {
  const pe = r.basis.periodEffect;
  return `default 'full' (bootstrap + period effect ${pe?.ok ? `τ̂ ${pe.sd.toFixed(3)}` : pe === null || pe === undefined ? 'none' : `insufficient history: ${pe.n} periods`})`;
};
if (want('timed')) {
  const timed = time(() => forecastRevenue(table, { now, until: now + 30 * DAY, simulations: SIMS, seed: 1 }), 3);
  const timedNone = time(() => forecastRevenue(table, { now, until: now + 30 * DAY, simulations: SIMS, seed: 1, uncertainty: 'none' }), 3);
  console.log(`forecastRevenue, survival timing (30 days), ${full(timed.out)}  ${fmt(timed)}   expected ${timed.out.expectedFromOpen.amount} mean ${timed.out.mean.amount} P10 ${timed.out.p10.amount} P90 ${timed.out.p90.amount} cells ${timed.out.basis.cells}`);
  console.log(`forecastRevenue, survival timing (30 days), uncertainty 'none'      ${fmt(timedNone)}   expected ${timedNone.out.expectedFromOpen.amount} mean ${timedNone.out.mean.amount} P10 ${timedNone.out.p10.amount} P90 ${timedNone.out.p90.amount}`);
}
if (want('history')) {
  const c0 = performance.now();
  const ht = historyTable(150_000, 7);
  const build = performance.now() - c0;
  const open = ht.openDeals.length;
  const timed = time(() => forecastRevenue(ht, { now, until: now + 30 * DAY, simulations: SIMS, seed: 1 }), 3);
  const timedNone = time(() => forecastRevenue(ht, { now, until: now + 30 * DAY, simulations: SIMS, seed: 1, uncertainty: 'none' }), 3);
  console.log(`synthetic history: ${ht.size} deals, ${open} open, ${ht.histStart[ht.size]} history rows (built in ${build.toFixed(0)} ms)`);
  console.log(`forecastRevenue with stage histories, survival timing (30 days), ${full(timed.out)}  ${fmt(timed)}   expected ${timed.out.expectedFromOpen.amount} mean ${timed.out.mean.amount} P10 ${timed.out.p10.amount} P90 ${timed.out.p90.amount} new ${timed.out.expectedFromNew.amount} cells ${timed.out.basis.cells}`);
  console.log(`forecastRevenue with stage histories, survival timing (30 days), 'none'      ${fmt(timedNone)}   expected ${timedNone.out.expectedFromOpen.amount} mean ${timedNone.out.mean.amount} P10 ${timedNone.out.p10.amount} P90 ${timedNone.out.p90.amount}`);
}
if (want('exact')) {
  const exact = time(() => exactRevenueDistribution(table, { now }), 3);
  console.log(`exactRevenueDistribution (${exact.out.basis.exact ? 'exact' : `bucketed, step ${exact.out.basis.step.amount}, max error ${exact.out.basis.maxError.amount}`})  ${fmt(exact)}   mean ${exact.out.mean.amount} P10 ${exact.out.quantiles[0].amount.amount} P90 ${exact.out.quantiles[2].amount.amount}`);
}
