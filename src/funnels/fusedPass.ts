/**
 * The fused funnel pass behind {@link scanFunnelSummary}: per unit the ordered funnel state machine
 * (PostHog rules, or ClickHouse `windowFunnel` default semantics), each unit's result fed straight into
 * the step histogram, the drop-off counters and the step-to-step time buffers.
 *
 * Why it looks the way it does (measured on 10M events, 1M units): a per-event `if` on "does this event
 * match a step / does it extend the chain" is mispredicted for a large share of events, and that —
 * not memory traffic — bounds a plain loop. So the common case runs **branch-free**:
 * - every event is processed the same way: an event that matches no step is mapped to a sink level whose
 *   chain start is always "none", so it never extends anything;
 * - chain states hold event indices into a per-unit copy of the unit's times (`tt`, index 0 = none, a
 *   NaN time, so every window comparison with it is false); updates are integer selects
 *   (`old ^ ((old ^ new) & mask)`), their addresses known as soon as the action is read;
 * - the path of each chain is a linked list (`link[i]` = the previous step's event of the chain event
 *   `i` extended), O(1) per event instead of copying step times; the counted path is walked once at
 *   the end of the unit;
 * - two units are processed in one loop (their dependency chains interleave), a third of the time back;
 * - after the last step is reached, every update is masked off (as the engines' early stop).
 * A unit with two consecutive events at the same timestamp (a same-timestamp group, which both rule
 * sets order by step) is recomputed by the exact step-by-step code (`phUnitExact`, `chUnitExact`); its
 * branch-free result is discarded. Without ties, chain starts compared by index equal the engines'
 * comparison of start times (distinct events have distinct times).
 * A pass covers a range of units `[u0, u1)` (the whole log: `[0, unitCount)`), so worker threads can
 * each take a part (`funnelwise/threads`); `mergePassSinks` joins the parts' figures. @internal
 */
/** The log columns a pass reads (an `ActionLog`, or the same columns shared with a worker thread). @internal */
export interface PassColumns {
  readonly offsets: Int32Array;
  readonly time: Float64Array;
  readonly action: Uint16Array;
}

/** What a pass reads of the compiled query (`CompiledQuery` has these). @internal */
export interface PassQuery {
  readonly n: number;
  readonly window: number;
  readonly now: number | null;
}

/** Where a pass puts its figures: step histogram, drop-off, in progress, growable time buffers. @internal */
export interface PassSink {
  /** `hist[D]` = units whose counted attempt reached D steps. */
  readonly hist: Float64Array;
  /** Units that missed step k with their window closed. */
  readonly dropped: Float64Array;
  /** Units that missed step k with their window still open at `now`. */
  readonly inProg: Float64Array;
  /** Per step: the step-to-step times (growable; `gapCount[k]` are filled). */
  readonly gaps: Float64Array[];
  readonly gapCount: Int32Array;
  readonly gapSum: Float64Array;
  /** The units this sink will see, `[first, first + units)` (they size the time buffers' growth). */
  readonly first: number;
  readonly units: number;
}

/**
 * A sink for `n` steps and the units `[first, first + units)`, which one pass or several passes over
 * consecutive parts of that range fill (time buffers start at `initialCap` times and grow). @internal
 */
export function newPassSink(n: number, units: number, first = 0, initialCap = 1 << 14): PassSink {
  const cap = Math.min(units, initialCap);
  return {
    first,
    units,
    hist: new Float64Array(n + 1),
    dropped: new Float64Array(n),
    inProg: new Float64Array(n),
    gaps: Array.from({ length: n }, (_, k) => new Float64Array(k === 0 ? 0 : cap)),
    gapCount: new Int32Array(n),
    gapSum: new Float64Array(n),
  };
}

/**
 * Merges the sinks of consecutive unit ranges, given in range order, into one with the same figures,
 * bit for bit, as one pass over the whole range: histogram and counters added (integers), each step's
 * times concatenated in range order, and each step's sum continued time by time from the first range's
 * sum — the order in which one pass adds them. The merged times go into `reuse[k]` when it is large
 * enough (else into a new buffer, a quarter larger, stored there): a caller that merges again and again
 * passes the same array and skips allocating (and faulting in) megabytes per call. With `sums` false,
 * `gapSum` is left NaN for the caller to add up the merged times (in index order, the same sum). @internal
 */
