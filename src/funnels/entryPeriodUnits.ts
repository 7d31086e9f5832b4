/**
 * The funnel evaluated once per (unit, entry period): for every period in which a unit did step 1,
 * the unit's result when only the step-1 events of that period may start an attempt — as if step 1
 * carried the extra filter "its event lies in this period". Used by the trends (PostHog counts a unit
 * once in every period in which it entered).
 *
 * How: an expanded log whose "units" are the (unit, period) pairs, each holding the unit's events from
 * the first step-1 event of the period to the last step-1 event of the period + the window (nothing
 * outside that span can change an attempt that starts in the period), with a private property column
 * "in this period" that step 1's matcher requires. The engine itself runs unchanged on it.
 * Cost: O(events) to find the entries, plus one engine pass over the copied spans (each event copied
 * once per entry period of its unit whose span covers it). @internal
 */
import type { ActionLog } from '../io/actionLog.js';
import { nextPeriodStart, periodStart } from '../internal/periods.js';
import type { PeriodUnit } from '../internal/periods.js';
import type { CompiledFilter, CompiledMatcher, CompiledQuery } from './compileQuery.js';
import { matches } from './compileQuery.js';
import { evaluateCompiled } from './evaluateFunnelUnits.js';
import type { FunnelUnitResults } from './funnelUnitResults.js';

/** Per-(unit, period) results: pair i is unit `unitOf[i]` in the period starting at `periodOf[i]`. @internal */
export interface EntryPeriodResults {
  /** The log's unit index of each pair. */
  readonly unitOf: Int32Array;
  /** The UTC start (epoch ms) of each pair's period. */
  readonly periodOf: Float64Array;
  /** The funnel's per-pair results (indexed by pair). */
  readonly result: FunnelUnitResults;
}

function remapFilter(f: CompiledFilter, src: Int32Array): CompiledFilter {
  const codes = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) codes[i] = f.codes[src[i] as number] as number;
  return { codes, allowed: f.allowed };
}

function remapMatcher(m: CompiledMatcher, src: Int32Array): CompiledMatcher {
  return m.filters.length === 0 ? m : { actionOk: m.actionOk, filters: m.filters.map((f) => remapFilter(f, src)) };
}

/**
 * Evaluates a compiled ordered/strict (PostHog or first-entry) or ClickHouse query per (unit, entry
 * period). Not for unordered funnels (they have no step-1 entry: any step may start the window).
 * @internal
 */
export function evaluateByEntryPeriod(log: ActionLog, q: CompiledQuery, period: PeriodUnit): EntryPeriodResults {
  const step0 = q.steps[0] as CompiledMatcher;
  const skipIgnored = q.order === 'strict';
  const time = log.time;
  const action = log.action;
  const offsets = log.offsets;
  const window = q.window;
  // pass 1: the pairs and their spans [from, to) of sorted positions
  const pairUnit: number[] = [];
  const pairPeriod: number[] = [];
  const pairFrom: number[] = [];
  const pairTo: number[] = [];
  let total = 0;
  for (let u = 0; u < log.unitCount; u++) {
    const a = offsets[u] as number;
    const b = offsets[u + 1] as number;
    let cur = NaN;
    let curEnd = NaN;
    let lastEntry = NaN;
    let from = -1;
    const close = (): void => {
      if (from < 0) return;
      const limit = lastEntry + window;
      let to = from;
      while (to < b && (time[to] as number) <= limit) to++;
      pairUnit.push(u);
      pairPeriod.push(cur);
      pairFrom.push(from);
      pairTo.push(to);
      total += to - from;
    };
    for (let p = a; p < b; p++) {
      const c = action[p] as number;
      if (skipIgnored && q.ignored[c] === 1) continue;
      if (!matches(step0, c, p)) continue;
      const t = time[p] as number;
      if (!(t < curEnd)) {
        close();
        cur = periodStart(t, period);
        curEnd = nextPeriodStart(cur, period);
        from = p;
        while (from > a && time[from - 1] === t) from--; // the whole same-timestamp group
      }
      lastEntry = t;
    }
    close();
  }
  // pass 2: the expanded log (pairs as units) and the "in this period" column
  const P = pairUnit.length;
  const offsetsX = new Int32Array(P + 1);
  const timeX = new Float64Array(total);
  const actionX = new Uint16Array(total);
  const src = new Int32Array(total);
  const inPeriod = new Int32Array(total);
  let m = 0;
  for (let i = 0; i < P; i++) {
    offsetsX[i] = m;
    const start = pairPeriod[i] as number;
    const end = nextPeriodStart(start, period);
    for (let p = pairFrom[i] as number, to = pairTo[i] as number; p < to; p++) {
      const t = time[p] as number;
      timeX[m] = t;
      actionX[m] = action[p] as number;
      src[m] = p;
      inPeriod[m] = t >= start && t < end ? 0 : -1;
      m++;
    }
  }
  offsetsX[P] = m;
  const unitKeys = pairUnit.map((u) => log.unitKeys[u] as string | number);
  const expanded: ActionLog = Object.freeze({ ...log, unitCount: P, eventCount: m, unitKeys, offsets: offsetsX, time: timeX, action: actionX, properties: Object.freeze({}) });
  const periodFilter: CompiledFilter = { codes: inPeriod, allowed: Uint8Array.of(0, 1) };
  const steps = q.steps.map((s, k) => {
    const r = remapMatcher(s, src);
    return k === 0 ? { actionOk: r.actionOk, filters: [...r.filters, periodFilter] } : r;
  });
  const exclusions = q.exclusions.map((e) => ({ m: remapMatcher(e.m, src), from: e.from, to: e.to }));
  const qX: CompiledQuery = { ...q, steps, exclusions, hasFilters: true };
  const { result } = evaluateCompiled(expanded, qX);
  return { unitOf: Int32Array.from(pairUnit), periodOf: Float64Array.from(pairPeriod), result };
}
