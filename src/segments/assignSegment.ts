import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import type { Segment, SegmentInput } from '../model/index.js';
import { evaluateSegmentRule, type SegmentRuleTrace } from './evaluateSegmentRule.js';
import { isValidatedSegmentList, parseSegments } from './parseSegments.js';
import { signatureOfOrdered, type PathSignature } from './pathSignature.js';
import { resolveSubject, type LeadSubject } from './subject.js';

/**
 * Options of {@link assignSegment}.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface AssignSegmentOptions {
  /** The segment a subject falls into when no rule matches (one of the segments' ids). Default: none (`segmentId: null`). */
  readonly defaultSegmentId?: string | undefined;
}

/**
 * One segment checked during assignment, in evaluation order.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface SegmentCheck {
  /** The segment's id. */
  readonly segmentId: string;
  /** Its priority. */
  readonly priority: number;
  /** Whether its rule held. */
  readonly matched: boolean;
}

/**
 * The segment a subject was assigned to, and why.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface SegmentAssignment {
  /** The segment's id; `null` when no rule matched and no default is configured. */
  readonly segmentId: string | null;
  /** The funnel the segment points at (`null` with `segmentId`). */
  readonly funnelId: string | null;
  /** `rule`: the segment's rule matched; `default`: none matched, the default applied; `none`: none matched, no default. */
  readonly by: 'rule' | 'default' | 'none';
  /** The trace of the matching segment's rule (`null` unless `by === 'rule'`). */
  readonly explanation: SegmentRuleTrace | null;
  /** The segments checked, in evaluation order (priority, then definition order), up to the match. */
  readonly checked: ReadonlyArray<SegmentCheck>;
  /** The subject's path signature (every action type, nothing ignored). */
  readonly path: PathSignature;
}

const ORDERED = new WeakMap<object, ReadonlyArray<Segment>>();

function orderedSegments(list: ReadonlyArray<Segment>): ReadonlyArray<Segment> {
  const cached = ORDERED.get(list);
  if (cached !== undefined) return cached;
  const ordered = list
    .map((s, i) => ({ s, i }))
    .sort((a, b) => b.s.priority - a.s.priority || a.i - b.i)
    .map((x) => x.s);
  ORDERED.set(list, ordered);
  return ordered;
}

/**
 * Assigns a lead (or deal) to a segment by the customer's attributes and observed action path.
 *
 * Rule: segments are checked by `priority`, highest first, then in definition order; the first whose
 * rule holds wins. When none holds, the `defaultSegmentId` option applies (`by: 'default'`), or the
 * result is `segmentId: null` (`by: 'none'`). Actions are sorted by time, ties by action id, so the
 * result does not depend on the order of the actions array; an action id seen twice counts once.
 *
 * Segments from {@link parseSegments} are used as they are; any other list is validated on every
 * call (a FunnelError on bad definitions) — parse once when assigning many subjects.
 * Cost: O(n log n) for sorting n actions plus O(n) per rule.
 *
 * @param segments - the segment definitions (ideally from {@link parseSegments})
 * @param subject - attributes plus actions, or a deal (see {@link LeadSubject})
 * @param options - {@link AssignSegmentOptions}
 * @returns the segment id, its funnel, and the explanation
 * @throws FunnelError `INVALID_INPUT` for bad definitions or malformed actions, `INVALID_DATE` for a bad
 *   action time, `UNKNOWN_SEGMENT` for a default that is not one of the segments
 * @category Segments
 * @since 0.1.0
 * @example
 * ```ts
 * const segments = parseSegments([
 *   { id: 'hot', name: 'Asked for a callback within a day', funnelId: 'fast', priority: 2,
 *     rule: { kind: 'actionWithin', action: 'callback.requested', days: 1 } },
 *   { id: 'researcher', name: 'Browsed for weeks', funnelId: 'considered', priority: 1,
 *     rule: { kind: 'activity', action: 'page.viewed', minActions: 3, moreThanDays: 14 } },
 * ]);
 * const r = assignSegment(segments, { actions: [
 *   { id: 'a1', type: 'page.viewed', at: '2026-03-01T09:00:00Z' },
 *   { id: 'a2', type: 'callback.requested', at: '2026-03-01T15:00:00Z' },
 * ] }, { defaultSegmentId: 'researcher' });
 * r.segmentId // => 'hot'
 * r.explanation.because // => 'callback.requested a2 0.25 day(s) after the first action a1 (≤ 1)'
 * assignSegment(segments, { actions: [] }, { defaultSegmentId: 'researcher' }).by // => 'default'
 * ```
 */
export function assignSegment(
  segments: ReadonlyArray<Segment> | ReadonlyArray<SegmentInput>,
  subject: LeadSubject,
  options?: AssignSegmentOptions,
): SegmentAssignment {
  const list = isValidatedSegmentList(segments) ? segments : parseSegments(segments);
  const defaultId = options?.defaultSegmentId;
  const fallback = defaultId === undefined ? undefined : list.find((s) => s.id === defaultId);
  if (defaultId !== undefined && fallback === undefined) {
    fail('UNKNOWN_SEGMENT', `one of the segment ids (${list.map((s) => s.id).join(', ')})`, defaultId, ['options', 'defaultSegmentId']);
  }
  const resolved = resolveSubject(subject);
  const path = signatureOfOrdered(resolved.actions);
  const ctx = { ...resolved, path: path.types };
  const checked: SegmentCheck[] = [];
  for (const s of orderedSegments(list)) {
    const t = evaluateSegmentRule(s.rule, ctx);
    checked.push({ segmentId: s.id, priority: s.priority, matched: t.matched });
    if (t.matched) return deepFreeze({ segmentId: s.id, funnelId: s.funnelId, by: 'rule', explanation: t, checked, path });
  }
  if (fallback !== undefined) return deepFreeze({ segmentId: fallback.id, funnelId: fallback.funnelId, by: 'default', explanation: null, checked, path });
  return deepFreeze({ segmentId: null, funnelId: null, by: 'none', explanation: null, checked, path });
}
