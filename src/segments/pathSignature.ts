import { orderActions, type SubjectAction } from './subject.js';

/**
 * The path signature of a customer's actions: the distinct action types in the order of their first
 * occurrence, and a stable string key joining them with `>`.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface PathSignature {
  /** The distinct action types, in the order they first occurred. */
  readonly types: ReadonlyArray<string>;
  /** The types joined with `>` (`''` for no actions): a key for grouping leads by path. */
  readonly key: string;
}

/**
 * Options of {@link pathSignature}.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface PathSignatureOptions {
  /** Action types left out of the signature (noise such as `page.viewed`). Default: none. */
  readonly ignore?: ReadonlyArray<string> | undefined;
}

/**
 * The path signature of a customer: the ordered distinct customer action types, by first occurrence
 * — the basis for discovering segments (leads walking the same sequence of actions share a key).
 *
 * Definition: sort the actions by time; actions at the same instant are ordered by action id (then
 * type), and an action id seen twice counts once; walk them and keep each type the first time it
 * appears. The result does not depend on the order of the input array. Repeats do not change the
 * signature (`a, b, a` → `a>b`). Types containing `>` make keys ambiguous: compare `types` then.
 *
 * Cost: O(n log n) for n actions.
 *
 * @param actions - the customer's actions, in any order (validated customer actions, deal action
 *   references, or any `{ id, type, at }`)
 * @param options - {@link PathSignatureOptions}
 * @returns the distinct types and their key
 * @throws FunnelError `INVALID_INPUT` / `INVALID_DATE` naming the row of a malformed action
 * @category Segments
 * @since 0.1.0
 * @example
 * ```ts
 * const sig = pathSignature([
 *   { id: 'a3', type: 'call.answered', at: '2026-03-02T10:00:00Z' },
 *   { id: 'a1', type: 'request.submitted', at: '2026-03-01T09:00:00Z' },
 *   { id: 'a2', type: 'request.submitted', at: '2026-03-01T12:00:00Z' },
 * ]);
 * sig.key // => 'request.submitted>call.answered'
 * sig.types.length // => 2
 * pathSignature([]).key // => ''
 * ```
 */
export function pathSignature(actions: ReadonlyArray<SubjectAction>, options?: PathSignatureOptions): PathSignature {
  const ignore = new Set(options?.ignore ?? []);
  return signatureOfOrdered(orderActions(actions), ignore);
}

/** The signature of actions already sorted by (time, id). @internal */
export function signatureOfOrdered(ordered: ReadonlyArray<{ readonly type: string }>, ignore?: ReadonlySet<string>): PathSignature {
  const seen = new Set<string>();
  const types: string[] = [];
  for (const a of ordered) {
    if (seen.has(a.type) || ignore?.has(a.type) === true) continue;
    seen.add(a.type);
    types.push(a.type);
  }
  return Object.freeze({ types: Object.freeze(types), key: types.join('>') });
}
