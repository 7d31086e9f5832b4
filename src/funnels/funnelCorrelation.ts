import { fail } from '../errors/FunnelError.js';
import { CORRELATION_DEFAULTS, rankCorrelations, type Contingency, type OddsRatioRow } from '../internal/oddsRatio.js';
import { fisherExactTest } from '../internal/stats.js';
import type { ActionLog, ActionPropertyValue } from '../io/actionLog.js';
import type { FunnelQuery, FunnelRules } from './funnelQuery.js';
import { evaluateFunnelUnits } from './evaluateFunnelUnits.js';

/**
 * Which event properties {@link funnelCorrelation} correlates.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface CorrelationEventProperties {
  /** The actions whose events' properties are read. */
  readonly actions: ReadonlyArray<string>;
  /** The property columns to read. Default every property column of the log. */
  readonly properties?: ReadonlyArray<string> | undefined;
}

/**
 * Which unit-level properties {@link funnelCorrelation} correlates, and where to read them.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface CorrelationUnitProperties {
  /** The property names; a unit's missing value counts as `''`. */
  readonly names: ReadonlyArray<string>;
  /** The properties of a unit, by its key (`undefined` when unknown). */
  readonly of: (unitKey: string | number) => Readonly<Record<string, ActionPropertyValue | undefined>> | undefined;
}

/**
 * Options of {@link funnelCorrelation}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelCorrelationOptions {
  /** Correlate the other actions units did during their attempt. Default `true`. */
  readonly actions?: boolean | undefined;
  /** Actions never considered (noise such as `'$pageleave'`). The funnel's own step actions are always left out. */
  readonly excludeActions?: ReadonlyArray<string> | undefined;
  /**
   * Correlate the property values carried by some actions' events during the attempt (PostHog's
   * "event properties"): candidates `action::property::value`.
   */
  readonly eventProperties?: CorrelationEventProperties | undefined;
  /** Correlate unit-level properties (PostHog's "person properties"): candidates `property::value`. */
  readonly unitProperties?: CorrelationUnitProperties | undefined;
  /** As-of time: units still in progress at `now` are left out (default) or counted as failures. Default the query's `now`. */
  readonly now?: number | undefined;
  /** `'exclude'` (default) or `'failure'`: what to do with units still in progress at `now`. */
  readonly inProgress?: 'exclude' | 'failure' | undefined;
  /** Smoothing added to each cell of the odds ratio. Default 1 (PostHog's prior). */
  readonly prior?: number | undefined;
  /** Candidates seen by fewer than `min(minUnits, minShare·(S + F))` units are dropped. Defaults 25 and 0.02 (PostHog). */
  readonly minUnits?: number | undefined;
  /** See `minUnits`. */
  readonly minShare?: number | undefined;
  /** Results per side (success, failure). Default 10 (PostHog). */
  readonly limit?: number | undefined;
}

/**
 * One correlated action or property value of a {@link FunnelCorrelationReport}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelCorrelationRow {
  /** What the candidate is. */
  readonly kind: 'action' | 'eventProperty' | 'unitProperty';
  /** `action`, `action::property::value` or `property::value`. */
  readonly key: string;
  /** Successful units that have it (s_e). */
  readonly success: number;
  /** Failed units that have it (f_e). */
  readonly failure: number;
  /** `((s_e + 1)(F − f_e + 1)) / ((S − s_e + 1)(f_e + 1))` with the default prior. */
  readonly oddsRatio: number;
  /** `'success'` when the odds ratio is above 1, else `'failure'`. */
  readonly correlation: 'success' | 'failure';
  /** Two-sided Fisher exact p-value of the 2×2 table (has it / not) × (success / failure); 1 when every unit has it. */
  readonly pValue: number;
}

/**
 * What the other actions and properties of converting and non-converting units say: the result of
 * {@link funnelCorrelation}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelCorrelationReport {
  /** Units that entered and reached the last step (S). */
  readonly successUnits: number;
  /** Units that entered and did not reach the last step (F), in-progress units excepted unless counted as failures. */
  readonly failureUnits: number;
  /** Units left out because their window was still open at `now`. */
  readonly inProgressUnits: number;
  /** Top success correlations, highest odds ratio first. */
  readonly success: readonly FunnelCorrelationRow[];
  /** Top failure correlations, lowest odds ratio first. */
  readonly failure: readonly FunnelCorrelationRow[];
  /** `S/F > 10` or `F/S > 10` (or one of them 0): odds ratios are unreliable. */
  readonly skewed: boolean;
  /** Candidates dropped for being too rare. */
  readonly droppedCandidates: number;
  /** The funnel's rules plus the correlation settings. */
  readonly rules: FunnelRules & {
    readonly prior: number;
    readonly minUnits: number;
    readonly minShare: number;
    readonly limit: number;
    readonly inProgress: 'exclude' | 'failure';
    readonly excludedActions: ReadonlyArray<string>;
  };
}

