import type { Predicate } from '../model/common.js';
import { evaluatePredicate } from './evaluatePredicate.js';

/**
 * True when every predicate holds on the record (logical AND); an empty list is true. See
 * {@link evaluatePredicate} for each operator.
 *
 * @param predicates - the conditions (all must hold)
 * @param record - a customer action's `properties`, a deal's `attributes`, …
 * @category Triggers
 * @since 0.1.0
 * @example
 * ```ts
 * matchesPredicates([{ field: 'channel', op: 'eq', value: 'web' }, { field: 'pages', op: 'gt', value: 3 }], { channel: 'web', pages: 5 }) // => true
 * matchesPredicates([], undefined) // => true
 * ```
 */
export function matchesPredicates(predicates: ReadonlyArray<Predicate>, record: unknown): boolean {
  for (let i = 0; i < predicates.length; i++) {
    if (!evaluatePredicate(predicates[i] as Predicate, record)) return false;
  }
  return true;
}
