import type { Predicate } from '../model/index.js';
import { isForbiddenKey } from '../model/common.js';

/**
 * Reads a dotted path (`"budget.amount"`) from a record, following own properties only (never the
 * prototype chain). `undefined` when any step is missing. @internal
 */
export function readField(record: unknown, field: string): unknown {
  let v: unknown = record;
  for (const key of field.split('.')) {
    if (typeof v !== 'object' || v === null || isForbiddenKey(key) || !Object.prototype.hasOwnProperty.call(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/**
 * True when the predicate holds on the record. `eq`/`in` compare with `Object.is` semantics on scalars
 * (so `1` ≠ `"1"`); `neq`/`notIn` are their negations (true on a missing field); `exists` is true when
 * the field is present and not null; numeric comparisons are false unless the value is a finite number.
 * Private stand-in until the trigger module's evaluator is available. @internal
 */
export function matchesPredicate(p: Predicate, record: unknown): boolean {
  const v = readField(record, p.field);
  switch (p.op) {
    case 'eq':
      return v === p.value;
    case 'neq':
      return v !== p.value;
    case 'in':
      return p.values.includes(v as never);
    case 'notIn':
      return !p.values.includes(v as never);
    case 'exists':
      return v !== undefined && v !== null;
    case 'missing':
      return v === undefined || v === null;
    case 'gt':
      return typeof v === 'number' && Number.isFinite(v) && v > p.value;
    case 'gte':
      return typeof v === 'number' && Number.isFinite(v) && v >= p.value;
    case 'lt':
      return typeof v === 'number' && Number.isFinite(v) && v < p.value;
    case 'lte':
      return typeof v === 'number' && Number.isFinite(v) && v <= p.value;
  }
}

/** True when every predicate holds (an empty list holds). @internal */
export function matchesAll(ps: ReadonlyArray<Predicate> | undefined, record: unknown): boolean {
  if (ps === undefined) return true;
  for (const p of ps) if (!matchesPredicate(p, record)) return false;
  return true;
}
