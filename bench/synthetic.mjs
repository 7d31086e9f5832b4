// Speed of the synthetic generator, segment assignment and lead scoring on the built package.
// Reference measured in the same run: JSON round-trip (stringify + parse) of the same actions — the
// cost of merely materialising that many plain objects. Run: npm run build && node bench/synthetic.mjs
import { assignSegment, generateB2BDataset, scoreLead } from '../dist/index.js';

const DEALS = Number(process.argv[2] ?? 3000);
const RUNS = 7;

function median(fn) {
  const times = [];
  let out;
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    out = fn(i);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { ms: times[RUNS >> 1], out };
}

generateB2BDataset({ deals: 200 }); // warm-up
const gen = median((i) => generateB2BDataset({ seed: i + 1, deals: DEALS }));
const ds = gen.out;
const ref = median(() => JSON.parse(JSON.stringify(ds.actions)));

const byLead = new Map();
for (const a of ds.actions) {
  const list = byLead.get(a.leadId);
  if (list === undefined) byLead.set(a.leadId, [a]);
  else list.push(a);
}
const leads = [...byLead.values()];
const assign = median(() => {
  let n = 0;
  for (const actions of leads) if (assignSegment(ds.segments, { actions }, { defaultSegmentId: 'standard' }).segmentId === 'hot') n++;
  return n;
});
const model = ds.funnel.scoring;
const score = median(() => {
  let s = 0;
  for (const actions of leads) s += scoreLead(model, { actions }, { now: ds.now }).score;
  return s;
});

const row = (name, ms, per) => console.log(`${name.padEnd(34)} ${ms.toFixed(1).padStart(8)} ms  ${per}`);
console.log(`synthetic: ${DEALS} deals, ${ds.actions.length} actions, ${leads.length} leads (median of ${RUNS} runs)`);
row('generateB2BDataset', gen.ms, `${Math.round(ds.actions.length / (gen.ms / 1000)).toLocaleString('en-US')} actions/s`);
row('reference: JSON round-trip of actions', ref.ms, `generator / reference = ${(gen.ms / ref.ms).toFixed(2)}`);
row('assignSegment per lead', assign.ms, `${Math.round(leads.length / (assign.ms / 1000)).toLocaleString('en-US')} leads/s`);
row('scoreLead per lead', score.ms, `${Math.round(leads.length / (score.ms / 1000)).toLocaleString('en-US')} leads/s`);