export function mergePassSinks(parts: ReadonlyArray<PassSink>, reuse: Float64Array[] = [], sums = true): PassSink {
  const first = parts[0] as PassSink;
  if (parts.length === 1) return first;
  const n = first.gapCount.length;
  const hist = Float64Array.from(first.hist);
  const dropped = Float64Array.from(first.dropped);
  const inProg = Float64Array.from(first.inProg);
  const gapCount = new Int32Array(n);
  const gapSum = new Float64Array(n);
  const gaps: Float64Array[] = [];
  for (let p = 1; p < parts.length; p++) {
    const g = parts[p] as PassSink;
    for (let k = 0; k <= n; k++) hist[k] = (hist[k] as number) + (g.hist[k] as number);
    for (let k = 0; k < n; k++) {
      dropped[k] = (dropped[k] as number) + (g.dropped[k] as number);
      inProg[k] = (inProg[k] as number) + (g.inProg[k] as number);
    }
  }
  for (let k = 0; k < n; k++) {
    let total = 0;
    for (const g of parts) total += g.gapCount[k] as number;
    let out = reuse[k];
    if (out === undefined || out.length < total) {
      out = new Float64Array(Math.ceil(total * 1.25));
      reuse[k] = out;
    }
    const c0 = first.gapCount[k] as number;
    out.set((first.gaps[k] as Float64Array).subarray(0, c0));
    let c = c0;
    for (let p = 1; p < parts.length; p++) {
      const g = parts[p] as PassSink;
      const m = g.gapCount[k] as number;
      out.set((g.gaps[k] as Float64Array).subarray(0, m), c);
      c += m;
    }
    const sum = sums ? continueSum(first.gapSum[k] as number, out, c0, total) : NaN;
    gaps.push(out.subarray(0, total));
    gapCount[k] = total;
    gapSum[k] = sum;
  }
  const last = parts[parts.length - 1] as PassSink;
  return { hist, dropped, inProg, gaps, gapCount, gapSum, first: first.first, units: last.first + last.units - first.first };
}

/** `sum + a[from] + … + a[to − 1]`, added one by one in index order. */
function continueSum(sum: number, a: Float64Array, from: number, to: number): number {
  for (let i = from; i < to; i++) sum += a[i] as number;
  return sum;
}

/**
 * Grows step k's full buffer after `done` of `units` units: to the size the fill rate so far projects
 * (plus 5%), at least double, never more than one time per unit — so usually one copy, not a doubling
 * series.
 */
function growGaps(g: PassSink, k: number, done: number, units: number): Float64Array {
  const old = g.gaps[k] as Float64Array;
  const projected = Math.ceil(((old.length * units) / Math.max(1, done)) * 1.05);
  const next = new Float64Array(Math.min(units, Math.max(16, old.length * 2, projected)));
  next.set(old);
  g.gaps[k] = next;
  return next;
}

/** Appends one step-k time (unit `u` of `units`). */
function addGap(g: PassSink, k: number, gap: number, u: number, units: number): void {
  const c = g.gapCount[k] as number;
  let buf = g.gaps[k] as Float64Array;
  if (c >= buf.length) buf = growGaps(g, k, u + 1, units);
  buf[c] = gap;
  g.gapCount[k] = c + 1;
  g.gapSum[k] = (g.gapSum[k] as number) + gap;
}

/** Counts a unit that reached `level` steps (0 = not entered) whose last step-1 event is at `lastEntry`. */
function addLevel(g: PassSink, level: number, n: number, lastEntry: number, window: number, now: number | null): void {
  if (level === 0) return;
  g.hist[level] = (g.hist[level] as number) + 1;
  if (level < n) {
    if (now !== null && lastEntry + window >= now) g.inProg[level] = (g.inProg[level] as number) + 1;
    else g.dropped[level] = (g.dropped[level] as number) + 1;
  }
}

/** Adds the step times of a unit's counted path given as `path[0 .. level)`. */
function addPath(g: PassSink, level: number, path: Float64Array, off: number, u: number, units: number): void {
  let prevT = path[off] as number;
  for (let k = 1; k < level; k++) {
    const tk = path[off + k] as number;
    addGap(g, k, tk - prevT, u, units);
    prevT = tk;
  }
}

/** Code → step table for the branch-free loops: the step, or `n + 1` (the sink level) for no step. */
function sinkTable(codeStep: Int8Array, n: number): Int32Array {
  const cs = new Int32Array(codeStep.length);
  for (let c = 0; c < codeStep.length; c++) cs[c] = (codeStep[c] as number) < 0 ? n + 1 : (codeStep[c] as number);
  return cs;
}

