import { fail } from '../errors/FunnelError.js';
import type { CompiledFunnel, CompiledRule } from './compileFunnel.js';
import type { DealView } from './dealView.js';
import { matchesPredicates } from './matchesPredicates.js';

/** Result of matching one action: eligible moves in priority order, and the counting rules it matched. @internal */
export interface Candidates {
  readonly candidates: CompiledRule[];
  /** Rules with a `count` whose action type and `where` matched (their counters advance by one). */
  readonly counted: CompiledRule[];
}

const EMPTY: Candidates = Object.freeze({ candidates: [] as CompiledRule[], counted: [] as CompiledRule[] }) as Candidates;

/** Ranks a target for "furthest first": its path position; a lost stage counts as beyond the path. @internal */
export function targetRank(c: CompiledFunnel, stage: number): number {
  const r = c.rank[stage] as number;
  return r < 0 ? c.pathLength : r;
}

/** The priority order of candidates: priority (higher first), furthest target, definition order. @internal */
export function compareCandidates(c: CompiledFunnel, a: CompiledRule, b: CompiledRule): number {
  return b.priority - a.priority || targetRank(c, b.to) - targetRank(c, a.to) || a.order - b.order;
}

/** Whether a rule's `from` lets it move a deal sitting at stage `cur`. @internal */
export function fromAllows(c: CompiledFunnel, rule: CompiledRule, cur: number): boolean {
  const from = rule.from;
  if (from === 'any') return true;
  if (typeof from !== 'string') return from.has(cur);
  const rc = c.rank[cur] as number;
  const rt = c.rank[rule.to] as number;
  if (rt < 0) return rc >= 0; // into a lost stage: from any stage on the path
  if (rc < 0) return false;
  return from === 'previous' ? rc === rt - 1 : rc < rt;
}

/**
 * Matches a customer action (type, properties, time) against the funnel for a deal in the state
 * `view`: every trigger and stage action of that type whose `where`, `count`, `within`, `minScore` and
 * `from` hold, sorted by {@link compareCandidates}. Policy (direction, skip, required fields, status)
 * is the machine's job. `score` is called at most once, only when a matching rule has `minScore`.
 * @internal
 */
export function matchCandidates(
  c: CompiledFunnel,
  view: DealView,
  type: string,
  properties: unknown,
  actionMs: number,
  score: (() => number) | undefined,
): Candidates {
  const rules = c.byType.get(type);
  if (rules === undefined) return EMPTY;
  let candidates: CompiledRule[] | undefined;
  let counted: CompiledRule[] | undefined;
  let scoreValue: number | undefined;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i] as CompiledRule;
    if (r.where.length > 0 && !matchesPredicates(r.where, properties)) continue;
    if (r.count !== undefined) {
      (counted ??= []).push(r);
      if ((view.counts[r.ruleId as string] ?? 0) + 1 < r.count) continue;
    }
    if (r.withinMs !== undefined) {
      const ref = r.withinOf === 'dealCreated' ? view.createdMs : view.enteredMs;
      if (actionMs < ref || actionMs - ref > r.withinMs) continue;
    }
    if (r.minScore !== undefined) {
      if (scoreValue === undefined) {
        if (score === undefined) fail('INVALID_OPTION', `a "score" or "scoreOf" option (trigger "${r.ruleId}" has minScore)`, undefined, ['options', 'score']);
        scoreValue = score();
        if (typeof scoreValue !== 'number' || Number.isNaN(scoreValue)) fail('INVALID_OPTION', 'a lead score that is a number', scoreValue, ['options', 'score']);
      }
      if (scoreValue < r.minScore) continue;
    }
    if (!fromAllows(c, r, view.stageIdx)) continue;
    (candidates ??= []).push(r);
  }
  if (candidates === undefined && counted === undefined) return EMPTY;
  if (candidates !== undefined && candidates.length > 1) candidates.sort((a, b) => compareCandidates(c, a, b));
  return { candidates: candidates ?? [], counted: counted ?? [] };
}
