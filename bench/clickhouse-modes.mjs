// ClickHouse windowFunnel compatibility check (not a timing): on seeded random small logs (ties, repeats,
// rows that match several steps, rows matching none), funnelwise's `clickhouse: [modes…]` levels must equal
// ClickHouse's own `windowFunnel(window, modes…)` through chdb (embedded ClickHouse), unit by unit, for every
// combination of the modes strict_deduplication, strict_order, strict_increase, strict_once, allow_reentry.
//
//   npm run build && node --preserve-symlinks bench/clickhouse-modes.mjs [--logs=200] [--seed=1]
//
// (--preserve-symlinks only when bench/node_modules is a symlink.) Prints the ClickHouse version, the number
// of unit results compared per mode set and any disagreement; exits 1 on a disagreement.
import { ActionLog, evaluateFunnelUnits } from '../dist/index.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true']; }));
const LOGS = Number(args.logs ?? 200);
const SEED = Number(args.seed ?? 1);

function sfc32(seed) {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => { const t = (((a + b) >>> 0) + d) >>> 0; d = (d + 1) >>> 0; a = b ^ (b >>> 9); b = (c + (c << 3)) >>> 0; c = (c << 21) | (c >>> 11); c = (c + t) >>> 0; return t / 4294967296; };
  for (let i = 0; i < 16; i++) next();
  return next;
}

const chdb = await import('chdb');
const session = new chdb.Session();
const version = session.query('SELECT version()', 'TSV').trim();

const ACTIONS = ['a', 'b', 'c', 'd', 'x'];
// step conditions: a step is an action or one of two actions (so one row can match several steps)
const STEP_CHOICES = [['a'], ['b'], ['c'], ['d'], ['a', 'b'], ['b', 'c']];
const MODE_SETS = [
  [],
  ['strict_deduplication'],
  ['strict_order'],
  ['strict_increase'],
  ['strict_once'],
  ['strict_order', 'allow_reentry'],
  ['strict_order', 'strict_deduplication'],
  ['strict_order', 'allow_reentry', 'strict_deduplication'],
  ['strict_once', 'strict_increase'],
  ['strict_once', 'strict_order'],
  ['strict_once', 'strict_deduplication'],
  ['strict_once', 'strict_order', 'allow_reentry'],
  ['strict_order', 'strict_increase', 'allow_reentry'],
];

const rnd = sfc32(SEED);
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
let compared = 0;
let failures = 0;
const perMode = new Map();
for (let l = 0; l < LOGS; l++) {
  const rows = [];
  const count = 1 + Math.floor(rnd() * 40);
  for (let i = 0; i < count; i++) rows.push({ unit: Math.floor(rnd() * 6), ts: Math.floor(rnd() * 12), action: pick(ACTIONS) });
  ACTIONS.forEach((a, i) => rows.push({ unit: 99, ts: i, action: a }));
  const nSteps = 1 + Math.floor(rnd() * 4);
  const steps = Array.from({ length: nSteps }, () => pick(STEP_CHOICES));
  const window = Math.floor(rnd() * 8);
  const log = ActionLog.fromColumns({ unit: rows.map((r) => r.unit), time: rows.map((r) => r.ts), action: rows.map((r) => r.action) });
  session.query('DROP TABLE IF EXISTS ev');
  // insertion order = row order (ClickHouse breaks ties between rows by their order)
  session.query(`CREATE TABLE ev (u Int32, ts UInt32, e String, i UInt32) ENGINE = Memory`);
  session.query(`INSERT INTO ev VALUES ${rows.map((r, i) => `(${r.unit}, ${r.ts}, '${r.action}', ${i})`).join(',')}`);
  const conds = steps.map((s) => `e IN (${s.map((a) => `'${a}'`).join(',')})`).join(', ');
  for (const modes of MODE_SETS) {
    const params = [String(window), ...modes.map((m) => `'${m}'`)].join(', ');
    const tsv = session.query(`SELECT u, windowFunnel(${params})(ts, ${conds}) FROM (SELECT * FROM ev ORDER BY i) GROUP BY u ORDER BY u SETTINGS max_threads = 1`, 'TSV');
    const theirs = new Map(tsv.trim().split('\n').filter(Boolean).map((line) => line.split('\t').map(Number)));
    const r = evaluateFunnelUnits(log, { steps: steps.map((s) => ({ action: s })), windowMs: window, clickhouse: modes.length === 0 ? true : modes });
    const key = modes.join('+') || 'default';
    for (let u = 0; u < log.unitCount; u++) {
      const ours = (r.deepest[u]) + 1;
      const want = theirs.get(log.unitKeys[u]);
      compared++;
      perMode.set(key, (perMode.get(key) ?? 0) + 1);
      if (ours !== want) {
        failures++;
        if (failures <= 10) {
          const mine = rows.filter((x) => x.unit === log.unitKeys[u]).map((x) => `${x.ts}:${x.action}`).join(' ');
          console.log(`DISAGREE modes=[${modes}] window=${window} steps=${JSON.stringify(steps)} unit=${log.unitKeys[u]} rows=${mine} funnelwise=${ours} clickhouse=${want}`);
        }
      }
    }
  }
}
console.log(`ClickHouse ${version} (chdb); ${LOGS} random logs; ${compared} unit results compared; ${failures} disagreements`);
for (const [k, v] of perMode) console.log(`  ${k.padEnd(50)} ${v} units`);
process.exit(failures === 0 ? 0 : 1);
