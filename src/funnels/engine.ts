/**
 * The funnel engine: one pass over each unit's time-sorted events. Four state machines:
 * PostHog ordered/strict (general and a fast path), PostHog unordered, first-entry (Mixpanel), and
 * ClickHouse `windowFunnel`. @internal
 */
import type { ActionLog } from '../io/actionLog.js';
import type { CompiledMatcher, CompiledQuery } from './compileQuery.js';
import { matches } from './compileQuery.js';

/** Output arrays the engine writes for each unit. @internal */
export interface EngineOut {
  readonly deepest: Int8Array;
  readonly excluded: Uint8Array;
  readonly stepTime: Float64Array;
  readonly stepOf: Int8Array;
  readonly entryTime: Float64Array;
  readonly lastEntryTime: Float64Array;
  /** 0 = none, 1 = ended by exclusion, 2 = ended by a strict break (first-entry rule only). */
  readonly ended: Uint8Array;
}

/**
 * Per-unit event lists: for every relevant event of a unit its position, the steps it matches
 * (ascending) and the exclusions it matches. Built per unit into reusable buffers. @internal
 */
class UnitEvents {
  count = 0;
  pos: Int32Array;
  stepStart: Int32Array;
  steps: Int8Array;
  exclStart: Int32Array;
  excl: Int16Array;
  constructor(n: number) {
    this.pos = new Int32Array(64);
    this.stepStart = new Int32Array(65);
    this.steps = new Int8Array(64 * Math.max(1, n));
    this.exclStart = new Int32Array(65);
    this.excl = new Int16Array(64);
  }
  grow(need: number, stepsNeed: number, exclNeed: number): void {
    if (need + 1 > this.pos.length) {
      const cap = Math.max(need + 1, this.pos.length * 2);
      const p = new Int32Array(cap);
      p.set(this.pos);
      this.pos = p;
      const s = new Int32Array(cap + 1);
      s.set(this.stepStart);
      this.stepStart = s;
      const e = new Int32Array(cap + 1);
      e.set(this.exclStart);
      this.exclStart = e;
    }
    if (stepsNeed > this.steps.length) {
      const s = new Int8Array(Math.max(stepsNeed, this.steps.length * 2));
      s.set(this.steps);
      this.steps = s;
    }
    if (exclNeed > this.excl.length) {
      const e = new Int16Array(Math.max(exclNeed, this.excl.length * 2));
      e.set(this.excl);
      this.excl = e;
    }
  }
  /** Collects the unit's relevant events. `keepAll`: also events matching nothing (strict orders). */
  collect(log: ActionLog, q: CompiledQuery, a: number, b: number, keepAll: boolean): void {
    const action = log.action;
    let m = 0;
    let ns = 0;
    let ne = 0;
    this.stepStart[0] = 0;
    this.exclStart[0] = 0;
    for (let p = a; p < b; p++) {
      const c = action[p] as number;
      if (keepAll && q.ignored[c] === 1) continue;
      const s0 = q.codeStepStart[c] as number;
      const s1 = q.codeStepStart[c + 1] as number;
      const hasEx = q.codeExcl[c] === 1;
      if (!keepAll && s0 === s1 && !hasEx) continue;
      this.grow(m + 1, ns + (s1 - s0), ne + q.exclusions.length);
      const before = ns;
      for (let i = s0; i < s1; i++) {
        const k = q.codeSteps[i] as number;
        if (!q.hasFilters || matches(q.steps[k] as CompiledMatcher, c, p)) this.steps[ns++] = k;
      }
      const beforeE = ne;
      if (hasEx) {
        for (let x = 0; x < q.exclusions.length; x++) {
          const ex = q.exclusions[x] as { m: CompiledMatcher };
          if (matches(ex.m, c, p)) this.excl[ne++] = x;
        }
      }
      if (!keepAll && ns === before && ne === beforeE) continue;
      this.pos[m] = p;
      m++;
      this.stepStart[m] = ns;
      this.exclStart[m] = ne;
    }
    this.count = m;
  }
}

/**
 * Canonical order of a same-timestamp group (unordered and first-entry machines): events matching fewer
 * steps first, then by their step lists, so that results never depend on the input order of ties.
 * Returns the event indexes in `buf[0 .. g - e)`.
 */
function canonicalGroup(ev: UnitEvents, e: number, g: number, buf: number[]): number[] {
  buf.length = 0;
  for (let i = e; i < g; i++) buf.push(i);
  if (g - e > 1) {
    buf.sort((x, y) => {
      const x0 = ev.stepStart[x] as number;
      const x1 = ev.stepStart[x + 1] as number;
      const y0 = ev.stepStart[y] as number;
      const y1 = ev.stepStart[y + 1] as number;
      if (x1 - x0 !== y1 - y0) return x1 - x0 - (y1 - y0);
      for (let i = 0; i < x1 - x0; i++) {
        const d = (ev.steps[x0 + i] as number) - (ev.steps[y0 + i] as number);
        if (d !== 0) return d;
      }
      return x - y;
    });
  }
  return buf;
}