function positive(v: unknown, fallback: number, path: string, integer: boolean): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v))) fail('INVALID_OPTION', integer ? 'a non-negative integer' : 'a non-negative number', v, ['options', path]);
  return v;
}

type Tallies = Map<string, { kind: FunnelCorrelationRow['kind']; s: number; f: number; last: number }>;

/** Counts one candidate for a unit, once per unit (a unit's events are visited together). */
function tally(map: Tallies, kind: FunnelCorrelationRow['kind'], key: string, unit: number, success: boolean): void {
  let t = map.get(key);
  if (t === undefined) map.set(key, (t = { kind, s: 0, f: 0, last: -1 }));
  if (t.last === unit) return;
  t.last = unit;
  if (success) t.s++;
  else t.f++;
}

/**
 * Funnel correlation analysis (PostHog): which other actions, event property values and unit
 * properties go with converting, and which with dropping out, measured by odds ratios.
 *
 * Definitions (PostHog's `funnel_correlation_query_runner`):
 * - among units that entered, **success** = reached the last step, **failure** = did not (units still in
 *   progress at `now` are left out by default — PostHog counts them as failures);
 * - a unit "has" an action if it did it strictly after its counted attempt's step-1 event and strictly
 *   before its last-step event (successes) or the end of its window (failures); the funnel's own step
 *   actions are never candidates;
 * - odds ratio with prior 1: `((s_e + 1)·(F − f_e + 1)) / ((S − s_e + 1)·(f_e + 1))`, where s_e, f_e count
 *   successful and failed units having e, and S, F are the totals; > 1 is a success correlation;
 * - a candidate is dropped when `s_e + f_e < min(25, 0.02·(S + F))`; event-property candidates also need
 *   `s_e + f_e > 2`; the result is `skewed` when `S/F > 10` or `F/S > 10`; nothing is returned when S
 *   or F is 0;
 * - the top 10 per side are returned (ties broken by key, so the order of the log never matters); each
 *   row also carries the two-sided Fisher exact p-value of its 2×2 table, computed exactly.
 *
 * Cost: one funnel pass plus one pass over the events of the units that entered.
 *
 * @param log - the action log
 * @param query - the funnel query
 * @param options - what to correlate, thresholds, as-of time
 * @throws {@link FunnelError} `INVALID_OPTION` for negative thresholds or unknown property columns,
 *   `UNKNOWN_ACTION` for an unknown action in `excludeActions` or `eventProperties`.
 * @category Event funnels
 * @since 0.1.0
 * @example
 * ```ts
 * // 3 units watched the demo and paid; 1 watched and did not; 3 neither watched nor paid
 * const unit = ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c', 'd', 'd', 'e', 'f', 'g'];
 * const action = ['visit', 'demo', 'paid', 'visit', 'demo', 'paid', 'visit', 'demo', 'paid', 'visit', 'demo', 'visit', 'visit', 'visit'];
 * const time = [0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 0, 0, 0];
 * const c = funnelCorrelation(ActionLog.fromColumns({ unit, time, action }), { steps: ['visit', 'paid'] });
 * [c.successUnits, c.failureUnits] // => [3, 4]
 * c.success[0]?.key // => 'demo'
 * c.success[0]?.oddsRatio // => ((3 + 1) * (4 - 1 + 1)) / ((3 - 3 + 1) * (1 + 1))
 * ```
 */