/** Per-pass scratch: chain starts `F` and heads `H` of two units (`S = n + 3` each), times and links. */
interface Scratch {
  readonly F: Int32Array;
  readonly H: Int32Array;
  tt: Float64Array;
  link: Int32Array;
  cap: number;
}

function newScratch(n: number): Scratch {
  const cap = 64;
  return { F: new Int32Array(2 * (n + 3)), H: new Int32Array(2 * (n + 3)), tt: new Float64Array(2 * (cap + 2)), link: new Int32Array(2 * (cap + 2)), cap };
}

/** Makes room for units of `len` events; resets both units' chain states (unit 1 at offset `cap + 2`). */
function resetScratch(sc: Scratch, len: number, S: number): void {
  if (len > sc.cap) {
    sc.cap = Math.max(len, sc.cap * 2);
    sc.tt = new Float64Array(2 * (sc.cap + 2));
    sc.link = new Int32Array(2 * (sc.cap + 2));
  }
  const O = sc.cap + 2;
  sc.tt[0] = NaN;
  sc.tt[O] = NaN;
  const F = sc.F;
  const H = sc.H;
  for (let k = 0; k < S; k++) {
    F[k] = 0;
    H[k] = 0;
    F[S + k] = O;
    H[S + k] = O;
  }
}

// Packed result of a tail run: level in the low byte, tie flag above it.
const TIE = 256;

/**
 * ClickHouse rules, branch-free, for events `[from, to)` of one unit whose events start at `a`, with
 * state at `base` (chain starts/heads) and `O` (times/links). Returns the level plus `TIE` if a tie.
 */
function chRun(cs: Int32Array, action: Uint16Array, time: Float64Array, sc: Scratch, base: number, O: number, a: number, from: number, to: number, window: number, n: number, level: number, tie: number): number {
  const F = sc.F;
  const H = sc.H;
  const tt = sc.tt;
  const link = sc.link;
  for (let j = from; j < to; j++) {
    const i = O + j + 1;
    const s = base + (cs[action[a + j] as number] as number);
    const t = time[a + j] as number;
    tie |= +(t === tt[i - 1]);
    tt[i] = t;
    F[base] = i;
    const f = F[s] as number;
    const ok = -(+(t <= (tt[f] as number) + window) & +(level !== n));
    const of = F[s + 1] as number;
    F[s + 1] = of ^ ((of ^ f) & ok);
    const oh = H[s + 1] as number;
    H[s + 1] = oh ^ ((oh ^ i) & ok);
    link[i] = H[s] as number;
    const v = (s - base + 1) & ok;
    level ^= (level ^ v) & -+(v > level);
  }
  return level | (tie === 0 ? 0 : TIE);
}

/** PostHog rules, branch-free (as {@link chRun}; a step keeps its first occurrence; `best` in `out[0]`). */
function phRun(cs: Int32Array, action: Uint16Array, time: Float64Array, sc: Scratch, base: number, O: number, a: number, from: number, to: number, window: number, n: number, depth: number, tie: number, best: Int32Array, bi: number): number {
  const F = sc.F;
  const H = sc.H;
  const tt = sc.tt;
  const link = sc.link;
  let b = best[bi] as number;
  for (let j = from; j < to; j++) {
    const i = O + j + 1;
    const s = base + (cs[action[a + j] as number] as number);
    const t = time[a + j] as number;
    tie |= +(t === tt[i - 1]);
    tt[i] = t;
    F[base] = i;
    const f = F[s] as number;
    const of = F[s + 1] as number;
    const ok = -(+(t - (tt[f] as number) <= window) & +(of !== f) & +(depth !== n));
    F[s + 1] = of ^ ((of ^ f) & ok);
    const oh = H[s + 1] as number;
    H[s + 1] = oh ^ ((oh ^ i) & ok);
    link[i] = H[s] as number;
    const v = (s - base + 1) & ok;
    const up = -+(v > depth);
    depth ^= (depth ^ v) & up;
    b ^= (b ^ i) & up;
  }
  best[bi] = b;
  return depth | (tie === 0 ? 0 : TIE);
}

