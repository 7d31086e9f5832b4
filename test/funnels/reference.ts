/**
 * A naive, obviously-correct reference implementation of the event-funnel semantics documented in
 * docs/event-funnels.md (PostHog's funnel engine, Mixpanel's first-entry rule, ClickHouse's
 * windowFunnel). Row objects, Maps, comparator sorts, copied path objects — slow on purpose, written
 * straight from the rules, sharing no code with src/funnels.
 */
import type { FunnelPropertyFilter, FunnelQuery, FunnelStep } from '../../src/index.js';

export interface RefRow {
  unit: string | number;
  time: number;
  action: string;
  props?: Record<string, string | number | null>;
}

export interface RefUnitResult {
  /** deepest 0-based step index reached (-1 none or excluded) */
  deepest: number;
  excluded: boolean;
  /** step times on the counted attempt (null when not reached), per step (unordered: sorted completion times) */
  times: Array<number | null>;
  /** first-entry: how the attempt ended */
  ended: 'none' | 'excluded' | 'strict';
}

const DAY14 = 14 * 24 * 3600 * 1000;

function stepOf(s: string | FunnelStep): FunnelStep {
  return typeof s === 'string' ? { action: s } : s;
}

function filterOk(where: FunnelPropertyFilter | undefined, row: RefRow): boolean {
  if (where === undefined) return true;
  for (const [k, want] of Object.entries(where)) {
    const v = row.props?.[k] ?? null;
    const list = Array.isArray(want) ? want : [want];
    if (!list.some((w) => w === v)) return false;
  }
  return true;
}

export function stepMatches(step: FunnelStep, row: RefRow): boolean {
  if (step.anyAction === true) return filterOk(step.where, row);
  const acts = typeof step.action === 'string' ? [step.action] : [...(step.action ?? [])];
  return acts.includes(row.action) && filterOk(step.where, row);
}

interface Ev {
  id: number;
  t: number;
  /** 1-based steps, ascending */
  steps: number[];
  /** exclusion depth markers (1-based depth d: paths that completed d steps) */
  marks: number[];
  exclHit: boolean;
}

interface Path {
  start: number;
  excluded: boolean;
  times: Array<number | null>;
  used: number[];
}

function byTime(rows: RefRow[]): RefRow[] {
  return rows.map((r, i) => ({ r, i })).sort((a, b) => a.r.time - b.r.time || a.i - b.i).map((x) => x.r);
}

function toEvents(rows: RefRow[], q: FunnelQuery): Ev[] {
  const steps = q.steps.map(stepOf);
  return byTime(rows).map((row, id) => {
    const st: number[] = [];
    steps.forEach((s, k) => {
      if (stepMatches(s, row)) st.push(k + 1);
    });
    const marks = new Set<number>();
    let exclHit = false;
    for (const ex of q.exclusions ?? []) {
      if (stepMatches({ action: ex.action, where: ex.where }, row)) {
        exclHit = true;
        for (let d = ex.from + 1; d <= ex.to; d++) marks.add(d);
      }
    }
    return { id, t: row.time, steps: st, marks: [...marks].sort((a, b) => a - b), exclHit };
  });
}

/** Ties in canonical order: events matching fewer steps first, then by their step lists. */
function canonical(group: Ev[]): Ev[] {
  const lex = (x: number[], y: number[]) => {
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return 0;
  };
  return [...group].sort((a, b) => a.steps.length - b.steps.length || lex(a.steps, b.steps) || a.id - b.id);
}

function groupByTime(evs: Ev[]): Ev[][] {
  const out: Ev[][] = [];
  for (const e of evs) {
    const last = out[out.length - 1];
    if (last !== undefined && last[0]!.t === e.t) last.push(e);
    else out.push([e]);
  }
  return out;
}

