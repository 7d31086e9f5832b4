/**
 * Validates a {@link FunnelQuery} against an {@link ActionLog} and compiles it into lookup tables for
 * the engine. @internal
 */
import { fail } from '../errors/FunnelError.js';
import type { ActionLog, ActionPropertyValue } from '../io/actionLog.js';
import type { ClickHouseFunnelMode, FunnelPropertyFilter, FunnelQuery, FunnelRules } from './funnelQuery.js';

/** Maximum number of steps. @internal */
export const MAX_STEPS = 64;
/** PostHog's default conversion window: 14 days. @internal */
export const DEFAULT_WINDOW_MS = 14 * 24 * 3600 * 1000;

/** A compiled property filter: property codes column + allowed codes (missing = -1 allowed?). @internal */
export interface CompiledFilter {
  readonly codes: Int32Array;
  /** allowed[code + 1] = 1 (index 0 stands for missing). */
  readonly allowed: Uint8Array;
}

/** A compiled matcher (step or exclusion): action codes + filters. @internal */
export interface CompiledMatcher {
  /** 1 per action code that matches (ignoring filters). */
  readonly actionOk: Uint8Array;
  readonly filters: ReadonlyArray<CompiledFilter>;
}

/** The compiled query. @internal */
export interface CompiledQuery {
  readonly rules: FunnelRules;
  readonly n: number;
  readonly window: number;
  readonly steps: ReadonlyArray<CompiledMatcher>;
  readonly optional: Uint8Array;
  readonly hasOptional: boolean;
  /** per step max gap, Infinity when none. */
  readonly maxGap: Float64Array;
  readonly hasGaps: boolean;
  /** exclusions: matcher + from/to */
  readonly exclusions: ReadonlyArray<{ readonly m: CompiledMatcher; readonly from: number; readonly to: number }>;
  /** per action code: 1 = ignored in strict mode. */
  readonly ignored: Uint8Array;
  readonly hasFilters: boolean;
  /** Per action code, the steps it may match (ascending), CSR. */
  readonly codeStepStart: Int32Array;
  readonly codeSteps: Int8Array;
  /** Per action code: 1 if some exclusion may match it. */
  readonly codeExcl: Uint8Array;
  readonly order: 'ordered' | 'strict' | 'unordered';
  readonly attempt: 'posthog' | 'firstEntry' | 'clickhouse';
  readonly chModes: {
    readonly dedup: boolean;
    readonly strictOrder: boolean;
    readonly strictIncrease: boolean;
    /** strict_once: every candidate chain is kept; a row is used at most once per chain. */
    readonly once: boolean;
    /** allow_reentry (with strict_order): an entry whose previous level is empty is skipped, not a stop. */
    readonly allowReentry: boolean;
  };
  readonly now: number | null;
}

function compileFilter(log: ActionLog, where: FunnelPropertyFilter, path: ReadonlyArray<string | number>): CompiledFilter[] {
  if (where === null || typeof where !== 'object') fail('INVALID_OPTION', 'an object of property filters', where, path);
  const out: CompiledFilter[] = [];
  for (const [name, want] of Object.entries(where)) {
    const col = log.properties[name];
    if (col === undefined) fail('INVALID_OPTION', `a property of the log (${Object.keys(log.properties).map((k) => JSON.stringify(k)).join(', ') || 'none'})`, name, [...path, name]);
    const allowed = new Uint8Array(col.values.length + 1);
    const list: ReadonlyArray<ActionPropertyValue> = Array.isArray(want) ? (want as ReadonlyArray<ActionPropertyValue>) : [want as ActionPropertyValue];
    for (const v of list) {
      if (v === null) allowed[0] = 1;
      else {
        const k = col.values.indexOf(v);
        if (k >= 0) allowed[k + 1] = 1;
      }
    }
    out.push({ codes: col.codes, allowed });
  }
  return out;
}

function actionCodes(log: ActionLog, action: unknown, path: ReadonlyArray<string | number>): number[] {
  const list = typeof action === 'string' ? [action] : Array.isArray(action) ? (action as unknown[]) : null;
  if (list === null || list.length === 0) fail('INVALID_OPTION', 'an action name or a non-empty list of action names', action, path);
  return list.map((a, i) => {
    if (typeof a !== 'string') fail('INVALID_OPTION', 'an action name (string)', a, typeof action === 'string' ? path : [...path, i]);
    const c = log.actions.indexOf(a);
    if (c < 0) fail('UNKNOWN_ACTION', 'an action that occurs in the log', a, typeof action === 'string' ? path : [...path, i]);
    return c;
  });
}

function nonNegative(v: unknown, path: ReadonlyArray<string | number>): number {
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) fail('INVALID_OPTION', 'a non-negative number of milliseconds', v, path);
  return v;
}

