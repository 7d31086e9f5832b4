import { fail } from '../errors/FunnelError.js';
import type { ActionLog, ActionPropertyColumn, ActionPropertyValue } from '../io/actionLog.js';
import { compileQuery, matches } from './compileQuery.js';
import type { FunnelQuery, FunnelRules } from './funnelQuery.js';
import { evaluateFunnelUnits } from './evaluateFunnelUnits.js';
import type { FunnelUnitResults } from './funnelUnitResults.js';
import { segmentSignificance, type SegmentSignificance } from './segmentSignificance.js';
import type { EventFunnelStep } from './eventFunnel.js';
import { stepSummary } from './stepSummary.js';
import { subLog } from './subLog.js';

/**
 * Which event's value puts a unit in a breakdown bucket:
 * - `'firstTouch'`: the first non-empty value (neither missing nor `''`) along the counted attempt's step events (default);
 * - `'lastTouch'`: the last non-empty value along them;
 * - `{ step: k }`: the value on the counted attempt's step-k event (0-based); units that never reached
 *   step k are in no bucket (counted as `unattributed`);
 * - `'allEvents'`: the funnel is run once per value on only the events carrying that value, so a unit
 *   can be in several buckets (PostHog's "all events").
 *
 * @category Event funnels
 * @since 0.1.0
 */
export type BreakdownAttribution = 'firstTouch' | 'lastTouch' | 'allEvents' | { readonly step: number };

/**
 * What to break a funnel down by: an event property column of the log (with an attribution rule), or
 * a unit-level value such as a person's device or a deal's owner.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelBreakdownOptions {
  /** An event property column of the log. Give this or `unitValue`. */
  readonly property?: string | undefined;
  /** A unit-level value (a person property): called once per unit with its key. Give this or `property`. */
  readonly unitValue?: ((unitKey: string | number) => ActionPropertyValue | undefined) | undefined;
  /** Attribution rule for `property`. Default `'firstTouch'`. */
  readonly attribution?: BreakdownAttribution | undefined;
  /** Keep the `limit` buckets with the most entrants; merge the rest into one "other" bucket. Default 25. */
  readonly limit?: number | undefined;
  /** As-of time, passed to the funnel (units still in their window at `now` are counted as in progress). */
  readonly now?: number | undefined;
  /** Confidence level of the per-bucket significance. Default 0.95. */
  readonly confidenceLevel?: number | undefined;
  /** Minimum bucket entrants for significance. Default 30. */
  readonly minSample?: number | undefined;
}

/**
 * One bucket of a {@link FunnelBreakdownReport}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelBreakdownBucket {
  /** The value (as a string; `''` for missing), or `'other'` for the merged rest. */
  readonly value: string;
  /** True for the merged "other" bucket. */
  readonly other: boolean;
  /** The values in the bucket: `[value]`, or every merged value for "other". */
  readonly values: readonly string[];
  /** Per-step counts, conversion, drop-off and times of the bucket's units. */
  readonly steps: readonly EventFunnelStep[];
  /** Bucket units that have not converted and are still within their window at `now`. */
  readonly inProgress: number;
  /**
   * Whether the bucket's end-to-end conversion differs from all attributed units' (hypergeometric test,
   * as Mixpanel). `null` for `'allEvents'`, where buckets overlap and are not draws from one population.
   */
  readonly significance: SegmentSignificance | null;
}

/**
 * A funnel broken down by a property: the result of {@link funnelBreakdown}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelBreakdownReport {
  /** Buckets by entrants (most first, ties by value), the "other" bucket last. */
  readonly buckets: readonly FunnelBreakdownBucket[];
  /** The funnel over every attributed unit (for `'allEvents'`: the plain funnel over the whole log). */
  readonly total: readonly EventFunnelStep[];
  /** Units that entered but belong to no bucket (step attribution: never reached that step). */
  readonly unattributed: number;
  /** The funnel's rules plus the breakdown's. */
  readonly rules: FunnelRules & {
    readonly breakdown: string;
    readonly attribution: 'firstTouch' | 'lastTouch' | 'allEvents' | 'unit' | `step ${number}`;
    readonly limit: number;
    readonly missingValue: '';
  };
}