export function funnelCorrelation(log: ActionLog, query: FunnelQuery, options: FunnelCorrelationOptions = {}): FunnelCorrelationReport {
  const now = options.now ?? query?.now;
  if (options.now !== undefined && (typeof options.now !== 'number' || !Number.isFinite(options.now))) fail('INVALID_OPTION', 'a finite time in epoch milliseconds', options.now, ['options', 'now']);
  const r = evaluateFunnelUnits(log, now === undefined ? query : { ...query, now });
  const prior = positive(options.prior, CORRELATION_DEFAULTS.prior, 'prior', false);
  const minUnits = positive(options.minUnits, CORRELATION_DEFAULTS.minUnits, 'minUnits', false);
  const minShare = positive(options.minShare, CORRELATION_DEFAULTS.minShare, 'minShare', false);
  const limit = positive(options.limit, CORRELATION_DEFAULTS.limit, 'limit', true);
  const inProgressRule = options.inProgress ?? 'exclude';
  if (inProgressRule !== 'exclude' && inProgressRule !== 'failure') fail('INVALID_OPTION', "'exclude' or 'failure'", inProgressRule, ['options', 'inProgress']);
  const codeOf = (name: unknown, path: ReadonlyArray<string | number>): number => {
    const c = typeof name === 'string' ? log.actions.indexOf(name) : -1;
    if (c < 0) fail('UNKNOWN_ACTION', 'an action that occurs in the log', name, path);
    return c;
  };

  // step actions are never candidates
  const skip = new Uint8Array(log.actions.length);
  for (const s of query.steps) {
    const a = typeof s === 'string' ? s : s.action;
    for (const name of a === undefined ? [] : typeof a === 'string' ? [a] : a) {
      const c = log.actions.indexOf(name);
      if (c >= 0) skip[c] = 1;
    }
  }
  (options.excludeActions ?? []).forEach((name, i) => (skip[codeOf(name, ['options', 'excludeActions', i])] = 1));
  const excludedActions = log.actions.filter((_, c) => skip[c] === 1);

  const propActions = new Uint8Array(log.actions.length);
  let propNames: string[] = [];
  if (options.eventProperties !== undefined) {
    options.eventProperties.actions.forEach((name, i) => (propActions[codeOf(name, ['options', 'eventProperties', 'actions', i])] = 1));
    propNames = [...(options.eventProperties.properties ?? Object.keys(log.properties))];
    propNames.forEach((p, i) => {
      if (log.properties[p] === undefined) fail('INVALID_OPTION', 'a property column of the log', p, ['options', 'eventProperties', 'properties', i]);
    });
  }
  const propCols = propNames.map((p) => log.properties[p] as NonNullable<ActionLog['properties'][string]>);
  const wantActions = options.actions !== false;

  const n = r.stepCount;
  const last = n - 1;
  const tallies: Tallies = new Map();
  let S = 0;
  let F = 0;
  let inProgressUnits = 0;
  for (let u = 0; u < r.unitCount; u++) {
    if (r.reached[u * n] !== 1) continue;
    const success = r.reached[u * n + last] === 1;
    if (!success && r.inProgress[u] === 1) {
      inProgressUnits++;
      if (inProgressRule === 'exclude') continue;
    }
    if (success) S++;
    else F++;
    const from = r.entryTime[u] as number;
    const to = success ? (r.stepTime[u * n + last] as number) : from + r.rules.windowMs;
    if (wantActions || propCols.length > 0) {
      for (let p = log.offsets[u] as number, end = log.offsets[u + 1] as number; p < end; p++) {
        const t = log.time[p] as number;
        if (t <= from) continue;
        if (t >= to) break;
        const code = log.action[p] as number;
        if (wantActions && skip[code] !== 1) tally(tallies, 'action', log.actions[code] as string, u, success);
        if (propActions[code] === 1) {
          for (let i = 0; i < propCols.length; i++) {
            const col = propCols[i] as NonNullable<(typeof propCols)[number]>;
            const v = col.codes[p] as number;
            if (v >= 0) tally(tallies, 'eventProperty', `${log.actions[code]}::${propNames[i]}::${String(col.values[v])}`, u, success);
          }
        }
      }
    }
    if (options.unitProperties !== undefined) {
      const props = options.unitProperties.of(log.unitKeys[u] as string | number) ?? {};
      for (const name of options.unitProperties.names) {
        const v = props[name];
        tally(tallies, 'unitProperty', `${name}::${v === null || v === undefined ? '' : String(v)}`, u, success);
      }
    }
  }
  const kinds = new Map<string, FunnelCorrelationRow['kind']>();
  const candidates: Contingency[] = [];
  let tooRare = 0;
  for (const [key, t] of tallies) {
    if (t.kind === 'eventProperty' && t.s + t.f <= 2) {
      tooRare++;
      continue;
    }
    kinds.set(key, t.kind);
    candidates.push({ key, success: t.s, failure: t.f });
  }
  const ranked = rankCorrelations(candidates, S, F, { prior, minUnits, minShare, limit, skewRatio: CORRELATION_DEFAULTS.skewRatio });
  const row = (o: OddsRatioRow): FunnelCorrelationRow => ({
    kind: kinds.get(o.key) ?? 'action',
    key: o.key,
    success: o.success,
    failure: o.failure,
    oddsRatio: o.oddsRatio,
    correlation: o.correlation,
    // group A = units that have it, group B = the others; a group with no units cannot differ: p = 1
    pValue: fisherExactTest({ successesA: o.success, trialsA: o.success + o.failure, successesB: S - o.success, trialsB: S - o.success + F - o.failure }) ?? 1,
  });
  return {
    successUnits: S,
    failureUnits: F,
    inProgressUnits: inProgressRule === 'exclude' ? inProgressUnits : 0,
    success: ranked.success.map(row),
    failure: ranked.failure.map(row),
    skewed: ranked.skewed,
    droppedCandidates: ranked.dropped + tooRare,
    rules: { ...r.rules, prior, minUnits, minShare, limit, inProgress: inProgressRule, excludedActions },
  };
}