/** Compiles a query for a log. @internal */
export function compileQuery(log: ActionLog, query: FunnelQuery): CompiledQuery {
  if (query === null || typeof query !== 'object') fail('INVALID_OPTION', 'a funnel query { steps, … }', query, ['query']);
  const stepsIn = query.steps;
  if (!Array.isArray(stepsIn) || stepsIn.length === 0) fail('INVALID_OPTION', 'a non-empty list of steps', stepsIn, ['query', 'steps']);
  if (stepsIn.length > MAX_STEPS) fail('INVALID_OPTION', `at most ${MAX_STEPS} steps`, stepsIn.length, ['query', 'steps']);
  const n = stepsIn.length;
  const A = log.actions.length;
  const window = query.windowMs === undefined ? DEFAULT_WINDOW_MS : nonNegative(query.windowMs, ['query', 'windowMs']);
  const order = query.order ?? 'ordered';
  if (order !== 'ordered' && order !== 'strict' && order !== 'unordered') fail('INVALID_OPTION', "'ordered', 'strict' or 'unordered'", order, ['query', 'order']);
  let attempt: 'posthog' | 'firstEntry' | 'clickhouse' = query.attempt ?? 'posthog';
  if (attempt !== 'posthog' && attempt !== 'firstEntry') fail('INVALID_OPTION', "'posthog' or 'firstEntry'", attempt, ['query', 'attempt']);
  let chModes: ClickHouseFunnelMode[] = [];
  const ch = query.clickhouse;
  if (ch !== undefined && ch !== false) {
    attempt = 'clickhouse';
    if (ch !== true) {
      if (!Array.isArray(ch)) fail('INVALID_OPTION', 'true or a list of ClickHouse modes', ch, ['query', 'clickhouse']);
      ch.forEach((m, i) => {
        if (m !== 'strict_deduplication' && m !== 'strict_order' && m !== 'strict_increase' && m !== 'strict_once' && m !== 'allow_reentry') {
          fail('INVALID_OPTION', "'strict_deduplication', 'strict_order', 'strict_increase', 'strict_once' or 'allow_reentry'", m, ['query', 'clickhouse', i]);
        }
      });
      // ClickHouse: "allow_reentry option requires strict_order to be enabled"
      if (ch.includes('allow_reentry') && !ch.includes('strict_order')) fail('INVALID_OPTION', "'allow_reentry' together with 'strict_order'", [...ch], ['query', 'clickhouse']);
      chModes = [...ch];
    }
    if (query.order !== undefined && query.order !== 'ordered') fail('INVALID_OPTION', "no order other than 'ordered' in ClickHouse mode (use the strict_order mode)", query.order, ['query', 'order']);
    if (query.attempt !== undefined) fail('INVALID_OPTION', 'no attempt rule in ClickHouse mode', query.attempt, ['query', 'attempt']);
    if (query.exclusions !== undefined && query.exclusions.length > 0) fail('INVALID_OPTION', 'no exclusions in ClickHouse mode', query.exclusions, ['query', 'exclusions']);
  }
  if (attempt === 'firstEntry' && order === 'unordered') fail('INVALID_OPTION', "the 'posthog' attempt rule for unordered funnels", attempt, ['query', 'attempt']);
  const now = query.now === undefined ? null : query.now;
  if (now !== null && (typeof now !== 'number' || !Number.isFinite(now))) fail('INVALID_OPTION', 'a finite time in epoch milliseconds', now, ['query', 'now']);

  const steps: CompiledMatcher[] = [];
  const labels: string[] = [];
  const optional = new Uint8Array(n);
  const maxGap = new Float64Array(n).fill(Infinity);
  let hasFilters = false;
  let hasGaps = false;
  let hasOptional = false;
  stepsIn.forEach((raw, k) => {
    const path = ['query', 'steps', k];
    const s = typeof raw === 'string' ? { action: raw } : raw;
    if (s === null || typeof s !== 'object') fail('INVALID_OPTION', 'an action name or a step object', raw, path);
    const actionOk = new Uint8Array(A);
    let label: string;
    if (s.anyAction === true) {
      if (s.action !== undefined) fail('INVALID_OPTION', 'either action or anyAction, not both', s.action, [...path, 'action']);
      actionOk.fill(1);
      label = 'any action';
    } else {
      const codes = actionCodes(log, s.action, [...path, 'action']);
      for (const c of codes) actionOk[c] = 1;
      label = codes.map((c) => log.actions[c]).join(' | ');
    }
    const filters = s.where === undefined ? [] : compileFilter(log, s.where, [...path, 'where']);
    if (filters.length > 0) hasFilters = true;
    if (s.optional === true) {
      if (k === 0) fail('INVALID_OPTION', 'the first step to be required', true, [...path, 'optional']);
      if (attempt !== 'posthog' || order === 'unordered') fail('INVALID_OPTION', 'optional steps only in ordered or strict funnels with PostHog rules', true, [...path, 'optional']);
      optional[k] = 1;
      hasOptional = true;
    }
    if (s.maxGapMs !== undefined) {
      if (attempt === 'clickhouse' || order === 'unordered') fail('INVALID_OPTION', 'per-step gaps only in ordered or strict funnels', s.maxGapMs, [...path, 'maxGapMs']);
      maxGap[k] = nonNegative(s.maxGapMs, [...path, 'maxGapMs']);
      if (k > 0) hasGaps = true;
    }
    labels.push(typeof s.label === 'string' ? s.label : label);
    steps.push({ actionOk, filters });
  });
  if (optional[n - 1] === 1) fail('INVALID_OPTION', 'the last step to be required', true, ['query', 'steps', n - 1, 'optional']);

  const exclusions: Array<{ m: CompiledMatcher; from: number; to: number }> = [];
  const exclRules: Array<{ actions: string[]; from: number; to: number }> = [];
  (query.exclusions ?? []).forEach((e, i) => {
    const path = ['query', 'exclusions', i];
    if (e === null || typeof e !== 'object') fail('INVALID_OPTION', 'an exclusion { action, from, to }', e, path);
    const codes = actionCodes(log, e.action, [...path, 'action']);
    if (!Number.isInteger(e.from) || !Number.isInteger(e.to) || e.from < 0 || e.to > n - 1 || e.from >= e.to) {
      fail('INVALID_OPTION', `step indexes with 0 ≤ from < to ≤ ${n - 1}`, { from: e.from, to: e.to }, path);
    }
    if (order === 'unordered' && (e.from !== 0 || e.to !== n - 1)) fail('INVALID_OPTION', `an exclusion spanning the whole funnel (from 0 to ${n - 1}) in unordered funnels`, { from: e.from, to: e.to }, path);
    const actionOk = new Uint8Array(A);
    for (const c of codes) actionOk[c] = 1;
    const filters = e.where === undefined ? [] : compileFilter(log, e.where, [...path, 'where']);
    if (filters.length > 0) hasFilters = true;
    exclusions.push({ m: { actionOk, filters }, from: e.from, to: e.to });
    exclRules.push({ actions: codes.map((c) => log.actions[c] as string), from: e.from, to: e.to });
  });

  const ignored = new Uint8Array(A);
  const ignoreNames: string[] = [];
  if (query.strictIgnore !== undefined) {
    if (order !== 'strict') fail('INVALID_OPTION', "strictIgnore only with order 'strict'", query.strictIgnore, ['query', 'strictIgnore']);
    for (const c of actionCodes(log, query.strictIgnore, ['query', 'strictIgnore'])) {
      ignored[c] = 1;
      ignoreNames.push(log.actions[c] as string);
    }
  }

  // per-code step lists
  const codeStepStart = new Int32Array(A + 1);
  const list: number[] = [];
  for (let c = 0; c < A; c++) {
    codeStepStart[c] = list.length;
    for (let k = 0; k < n; k++) if ((steps[k] as CompiledMatcher).actionOk[c] === 1) list.push(k);
  }
  codeStepStart[A] = list.length;
  const codeExcl = new Uint8Array(A);
  for (const e of exclusions) for (let c = 0; c < A; c++) if (e.m.actionOk[c] === 1) codeExcl[c] = 1;

  const rules: FunnelRules = Object.freeze({
    steps: Object.freeze(labels),
    optional: Object.freeze(Array.from(optional, (v) => v === 1)),
    maxGapMs: Object.freeze(Array.from(maxGap, (v) => (v === Infinity ? null : v))),
    windowMs: window,
    order: attempt === 'clickhouse' ? 'ordered' : order,
    attempt,
    clickhouseModes: Object.freeze(chModes),
    strictIgnore: Object.freeze(ignoreNames),
    exclusions: Object.freeze(exclRules.map((e) => Object.freeze({ actions: Object.freeze(e.actions), from: e.from, to: e.to }))),
    now,
  });
  return {
    rules,
    n,
    window,
    steps,
    optional,
    hasOptional,
    maxGap,
    hasGaps,
    exclusions,
    ignored,
    hasFilters,
    codeStepStart,
    codeSteps: Int8Array.from(list),
    codeExcl,
    order: attempt === 'clickhouse' ? 'ordered' : order,
    attempt,
    chModes: {
      dedup: chModes.includes('strict_deduplication'),
      strictOrder: chModes.includes('strict_order'),
      strictIncrease: chModes.includes('strict_increase'),
      once: chModes.includes('strict_once'),
      allowReentry: chModes.includes('allow_reentry'),
    },
    now,
  };
}

/** True when event at sorted position p satisfies the matcher. @internal */
export function matches(m: CompiledMatcher, code: number, p: number): boolean {
  if (m.actionOk[code] !== 1) return false;
  for (const f of m.filters) if (f.allowed[(f.codes[p] as number) + 1] !== 1) return false;
  return true;
}