const asKey = (v: ActionPropertyValue | undefined): string => (v === null || v === undefined ? '' : String(v));

/**
 * The sorted position of the event used at column j of unit u's counted attempt, or -1: the event at the
 * step's recorded time that matches the step. When several do (identical to the engine), the one whose
 * `col` value sorts first as a string is taken, empty values (missing or `''`) last — so the choice never
 * depends on the input row order.
 */
function stepEvent(log: ActionLog, r: FunnelUnitResults, steps: ReturnType<typeof compileQuery>['steps'], u: number, j: number, col: ActionPropertyColumn): number {
  const n = r.stepCount;
  const t = r.stepTime[u * n + j] as number;
  const step = r.stepOf[u * n + j] as number;
  if (!Number.isFinite(t) || step < 0) return -1;
  const m = steps[step];
  if (m === undefined) return -1;
  let best = -1;
  let bestKey: string | null = null;
  for (let p = log.offsets[u] as number, end = log.offsets[u + 1] as number; p < end; p++) {
    const tp = log.time[p] as number;
    if (tp > t) break;
    if (tp !== t || !matches(m, log.action[p] as number, p)) continue;
    const c = col.codes[p] as number;
    const v = c < 0 ? '' : asKey(col.values[c]);
    const key = v === '' ? null : v;
    if (best < 0 || (key !== null && (bestKey === null || key < bestKey))) {
      best = p;
      bestKey = key;
    }
  }
  return best;
}

/** Ranks value → entrants, keeps the top `limit`, groups the rest. */
function rankValues(entrants: Map<string, number>, limit: number): { top: string[]; rest: string[] } {
  const sorted = [...entrants.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[0]);
  return { top: sorted.slice(0, limit), rest: sorted.slice(limit) };
}

/**
 * Breaks an event funnel down by a property: one funnel per value, with attribution first touch, last
 * touch, step k or all events (PostHog's options), or by a unit-level value (a person property); the
 * `limit` biggest buckets are kept and the rest merged into "other" (Mixpanel's `$other`); missing
 * values go to the `''` bucket (PostHog).
 *
 * Counting rules:
 * - first touch, last touch, step k and unit values give each unit **one** bucket, so the buckets
 *   partition the attributed units and their step counts sum to `total`; each bucket also carries
 *   Mixpanel's significance of its end-to-end conversion against `total`;
 * - step values are read from the events of the attempt the funnel counts (the event at the step's time
 *   that matches the step); PostHog picks first/last touch over all step events of the unit, and step k
 *   from every attempt, so a unit may differ or appear twice there;
 * - `'allEvents'` runs the funnel once per bucket on the events carrying its values (property-less
 *   events go to `''`); buckets overlap and do not sum to `total`.
 * - Values are compared as strings (`3` and `'3'` are one bucket).
 *
 * Cost: one funnel pass (plus one per bucket for `'allEvents'`), plus O(events of entrants).
 *
 * @param log - the action log
 * @param query - the funnel query
 * @param breakdown - the property or unit value, attribution, limit
 * @throws {@link FunnelError} `INVALID_OPTION` when neither or both of `property`/`unitValue` are given,
 *   for an unknown property column, an attribution step out of range, or a limit below 1.
 * @category Event funnels
 * @since 0.1.0
 * @example
 * ```ts
 * const log = ActionLog.fromColumns({
 *   unit: [1, 1, 2, 2, 3, 4, 4],
 *   time: [0, 10, 0, 10, 0, 0, 10],
 *   action: ['visit', 'paid', 'visit', 'paid', 'visit', 'visit', 'paid'],
 *   properties: { channel: ['ads', null, 'seo', 'seo', 'ads', null, null] },
 * });
 * const b = funnelBreakdown(log, { steps: ['visit', 'paid'] }, { property: 'channel' });
 * b.buckets.map((x) => [x.value, x.steps[0]?.count, x.steps[1]?.count]) // => [['ads', 2, 1], ['', 1, 1], ['seo', 1, 1]]
 * b.total[1]?.fromStart // => 0.75
 * ```
 */