/** Scratch state for the PostHog ordered/strict machine. */
interface PathState {
  /** start[d]: start time of the depth-d path, NaN = none. */
  start: Float64Array;
  excl: Uint8Array;
  /** times[d*n + k]: time of step k on the depth-d path. */
  times: Float64Array;
  /** used[d*n + k]: event position used for step k (-1 none / optional). */
  used: Int32Array;
  maxDepth: number;
  maxStart: number;
  maxExcl: boolean;
  maxTimes: Float64Array;
  /** marker list for one event: depth values, steps. */
  items: Int32Array;
  /** group buffers */
  gEv: Int32Array;
  gStep: Int32Array;
}

function newPathState(n: number): PathState {
  return {
    start: new Float64Array(n + 1),
    excl: new Uint8Array(n + 1),
    times: new Float64Array((n + 1) * n),
    used: new Int32Array((n + 1) * n),
    maxDepth: 0,
    maxStart: NaN,
    maxExcl: false,
    maxTimes: new Float64Array(n),
    items: new Int32Array(4 * 64 + 8),
    gEv: new Int32Array(64),
    gStep: new Int32Array(64),
  };
}

/**
 * Applies one matcher item to the PostHog path state: `s` is the 1-based step (or `d + 1` for an
 * exclusion marker on depth d); `isExcl` marks exclusion markers; `multi` enables the
 * "one event at most once per path" check of same-timestamp groups.
 */
function phItem(q: CompiledQuery, st: PathState, s: number, isExcl: boolean, t: number, p: number, multi: boolean): void {
  const n = q.n;
  const window = q.window;
  let prev = s - 1;
  let prevStart = st.start[prev] as number;
  let inWin = prevStart === prevStart && t - prevStart <= window && (isExcl || prev === 0 || t - (st.times[prev * n + prev - 1] as number) <= (q.maxGap[s - 1] as number));
  while (prev > 0 && !inWin && q.optional[prev - 1] === 1) {
    prev--;
    prevStart = st.start[prev] as number;
    inWin = prevStart === prevStart && t - prevStart <= window && (isExcl || prev === 0 || t - (st.times[prev * n + prev - 1] as number) <= (q.maxGap[s - 1] as number));
  }
  if (!inWin) return;
  const cur = st.start[s] as number;
  if (cur === prevStart) return; // already reached this step from the same start (cur is not NaN here)
  if (isExcl) {
    if (st.excl[prev] === 0) {
      st.excl[prev] = 1;
      if (st.maxDepth === prev && t - st.maxStart <= window) st.maxExcl = true;
    }
    return;
  }
  if (multi) {
    for (let k = 0; k < n; k++) if (st.used[prev * n + k] === p) return;
  }
  const prevExcl = st.excl[prev] === 1;
  const stepIdx = s - 1;
  const opt = q.optional[stepIdx] === 1;
  if (!prevExcl) {
    st.start[s] = prevStart;
    st.excl[s] = 0;
    st.times.copyWithin(s * n, prev * n, prev * n + n);
    st.used.copyWithin(s * n, prev * n, prev * n + n);
    st.times[s * n + stepIdx] = t;
    st.used[s * n + stepIdx] = opt ? -1 : p;
  }
  if (s > st.maxDepth || (s === st.maxDepth && st.maxExcl)) {
    st.maxDepth = s;
    st.maxStart = prevStart;
    st.maxExcl = prevExcl;
    const mt = st.maxTimes;
    for (let k = 0; k < n; k++) mt[k] = st.times[prev * n + k] as number;
    mt[stepIdx] = t;
  }
}

/** Processes one event (all its markers and steps, highest first). */
function phEvent(q: CompiledQuery, st: PathState, ev: UnitEvents, e: number, t: number, multiStep: number): void {
  const p = ev.pos[e] as number;
  if (multiStep >= 0) {
    phItem(q, st, multiStep + 1, false, t, p, true);
    return;
  }
  // exclusion markers first (highest depth first), then steps (highest first)
  const x0 = ev.exclStart[e] as number;
  const x1 = ev.exclStart[e + 1] as number;
  if (x1 > x0) {
    let hi = 0;
    const marks = st.items;
    let mCount = 0;
    for (let i = x0; i < x1; i++) {
      const ex = q.exclusions[ev.excl[i] as number] as { from: number; to: number };
      for (let d = ex.from + 1; d <= ex.to; d++) marks[mCount++] = d;
      if (ex.to > hi) hi = ex.to;
    }
    for (let d = hi; d >= 1; d--) {
      let has = false;
      for (let i = 0; i < mCount; i++) if (marks[i] === d) has = true;
      if (has) phItem(q, st, d + 1, true, t, p, false);
    }
  }
  const s0 = ev.stepStart[e] as number;
  const s1 = ev.stepStart[e + 1] as number;
  for (let i = s1 - 1; i >= s0; i--) phItem(q, st, (ev.steps[i] as number) + 1, false, t, p, false);
  if (q.order === 'strict') {
    const n = q.n;
    for (let d = 1; d <= n; d++) {
      let keep = false;
      for (let i = s0; i < s1; i++) if ((ev.steps[i] as number) + 1 === d) keep = true;
      if (!keep) {
        st.start[d] = NaN;
        st.excl[d] = 0;
      }
    }
  }
}

