import type { Predicate } from '../model/common.js';
import { isForbiddenKey } from '../model/common.js';

/**
 * Reads a dotted path (`"budget.amount"`) from a record. Only own properties of plain objects and
 * arrays are followed: `__proto__`, `constructor` and `prototype` segments, inherited properties and
 * non-objects give `undefined`, so a predicate can never reach an object's prototype. @internal
 */
export function readField(record: unknown, field: string): unknown {
  let value: unknown = record;
  let start = 0;
  for (;;) {
    if (typeof value !== 'object' || value === null) return undefined;
    const dot = field.indexOf('.', start);
    const key = dot < 0 ? field.slice(start) : field.slice(start, dot);
    if (isForbiddenKey(key) || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
    if (dot < 0) return value;
    start = dot + 1;
  }
}

/**
 * Evaluates one {@link Predicate} against a record (a customer action's `properties`, a deal's
 * `attributes`). The field is a dotted path of own properties.
 *
 * - `eq` / `neq`: strict equality (`===`) with the value; `neq` is true for a missing field.
 * - `in` / `notIn`: the value is (not) one of `values`; `notIn` is true for a missing field.
 * - `exists` / `missing`: the field is present and not `null`/`undefined` (or the opposite).
 * - `gt`, `gte`, `lt`, `lte`: numeric comparisons, **false** when the field is not a finite number
 *   (a string `"5"` is not a number).
 *
 * Cost: O(depth of the path).
 *
 * @param predicate - the condition
 * @param record - the record it is evaluated on (anything; non-objects have no fields)
 * @returns whether the condition holds
 * @category Triggers
 * @since 0.1.0
 * @example
 * ```ts
 * evaluatePredicate({ field: 'budget.amount', op: 'gte', value: 5000 }, { budget: { amount: 12000 } }) // => true
 * evaluatePredicate({ field: 'channel', op: 'in', values: ['web', 'ads'] }, { channel: 'phone' }) // => false
 * evaluatePredicate({ field: 'budget', op: 'gt', value: 1 }, { budget: '5' }) // => false
 * evaluatePredicate({ field: 'constructor', op: 'exists' }, {}) // => false
 * ```
 */
export function evaluatePredicate(predicate: Predicate, record: unknown): boolean {
  const v = readField(record, predicate.field);
  switch (predicate.op) {
    case 'eq':
      return v === predicate.value;
    case 'neq':
      return v !== predicate.value;
    case 'in':
      return predicate.values.includes(v as never);
    case 'notIn':
      return !predicate.values.includes(v as never);
    case 'exists':
      return v !== undefined && v !== null;
    case 'missing':
      return v === undefined || v === null;
    case 'gt':
      return typeof v === 'number' && Number.isFinite(v) && v > predicate.value;
    case 'gte':
      return typeof v === 'number' && Number.isFinite(v) && v >= predicate.value;
    case 'lt':
      return typeof v === 'number' && Number.isFinite(v) && v < predicate.value;
    case 'lte':
      return typeof v === 'number' && Number.isFinite(v) && v <= predicate.value;
    default:
      return false;
  }
}
