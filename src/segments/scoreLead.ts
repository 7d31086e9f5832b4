import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import { parseWith } from '../io/parse.js';
import { LeadScoringSchema, type LeadScoring } from '../model/index.js';
import { toMs } from '../triggers/time.js';
import { evaluatePredicate } from '../triggers/evaluatePredicate.js';
import { matchesPredicates } from '../triggers/matchesPredicates.js';
import { DAY_MS, resolveSubject, type LeadSubject, type TimedAction } from './subject.js';

/**
 * Options of {@link scoreLead}.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface ScoreLeadOptions {
  /** The as-of time (ISO string, `Date` or epoch ms): ages are measured to it; later actions are ignored. */
  readonly now: string | number | Date;
}

/**
 * A lead's qualification from its score: `sql` (score ≥ the SQL threshold), `mql` (≥ the MQL
 * threshold), otherwise `none`.
 *
 * @category Segments
 * @since 0.1.0
 */
export type LeadStage = 'none' | 'mql' | 'sql';

/**
 * One scored item: the rule, the action that earned it (`null` for an attribute rule), the raw points,
 * the decay factor and the points counted.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface ScoredPoints {
  /** The scoring rule's id. */
  readonly ruleId: string;
  /** The action that earned the points; `null` for an attribute rule. */
  readonly actionId: string | null;
  /** The action's type; `null` for an attribute rule. */
  readonly actionType: string | null;
  /** The rule's points before decay. */
  readonly rawPoints: number;
  /** The action's age at `now`, in days; `null` for an attribute rule. */
  readonly ageDays: number | null;
  /** The half-life that applied (the rule's, else the model's); `null` when the points do not decay. */
  readonly halfLifeDays: number | null;
  /** `0.5 ^ (ageDays / halfLifeDays)`, or 1 without decay. */
  readonly decay: number;
  /** `rawPoints × decay`: what this item adds to the score. */
  readonly points: number;
}

/**
 * A lead's score and the explanation of every point.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface LeadScore {
  /** The sum of `items[].points` (0 when nothing scored). */
  readonly score: number;
  /** The qualification reached: `none`, `mql` or `sql`. */
  readonly stage: LeadStage;
  /** The thresholds used. */
  readonly thresholds: { readonly mql: number; readonly sql: number };
  /** The as-of time, as a UTC ISO string. */
  readonly now: string;
  /** Every scored item, by rule (definition order), then by action time (ties by action id). */
  readonly items: ReadonlyArray<ScoredPoints>;
  /** The number of actions after `now`, which were ignored. */
  readonly ignoredLaterActions: number;
}

const VALIDATED = new WeakMap<object, LeadScoring>();

