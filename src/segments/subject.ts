import { fail } from '../errors/FunnelError.js';
import { toMs } from '../triggers/time.js';

/**
 * A customer action as segment rules and lead scoring read it: an id, a type, a time (ISO string,
 * `Date` or epoch milliseconds) and optional properties. A validated {@link CustomerAction} and a
 * deal's {@link ActionRef} both fit.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface SubjectAction {
  /** The action's id (ties at equal times are broken by id; duplicate ids count once). */
  readonly id: string;
  /** The action type, a past-tense fact such as `"call.answered"`. */
  readonly type: string;
  /** When the customer did it. */
  readonly at: string | number | Date;
  /** The action's properties, read by `where` predicates. */
  readonly properties?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * What is segmented or scored: a lead's (or deal's) attributes and the customer's actions, in any
 * order. Either give `attributes` and `actions` directly, or a `deal` (its `attributes` and its
 * applied `actions` are used unless `attributes`/`actions` are given too). A {@link Deal} itself also
 * fits, since it has `attributes` and `actions`. A deal's `actions` are references without
 * properties: pass the full customer actions as `actions` when rules read properties.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface LeadSubject {
  /** Lead or deal attributes (a free record); default the deal's, or `{}`. */
  readonly attributes?: Readonly<Record<string, unknown>> | undefined;
  /** The customer's actions, in any order; default the deal's, or none. */
  readonly actions?: ReadonlyArray<SubjectAction> | undefined;
  /** A deal whose attributes and actions are used when the fields above are absent. */
  readonly deal?: { readonly attributes: Readonly<Record<string, unknown>>; readonly actions: ReadonlyArray<SubjectAction> } | undefined;
}

/** An action with its time in epoch milliseconds. @internal */
export interface TimedAction {
  readonly id: string;
  readonly type: string;
  readonly ms: number;
  readonly properties: Readonly<Record<string, unknown>> | undefined;
}

/** A subject resolved for evaluation: attributes and actions sorted by (time, id). @internal */
export interface ResolvedSubject {
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly actions: ReadonlyArray<TimedAction>;
}

/**
 * Sorts actions by time, then by id (then type), and keeps the first of each id. The result does not
 * depend on the order of the input array. Throws a FunnelError naming the row for malformed actions.
 * @internal
 */
export function orderActions(actions: unknown, path: ReadonlyArray<string | number> = ['actions']): TimedAction[] {
  if (!Array.isArray(actions)) fail('INVALID_INPUT', 'an array of customer actions', actions, path);
  const out: TimedAction[] = [];
  for (let i = 0; i < actions.length; i++) {
    const a: unknown = actions[i];
    if (typeof a !== 'object' || a === null) fail('INVALID_INPUT', 'a customer action object', a, [...path, i]);
    const { id, type, at, properties } = a as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') fail('INVALID_INPUT', 'a non-empty string id', id, [...path, i, 'id']);
    if (typeof type !== 'string' || type === '') fail('INVALID_INPUT', 'a non-empty action type', type, [...path, i, 'type']);
    if (properties !== undefined && (typeof properties !== 'object' || properties === null)) {
      fail('INVALID_INPUT', 'a properties record', properties, [...path, i, 'properties']);
    }
    out.push({ id, type, ms: toMs(at, [...path, i, 'at']), properties: properties as Readonly<Record<string, unknown>> | undefined });
  }
  out.sort((x, y) => x.ms - y.ms || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0) || (x.type < y.type ? -1 : x.type > y.type ? 1 : 0));
  const seen = new Set<string>();
  return out.filter((a) => (seen.has(a.id) ? false : (seen.add(a.id), true)));
}

/** Resolves a {@link LeadSubject} (validating it). @internal */
export function resolveSubject(subject: unknown): ResolvedSubject {
  if (typeof subject !== 'object' || subject === null) fail('INVALID_INPUT', 'a subject { attributes?, actions?, deal? }', subject, []);
  const s = subject as LeadSubject;
  const attributes = s.attributes ?? s.deal?.attributes ?? {};
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) fail('INVALID_INPUT', 'an attributes record', attributes, ['attributes']);
  return { attributes, actions: orderActions(s.actions ?? s.deal?.actions ?? [], ['actions']) };
}

export { DAY_MS } from '../triggers/time.js';
