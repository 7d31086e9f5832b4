import type { ActionMatch, SegmentRule } from '../model/index.js';
import { matchesPredicates } from '../triggers/matchesPredicates.js';
import { DAY_MS, type ResolvedSubject, type TimedAction } from './subject.js';

/**
 * How one segment rule (and its sub-rules) evaluated for a subject: the rule kind, whether it
 * matched, a sentence saying why, the ids of the actions that decided it, and the sub-rules' traces.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface SegmentRuleTrace {
  /** The rule's kind (`all`, `actionWithin`, …). */
  readonly kind: SegmentRule['kind'];
  /** Whether the rule held. */
  readonly matched: boolean;
  /** Why, in words (`"callback.requested a2 0.25 days after the first action a1 (≤ 1)"`). */
  readonly because: string;
  /** The actions that decided the outcome (empty when none did). */
  readonly actionIds: ReadonlyArray<string>;
  /** Traces of the sub-rules of `all`, `any` and `not`. */
  readonly rules: ReadonlyArray<SegmentRuleTrace>;
}

/** A subject prepared once for evaluating many rules. @internal */
export interface RuleContext extends ResolvedSubject {
  /** The path signature's types. */
  readonly path: ReadonlyArray<string>;
}

function typeMatches(match: ActionMatch | undefined, type: string): boolean {
  if (match === undefined) return true;
  return typeof match === 'string' ? match === type : match.includes(type);
}

function label(match: ActionMatch | undefined): string {
  if (match === undefined) return 'any action';
  return typeof match === 'string' ? match : match.join('|');
}

function days(ms: number): string {
  return String(Math.round((ms / DAY_MS) * 100) / 100);
}

function trace(kind: SegmentRule['kind'], matched: boolean, because: string, actionIds: ReadonlyArray<string> = [], rules: ReadonlyArray<SegmentRuleTrace> = []): SegmentRuleTrace {
  return { kind, matched, because, actionIds, rules };
}

function isSubsequence(needle: ReadonlyArray<string>, hay: ReadonlyArray<string>): boolean {
  let j = 0;
  for (let i = 0; i < hay.length && j < needle.length; i++) if (hay[i] === needle[j]) j++;
  return j === needle.length;
}

/**
 * Evaluates a segment rule on a prepared subject, returning the full trace. Every sub-rule is
 * evaluated (no short-circuit) so the explanation is complete. @internal
 */
export function evaluateSegmentRule(rule: SegmentRule, ctx: RuleContext): SegmentRuleTrace {
  switch (rule.kind) {
    case 'all': {
      const rules = rule.rules.map((r) => evaluateSegmentRule(r, ctx));
      const failed = rules.filter((r) => !r.matched).length;
      return trace('all', failed === 0, failed === 0 ? `all ${rules.length} rule(s) held` : `${failed} of ${rules.length} rule(s) failed`, [], rules);
    }
    case 'any': {
      const rules = rule.rules.map((r) => evaluateSegmentRule(r, ctx));
      const held = rules.filter((r) => r.matched).length;
      return trace('any', held > 0, held > 0 ? `${held} of ${rules.length} rule(s) held` : `none of ${rules.length} rule(s) held`, [], rules);
    }
    case 'not': {
      const inner = evaluateSegmentRule(rule.rule, ctx);
      return trace('not', !inner.matched, inner.matched ? 'the inner rule held' : 'the inner rule did not hold', [], [inner]);
    }
    case 'attributes': {
      const ok = matchesPredicates(rule.where, ctx.attributes);
      return trace('attributes', ok, ok ? `attributes satisfy ${rule.where.length} predicate(s)` : 'an attribute predicate failed');
    }
    case 'firstAction': {
      const first = ctx.actions[0];
      if (first === undefined) return trace('firstAction', false, 'no actions');
      const ok = typeMatches(rule.action, first.type);
      return trace('firstAction', ok, `the first action ${first.id} is ${first.type}${ok ? '' : `, not ${label(rule.action)}`}`, [first.id]);
    }
    case 'pathStartsWith': {
      const ok = rule.path.length <= ctx.path.length && rule.path.every((t, i) => ctx.path[i] === t);
      return trace('pathStartsWith', ok, `the path ${ctx.path.join('>') || '(empty)'} ${ok ? 'starts' : 'does not start'} with ${rule.path.join('>')}`);
    }
    case 'pathContains': {
      const ok = isSubsequence(rule.path, ctx.path);
      return trace('pathContains', ok, `the path ${ctx.path.join('>') || '(empty)'} ${ok ? 'contains' : 'does not contain'} ${rule.path.join('>')} in order`);
    }
    case 'actionWithin': {
      const ref = ctx.actions.find((a) => typeMatches(rule.after, a.type));
      if (ref === undefined) return trace('actionWithin', false, `no ${rule.after === undefined ? 'action' : label(rule.after)} to measure from`);
      const limit = ref.ms + rule.days * DAY_MS;
      const hit = ctx.actions.find((a) => a.ms >= ref.ms && a.ms <= limit && typeMatches(rule.action, a.type) && (rule.where === undefined || matchesPredicates(rule.where, a.properties)));
      if (hit === undefined) return trace('actionWithin', false, `no ${label(rule.action)} within ${rule.days} day(s) of the first ${rule.after === undefined ? 'action' : label(rule.after)} ${ref.id}`, [ref.id]);
      return trace('actionWithin', true, `${hit.type} ${hit.id} ${days(hit.ms - ref.ms)} day(s) after the first ${rule.after === undefined ? 'action' : label(rule.after)} ${ref.id} (≤ ${rule.days})`, [ref.id, hit.id]);
    }
    case 'activity': {
      const stop = rule.before === undefined ? undefined : ctx.actions.find((a) => typeMatches(rule.before, a.type));
      const hits: TimedAction[] = ctx.actions.filter((a) => typeMatches(rule.action, a.type) && (stop === undefined || a.ms < stop.ms));
      const first = hits[0];
      const last = hits[hits.length - 1];
      const span = first === undefined || last === undefined ? 0 : last.ms - first.ms;
      const ok = hits.length >= rule.minActions && span > rule.moreThanDays * DAY_MS;
      const ids = first === undefined || last === undefined ? [] : [first.id, last.id];
      const scope = stop === undefined ? '' : ` before ${stop.type} ${stop.id}`;
      return trace('activity', ok, `${hits.length} ${label(rule.action)}${scope} over ${days(span)} day(s) (need ≥ ${rule.minActions} over > ${rule.moreThanDays})`, ids);
    }
    case 'actionCount': {
      const hits = ctx.actions.filter((a) => typeMatches(rule.action, a.type) && (rule.where === undefined || matchesPredicates(rule.where, a.properties)));
      const n = hits.length;
      const ok = (rule.min === undefined || n >= rule.min) && (rule.max === undefined || n <= rule.max);
      return trace('actionCount', ok, `${n} ${label(rule.action)} (need ${rule.min ?? 0}..${rule.max ?? '∞'})`, hits.map((a) => a.id));
    }
  }
}
