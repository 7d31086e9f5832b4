// Event-funnel benchmark: funnelwise vs DuckDB (@duckdb/node-api) vs ClickHouse (chdb, embedded), same
// seeded synthetic logs, same run. Prints times, ratios, peak memory, and checks identical step counts.
//
//   npm run build && (cd bench && npm install) && node bench/event-funnel.mjs [--sizes=1e6,1e7] [--no-duckdb] [--no-chdb]
//   (when bench/node_modules is a symlink to a shared install, run with NODE_PRESERVE_SYMLINKS=1 so the
//   engines' own dependencies resolve)
//
// The 5-step ordered 7-day funnel visit → signup → request → proposal → paid is computed with
// ClickHouse windowFunnel default semantics by all three engines (funnelwise: `clickhouse: true`); the
// funnelwise default (PostHog rules) is timed too. Both also run on two threads (`funnelwise/threads`:
// the calling thread and one worker, each on half the units). The counts-only report (`times: false`,
// no step times: what windowFunnel and the DuckDB query compute) is timed on 1 and 2 threads too, and
// checked to give the same counts as the full report. Timings are medians after warm-up runs;
// CPU time (process.cpuUsage, all threads of this process) is printed next to the funnelwise times.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ActionLog, eventFunnel } from '../dist/index.js';
import { createFunnelThreads } from '../dist/threads.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true']; }));
const SIZES = (args.sizes ?? '1e6,1e7').split(',').map(Number);
const DAY = 24 * 3600 * 1000;
const WINDOW = 7 * DAY;
const NAMES = ['visit', 'signup', 'request', 'proposal', 'paid', 'page.viewed', 'email.opened', 'email.clicked', 'doc.downloaded', 'chat.started', 'call.answered', 'demo.booked', 'pricing.viewed', 'login', 'logout', 'support.ticket'];
const STEPS = NAMES.slice(0, 5);

// ---- seeded data -------------------------------------------------------------------------------
function sfc32(seed) {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => { const t = (((a + b) >>> 0) + d) >>> 0; d = (d + 1) >>> 0; a = b ^ (b >>> 9); b = (c + (c << 3)) >>> 0; c = (c << 21) | (c >>> 11); c = (c + t) >>> 0; return t / 4294967296; };
  for (let i = 0; i < 16; i++) next();
  return next;
}

/**
 * ~10 events per unit over 30 days. Each event is noise (45%) or the unit's next funnel action (it
 * advances with a stage-dependent probability, else repeats an earlier step). Rows are emitted in
 * time order (bucketed by minute) with 0.5% late arrivals (moved up to ~1 day later in the log).
 */
function generate(n, seed = 42) {
  const rnd = sfc32(seed);
  const units = Math.max(1, Math.round(n / 10));
  const t0 = Date.UTC(2026, 0, 1);
  const unit = new Int32Array(n), time = new Float64Array(n), action = new Uint8Array(n);
  const adv = [0.9, 0.6, 0.55, 0.3, 0.5];
  let i = 0;
  for (let u = 0; u < units && i < n; u++) {
    let t = t0 + Math.floor(rnd() * 30 * DAY);
    let stage = 0;
    const k = u === units - 1 ? n - i : Math.min(n - i, 5 + Math.floor(rnd() * 11));
    for (let j = 0; j < k; j++) {
      unit[i] = u * 7 + 3; // sparse-ish ids
      time[i] = t;
      const r = rnd();
      if (r < 0.45) action[i] = 5 + Math.floor(rnd() * 11);
      else if (stage < 5 && rnd() < adv[stage]) action[i] = stage++;
      else action[i] = stage === 0 ? 0 : Math.floor(rnd() * stage);
      t += Math.floor(-Math.log(1 - rnd()) * 14 * 3600 * 1000);
      i++;
    }
  }
  // emit in time order: counting sort by minute bucket
  const minT = t0, buckets = Math.ceil((62 * DAY) / 60000) + 2;
  const cnt = new Int32Array(buckets + 1);
  const bucketOf = (t) => Math.min(buckets - 1, Math.floor((t - minT) / 60000));
  for (let r = 0; r < n; r++) cnt[bucketOf(time[r]) + 1]++;
  for (let b = 0; b < buckets; b++) cnt[b + 1] += cnt[b];
  const U = new Int32Array(n), T = new Float64Array(n), A = new Uint8Array(n);
  for (let r = 0; r < n; r++) { const p = cnt[bucketOf(time[r])]++; U[p] = unit[r]; T[p] = time[r]; A[p] = action[r]; }
  // late arrivals
  for (let r = 0; r < n; r++) {
    if (rnd() < 0.005) {
      const s = Math.min(n - 1, r + 1 + Math.floor(rnd() * (n / 30)));
      [U[r], U[s]] = [U[s], U[r]]; [T[r], T[s]] = [T[s], T[r]]; [A[r], A[s]] = [A[s], A[r]];
    }
  }
  return { unit: U, time: T, action: A, units };
}