function sameSets(ev: UnitEvents, a: number, b: number): boolean {
  const sa0 = ev.stepStart[a] as number;
  const sa1 = ev.stepStart[a + 1] as number;
  const sb0 = ev.stepStart[b] as number;
  const sb1 = ev.stepStart[b + 1] as number;
  if (sa1 - sa0 !== sb1 - sb0) return false;
  for (let i = 0; i < sa1 - sa0; i++) if (ev.steps[sa0 + i] !== ev.steps[sb0 + i]) return false;
  const xa0 = ev.exclStart[a] as number;
  const xa1 = ev.exclStart[a + 1] as number;
  const xb0 = ev.exclStart[b] as number;
  const xb1 = ev.exclStart[b + 1] as number;
  if (xa1 - xa0 !== xb1 - xb0) return false;
  for (let i = 0; i < xa1 - xa0; i++) if (ev.excl[xa0 + i] !== ev.excl[xb0 + i]) return false;
  return true;
}

/** PostHog ordered / strict, general version. Writes the unit's outputs. */
function posthogOrderedUnit(log: ActionLog, q: CompiledQuery, ev: UnitEvents, st: PathState, u: number, out: EngineOut): void {
  const n = q.n;
  const time = log.time;
  st.start.fill(NaN);
  st.excl.fill(0);
  st.times.fill(NaN);
  st.used.fill(-1);
  st.maxDepth = 0;
  st.maxStart = NaN;
  st.maxExcl = false;
  let lastEntry = NaN;
  const m = ev.count;
  const groupBuf: number[] = [];
  let e = 0;
  while (e < m) {
    const t = time[ev.pos[e] as number] as number;
    let g = e + 1;
    while (g < m && time[ev.pos[g] as number] === t) g++;
    st.start[0] = t;
    st.excl[0] = 0;
    for (let i = e; i < g; i++) if (ev.stepStart[i + 1] !== ev.stepStart[i] && ev.steps[ev.stepStart[i] as number] === 0) lastEntry = t;
    let allSame = true;
    for (let i = e + 1; i < g && allSame; i++) allSame = sameSets(ev, e, i);
    if (allSame) {
      for (let i = e; i < g; i++) phEvent(q, st, ev, i, t, -1);
    } else {
      // (event, step) pairs in ascending step order (stable): exclusions and strict clearing are ignored
      let pairs = 0;
      for (let i = e; i < g; i++) pairs += (ev.stepStart[i + 1] as number) - (ev.stepStart[i] as number);
      if (st.gEv.length < pairs) {
        st.gEv = new Int32Array(pairs * 2);
        st.gStep = new Int32Array(pairs * 2);
      }
      let k = 0;
      const order = canonicalGroup(ev, e, g, groupBuf);
      for (let s = 0; s < n; s++) {
        for (let oi = 0; oi < order.length; oi++) {
          const i = order[oi] as number;
          for (let j = ev.stepStart[i] as number; j < (ev.stepStart[i + 1] as number); j++) {
            if (ev.steps[j] === s) {
              st.gEv[k] = i;
              st.gStep[k] = s;
              k++;
            }
          }
        }
      }
      for (let j = 0; j < k; j++) phEvent(q, st, ev, st.gEv[j] as number, t, st.gStep[j] as number);
    }
    e = g;
    if (st.start[n] === st.start[n]) break;
  }
  out.lastEntryTime[u] = lastEntry;
  if (st.maxDepth === 0) return;
  if (st.maxExcl) {
    out.excluded[u] = 1;
    return;
  }
  out.deepest[u] = st.maxDepth - 1;
  out.entryTime[u] = st.maxStart;
  const base = u * n;
  for (let k = 0; k < st.maxDepth; k++) {
    const tk = st.maxTimes[k] as number;
    out.stepTime[base + k] = tk;
    if (tk === tk) out.stepOf[base + k] = k;
  }
}

/**
 * Fast path for the most common query: PostHog ordered, no optional steps, no gaps, no exclusions,
 * no property filters, every action matching at most one step. Same results as the general path.
 */