function isDeepFrozen(v: unknown, depth = 0): boolean {
  if (typeof v !== 'object' || v === null) return true;
  if (!Object.isFrozen(v) || depth > 8) return false;
  for (const k of Object.keys(v)) if (!isDeepFrozen((v as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}

function validModel(model: unknown): LeadScoring {
  if (typeof model === 'object' && model !== null) {
    const cached = VALIDATED.get(model);
    if (cached !== undefined) return cached;
  }
  const parsed = parseWith(LeadScoringSchema, model, 'lead-scoring model', 'INVALID_INPUT', ['model']);
  if (isDeepFrozen(model)) VALIDATED.set(model as object, parsed);
  return parsed;
}

/**
 * Scores a lead (or deal) with a lead-scoring model and says which qualification it reached.
 *
 * Definition:
 * - an **action rule** gives `points` for each customer action of its type(s) whose properties satisfy
 *   `where`; with `maxTimes`, only the latest `maxTimes` matching actions score (the ones decay
 *   weighs most);
 * - an **attribute rule** gives `points` once when its predicate holds on the attributes (no decay);
 * - **decay** (when the rule or the model has `halfLifeDays`): points × 0.5^(age / half-life), with
 *   age = `now` − the action's time in days — 20 points with a 7-day half-life are worth 10 after 7
 *   days and 5 after 14;
 * - actions **after `now`** are ignored (counted in `ignoredLaterActions`): the score is as of `now`;
 * - score = the sum of the items' points (negative points are allowed); stage = `sql` when score ≥
 *   the SQL threshold, else `mql` when ≥ the MQL threshold, else `none`.
 *
 * Actions are sorted by time (ties by id, duplicate ids count once), so the result does not depend on
 * the order of the actions array. A deeply frozen model (such as a parsed funnel's `scoring`) is
 * validated once and remembered; any other model is validated on every call. Cost: O(n log n + rules × n).
 *
 * As a trigger condition: a trigger's `minScore` holds when `scoreLead(funnel.scoring, subject, { now:
 * action.at }).score ≥ minScore`; the machine accepts that score through its options.
 *
 * @param model - the lead-scoring model (e.g. a funnel's `scoring`)
 * @param subject - attributes plus actions, or a deal (see {@link LeadSubject})
 * @param options - {@link ScoreLeadOptions}: `now` is required
 * @returns the score, the stage and every scored item
 * @throws FunnelError `INVALID_INPUT` for a bad model or malformed actions, `INVALID_DATE` for a bad `now` or action time
 * @category Segments
 * @since 0.1.0
 * @example
 * ```ts
 * const model = { halfLifeDays: 7, thresholds: { mql: 10, sql: 40 }, rules: [
 *   { id: 'demo', points: 20, action: 'demo.requested' },
 *   { id: 'visit', points: 1, action: 'page.viewed', maxTimes: 5 },
 *   { id: 'big', points: 15, attribute: { field: 'employees', op: 'gte', value: 200 } },
 * ] };
 * const r = scoreLead(model, { attributes: { employees: 500 }, actions: [
 *   { id: 'a1', type: 'demo.requested', at: '2026-03-01' },
 * ] }, { now: '2026-03-15' });
 * r.items[0].decay // => 0.25
 * r.score // => 20 * 0.25 + 15
 * r.stage // => 'mql'
 * ```
 */
export function scoreLead(model: LeadScoring | unknown, subject: LeadSubject, options: ScoreLeadOptions): LeadScore {
  const m = validModel(model);
  if (typeof options !== 'object' || options === null) fail('INVALID_OPTION', 'an options object with now', options, ['options']);
  const now = toMs(options.now, ['options', 'now']);
  const { attributes, actions: all } = resolveSubject(subject);
  const actions: TimedAction[] = [];
  let ignored = 0;
  for (const a of all) {
    if (a.ms > now) ignored++;
    else actions.push(a);
  }
  const items: ScoredPoints[] = [];
  for (const rule of m.rules) {
    if (rule.attribute !== undefined) {
      if (evaluatePredicate(rule.attribute, attributes)) {
        items.push({ ruleId: rule.id, actionId: null, actionType: null, rawPoints: rule.points, ageDays: null, halfLifeDays: null, decay: 1, points: rule.points });
      }
      continue;
    }
    const types = rule.action === undefined ? [] : typeof rule.action === 'string' ? [rule.action] : rule.action;
    let hits = actions.filter((a) => types.includes(a.type) && matchesPredicates(rule.where, a.properties));
    if (rule.maxTimes !== undefined && hits.length > rule.maxTimes) hits = hits.slice(hits.length - rule.maxTimes);
    const halfLife = rule.halfLifeDays ?? m.halfLifeDays ?? null;
    for (const a of hits) {
      const ageDays = (now - a.ms) / DAY_MS;
      const decay = halfLife === null ? 1 : Math.pow(0.5, ageDays / halfLife);
      items.push({ ruleId: rule.id, actionId: a.id, actionType: a.type, rawPoints: rule.points, ageDays, halfLifeDays: halfLife, decay, points: rule.points * decay });
    }
  }
  let score = 0;
  for (const it of items) score += it.points;
  const { mql, sql } = m.thresholds;
  const stage: LeadStage = score >= sql ? 'sql' : score >= mql ? 'mql' : 'none';
  return deepFreeze({ score, stage, thresholds: { mql, sql }, now: new Date(now).toISOString(), items, ignoredLaterActions: ignored });
}