/** PostHog ordered / strict. */
function posthogOrdered(rows: RefRow[], q: FunnelQuery): RefUnitResult {
  const steps = q.steps.map(stepOf);
  const n = steps.length;
  const W = q.windowMs ?? DAY14;
  const strict = q.order === 'strict';
  const ignore = new Set(q.strictIgnore ?? []);
  const optional = (s1: number) => steps[s1 - 1]?.optional === true; // 1-based step number
  const gap = (s1: number) => steps[s1 - 1]?.maxGapMs ?? Infinity;
  let evs = toEvents(rows, q);
  const actionOf = new Map(byTime(rows).map((r, i) => [i, r.action]));
  if (strict) evs = evs.filter((e) => !ignore.has(actionOf.get(e.id)!));
  else evs = evs.filter((e) => e.steps.length > 0 || e.marks.length > 0 || e.exclHit);
  const entered: Array<Path | null> = new Array(n + 1).fill(null);
  let maxDepth = 0;
  let maxPath: Path | null = null;

  const item = (s: number, isExcl: boolean, ev: Ev, multi: boolean) => {
    const lastTime = (p: Path) => {
      const ts = p.times.filter((x): x is number => x !== null);
      return ts[ts.length - 1]!;
    };
    const inWindow = (d: number) => {
      const p = entered[d];
      if (p === null || p === undefined) return false;
      if (ev.t - p.start > W) return false;
      if (!isExcl && d > 0 && ev.t - lastTime(p) > gap(s)) return false;
      return true;
    };
    let prev = s - 1;
    while (prev > 0 && !inWindow(prev) && optional(prev)) prev--;
    if (!inWindow(prev)) return;
    const pp = entered[prev]!;
    const here = entered[s];
    if (here !== null && here !== undefined && here.start === pp.start) return;
    if (isExcl) {
      if (!pp.excluded) {
        pp.excluded = true;
        if (maxDepth === prev && maxPath !== null && ev.t - maxPath.start <= W) maxPath.excluded = true;
      }
      return;
    }
    if (multi && pp.used.includes(ev.id)) return;
    const times = [...pp.times];
    times[s - 1] = ev.t;
    const used = optional(s) ? [...pp.used] : [...pp.used, ev.id];
    const np: Path = { start: pp.start, excluded: pp.excluded, times, used };
    if (!pp.excluded) entered[s] = { ...np, times: [...times], used: [...used] };
    if (s > maxDepth || (s === maxDepth && maxPath?.excluded === true)) {
      maxDepth = s;
      maxPath = np;
    }
  };

  for (const group of groupByTime(evs)) {
    const t = group[0]!.t;
    entered[0] = { start: t, excluded: false, times: new Array(n).fill(null), used: [] };
    const key = (e: Ev) => JSON.stringify([e.steps, e.marks]);
    if (group.every((e) => key(e) === key(group[0]!))) {
      for (const ev of group) {
        for (const d of [...ev.marks].reverse()) item(d + 1, true, ev, false);
        for (const s of [...ev.steps].reverse()) item(s, false, ev, false);
        if (strict) for (let d = 1; d <= n; d++) if (!ev.steps.includes(d)) entered[d] = null;
      }
    } else {
      const pairs = canonical(group).flatMap((ev) => ev.steps.map((s) => ({ ev, s })));
      pairs.sort((a, b) => a.s - b.s); // stable
      for (const { ev, s } of pairs) item(s, false, ev, true);
    }
    if (entered[n] !== null) break;
  }
  if (maxDepth === 0 || maxPath === null) return { deepest: -1, excluded: false, times: new Array(n).fill(null), ended: 'none' };
  const mp = maxPath as Path;
  if (mp.excluded) return { deepest: -1, excluded: true, times: new Array(n).fill(null), ended: 'none' };
  return { deepest: maxDepth - 1, excluded: false, times: mp.times, ended: 'none' };
}

/** PostHog unordered. */
function posthogUnordered(rows: RefRow[], q: FunnelQuery): RefUnitResult {
  const n = q.steps.length;
  const W = q.windowMs ?? DAY14;
  const evs = toEvents(rows, q).filter((e) => e.steps.length > 0 || e.exclHit);
  const queues: Ev[][] = Array.from({ length: n }, () => []);
  let best = 0;
  let bestTimes: number[] = [];
  const step = (ev: Ev) => {
    // slide the window first: only events inside the window of this one stay queued
    for (const qk of queues) while (qk.length > 0 && ev.t - qk[0]!.t > W) qk.shift();
    // the step whose latest queued event is oldest (empty first); ties → lowest step
    let chosen = -1;
    let chosenT = Infinity;
    for (const s1 of ev.steps) {
      const qk = queues[s1 - 1]!;
      const bt = qk.length === 0 ? -Infinity : qk[qk.length - 1]!.t;
      if (chosen < 0 || bt < chosenT) {
        chosen = s1 - 1;
        chosenT = bt;
      }
    }
    queues[chosen]!.push(ev);
    const done = queues.filter((qk) => qk.length > 0).length;
    if (done > best) {
      best = done;
      bestTimes = queues.filter((qk) => qk.length > 0).map((qk) => qk[0]!.t).sort((a, b) => a - b);
    }
  };
  const exclude = () => queues.forEach((qk) => (qk.length = 0));
  for (const group0 of groupByTime(evs)) {
    const group = canonical(group0);
    if (best === n) break;
    const isStep = (e: Ev) => e.steps.length > 0;
    if (group.length === 1) {
      if (isStep(group[0]!)) step(group[0]!);
      else exclude();
      continue;
    }
    const stepsEv = group.filter(isStep);
    const exclEv = group.filter((e) => !isStep(e));
    for (const e of stepsEv) if (best < n) step(e);
    if (exclEv.length > 0 && best < n) {
      for (const _ of exclEv) exclude();
      for (const e of stepsEv) if (best < n) step(e);
    }
  }
  const times: Array<number | null> = new Array(n).fill(null);
  bestTimes.forEach((t, i) => (times[i] = t));
  return { deepest: best - 1, excluded: false, times, ended: 'none' };
}