function posthogFastAll(log: ActionLog, q: CompiledQuery, out: EngineOut): void {
  const n = q.n;
  const window = q.window;
  const A = log.actions.length;
  const codeStep = new Int8Array(A).fill(-1);
  for (let c = 0; c < A; c++) if ((q.codeStepStart[c + 1] as number) > (q.codeStepStart[c] as number)) codeStep[c] = q.codeSteps[q.codeStepStart[c] as number] as number;
  const time = log.time;
  const action = log.action;
  const offsets = log.offsets;
  const U = log.unitCount;
  const start = new Float64Array(n + 1);
  const times = new Float64Array((n + 1) * n);
  const maxTimes = new Float64Array(n);
  const grp = new Int32Array(Math.max(64, n * 4));
  let grpBuf = grp;
  const deepest = out.deepest;
  const stepTime = out.stepTime;
  const stepOf = out.stepOf;
  const entryTime = out.entryTime;
  const lastEntryTime = out.lastEntryTime;
  for (let u = 0; u < U; u++) {
    const a = offsets[u] as number;
    const b = offsets[u + 1] as number;
    start.fill(NaN);
    let maxDepth = 0;
    let maxStart = NaN;
    let lastEntry = NaN;
    let done = false;
    let p = a;
    while (p < b && !done) {
      const s = codeStep[action[p] as number] as number;
      if (s < 0) {
        p++;
        continue;
      }
      const t = time[p] as number;
      // find the rest of the same-timestamp group of relevant events
      let q2 = p + 1;
      let single = true;
      while (q2 < b && time[q2] === t) {
        if ((codeStep[action[q2] as number] as number) >= 0) single = false;
        q2++;
      }
      let gCount = 0;
      if (single) {
        grpBuf[0] = s;
        gCount = 1;
      } else {
        for (let r = p; r < q2; r++) {
          const sr = codeStep[action[r] as number] as number;
          if (sr < 0) continue;
          if (gCount >= grpBuf.length) {
            const bigger = new Int32Array(grpBuf.length * 2);
            bigger.set(grpBuf);
            grpBuf = bigger;
          }
          // insertion in ascending step order (stable)
          let i = gCount++;
          while (i > 0 && (grpBuf[i - 1] as number) > sr) {
            grpBuf[i] = grpBuf[i - 1] as number;
            i--;
          }
          grpBuf[i] = sr;
        }
      }
      start[0] = t;
      for (let gi = 0; gi < gCount; gi++) {
        const step = grpBuf[gi] as number;
        const prevStart = start[step] as number;
        if (step === 0) lastEntry = t;
        if (!(t - prevStart <= window)) continue; // also false when prevStart is NaN
        if (start[step + 1] === prevStart) continue; // this step already reached from the same start
        start[step + 1] = prevStart;
        const src = step * n;
        const dst = src + n;
        for (let k = 0; k < step; k++) times[dst + k] = times[src + k] as number;
        times[dst + step] = t;
        if (step + 1 > maxDepth) {
          maxDepth = step + 1;
          maxStart = prevStart;
          for (let k = 0; k <= step; k++) maxTimes[k] = times[dst + k] as number;
        }
      }
      if (start[n] === start[n]) done = true;
      p = q2;
    }
    lastEntryTime[u] = lastEntry;
    if (maxDepth === 0) continue;
    deepest[u] = maxDepth - 1;
    entryTime[u] = maxStart;
    const base = u * n;
    for (let k = 0; k < maxDepth; k++) {
      stepTime[base + k] = maxTimes[k] as number;
      stepOf[base + k] = k;
    }
  }
}

/** PostHog unordered ("any order"): sliding window of per-step queues. */
function posthogUnorderedUnit(log: ActionLog, q: CompiledQuery, ev: UnitEvents, u: number, out: EngineOut, qs: UnorderedScratch): void {
  const n = q.n;
  const window = q.window;
  const time = log.time;
  const m = ev.count;
  // queues: per step, list of event times (indexes into ev) as a ring over [head, tail)
  qs.reset(n, m);
  let completed = 0;
  let best = 0;
  let lastEntry = NaN;
  const bestTimes = qs.bestTimes;
  const bestSteps = qs.bestSteps;
  const processStep = (e: number, t: number): void => {
    const s0 = ev.stepStart[e] as number;
    const s1 = ev.stepStart[e + 1] as number;
    if (s1 === s0) return;
    // slide the window first: the queues hold only events inside the window of this event (PostHog pops
    // the out-of-window events before it places the new one, so a stale event cannot steer the choice)
    for (let k = 0; k < n; k++) {
      while (qs.size(k) > 0 && t - (time[ev.pos[qs.front(k)] as number] as number) > window) {
        qs.pop(k);
        if (qs.size(k) === 0) completed--;
      }
    }
    // the step whose latest queued event is oldest (empty queue = oldest); ties: lowest step
    let chosen = ev.steps[s0] as number;
    let chosenT = qs.backTime(chosen, time, ev);
    for (let i = s0 + 1; i < s1; i++) {
      const k = ev.steps[i] as number;
      const bt = qs.backTime(k, time, ev);
      if (bt < chosenT) {
        chosen = k;
        chosenT = bt;
      }
    }
    if (qs.size(chosen) === 0) completed++;
    qs.push(chosen, e);
    if (completed > best) {
      best = completed;
      let c = 0;
      for (let k = 0; k < n; k++) {
        if (qs.size(k) > 0) {
          bestTimes[c] = time[ev.pos[qs.front(k)] as number] as number;
          bestSteps[c] = k;
          c++;
        }
      }
      // sort ascending by time (stable on step order)
      for (let i = 1; i < c; i++) {
        const bt = bestTimes[i] as number;
        const bs = bestSteps[i] as number;
        let j = i - 1;
        while (j >= 0 && (bestTimes[j] as number) > bt) {
          bestTimes[j + 1] = bestTimes[j] as number;
          bestSteps[j + 1] = bestSteps[j] as number;
          j--;
        }
        bestTimes[j + 1] = bt;
        bestSteps[j + 1] = bs;
      }
    }
  };
  const groupBuf: number[] = [];
  const processExclusion = (): void => {
    for (let k = 0; k < n; k++) qs.clear(k);
    completed = 0;
  };
  let e = 0;
  while (e < m && best < n) {
    const t = time[ev.pos[e] as number] as number;
    let g = e + 1;
    while (g < m && time[ev.pos[g] as number] === t) g++;
    // any step may open an unordered window: the latest event matching any step is the latest "entry"
    // (what `now` compares with: a unit whose window may still be open is in progress, not dropped)
    for (let i = e; i < g; i++) if ((ev.stepStart[i + 1] as number) > (ev.stepStart[i] as number)) lastEntry = t;
    if (g - e === 1) {
      if ((ev.stepStart[e + 1] as number) > (ev.stepStart[e] as number)) processStep(e, t);
      else processExclusion();
    } else {
      const order = canonicalGroup(ev, e, g, groupBuf);
      let anyExcl = false;
      for (let i = e; i < g; i++) if (ev.stepStart[i + 1] === ev.stepStart[i]) anyExcl = true;
      for (let j = 0; j < order.length && best < n; j++) processStep(order[j] as number, t);
      if (anyExcl && best < n) {
        processExclusion();
        for (let j = 0; j < order.length && best < n; j++) processStep(order[j] as number, t);
      }
    }
    e = g;
  }
  out.lastEntryTime[u] = lastEntry;
  if (best === 0) return;
  out.deepest[u] = best - 1;
  out.entryTime[u] = bestTimes[0] as number;
  const base = u * n;
  for (let k = 0; k < best; k++) {
    out.stepTime[base + k] = bestTimes[k] as number;
    out.stepOf[base + k] = bestSteps[k] as number;
  }
}