/** ClickHouse `windowFunnel` default semantics, fused with the summary, for units `[u0, u1)` (within the sink's range). @internal */
export function passClickhouse(log: PassColumns, q: PassQuery, codeStep: Int8Array, g: PassSink, u0: number, u1: number): void {
  const n = q.n;
  const S = n + 3;
  const window = q.window;
  const time = log.time;
  const action = log.action;
  const offsets = log.offsets;
  // units [u0, u1), within the sink's range (over which the time buffers' growth is projected)
  const U = g.units;
  const P0 = g.first;
  const now = q.now;
  const hasNow = now !== null;
  const nowT = now ?? 0;
  const hist = g.hist;
  const dropped = g.dropped;
  const inProg = g.inProg;
  const gaps = g.gaps;
  const gapCount = g.gapCount;
  const gapSum = g.gapSum;
  const cs = sinkTable(codeStep, n);
  const sc = newScratch(n);
  const exact = newChExact(n);
  for (let u = u0; u < u1; u += 2) {
    const a0 = offsets[u] as number;
    const a1 = offsets[u + 1] as number;
    const b1 = u + 1 < u1 ? (offsets[u + 2] as number) : a1;
    const l0 = a1 - a0;
    const l1 = b1 - a1;
    resetScratch(sc, Math.max(l0, l1), S);
    const O = sc.cap + 2;
    const F = sc.F;
    const H = sc.H;
    const tt = sc.tt;
    const link = sc.link;
    let lev0 = 0;
    let lev1 = 0;
    let tie0 = 0;
    let tie1 = 0;
    let prev0 = NaN;
    let prev1 = NaN;
    const m = Math.min(l0, l1);
    for (let j = 0; j < m; j++) {
      const i0 = j + 1;
      const i1 = O + j + 1;
      const s0 = cs[action[a0 + j] as number] as number;
      const s1 = S + (cs[action[a1 + j] as number] as number);
      const t0 = time[a0 + j] as number;
      const t1 = time[a1 + j] as number;
      tie0 |= +(t0 === prev0);
      tie1 |= +(t1 === prev1);
      prev0 = t0;
      prev1 = t1;
      tt[i0] = t0;
      tt[i1] = t1;
      F[0] = i0;
      F[S] = i1;
      const f0 = F[s0] as number;
      const f1 = F[s1] as number;
      const ok0 = -(+(t0 <= (tt[f0] as number) + window) & +(lev0 !== n));
      const ok1 = -(+(t1 <= (tt[f1] as number) + window) & +(lev1 !== n));
      const of0 = F[s0 + 1] as number;
      const of1 = F[s1 + 1] as number;
      F[s0 + 1] = of0 ^ ((of0 ^ f0) & ok0);
      F[s1 + 1] = of1 ^ ((of1 ^ f1) & ok1);
      const oh0 = H[s0 + 1] as number;
      const oh1 = H[s1 + 1] as number;
      H[s0 + 1] = oh0 ^ ((oh0 ^ i0) & ok0);
      H[s1 + 1] = oh1 ^ ((oh1 ^ i1) & ok1);
      link[i0] = H[s0] as number;
      link[i1] = H[s1] as number;
      const v0 = (s0 + 1) & ok0;
      const v1 = (s1 - S + 1) & ok1;
      lev0 ^= (lev0 ^ v0) & -+(v0 > lev0);
      lev1 ^= (lev1 ^ v1) & -+(v1 > lev1);
    }
    let r0 = lev0 | (tie0 === 0 ? 0 : TIE);
    let r1 = lev1 | (tie1 === 0 ? 0 : TIE);
    if (l0 > m) r0 = chRun(cs, action, time, sc, 0, 0, a0, m, l0, window, n, lev0, tie0);
    if (l1 > m) r1 = chRun(cs, action, time, sc, S, O, a1, m, l1, window, n, lev1, tie1);
    for (let w = 0; w < 2 && u + w < u1; w++) {
      const r = w === 0 ? r0 : r1;
      if (r >= TIE) {
        chExactUnit(g, exact, log, q, codeStep, w === 0 ? a0 : a1, w === 0 ? a1 : b1, u + w - P0, U);
        continue;
      }
      if (r === 0) continue;
      const base = w === 0 ? 0 : S;
      hist[r] = (hist[r] as number) + 1;
      if (r < n) {
        if (hasNow && (tt[F[base + 1] as number] as number) + window >= nowT) inProg[r] = (inProg[r] as number) + 1;
        else dropped[r] = (dropped[r] as number) + 1;
      }
      // the counted path: walked back from the head of its level
      let node = H[base + r] as number;
      let tk = tt[node] as number;
      for (let k = r - 1; k > 0; k--) {
        const prev = link[node] as number;
        const tp = tt[prev] as number;
        const gap = tk - tp;
        const c = gapCount[k] as number;
        let buf = gaps[k] as Float64Array;
        if (c >= buf.length) buf = growGaps(g, k, u + w - P0 + 1, U);
        buf[c] = gap;
        gapCount[k] = c + 1;
        gapSum[k] = (gapSum[k] as number) + gap;
        node = prev;
        tk = tp;
      }
    }
  }
}