/** Mixpanel-style first entry. */
function firstEntry(rows: RefRow[], q: FunnelQuery): RefUnitResult {
  const steps = q.steps.map(stepOf);
  const n = steps.length;
  const W = q.windowMs ?? DAY14;
  const strict = q.order === 'strict';
  const ignore = new Set(q.strictIgnore ?? []);
  const sorted = byTime(rows);
  let evs = toEvents(rows, q).map((e) => ({ ...e, action: sorted[e.id]!.action }));
  if (strict) evs = evs.filter((e) => !ignore.has(e.action));
  else evs = evs.filter((e) => e.steps.length > 0 || e.exclHit);
  const times: Array<number | null> = new Array(n).fill(null);
  const firstT = evs.find((e) => e.steps.includes(1))?.t;
  const entry = canonical(evs.filter((e) => e.t === firstT)).find((e) => e.steps.includes(1));
  if (entry === undefined) return { deepest: -1, excluded: false, times, ended: 'none' };
  const s = entry.t;
  times[0] = s;
  let depth = 1;
  let last = s;
  const used = new Set([entry.id]);
  for (const group0 of groupByTime(evs.filter((e) => e.t >= s))) {
    const group = canonical(group0);
    if (depth >= n) break;
    const t = group[0]!.t;
    if (t - s > W) break;
    if (t - last > (steps[depth]!.maxGapMs ?? Infinity)) break; // the gap to the next step has passed: timed out
    let advanced = false;
    for (;;) {
      if (depth >= n) break;
      if (t - last > (steps[depth]!.maxGapMs ?? Infinity)) break;
      const hit = group.find((e) => !used.has(e.id) && e.steps.includes(depth + 1));
      if (hit === undefined) break;
      used.add(hit.id);
      times[depth] = t;
      last = t;
      depth++;
      advanced = true;
    }
    if (!advanced && t !== s) {
      const excluded = group.some((e) => (q.exclusions ?? []).some((ex) => stepMatches({ action: ex.action, where: ex.where }, sorted[e.id]!) && depth >= ex.from + 1 && depth <= ex.to));
      if (excluded) return { deepest: depth - 1, excluded: false, times, ended: 'excluded' };
      if (strict && group.some((e) => !used.has(e.id) && !e.steps.includes(depth))) return { deepest: depth - 1, excluded: false, times, ended: 'strict' };
    }
  }
  return { deepest: depth - 1, excluded: false, times, ended: 'none' };
}

/** ClickHouse windowFunnel. */
function clickhouse(rows: RefRow[], q: FunnelQuery): RefUnitResult {
  const steps = q.steps.map(stepOf);
  const n = steps.length;
  const W = q.windowMs ?? DAY14;
  const modes = q.clickhouse === true || q.clickhouse === undefined || q.clickhouse === false ? [] : [...q.clickhouse];
  const dedup = modes.includes('strict_deduplication');
  const strictOrder = modes.includes('strict_order');
  const strictIncrease = modes.includes('strict_increase');
  const allowReentry = modes.includes('allow_reentry');
  const entries: Array<{ t: number; c: number; row: number }> = [];
  rows.forEach((row, id) => {
    let any = false;
    steps.forEach((s, k) => {
      if (stepMatches(s, row)) {
        entries.push({ t: row.time, c: k + 1, row: id });
        any = true;
      }
    });
    if (!any && strictOrder) entries.push({ t: row.time, c: 0, row: id });
  });
  entries.sort((a, b) => a.t - b.t || a.c - b.c || a.row - b.row);
  if (modes.includes('strict_once')) return clickhouseOnce(entries, n, W, { dedup, strictOrder, strictIncrease, allowReentry });
  const level: Array<{ first: number; last: number; path: number[] } | null> = new Array(n).fill(null);
  let firstEvent = false;
  const deepestSet = () => {
    for (let k = n; k > 0; k--) if (level[k - 1] !== null) return k;
    return 0;
  };
  let result = -1;
  for (const { t, c } of entries) {
    const idx = c - 1;
    if (strictOrder && idx === -1) {
      if (firstEvent) break;
      continue;
    }
    if (idx === 0) {
      level[0] = { first: t, last: t, path: [t] };
      firstEvent = true;
    } else if (dedup && level[idx] !== null) {
      break;
    } else if (strictOrder && firstEvent && level[idx - 1] === null) {
      if (allowReentry) continue;
      result = level.findIndex((l) => l === null);
      break;
    } else if (level[idx - 1] !== null) {
      const prev = level[idx - 1]!;
      let ok = t <= prev.first + W;
      if (strictIncrease) ok = ok && prev.last < t;
      if (ok) {
        level[idx] = { first: prev.first, last: t, path: [...prev.path, t] };
        if (idx + 1 === n) {
          result = n;
          break;
        }
      }
    }
  }
  if (result < 0) result = deepestSet();
  const times: Array<number | null> = new Array(n).fill(null);
  if (result === 0) return { deepest: -1, excluded: false, times, ended: 'none' };
  level[result - 1]!.path.forEach((t, i) => (times[i] = t));
  return { deepest: result - 1, excluded: false, times, ended: 'none' };
}