export function funnelBreakdown(log: ActionLog, query: FunnelQuery, breakdown: FunnelBreakdownOptions): FunnelBreakdownReport {
  if (breakdown === null || typeof breakdown !== 'object') fail('INVALID_OPTION', 'a breakdown { property } or { unitValue }', breakdown, ['breakdown']);
  const { property, unitValue } = breakdown;
  if ((property === undefined) === (unitValue === undefined)) fail('INVALID_OPTION', 'exactly one of property and unitValue', breakdown, ['breakdown']);
  if (property !== undefined && log.properties[property] === undefined) {
    fail('INVALID_OPTION', `a property column of the log (${Object.keys(log.properties).map((k) => JSON.stringify(k)).join(', ') || 'none'})`, property, ['breakdown', 'property']);
  }
  if (unitValue !== undefined && typeof unitValue !== 'function') fail('INVALID_OPTION', 'a function (unitKey) => value', unitValue, ['breakdown', 'unitValue']);
  const limit = breakdown.limit ?? 25;
  if (!Number.isSafeInteger(limit) || limit < 1) fail('INVALID_OPTION', 'a positive integer', limit, ['breakdown', 'limit']);
  const attribution = breakdown.attribution ?? 'firstTouch';
  const q = breakdown.now === undefined ? query : { ...query, now: breakdown.now };
  const r = evaluateFunnelUnits(log, q);
  const n = r.stepCount;
  const sig = { confidenceLevel: breakdown.confidenceLevel, minSample: breakdown.minSample };
  let attributionRule: FunnelBreakdownReport['rules']['attribution'];

  if (attribution === 'allEvents') {
    if (unitValue !== undefined) fail('INVALID_OPTION', "no 'allEvents' attribution with unitValue", attribution, ['breakdown', 'attribution']);
    const col = log.properties[property as string] as NonNullable<ActionLog['properties'][string]>;
    const keyOfCode = (c: number): string => (c < 0 ? '' : asKey(col.values[c]));
    // entrants per value: one run per distinct value, ranked afterwards
    const values = new Set<string>();
    for (let p = 0; p < log.eventCount; p++) values.add(keyOfCode(col.codes[p] as number));
    const run = (set: ReadonlySet<string>): FunnelUnitResults => {
      const keep = new Uint8Array(log.eventCount);
      for (let p = 0; p < log.eventCount; p++) keep[p] = set.has(keyOfCode(col.codes[p] as number)) ? 1 : 0;
      return evaluateFunnelUnits(subLog(log, keep), q);
    };
    const perValue = new Map<string, FunnelUnitResults>();
    const entrants = new Map<string, number>();
    for (const v of values) {
      const rv = run(new Set([v]));
      perValue.set(v, rv);
      const steps = stepSummary(rv, null);
      if ((steps[0]?.count ?? 0) > 0) entrants.set(v, steps[0]?.count ?? 0);
    }
    const { top, rest } = rankValues(entrants, limit);
    const bucket = (value: string, vals: string[], rv: FunnelUnitResults, other: boolean): FunnelBreakdownBucket => ({
      value,
      other,
      values: vals,
      steps: stepSummary(rv, null),
      inProgress: countInProgress(rv, null),
      significance: null,
    });
    const buckets = top.map((v) => bucket(v, [v], perValue.get(v) as FunnelUnitResults, false));
    if (rest.length > 0) buckets.push(bucket('other', rest, run(new Set(rest)), true));
    attributionRule = 'allEvents';
    return { buckets, total: stepSummary(r, null), unattributed: 0, rules: { ...r.rules, breakdown: property as string, attribution: attributionRule, limit, missingValue: '' } };
  }

  // one value per unit
  const valueOf = new Array<string | undefined>(r.unitCount);
  if (unitValue !== undefined) {
    attributionRule = 'unit';
    for (let u = 0; u < r.unitCount; u++) if (r.reached[u * n] === 1) valueOf[u] = asKey(unitValue(log.unitKeys[u] as string | number));
  } else {
    const col = log.properties[property as string] as NonNullable<ActionLog['properties'][string]>;
    const compiled = compileQuery(log, q);
    let stepK = -1;
    if (typeof attribution === 'object' && attribution !== null) {
      stepK = attribution.step;
      if (!Number.isInteger(stepK) || stepK < 0 || stepK >= n) fail('INVALID_OPTION', `a step index in 0..${n - 1}`, stepK, ['breakdown', 'attribution', 'step']);
      attributionRule = `step ${stepK}`;
    } else if (attribution === 'firstTouch' || attribution === 'lastTouch') attributionRule = attribution;
    else fail('INVALID_OPTION', "'firstTouch', 'lastTouch', 'allEvents' or { step }", attribution, ['breakdown', 'attribution']);
    for (let u = 0; u < r.unitCount; u++) {
      if (r.reached[u * n] !== 1) continue;
      if (stepK >= 0) {
        // the column of step k: ordered funnels use column k; unordered ones say which step each column is
        for (let j = 0; j < n; j++) {
          if (r.stepOf[u * n + j] !== stepK || r.reached[u * n + j] !== 1) continue;
          const p = stepEvent(log, r, compiled.steps, u, j, col);
          if (p >= 0) valueOf[u] = asKey(col.values[col.codes[p] as number] ?? null);
        }
        continue;
      }
      let found: string | undefined;
      for (let j = 0; j < n; j++) {
        const p = stepEvent(log, r, compiled.steps, u, j, col);
        if (p < 0) continue;
        const c = col.codes[p] as number;
        // first / last *non-empty* value (PostHog): a missing value and '' are both skipped
        const v = c < 0 ? '' : asKey(col.values[c]);
        if (v === '') continue;
        found = v;
        if (attribution === 'firstTouch') break;
      }
      valueOf[u] = found ?? '';
    }
  }
  const entrants = new Map<string, number>();
  let unattributed = 0;
  const attributed = new Uint8Array(r.unitCount);
  for (let u = 0; u < r.unitCount; u++) {
    if (r.reached[u * n] !== 1) continue;
    const v = valueOf[u];
    if (v === undefined) {
      unattributed++;
      continue;
    }
    attributed[u] = 1;
    entrants.set(v, (entrants.get(v) ?? 0) + 1);
  }
  const { top, rest } = rankValues(entrants, limit);
  const total = stepSummary(r, attributed);
  const overall = { entered: total[0]?.count ?? 0, converted: total[n - 1]?.count ?? 0 };
  const bucket = (value: string, vals: string[], other: boolean): FunnelBreakdownBucket => {
    const set = new Set(vals);
    const mask = new Uint8Array(r.unitCount);
    for (let u = 0; u < r.unitCount; u++) if (attributed[u] === 1 && set.has(valueOf[u] as string)) mask[u] = 1;
    const steps = stepSummary(r, mask);
    const seg = { entered: steps[0]?.count ?? 0, converted: steps[n - 1]?.count ?? 0 };
    return { value, other, values: vals, steps, inProgress: countInProgress(r, mask), significance: segmentSignificance(overall, seg, sig) };
  };
  const buckets = top.map((v) => bucket(v, [v], false));
  if (rest.length > 0) buckets.push(bucket('other', rest, true));
  return {
    buckets,
    total,
    unattributed,
    rules: { ...r.rules, breakdown: property ?? 'unitValue', attribution: attributionRule, limit, missingValue: '' },
  };
}

function countInProgress(r: FunnelUnitResults, mask: Uint8Array | null): number {
  let c = 0;
  for (let u = 0; u < r.unitCount; u++) if ((mask === null || mask[u] === 1) && r.reached[u * r.stepCount] === 1 && r.inProgress[u] === 1) c++;
  return c;
}