/** Adds one unit of {@link passClickhouse} that has a same-timestamp group: recomputed step by step (its step times only with `times`). */
function chExactUnit(g: PassSink, exact: ChExact, log: PassColumns, q: PassQuery, codeStep: Int8Array, a: number, b: number, u: number, U: number, times = true): void {
  const level = chUnitExact(exact, log, q, codeStep, a, b);
  addLevel(g, level, q.n, exact.lastEntry, q.window, q.now);
  if (times && level > 1) addPath(g, level, exact.path, (level - 1) * q.n, u, U);
}

/** Scratch of the exact ClickHouse per-unit walk. */
interface ChExact {
  readonly first: Float64Array;
  readonly path: Float64Array;
  grp: Int32Array;
  lastEntry: number;
}

function newChExact(n: number): ChExact {
  return { first: new Float64Array(n), path: new Float64Array(n * n), grp: new Int32Array(Math.max(64, n * 4)), lastEntry: NaN };
}

/**
 * ClickHouse `windowFunnel` level walk of one unit's events `[a, b)`, step by step, same-timestamp
 * groups in ascending condition order. Returns the level; the counted path is row `level − 1` of
 * `x.path`, the last step-1 time `x.lastEntry`.
 */
function chUnitExact(x: ChExact, log: PassColumns, q: PassQuery, codeStep: Int8Array, a: number, b: number): number {
  const n = q.n;
  const window = q.window;
  const time = log.time;
  const action = log.action;
  const first = x.first;
  const path = x.path;
  let grp = x.grp;
  for (let k = 0; k < n; k++) first[k] = NaN;
  let level = 0;
  let lastEntry = NaN;
  let p = a;
  while (p < b) {
    const s = codeStep[action[p] as number] as number;
    if (s < 0) {
      p++;
      continue;
    }
    const t = time[p] as number;
    let pe = p + 1;
    let gCount = 1;
    grp[0] = s;
    // a same-timestamp group: its conditions in ascending order
    for (; pe < b && time[pe] === t; pe++) {
      const sr = codeStep[action[pe] as number] as number;
      if (sr < 0) continue;
      if (gCount >= grp.length) {
        const bigger = new Int32Array(grp.length * 2);
        bigger.set(grp);
        grp = bigger;
        x.grp = grp;
      }
      let i = gCount++;
      while (i > 0 && (grp[i - 1] as number) > sr) {
        grp[i] = grp[i - 1] as number;
        i--;
      }
      grp[i] = sr;
    }
    for (let gi = 0; gi < gCount && level < n; gi++) {
      const step = grp[gi] as number;
      if (step === 0) {
        first[0] = t;
        path[0] = t;
        lastEntry = t;
        if (level < 1) level = 1;
        continue;
      }
      const f = first[step - 1] as number;
      if (!(t <= f + window)) continue; // also false when the previous level is not reached (NaN)
      first[step] = f;
      const src = (step - 1) * n;
      const dst = src + n;
      for (let k = 0; k < step; k++) path[dst + k] = path[src + k] as number;
      path[dst + step] = t;
      if (step + 1 > level) level = step + 1;
    }
    p = level === n ? b : pe;
  }
  x.lastEntry = lastEntry;
  return level;
}