/** Per-step FIFO queues of event indexes for the unordered machine. */
class UnorderedScratch {
  head = new Int32Array(1);
  tail = new Int32Array(1);
  buf = new Int32Array(1);
  cap = 0;
  bestTimes = new Float64Array(1);
  bestSteps = new Int32Array(1);
  reset(n: number, m: number): void {
    if (this.head.length < n) {
      this.head = new Int32Array(n);
      this.tail = new Int32Array(n);
      this.bestTimes = new Float64Array(n);
      this.bestSteps = new Int32Array(n);
    }
    // each step queue gets a slice of size m + 1 (each event is pushed at most 3 times; we reset per unit)
    const need = n * (3 * m + 1);
    if (this.buf.length < need) this.buf = new Int32Array(need);
    this.cap = 3 * m + 1;
    for (let k = 0; k < n; k++) {
      this.head[k] = k * this.cap;
      this.tail[k] = k * this.cap;
    }
  }
  size(k: number): number {
    return (this.tail[k] as number) - (this.head[k] as number);
  }
  front(k: number): number {
    return this.buf[this.head[k] as number] as number;
  }
  backTime(k: number, time: Float64Array, ev: UnitEvents): number {
    if (this.size(k) === 0) return -Infinity;
    return time[ev.pos[this.buf[(this.tail[k] as number) - 1] as number] as number] as number;
  }
  push(k: number, e: number): void {
    const t = this.tail[k] as number;
    this.buf[t] = e;
    this.tail[k] = t + 1;
  }
  pop(k: number): void {
    this.head[k] = (this.head[k] as number) + 1;
  }
  clear(k: number): void {
    this.head[k] = this.tail[k] as number;
  }
}

/**
 * First-entry rule (Mixpanel uniques): the unit's first step-1 event starts the only attempt; steps are
 * taken greedily in order; at each timestamp the group's events fill the next steps in step order (one
 * event per step); an exclusion in a group that advanced no step ends the attempt; strict order: a
 * group that advanced no step and holds an event not matching the current step ends the attempt.
 */
function firstEntryUnit(log: ActionLog, q: CompiledQuery, ev: UnitEvents, u: number, out: EngineOut, used: Uint8Array): void {
  const n = q.n;
  const window = q.window;
  const time = log.time;
  const m = ev.count;
  let entry = -1;
  for (let e = 0; e < m && entry < 0; e++) {
    for (let j = ev.stepStart[e] as number; j < (ev.stepStart[e + 1] as number); j++) if (ev.steps[j] === 0) entry = e;
  }
  const groupBuf: number[] = [];
  if (entry >= 0) {
    // among the events at the entry's timestamp, take the first in canonical order that matches step 1
    const t0 = time[ev.pos[entry] as number] as number;
    let g0 = entry;
    while (g0 > 0 && time[ev.pos[g0 - 1] as number] === t0) g0--;
    let g1 = entry + 1;
    while (g1 < m && time[ev.pos[g1] as number] === t0) g1++;
    const order = canonicalGroup(ev, g0, g1, groupBuf);
    let chosen = -1;
    for (let oi = 0; oi < order.length && chosen < 0; oi++) {
      const i = order[oi] as number;
      for (let j = ev.stepStart[i] as number; j < (ev.stepStart[i + 1] as number); j++) if (ev.steps[j] === 0) chosen = i;
    }
    entry = chosen;
  }
  let lastEntry = NaN;
  for (let e = 0; e < m; e++) {
    for (let j = ev.stepStart[e] as number; j < (ev.stepStart[e + 1] as number); j++) if (ev.steps[j] === 0) lastEntry = time[ev.pos[e] as number] as number;
  }
  out.lastEntryTime[u] = lastEntry;
  if (entry < 0) return;
  const s = time[ev.pos[entry] as number] as number;
  const base = u * n;
  out.stepTime[base] = s;
  out.stepOf[base] = 0;
  out.entryTime[u] = s;
  let depth = 1;
  let last = s;
  used.fill(0, 0, m);
  used[entry] = 1;
  let e = entry;
  // back up to the start of the entry's timestamp group
  while (e > 0 && time[ev.pos[e - 1] as number] === s) e--;
  while (e < m && depth < n) {
    const t = time[ev.pos[e] as number] as number;
    if (t - s > window) break;
    // the next step's maximum gap has passed: the attempt timed out (later events cannot break or exclude it)
    if (t - last > (q.maxGap[depth] as number)) break;
    let g = e + 1;
    while (g < m && time[ev.pos[g] as number] === t) g++;
    let advanced = false;
    let progress = true;
    const order = canonicalGroup(ev, e, g, groupBuf);
    while (progress && depth < n) {
      progress = false;
      if (t - last > (q.maxGap[depth] as number)) break;
      for (let oi = 0; oi < order.length; oi++) {
        const i = order[oi] as number;
        if (used[i] === 1) continue;
        let hit = false;
        for (let j = ev.stepStart[i] as number; j < (ev.stepStart[i + 1] as number); j++) if (ev.steps[j] === depth) hit = true;
        if (hit) {
          used[i] = 1;
          out.stepTime[base + depth] = t;
          out.stepOf[base + depth] = depth;
          last = t;
          depth++;
          advanced = true;
          progress = true;
          break;
        }
      }
    }
    if (!advanced && t !== s) {
      let excluded = false;
      for (let i = e; i < g; i++) {
        for (let j = ev.exclStart[i] as number; j < (ev.exclStart[i + 1] as number); j++) {
          const ex = q.exclusions[ev.excl[j] as number] as { from: number; to: number };
          if (depth >= ex.from + 1 && depth <= ex.to) excluded = true;
        }
      }
      if (excluded) {
        out.ended[u] = 1;
        break;
      }
      if (q.order === 'strict') {
        let breaks = false;
        for (let i = e; i < g; i++) {
          if (used[i] === 1) continue;
          let cur = false;
          for (let j = ev.stepStart[i] as number; j < (ev.stepStart[i + 1] as number); j++) if (ev.steps[j] === depth - 1) cur = true;
          if (!cur) breaks = true;
        }
        if (breaks) {
          out.ended[u] = 2;
          break;
        }
      }
    }
    e = g;
  }
  out.deepest[u] = depth - 1;
}