// ---- helpers -------------------------------------------------------------------------------------
const now = () => Number(process.hrtime.bigint()) / 1e6;
async function timeIt(fn, runs, warm) {
  for (let i = 0; i < warm; i++) await fn();
  const xs = [];
  let last;
  for (let i = 0; i < runs; i++) { const t = now(); last = await fn(); xs.push(now() - t); }
  xs.sort((a, b) => a - b);
  return { ms: xs[xs.length >> 1], min: xs[0], max: xs[xs.length - 1], result: last };
}
const mb = (b) => Math.round(b / 1048576);
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const countsOfLevels = (levels) => STEPS.map((_, k) => levels.reduce((s, [lvl, c]) => s + (lvl >= k + 1 ? c : 0), 0));

// ---- child mode: measure ingest + funnel peak memory in a fresh process ------------------------------
// The peak is this process's own high-water mark (VmHWM, Linux). getrusage's maxRSS is not: a spawned
// child starts with its parent's resident size at the fork as its maximum (the parent holds the generated
// log, ~380 MB at 10M), which hid the child's own peak; maxRSS is the fallback elsewhere.
const peakRssMB = () => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Math.round(Number(m[1]) / 1024);
  } catch {}
  return Math.round(process.resourceUsage().maxRSS / 1024);
};
const readCols = (file, n) => {
  const buf = readFileSync(file);
  // zero-copy views when the buffer is 8-byte aligned (large file reads are), else one copy
  const ab = buf.byteOffset % 8 === 0 ? buf.buffer : buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const o = buf.byteOffset % 8 === 0 ? buf.byteOffset : 0;
  return { time: new Float64Array(ab, o, n), unit: new Int32Array(ab, o + 8 * n, n), action: new Uint8Array(ab, o + 12 * n, n) };
};
if (args.child === 'ingest') {
  const n = Number(args.n);
  const cols = readCols(args.file, n);
  const base = process.memoryUsage().rss;
  const t = now();
  const log = ActionLog.fromColumns({ unit: cols.unit, time: cols.time, action: cols.action, actions: NAMES });
  const ingestMs = now() - t;
  const ingestPeakMB = peakRssMB();
  const t2 = now();
  eventFunnel(log, { steps: STEPS, windowMs: WINDOW, clickhouse: true });
  const funnelMs = now() - t2;
  process.stdout.write(JSON.stringify({ ingestMs, funnelMs, baseRssMB: mb(base), ingestPeakMB, peakRssMB: peakRssMB() }));
  process.exit(0);
}
if (args.child === 'rows') {
  const n = Number(args.n);
  const cols = generate(n);
  const rows = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = { personId: cols.unit[i], timestamp: cols.time[i], event: NAMES[cols.action[i]] };
  const acc = { unit: (r) => r.personId, time: (r) => r.timestamp, action: (r) => r.event };
  const r = await timeIt(() => eventFunnel(ActionLog.fromRows(rows, acc), { steps: STEPS, windowMs: WINDOW, clickhouse: true }), 5, 2);
  process.stdout.write(JSON.stringify({ ms: r.ms, min: r.min, max: r.max, counts: r.result.steps.map((s) => s.count), peakRssMB: peakRssMB() }));
  process.exit(0);
}

// ---- main -----------------------------------------------------------------------------------------
const self = fileURLToPath(import.meta.url);
const child = (mode, n, file = '') => {
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', self, `--child=${mode}`, `--n=${n}`, `--file=${file}`], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
};

let duck = null, chdb = null;
if (args['no-duckdb'] !== 'true') duck = await import('@duckdb/node-api').catch((e) => (console.log(`DuckDB unavailable: ${e.message}`), null));
if (args['no-chdb'] !== 'true') chdb = await import('chdb').catch((e) => (console.log(`chdb unavailable: ${e.message}`), null));