/** PostHog ordered rules (the engine's fast path), fused with the summary, for units `[u0, u1)` (within the sink's range). @internal */
export function passPosthog(log: PassColumns, q: PassQuery, codeStep: Int8Array, g: PassSink, u0: number, u1: number): void {
  const n = q.n;
  const S = n + 3;
  const window = q.window;
  const time = log.time;
  const action = log.action;
  const offsets = log.offsets;
  // units [u0, u1), within the sink's range (over which the time buffers' growth is projected)
  const U = g.units;
  const P0 = g.first;
  const now = q.now;
  const hasNow = now !== null;
  const nowT = now ?? 0;
  const hist = g.hist;
  const dropped = g.dropped;
  const inProg = g.inProg;
  const gaps = g.gaps;
  const gapCount = g.gapCount;
  const gapSum = g.gapSum;
  const cs = sinkTable(codeStep, n);
  const sc = newScratch(n);
  const exact = newPhExact(n);
  const best = new Int32Array(2);
  for (let u = u0; u < u1; u += 2) {
    const a0 = offsets[u] as number;
    const a1 = offsets[u + 1] as number;
    const b1 = u + 1 < u1 ? (offsets[u + 2] as number) : a1;
    const l0 = a1 - a0;
    const l1 = b1 - a1;
    resetScratch(sc, Math.max(l0, l1), S);
    const O = sc.cap + 2;
    const F = sc.F;
    const H = sc.H;
    const tt = sc.tt;
    const link = sc.link;
    let d0 = 0;
    let d1 = 0;
    let best0 = 0;
    let best1 = O;
    let tie0 = 0;
    let tie1 = 0;
    let prev0 = NaN;
    let prev1 = NaN;
    const m = Math.min(l0, l1);
    for (let j = 0; j < m; j++) {
      const i0 = j + 1;
      const i1 = O + j + 1;
      const s0 = cs[action[a0 + j] as number] as number;
      const s1 = S + (cs[action[a1 + j] as number] as number);
      const t0 = time[a0 + j] as number;
      const t1 = time[a1 + j] as number;
      tie0 |= +(t0 === prev0);
      tie1 |= +(t1 === prev1);
      prev0 = t0;
      prev1 = t1;
      tt[i0] = t0;
      tt[i1] = t1;
      F[0] = i0;
      F[S] = i1;
      const f0 = F[s0] as number;
      const f1 = F[s1] as number;
      const of0 = F[s0 + 1] as number;
      const of1 = F[s1 + 1] as number;
      const ok0 = -(+(t0 - (tt[f0] as number) <= window) & +(of0 !== f0) & +(d0 !== n));
      const ok1 = -(+(t1 - (tt[f1] as number) <= window) & +(of1 !== f1) & +(d1 !== n));
      F[s0 + 1] = of0 ^ ((of0 ^ f0) & ok0);
      F[s1 + 1] = of1 ^ ((of1 ^ f1) & ok1);
      const oh0 = H[s0 + 1] as number;
      const oh1 = H[s1 + 1] as number;
      H[s0 + 1] = oh0 ^ ((oh0 ^ i0) & ok0);
      H[s1 + 1] = oh1 ^ ((oh1 ^ i1) & ok1);
      link[i0] = H[s0] as number;
      link[i1] = H[s1] as number;
      const v0 = (s0 + 1) & ok0;
      const v1 = (s1 - S + 1) & ok1;
      const up0 = -+(v0 > d0);
      const up1 = -+(v1 > d1);
      d0 ^= (d0 ^ v0) & up0;
      d1 ^= (d1 ^ v1) & up1;
      best0 ^= (best0 ^ i0) & up0;
      best1 ^= (best1 ^ i1) & up1;
    }
    best[0] = best0;
    best[1] = best1;
    let r0 = d0 | (tie0 === 0 ? 0 : TIE);
    let r1 = d1 | (tie1 === 0 ? 0 : TIE);
    if (l0 > m) r0 = phRun(cs, action, time, sc, 0, 0, a0, m, l0, window, n, d0, tie0, best, 0);
    if (l1 > m) r1 = phRun(cs, action, time, sc, S, O, a1, m, l1, window, n, d1, tie1, best, 1);
    for (let w = 0; w < 2 && u + w < u1; w++) {
      const r = w === 0 ? r0 : r1;
      if (r >= TIE) {
        phExactUnit(g, exact, log, q, codeStep, w === 0 ? a0 : a1, w === 0 ? a1 : b1, u + w - P0, U);
        continue;
      }
      if (r === 0) continue;
      const base = w === 0 ? 0 : S;
      hist[r] = (hist[r] as number) + 1;
      if (r < n) {
        if (hasNow && (tt[F[base + 1] as number] as number) + window >= nowT) inProg[r] = (inProg[r] as number) + 1;
        else dropped[r] = (dropped[r] as number) + 1;
      }
      // the counted path (the first to reach the deepest depth): walked back from its last event
      let node = best[w] as number;
      let tk = tt[node] as number;
      for (let k = r - 1; k > 0; k--) {
        const prev = link[node] as number;
        const tp = tt[prev] as number;
        const gap = tk - tp;
        const c = gapCount[k] as number;
        let buf = gaps[k] as Float64Array;
        if (c >= buf.length) buf = growGaps(g, k, u + w - P0 + 1, U);
        buf[c] = gap;
        gapCount[k] = c + 1;
        gapSum[k] = (gapSum[k] as number) + gap;
        node = prev;
        tk = tp;
      }
    }
  }
}