/**
 * The windowFunnel level walk of one unit: fed the entries `(condition index, time)` in (time,
 * condition) order, it keeps per level the chain's first time, latest time and step times. @internal
 */
class ChWalk {
  readonly n: number;
  readonly window: number;
  readonly dedup: boolean;
  readonly strictOrder: boolean;
  readonly strictIncrease: boolean;
  readonly allowReentry: boolean;
  readonly first: Float64Array;
  readonly lastT: Float64Array;
  readonly has: Uint8Array;
  readonly path: Float64Array;
  firstEvent = false;
  result = -1;
  stop = false;
  lastEntry = NaN;
  constructor(q: CompiledQuery) {
    this.n = q.n;
    this.window = q.window;
    this.dedup = q.chModes.dedup;
    this.strictOrder = q.chModes.strictOrder;
    this.strictIncrease = q.chModes.strictIncrease;
    this.allowReentry = q.chModes.allowReentry;
    this.first = new Float64Array(q.n);
    this.lastT = new Float64Array(q.n);
    this.has = new Uint8Array(q.n);
    this.path = new Float64Array(q.n * q.n);
  }
  reset(): void {
    const has = this.has;
    for (let k = 0; k < this.n; k++) has[k] = 0;
    this.firstEvent = false;
    this.result = -1;
    this.stop = false;
    this.lastEntry = NaN;
  }
  /** True while more entries may change the result. */
  open(): boolean {
    return this.result < 0 && !this.stop;
  }
  /** One entry: condition index c (step + 1; 0 = matches nothing, strict_order only) at time t. */
  feed(c: number, t: number): void {
    const idx = c - 1;
    const has = this.has;
    if (idx === -1) {
      if (this.firstEvent) this.stop = true;
      return;
    }
    if (idx === 0) {
      this.first[0] = t;
      this.lastT[0] = t;
      has[0] = 1;
      this.path[0] = t;
      this.firstEvent = true;
      this.lastEntry = t;
    } else if (this.dedup && has[idx] === 1) {
      this.stop = true;
    } else if (this.strictOrder && this.firstEvent && has[idx - 1] === 0) {
      if (this.allowReentry) return; // allow_reentry: a step that comes too early is skipped
      let lvl = 0;
      while (lvl < this.n && has[lvl] === 1) lvl++;
      this.result = lvl;
    } else if (has[idx - 1] === 1) {
      const f = this.first[idx - 1] as number;
      let ok = t <= f + this.window;
      if (this.strictIncrease) ok = ok && (this.lastT[idx - 1] as number) < t;
      if (ok) {
        this.first[idx] = f;
        this.lastT[idx] = t;
        has[idx] = 1;
        const n = this.n;
        const path = this.path;
        const src = (idx - 1) * n;
        const dst = idx * n;
        for (let k = 0; k < idx; k++) path[dst + k] = path[src + k] as number;
        path[dst + idx] = t;
        if (idx + 1 === n) this.result = n;
      }
    }
  }
  /** Writes unit u's result (the deepest level and the step times of its chain). */
  finish(u: number, out: EngineOut): void {
    const n = this.n;
    let result = this.result;
    if (result < 0) {
      result = 0;
      for (let k = n; k > 0; k--) {
        if (this.has[k - 1] === 1) {
          result = k;
          break;
        }
      }
    }
    out.lastEntryTime[u] = this.lastEntry;
    if (result === 0) return;
    const lvl = result - 1;
    out.deepest[u] = lvl;
    const base = u * n;
    const row = lvl * n;
    for (let k = 0; k <= lvl; k++) {
      out.stepTime[base + k] = this.path[row + k] as number;
      out.stepOf[base + k] = k;
    }
    out.entryTime[u] = this.first[lvl] as number;
  }
}

