import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import { parseWith } from '../io/parse.js';
import { SegmentListSchema, type Segment, type SegmentInput } from '../model/index.js';

/**
 * Options of {@link parseSegments}.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface ParseSegmentsOptions {
  /** The funnels (or their ids) segments may point at; when given, an unknown `funnelId` is an error. */
  readonly funnels?: ReadonlyArray<{ readonly id: string } | string> | undefined;
}

const VALIDATED = new WeakSet<object>();

/** True when the list was produced by {@link parseSegments} (so it needs no validation). @internal */
export function isValidatedSegmentList(list: unknown): list is ReadonlyArray<Segment> {
  return typeof list === 'object' && list !== null && VALIDATED.has(list);
}

/**
 * Validates a list of segment definitions from untrusted input (a config file) and returns it deeply
 * frozen, defaults applied. Checks: every field's shape (strict objects, so a typo is an error), the
 * rules' predicates, unique segment ids, and — when `options.funnels` is given — that every segment
 * points at one of those funnels.
 *
 * A list returned here is recognised by {@link assignSegment}, which then skips validation.
 *
 * @param input - the segment definitions, in definition order (which breaks priority ties)
 * @param options - {@link ParseSegmentsOptions}
 * @returns the frozen, validated list
 * @throws FunnelError `INVALID_INPUT` naming the path (`[1].rule.days`), the expected and the received value
 * @category Segments
 * @since 0.1.0
 * @example
 * ```ts
 * const segments = parseSegments([
 *   { id: 'hot', name: 'Hot', funnelId: 'b2b-fast', priority: 1,
 *     rule: { kind: 'actionWithin', action: 'callback.requested', days: 1 } },
 * ], { funnels: ['b2b-fast'] });
 * segments[0].priority // => 1
 * Object.isFrozen(segments) // => true
 * ```
 */
export function parseSegments(input: ReadonlyArray<SegmentInput> | unknown, options?: ParseSegmentsOptions): ReadonlyArray<Segment> {
  const list = parseWith(SegmentListSchema, input, 'segment list', 'INVALID_INPUT');
  if (options?.funnels !== undefined) {
    const ids = new Set(options.funnels.map((f) => (typeof f === 'string' ? f : f.id)));
    list.forEach((s, i) => {
      if (!ids.has(s.funnelId)) fail('INVALID_INPUT', `one of the funnel ids (${[...ids].join(', ')})`, s.funnelId, [i, 'funnelId']);
    });
  }
  const frozen = deepFreeze(list);
  VALIDATED.add(frozen);
  return frozen;
}