console.log(`node ${process.version}, ${(await import('node:os')).cpus().length} CPUs (${(await import('node:os')).cpus()[0]?.model ?? '?'}), load avg ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
const tmp = mkdtempSync(join(tmpdir(), 'fw-bench-'));
const rowsOut = [];
try {
  for (const n of SIZES) {
    const big = n >= 5e6;
    console.log(`\n== ${n.toLocaleString('en')} events ==`);
    const cols = generate(n);
    console.log(`generated: ${cols.units.toLocaleString('en')} units`);
    const fromCols = () => ActionLog.fromColumns({ unit: cols.unit, time: cols.time, action: cols.action, actions: NAMES });

    const colFile = join(tmp, `cols-${n}.bin`);
    writeFileSync(colFile, Buffer.concat([Buffer.from(cols.time.buffer), Buffer.from(cols.unit.buffer), Buffer.from(cols.action.buffer)]));
    const mem = child('ingest', n, colFile);
    rmSync(colFile, { force: true });
    const rows = n <= 2e6 ? child('rows', n) : null;
    const log = fromCols();
    // the threaded handle: started once (its start-up time is printed), then one call to warm it
    const tp = now();
    const pool = await createFunnelThreads({ threads: 2 });
    const poolStartMs = now() - tp;
    const tf = now();
    pool.eventFunnel(log, { steps: STEPS, windowMs: WINDOW, clickhouse: true });
    const poolFirstMs = now() - tf;
    const engines = {
      ingest: fromCols,
      fwCh: () => eventFunnel(log, { steps: STEPS, windowMs: WINDOW, clickhouse: true }),
      fwPh: () => eventFunnel(log, { steps: STEPS, windowMs: WINDOW }),
      fwCh2: () => pool.eventFunnel(log, { steps: STEPS, windowMs: WINDOW, clickhouse: true }),
      fwPh2: () => pool.eventFunnel(log, { steps: STEPS, windowMs: WINDOW }),
      // counts only (times: false): what windowFunnel and the DuckDB query compute
      fwChC: () => eventFunnel(log, { steps: STEPS, windowMs: WINDOW, clickhouse: true, times: false }),
      fwChC2: () => pool.eventFunnel(log, { steps: STEPS, windowMs: WINDOW, clickhouse: true, times: false }),
      unsorted: () => eventFunnel(fromCols(), { steps: STEPS, windowMs: WINDOW, clickhouse: true }),
    };
    // ---- DuckDB and chdb load the same rows from one CSV ----
    const csv = join(tmp, `events-${n}.csv`);
    {
      const chunk = 1 << 20;
      const parts = [];
      let s = '';
      for (let i = 0; i < n; i++) {
        s += `${cols.unit[i]},${cols.time[i]},${cols.action[i] + 1}\n`;
        if (s.length > chunk) { parts.push(s); s = ''; }
      }
      parts.push(s);
      writeFileSync(csv, parts.join(''));
    }
    let duckCon = null, duckInst = null, chSession = null, duckLoadMs = null, chLoadMs = null, chVersion = '', duckVersion = '';
    const W = WINDOW;
    const duckSql = `
        WITH e AS (SELECT person, ts, ev FROM ev WHERE ev BETWEEN 1 AND 5),
        l1 AS (SELECT *, max(CASE WHEN ev = 1 THEN ts END) OVER w AS L1 FROM e WINDOW w AS (PARTITION BY person ORDER BY ts, ev ROWS UNBOUNDED PRECEDING)),
        l2 AS (SELECT *, max(CASE WHEN ev = 2 AND ts - L1 <= ${W} THEN L1 END) OVER w AS L2 FROM l1 WINDOW w AS (PARTITION BY person ORDER BY ts, ev ROWS UNBOUNDED PRECEDING)),
        l3 AS (SELECT *, max(CASE WHEN ev = 3 AND ts - L2 <= ${W} THEN L2 END) OVER w AS L3 FROM l2 WINDOW w AS (PARTITION BY person ORDER BY ts, ev ROWS UNBOUNDED PRECEDING)),
        l4 AS (SELECT *, max(CASE WHEN ev = 4 AND ts - L3 <= ${W} THEN L3 END) OVER w AS L4 FROM l3 WINDOW w AS (PARTITION BY person ORDER BY ts, ev ROWS UNBOUNDED PRECEDING)),
        l5 AS (SELECT person, CASE WHEN ev = 5 AND ts - L4 <= ${W} THEN 1 END AS C5, L1, L2, L3, L4 FROM l4),
        lv AS (SELECT person, CASE WHEN max(C5) IS NOT NULL THEN 5 WHEN max(L4) IS NOT NULL THEN 4 WHEN max(L3) IS NOT NULL THEN 3 WHEN max(L2) IS NOT NULL THEN 2 WHEN max(L1) IS NOT NULL THEN 1 ELSE 0 END AS level FROM l5 GROUP BY person)
        SELECT level, count(*)::BIGINT AS c FROM lv GROUP BY level ORDER BY level`;
    if (duck) {
      // ClickHouse windowFunnel semantics as a DP over chained window functions (K−1 nested passes):
      // L_k = latest chain start reaching step k so far; a step-k row extends L_(k−1) when ts − L_(k−1) ≤ W.
      duckInst = await duck.DuckDBInstance.create(':memory:', { threads: '2' });
      duckCon = await duckInst.connect();
      duckVersion = (await duckCon.runAndReadAll('select version()')).getRows()[0][0];
      const tl = now();
      await duckCon.run(`CREATE TABLE ev AS SELECT * FROM read_csv('${csv}', header=false, columns={'person':'INTEGER','ts':'BIGINT','ev':'UTINYINT'})`);
      duckLoadMs = now() - tl;
      engines.duck = async () => (await duckCon.runAndReadAll(duckSql)).getRows();
    }
    if (chdb) {
      chSession = new chdb.Session();
      const tl = now();
      chSession.query(`CREATE TABLE ev ENGINE = Memory AS SELECT * FROM file('${csv}', 'CSV', 'person Int32, ts UInt64, ev UInt8')`);
      chLoadMs = now() - tl;
      chVersion = chSession.query('SELECT version()', 'TSV').trim();
      const run = (threads) => () => chSession.query(`SELECT level, count() FROM (SELECT person, windowFunnel(${WINDOW})(ts, ev = 1, ev = 2, ev = 3, ev = 4, ev = 5) AS level FROM ev GROUP BY person) GROUP BY level ORDER BY level SETTINGS max_threads = ${threads}`, 'TSV');
      engines.ch2 = run(2);
      engines.ch1 = run(1);
    }
    // interleaved rounds: every round runs every engine once, so load from other processes hits all alike
    const names = Object.keys(engines);
    const samples = Object.fromEntries(names.map((k) => [k, []]));
    const cpuSamples = Object.fromEntries(names.map((k) => [k, []]));
    const results = {};
    for (const k of names) results[k] = await engines[k](); // warm-up
    const rounds = big ? 5 : 9;
    for (let r = 0; r < rounds; r++) {
      for (let j = 0; j < names.length; j++) {
        const k = names[(j + r) % names.length];
        const c0 = process.cpuUsage();
        const t = now();
        results[k] = await engines[k]();
        samples[k].push(now() - t);
        const c = process.cpuUsage(c0);
        cpuSamples[k].push((c.user + c.system) / 1000);
      }
    }
    const med = (k) => { const xs = [...samples[k]].sort((a, b) => a - b); const cs = [...cpuSamples[k]].sort((a, b) => a - b); return { ms: xs[xs.length >> 1], min: xs[0], max: xs[xs.length - 1], cpuMs: cs[cs.length >> 1] }; };
    const ingest = med('ingest'), fwCh = med('fwCh'), fwPh = med('fwPh'), unsorted = med('unsorted'), fwCh2 = med('fwCh2'), fwPh2 = med('fwPh2'), fwChC = med('fwChC'), fwChC2 = med('fwChC2');
    await pool.close();
    const strip = (r) => { const { threads, ...rules } = r.rules; return JSON.stringify({ ...r, rules }); };
    const sameThreaded = strip(results.fwCh2) === JSON.stringify(results.fwCh) && strip(results.fwPh2) === JSON.stringify(results.fwPh);
    const fwCounts = results.fwCh.steps.map((s) => s.count);
    const phCounts = results.fwPh.steps.map((s) => s.count);
    const countsOnlySame = [results.fwChC, results.fwChC2].every((r) => JSON.stringify(r.steps.map((s) => [s.count, s.dropped, s.inProgress])) === JSON.stringify(results.fwCh.steps.map((s) => [s.count, s.dropped, s.inProgress])));
    console.log(`funnelwise ingest ${fmt(ingest.ms)} ms; funnel (ClickHouse semantics) ${fmt(fwCh.ms)} ms [${fmt(fwCh.min)}–${fmt(fwCh.max)}] (CPU ${fmt(fwCh.cpuMs)} ms); PostHog rules ${fmt(fwPh.ms)} ms (CPU ${fmt(fwPh.cpuMs)} ms); unsorted columns → funnel ${fmt(unsorted.ms)} ms`);
    console.log(`  on 2 threads (funnelwise/threads; start-up ${fmt(poolStartMs)} ms once, first call ${fmt(poolFirstMs)} ms): ClickHouse semantics ${fmt(fwCh2.ms)} ms [${fmt(fwCh2.min)}–${fmt(fwCh2.max)}] (CPU of both threads ${fmt(fwCh2.cpuMs)} ms), PostHog rules ${fmt(fwPh2.ms)} ms [${fmt(fwPh2.min)}–${fmt(fwPh2.max)}] (CPU ${fmt(fwPh2.cpuMs)} ms); threads used ${results.fwCh2.rules.threads}; speed-up over 1 thread ${(fwCh.ms / fwCh2.ms).toFixed(2)}× / ${(fwPh.ms / fwPh2.ms).toFixed(2)}×; reports identical to 1 thread: ${sameThreaded ? 'YES' : 'NO'}`);
    console.log(`  counts only (times: false), ClickHouse semantics: 1 thread ${fmt(fwChC.ms)} ms [${fmt(fwChC.min)}–${fmt(fwChC.max)}] (CPU ${fmt(fwChC.cpuMs)} ms), 2 threads ${fmt(fwChC2.ms)} ms [${fmt(fwChC2.min)}–${fmt(fwChC2.max)}] (CPU ${fmt(fwChC2.cpuMs)} ms); counts, drop-off and in progress identical to the full report: ${countsOnlySame ? 'YES' : 'NO'}`);
    console.log(`  fresh process (columns read from a file): ingest ${fmt(mem.ingestMs)} ms, funnel ${fmt(mem.funnelMs)} ms, RSS ${mem.baseRssMB} MB with the columns loaded, peak ${mem.ingestPeakMB} MB after ingest, ${mem.peakRssMB} MB after the funnel`);
    if (rows) console.log(`  row objects (int ids) → fromRows → funnel: ${fmt(rows.ms)} ms, peak ${rows.peakRssMB} MB (incl. the rows)`);
    console.log(`  counts (ClickHouse semantics): ${fwCounts.join(' → ')}; PostHog rules: ${phCounts.join(' → ')}`);
    let duckRes = null, chRes = null;
    if (duck) {
      const r = med('duck');
      duckRes = { ...r, loadMs: duckLoadMs, counts: countsOfLevels(results.duck.map(([l, c]) => [Number(l), Number(c)])) };
      duckCon.closeSync?.();
      duckInst.closeSync?.();
      console.log(`DuckDB ${duckVersion} (2 threads): load ${fmt(duckLoadMs)} ms, funnel ${fmt(r.ms)} ms [${fmt(r.min)}–${fmt(r.max)}]; counts ${duckRes.counts.join(' → ')}`);
    }
    if (chdb) {
      const r2 = med('ch2'), r1 = med('ch1');
      const levels = results.ch2.trim().split('\n').map((l) => l.split('\t').map(Number));
      chRes = { ...r2, ms1: r1.ms, loadMs: chLoadMs, counts: countsOfLevels(levels) };
      chSession.close();
      console.log(`ClickHouse ${chVersion} via chdb: load ${fmt(chLoadMs)} ms, windowFunnel ${fmt(r2.ms)} ms on 2 threads [${fmt(r2.min)}–${fmt(r2.max)}], ${fmt(r1.ms)} ms on 1 thread; counts ${chRes.counts.join(' → ')}`);
    }
    rmSync(csv, { force: true });
    const same = [duckRes, chRes].filter(Boolean).every((x) => x.counts.join() === fwCounts.join());
    console.log(`identical step counts across engines: ${same ? 'YES' : 'NO'}${phCounts.join() === fwCounts.join() ? ' (PostHog rules give the same counts)' : ' (PostHog rules differ from windowFunnel, as documented)'}`);
    const ratio = (ref, x) => (ref ? `${(ref / x).toFixed(1)}×` : 'n/a');
    console.log(`speed-ups (reference time ÷ funnelwise time): ingested funnel vs DuckDB ${ratio(duckRes?.ms, fwCh.ms)}, vs ClickHouse 2 thr ${ratio(chRes?.ms, fwCh.ms)}; unsorted columns → funnel vs ClickHouse 2 thr ${ratio(chRes?.ms, unsorted.ms)}, vs DuckDB ${ratio(duckRes?.ms, unsorted.ms)}`);
    console.log(`  PostHog rules (the default) on the ingested log: vs DuckDB ${ratio(duckRes?.ms, fwPh.ms)}, vs ClickHouse 2 thr ${ratio(chRes?.ms, fwPh.ms)}`);
    console.log(`  counts only (times: false), like for like with windowFunnel: 1 thread vs DuckDB ${ratio(duckRes?.ms, fwChC.ms)}, vs ClickHouse 2 thr ${ratio(chRes?.ms, fwChC.ms)}; 2 threads vs DuckDB ${ratio(duckRes?.ms, fwChC2.ms)}, vs ClickHouse 2 thr ${ratio(chRes?.ms, fwChC2.ms)}`);
    console.log(`  funnelwise on 2 threads, ingested log: ClickHouse semantics vs DuckDB ${ratio(duckRes?.ms, fwCh2.ms)}, vs ClickHouse 2 thr ${ratio(chRes?.ms, fwCh2.ms)}; PostHog rules vs DuckDB ${ratio(duckRes?.ms, fwPh2.ms)}, vs ClickHouse 2 thr ${ratio(chRes?.ms, fwPh2.ms)}`);
    const verdict = (ok) => (ok ? 'met' : 'NOT met');
    const chRatio = chRes ? chRes.ms / unsorted.ms : null;
    if (n === 1e7) {
      const ok = (x) => verdict(x.ms <= 130 && (!duckRes || duckRes.ms / x.ms >= 20) && (!chRes || chRes.ms / x.ms >= 4));
      console.log(`target (ingested 10M → funnel ≤ 130 ms, ≥ 20× DuckDB, ≥ 4× ClickHouse 2 thr), ClickHouse semantics: full report (counts and step times) 1 thread ${fmt(fwCh.ms)} ms ${ok(fwCh)}, 2 threads ${fmt(fwCh2.ms)} ms ${ok(fwCh2)}; counts only (what windowFunnel computes) 1 thread ${fmt(fwChC.ms)} ms ${ok(fwChC)}, 2 threads ${fmt(fwChC2.ms)} ms ${ok(fwChC2)}`);
    }
    console.log(`targets: ingest ${fmt(mem.ingestMs)} ms fresh / ${fmt(ingest.ms)} ms warm (≤ 900 ms at 10M: ${verdict(n < 1e7 || ingest.ms <= 900)}), peak ${mem.ingestPeakMB} MB (≤ 400 MB at 10M: ${verdict(n < 1e7 || mem.ingestPeakMB <= 400)}); ` +
      `unsorted columns → funnel ${fmt(unsorted.ms)} ms = ${chRatio === null ? 'n/a' : `${chRatio.toFixed(2)}×`} ClickHouse 2 thr (on par: ${chRatio === null ? 'n/a' : verdict(chRatio >= 0.9)})` +
      (rows ? `; row objects → funnel ${fmt(rows.ms)} ms (≤ 120 ms at 1M: ${verdict(n !== 1e6 || rows.ms <= 120)})` : ''));
    rowsOut.push({ n, ingest: ingest.ms, fwCh: fwCh.ms, fwPh: fwPh.ms, fwCh2: fwCh2.ms, fwPh2: fwPh2.ms, fwChC: fwChC.ms, fwChC2: fwChC2.ms, countsOnlySame, cpu: { fwCh: fwCh.cpuMs, fwPh: fwPh.cpuMs, fwCh2: fwCh2.cpuMs, fwPh2: fwPh2.cpuMs }, poolStartMs, unsorted: unsorted.ms, mem, rows, duck: duckRes, ch: chRes, same, sameThreaded });
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
console.log('\nJSON ' + JSON.stringify(rowsOut));