/** Appends `c` to `buf[0 .. count)` keeping ascending order (stable); returns the (maybe grown) buffer. */
function insertSorted(buf: Int32Array, count: number, c: number): Int32Array {
  let b = buf;
  if (count >= b.length) {
    b = new Int32Array(b.length * 2);
    b.set(buf);
  }
  let i = count;
  while (i > 0 && (b[i - 1] as number) > c) {
    b[i] = b[i - 1] as number;
    i--;
  }
  b[i] = c;
  return b;
}

/**
 * ClickHouse windowFunnel (default semantics and strict_* modes) for every unit. Entries are the unit's
 * events in time order; a same-timestamp group is ordered by condition index (events matching no step
 * first, as ClickHouse's `(time, 0)` entries), and an event matching several steps gives one entry per
 * step. With no property filters and one step per action, the step comes from a lookup table.
 */
function clickhouseAll(log: ActionLog, q: CompiledQuery, out: EngineOut): void {
  if (q.chModes.once) {
    clickhouseOnceAll(log, q, out);
    return;
  }
  const strictOrder = q.chModes.strictOrder;
  const simple = !q.hasFilters && isSingleStepPerCode(q);
  const A = log.actions.length;
  const codeStep = new Int8Array(A).fill(-1);
  for (let c = 0; c < A; c++) {
    if ((q.codeStepStart[c + 1] as number) > (q.codeStepStart[c] as number)) codeStep[c] = q.codeSteps[q.codeStepStart[c] as number] as number;
  }
  const time = log.time;
  const action = log.action;
  const offsets = log.offsets;
  const U = log.unitCount;
  const w = new ChWalk(q);
  let grp: Int32Array = new Int32Array(64);
  for (let u = 0; u < U; u++) {
    const a = offsets[u] as number;
    const b = offsets[u + 1] as number;
    w.reset();
    let p = a;
    while (p < b && w.open()) {
      const c0 = action[p] as number;
      if (simple && (codeStep[c0] as number) < 0 && !strictOrder) {
        p++;
        continue;
      }
      const t = time[p] as number;
      let p2 = p + 1;
      if (simple && (p2 >= b || time[p2] !== t)) {
        w.feed((codeStep[c0] as number) + 1, t);
        p = p2;
        continue;
      }
      while (p2 < b && time[p2] === t) p2++;
      let gCount = 0;
      for (let r = p; r < p2; r++) {
        const c = action[r] as number;
        let any = false;
        for (let i = q.codeStepStart[c] as number; i < (q.codeStepStart[c + 1] as number); i++) {
          const k = q.codeSteps[i] as number;
          if (!q.hasFilters || matches(q.steps[k] as CompiledMatcher, c, r)) {
            grp = insertSorted(grp, gCount++, k + 1);
            any = true;
          }
        }
        if (!any && strictOrder) grp = insertSorted(grp, gCount++, 0);
      }
      for (let gi = 0; gi < gCount && w.open(); gi++) w.feed(grp[gi] as number, t);
      p = p2;
    }
    w.finish(u, out);
  }
}

/** One candidate chain of the strict_once walk: its first and latest times, the rows and times of its steps. */
interface ChChain {
  readonly first: number;
  readonly last: number;
  readonly rows: readonly number[];
  readonly times: readonly number[];
}

/**
 * ClickHouse windowFunnel with `strict_once`: the entries `(time, condition, row)` of a unit in that
 * order; every level keeps the list of all candidate chains reaching it (a condition-1 entry starts a
 * new chain). An entry for condition i > 1 extends every chain of level i − 1 whose window still holds
 * and that does not already use the same row (and, with `strict_increase`, whose latest time is
 * earlier); chains of level i − 1 out of the window are dropped while more than one is left.
 * `strict_deduplication`, `strict_order` and `allow_reentry` test "the level is empty / not empty".
 * The walk returns at the first complete chain, else the deepest non-empty level; the step times
 * reported are those of the complete chain, else of the oldest chain of the deepest level.
 * Cost: O(entries × chains) per unit, like ClickHouse.
 */