/**
 * ClickHouse strict_once: all candidate chains, each a list of (row, time); a row at most once per
 * chain; out-of-window chains of the previous level are dropped while more than one is left.
 */
function clickhouseOnce(
  entries: Array<{ t: number; c: number; row: number }>,
  n: number,
  W: number,
  m: { dedup: boolean; strictOrder: boolean; strictIncrease: boolean; allowReentry: boolean },
): RefUnitResult {
  type Chain = Array<{ row: number; t: number }>;
  const levels: Chain[][] = Array.from({ length: n }, () => []);
  const deepest = () => {
    for (let k = n; k > 0; k--) if (levels[k - 1]!.length > 0) return k;
    return 0;
  };
  let started = false;
  let result = -1;
  let winner: Chain | null = null;
  for (const e of entries) {
    const idx = e.c - 1;
    if (idx === -1) {
      if (m.strictOrder && started) {
        result = deepest();
        break;
      }
      continue;
    }
    if (idx === 0) {
      levels[0]!.push([{ row: e.row, t: e.t }]);
      started = true;
      continue;
    }
    if (m.dedup && levels[idx]!.length > 0) {
      result = deepest();
      break;
    }
    if (m.strictOrder && started && levels[idx - 1]!.length === 0) {
      if (m.allowReentry) continue;
      result = levels.findIndex((l) => l.length === 0);
      break;
    }
    const prev = levels[idx - 1]!;
    const kept: Chain[] = [];
    for (let j = 0; j < prev.length; j++) {
      const chain = prev[j]!;
      const inWindow = e.t <= chain[0]!.t + W;
      const remaining = prev.length - j + kept.length; // chains still in the list at this point
      if (!inWindow && remaining > 1) continue; // dropped
      kept.push(chain);
      if (!inWindow) continue;
      if (chain.some((x) => x.row === e.row)) continue;
      if (m.strictIncrease && !(chain[chain.length - 1]!.t < e.t)) continue;
      const next = [...chain, { row: e.row, t: e.t }];
      levels[idx]!.push(next);
      if (idx + 1 === n) {
        winner = next;
        result = n;
        for (let r = j + 1; r < prev.length; r++) kept.push(prev[r]!);
        break;
      }
    }
    levels[idx - 1] = kept;
    if (result === n) break;
  }
  if (result < 0) result = deepest();
  const times: Array<number | null> = new Array(n).fill(null);
  if (result === 0) return { deepest: -1, excluded: false, times, ended: 'none' };
  (winner ?? levels[result - 1]![0]!).forEach((x, i) => (times[i] = x.t));
  return { deepest: result - 1, excluded: false, times, ended: 'none' };
}

/** Evaluates one unit's rows under the query's rules. */
export function referenceUnit(rows: RefRow[], q: FunnelQuery): RefUnitResult {
  if (q.clickhouse !== undefined && q.clickhouse !== false) return clickhouse(rows, q);
  if (q.order === 'unordered') return posthogUnordered(rows, q);
  if (q.attempt === 'firstEntry') return firstEntry(rows, q);
  return posthogOrdered(rows, q);
}

/** Evaluates every unit: Map unit key → result. */
export function referenceFunnel(rows: RefRow[], q: FunnelQuery): Map<string | number, RefUnitResult> {
  const byUnit = new Map<string | number, RefRow[]>();
  for (const r of rows) {
    const list = byUnit.get(r.unit) ?? [];
    list.push(r);
    byUnit.set(r.unit, list);
  }
  const out = new Map<string | number, RefUnitResult>();
  for (const [k, list] of byUnit) out.set(k, referenceUnit(list, q));
  return out;
}

/** Per-step counts from reference results (optional steps: only units whose path includes them). */
export function referenceCounts(results: Map<string | number, RefUnitResult>, q: FunnelQuery): number[] {
  const steps = q.steps.map(stepOf);
  const counts = new Array<number>(steps.length).fill(0);
  for (const r of results.values()) {
    for (let k = 0; k <= r.deepest; k++) {
      if (steps[k]?.optional === true && r.times[k] === null) continue;
      counts[k]!++;
    }
  }
  return counts;
}