/** Adds one unit of {@link passPosthog} that has a same-timestamp group: recomputed step by step (its step times only with `times`). */
function phExactUnit(g: PassSink, exact: PhExact, log: PassColumns, q: PassQuery, codeStep: Int8Array, a: number, b: number, u: number, U: number, times = true): void {
  const n = q.n;
  const depth = phUnitExact(exact, log, q, codeStep, a, b);
  addLevel(g, depth, n, depth > 0 && depth < n && q.now !== null ? lastStepOne(a, b, codeStep, log.action, log.time) : NaN, q.window, q.now);
  if (times && depth > 1) addPath(g, depth, exact.maxTimes, 0, u, U);
}

/** Time of the unit's last step-1 event (`NaN` when none): where a window still open at `now` starts. */
function lastStepOne(a: number, b: number, codeStep: Int8Array, action: Uint16Array, time: Float64Array): number {
  for (let p = b - 1; p >= a; p--) if (codeStep[action[p] as number] === 0) return time[p] as number;
  return NaN;
}

/** Scratch of the exact PostHog per-unit walk. */
interface PhExact {
  readonly start: Float64Array;
  readonly times: Float64Array;
  readonly maxTimes: Float64Array;
  grp: Int32Array;
}

function newPhExact(n: number): PhExact {
  return { start: new Float64Array(n + 1), times: new Float64Array((n + 1) * n), maxTimes: new Float64Array(n), grp: new Int32Array(64) };
}

/**
 * PostHog ordered rules for one unit's events `[a, b)`, step by step (the engine's fast path). Returns
 * the deepest depth; the path that first reached it is in `x.maxTimes`.
 */
function phUnitExact(x: PhExact, log: PassColumns, q: PassQuery, codeStep: Int8Array, a: number, b: number): number {
  const n = q.n;
  const window = q.window;
  const time = log.time;
  const action = log.action;
  // start[d]: start time of the path that reached d steps (NaN = none; start[0] = the current time);
  // times[d*n + k]: that path's step-k time; maxTimes: the path that first reached the deepest depth
  const start = x.start;
  const times = x.times;
  const maxTimes = x.maxTimes;
  for (let k = 1; k <= n; k++) start[k] = NaN;
  if (x.grp.length < b - a) x.grp = new Int32Array(b - a);
  const grp = x.grp;
  let maxDepth = 0;
  for (let p = a; p < b; p++) {
    const s = codeStep[action[p] as number] as number;
    if (s < 0) continue;
    const t = time[p] as number;
    if (p + 1 < b && time[p + 1] === t) {
      // a same-timestamp group: its steps in ascending order (stable), each applied as below
      let gCount = 1;
      grp[0] = s;
      let pe = p + 1;
      for (; pe < b && time[pe] === t; pe++) {
        const sr = codeStep[action[pe] as number] as number;
        if (sr < 0) continue;
        let i = gCount++;
        while (i > 0 && (grp[i - 1] as number) > sr) {
          grp[i] = grp[i - 1] as number;
          i--;
        }
        grp[i] = sr;
      }
      for (let gi = 0; gi < gCount; gi++) maxDepth = phStep(grp[gi] as number, t, window, n, start, times, maxTimes, maxDepth);
      if (maxDepth === n) break;
      p = pe - 1;
      continue;
    }
    maxDepth = phStep(s, t, window, n, start, times, maxTimes, maxDepth);
    if (maxDepth === n) break;
  }
  return maxDepth;
}