function clickhouseOnceAll(log: ActionLog, q: CompiledQuery, out: EngineOut): void {
  const n = q.n;
  const window = q.window;
  const { dedup, strictOrder, strictIncrease, allowReentry } = q.chModes;
  const time = log.time;
  const action = log.action;
  const offsets = log.offsets;
  const conds: number[] = [];
  const rowsOf: number[] = [];
  for (let u = 0; u < log.unitCount; u++) {
    const a = offsets[u] as number;
    const b = offsets[u + 1] as number;
    const levels: ChChain[][] = Array.from({ length: n }, () => []);
    let firstEvent = false;
    let lastEntry = NaN;
    let result = -1;
    let done: ChChain | null = null;
    let p = a;
    while (p < b && result < 0) {
      const t = time[p] as number;
      let p2 = p;
      while (p2 < b && time[p2] === t) p2++;
      // the group's entries in (condition, row) order
      conds.length = 0;
      rowsOf.length = 0;
      for (let r = p; r < p2; r++) {
        const c = action[r] as number;
        let any = false;
        for (let i = q.codeStepStart[c] as number; i < (q.codeStepStart[c + 1] as number); i++) {
          const k = q.codeSteps[i] as number;
          if (!q.hasFilters || matches(q.steps[k] as CompiledMatcher, c, r)) {
            conds.push(k + 1);
            rowsOf.push(r);
            any = true;
          }
        }
        if (!any && strictOrder) {
          conds.push(0);
          rowsOf.push(r);
        }
      }
      const order = conds.map((_, i) => i).sort((x, y) => (conds[x] as number) - (conds[y] as number) || (rowsOf[x] as number) - (rowsOf[y] as number));
      for (const i of order) {
        const idx = (conds[i] as number) - 1;
        const row = rowsOf[i] as number;
        if (idx === -1) {
          if (firstEvent) result = deepestLevel(levels);
          if (result >= 0) break;
          continue;
        }
        if (idx === 0) {
          (levels[0] as ChChain[]).push({ first: t, last: t, rows: [row], times: [t] });
          firstEvent = true;
          lastEntry = t;
        } else if (dedup && (levels[idx] as ChChain[]).length > 0) {
          result = deepestLevel(levels);
        } else if (strictOrder && firstEvent && (levels[idx - 1] as ChChain[]).length === 0) {
          if (allowReentry) continue;
          let lvl = 0;
          while (lvl < n && (levels[lvl] as ChChain[]).length > 0) lvl++;
          result = lvl;
        } else if ((levels[idx - 1] as ChChain[]).length > 0) {
          const prev = levels[idx - 1] as ChChain[];
          for (let j = 0; j < prev.length; ) {
            const ch = prev[j] as ChChain;
            let ok = t <= ch.first + window;
            if (!ok && prev.length > 1) {
              prev.splice(j, 1);
              continue;
            }
            if (ok) ok = !ch.rows.includes(row);
            if (ok && strictIncrease) ok = ch.last < t;
            if (ok) {
              const next: ChChain = { first: ch.first, last: t, rows: [...ch.rows, row], times: [...ch.times, t] };
              (levels[idx] as ChChain[]).push(next);
              if (idx + 1 === n) {
                result = n;
                done = next;
                break;
              }
            }
            j++;
          }
        }
        if (result >= 0) break;
      }
      p = p2;
    }
    if (result < 0) result = deepestLevel(levels);
    out.lastEntryTime[u] = lastEntry;
    if (result === 0) continue;
    const chain = done ?? ((levels[result - 1] as ChChain[])[0] as ChChain);
    out.deepest[u] = result - 1;
    out.entryTime[u] = chain.first;
    const base = u * n;
    for (let k = 0; k < result; k++) {
      out.stepTime[base + k] = chain.times[k] as number;
      out.stepOf[base + k] = k;
    }
  }
}

/** The deepest non-empty level (1-based), 0 when none. */
function deepestLevel(levels: ReadonlyArray<ReadonlyArray<ChChain>>): number {
  for (let k = levels.length; k > 0; k--) if ((levels[k - 1] as ReadonlyArray<ChChain>).length > 0) return k;
  return 0;
}

/** Runs the engine for every unit of the log. @internal */
export function runEngine(log: ActionLog, q: CompiledQuery, out: EngineOut): void {
  const U = log.unitCount;
  const offsets = log.offsets;
  if (q.attempt === 'clickhouse') {
    clickhouseAll(log, q, out);
    return;
  }
  const fast =
    q.attempt === 'posthog' &&
    q.order === 'ordered' &&
    !q.hasOptional &&
    !q.hasGaps &&
    q.exclusions.length === 0 &&
    !q.hasFilters &&
    isSingleStepPerCode(q);
  if (fast) {
    posthogFastAll(log, q, out);
    return;
  }
  const ev = new UnitEvents(q.n);
  const keepAll = q.order === 'strict';
  if (q.order === 'unordered') {
    const qs = new UnorderedScratch();
    for (let u = 0; u < U; u++) {
      ev.collect(log, q, offsets[u] as number, offsets[u + 1] as number, false);
      posthogUnorderedUnit(log, q, ev, u, out, qs);
    }
    return;
  }
  if (q.attempt === 'firstEntry') {
    let used = new Uint8Array(64);
    for (let u = 0; u < U; u++) {
      ev.collect(log, q, offsets[u] as number, offsets[u + 1] as number, keepAll);
      if (used.length < ev.count) used = new Uint8Array(ev.count * 2);
      firstEntryUnit(log, q, ev, u, out, used);
    }
    return;
  }
  const st = newPathState(q.n);
  for (let u = 0; u < U; u++) {
    ev.collect(log, q, offsets[u] as number, offsets[u + 1] as number, keepAll);
    posthogOrderedUnit(log, q, ev, st, u, out);
  }
}

function isSingleStepPerCode(q: CompiledQuery): boolean {
  const css = q.codeStepStart;
  for (let c = 0; c + 1 < css.length; c++) if ((css[c + 1] as number) - (css[c] as number) > 1) return false;
  return true;
}