/** One PostHog step-s event at `t` (`start[0]` is set to `t`); returns the new deepest depth. */
function phStep(s: number, t: number, window: number, n: number, start: Float64Array, times: Float64Array, maxTimes: Float64Array, maxDepth: number): number {
  start[0] = t;
  const prevStart = start[s] as number;
  if (!(t - prevStart <= window)) return maxDepth; // also false when prevStart is NaN
  if (start[s + 1] === prevStart) return maxDepth; // this step already reached from the same start
  start[s + 1] = prevStart;
  const src = s * n;
  const dst = src + n;
  for (let k = 0; k < s; k++) times[dst + k] = times[src + k] as number;
  times[dst + s] = t;
  if (s + 1 > maxDepth) {
    for (let k = 0; k <= s; k++) maxTimes[k] = times[dst + k] as number;
    return s + 1;
  }
  return maxDepth;
}

/**
 * The fused pass without the step times (`eventFunnel`'s `times: false`), ClickHouse's `windowFunnel`
 * default semantics or (`posthog`) PostHog's rules: per unit only the level and the last step-1 time —
 * what `windowFunnel` itself computes. Without the chains' event links and the path walk, a plain loop
 * that skips non-step events is the faster form (measured: the branch-free two-unit loop is slower
 * here; the rule-set test is the same for every event, so it is predicted). The two rule sets differ
 * here only in how the window test rounds (`t − f ≤ w` against `t ≤ f + w`): PostHog's "a level keeps
 * its chain when the same start reaches it again" changes no level, only which chain's times count.
 *
 * Same-instant events: a unit with two step events at one instant before it completes the funnel is
 * redone by the exact walk (which orders a same-instant group by step). Tracking ties among step events
 * only is enough, since non-step events change no state. Once the last step is reached no check is
 * needed: (1) a level's chain start only ever moves later, and is never later than the start of the
 * level below it; (2) with no tie flagged, the completing event is the first step event at its instant.
 * So in the exact order the lower steps at that instant run first and can only move the previous
 * level's start later, and the last-step event still fits the window: the exact walk completes too.
 * @internal
 */
function passCounts(log: PassColumns, q: PassQuery, codeStep: Int8Array, g: PassSink, u0: number, u1: number, posthog: boolean): void {
  const n = q.n;
  const window = q.window;
  const now = q.now;
  const time = log.time;
  const action = log.action;
  const offsets = log.offsets;
  // F[k]: start time of the latest chain at level k (NaN = none); F[0] = the current event's time
  const F = new Float64Array(n + 1);
  const chExact = newChExact(n);
  const phExact = newPhExact(n);
  for (let u = u0; u < u1; u++) {
    const a = offsets[u] as number;
    const b = offsets[u + 1] as number;
    for (let k = 1; k <= n; k++) F[k] = NaN;
    let level = 0;
    let prevT = NaN;
    let tie = 0;
    for (let p = a; p < b; p++) {
      const s = codeStep[action[p] as number] as number;
      if (s < 0) continue;
      const t = time[p] as number;
      tie |= +(t === prevT);
      prevT = t;
      F[0] = t;
      const f = F[s] as number;
      if (posthog ? t - f <= window : t <= f + window) {
        F[s + 1] = f;
        if (s >= level) {
          level = s + 1;
          if (level === n) break; // the level is n in any order of the events at this instant
        }
      }
    }
    if (tie === 0) addLevel(g, level, n, F[1] as number, window, now);
    else if (posthog) phExactUnit(g, phExact, log, q, codeStep, a, b, 0, 0, false);
    else chExactUnit(g, chExact, log, q, codeStep, a, b, 0, 0, false);
  }
}

/** {@link passClickhouse} without the step times (see `passCounts`). @internal */
export function passClickhouseCounts(log: PassColumns, q: PassQuery, codeStep: Int8Array, g: PassSink, u0: number, u1: number): void {
  passCounts(log, q, codeStep, g, u0, u1, false);
}

/** {@link passPosthog} without the step times (see `passCounts`). @internal */
export function passPosthogCounts(log: PassColumns, q: PassQuery, codeStep: Int8Array, g: PassSink, u0: number, u1: number): void {
  passCounts(log, q, codeStep, g, u0, u1, true);
}

/** A fused pass: the figures of units `[u0, u1)` into `g`. @internal */
export type FusedPass = (log: PassColumns, q: PassQuery, codeStep: Int8Array, g: PassSink, u0: number, u1: number) => void;

/** The pass for a rule set (ClickHouse semantics or PostHog rules), with or without the step times. @internal */
export function fusedPassFor(clickhouse: boolean, times: boolean): FusedPass {
  if (clickhouse) return times ? passClickhouse : passClickhouseCounts;
  return times ? passPosthog : passPosthogCounts;
}
