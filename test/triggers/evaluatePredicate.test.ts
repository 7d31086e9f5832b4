import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { evaluatePredicate, matchesPredicates, type Predicate } from '../../src/index.js';

const rec = { channel: 'web', pages: 5, budget: { amount: 12000, note: null }, tags: ['a'], flag: false, text: '5' };

describe('evaluatePredicate', () => {
  it.each<[Predicate, boolean]>([
    [{ field: 'channel', op: 'eq', value: 'web' }, true],
    [{ field: 'channel', op: 'eq', value: 'ads' }, false],
    [{ field: 'flag', op: 'eq', value: false }, true],
    [{ field: 'pages', op: 'eq', value: '5' as never }, false],
    [{ field: 'channel', op: 'neq', value: 'ads' }, true],
    [{ field: 'nothing', op: 'neq', value: 'ads' }, true],
    [{ field: 'channel', op: 'in', values: ['web', 'ads'] }, true],
    [{ field: 'channel', op: 'in', values: ['ads'] }, false],
    [{ field: 'channel', op: 'notIn', values: ['ads'] }, true],
    [{ field: 'nothing', op: 'notIn', values: ['ads'] }, true],
    [{ field: 'budget.amount', op: 'exists' }, true],
    [{ field: 'budget.note', op: 'exists' }, false],
    [{ field: 'budget.note', op: 'missing' }, true],
    [{ field: 'budget.amount.deeper', op: 'missing' }, true],
    [{ field: 'budget.amount', op: 'gt', value: 12000 }, false],
    [{ field: 'budget.amount', op: 'gte', value: 12000 }, true],
    [{ field: 'pages', op: 'lt', value: 6 }, true],
    [{ field: 'pages', op: 'lte', value: 4 }, false],
    [{ field: 'text', op: 'gt', value: 1 }, false],
    [{ field: 'nothing', op: 'lt', value: 1 }, false],
    [{ field: 'tags.0', op: 'eq', value: 'a' }, true],
  ])('%j → %s', (p, expected) => {
    expect(evaluatePredicate(p, rec)).toBe(expected);
  });

  it('never reaches the prototype', () => {
    expect(evaluatePredicate({ field: '__proto__', op: 'exists' }, {})).toBe(false);
    expect(evaluatePredicate({ field: 'constructor', op: 'exists' }, {})).toBe(false);
    expect(evaluatePredicate({ field: 'constructor.name', op: 'eq', value: 'Object' }, {})).toBe(false);
    expect(evaluatePredicate({ field: 'toString', op: 'exists' }, {})).toBe(false);
    expect(evaluatePredicate({ field: 'length', op: 'eq', value: 1 }, 'x')).toBe(false);
  });

  it('non-objects have no fields', () => {
    expect(evaluatePredicate({ field: 'a', op: 'missing' }, undefined)).toBe(true);
    expect(evaluatePredicate({ field: 'a', op: 'exists' }, null)).toBe(false);
  });

  test.prop([fc.string({ minLength: 1 }), fc.anything()], { numRuns: 200 })('exists and missing are complements', (field, record) => {
    expect(evaluatePredicate({ field, op: 'exists' }, record)).toBe(!evaluatePredicate({ field, op: 'missing' }, record));
  });

  test.prop([fc.double(), fc.double({ noNaN: true, noDefaultInfinity: true })], { numRuns: 200 })('numeric comparisons agree with a naive reference', (v, bound) => {
    const finite = Number.isFinite(v);
    expect(evaluatePredicate({ field: 'x', op: 'gt', value: bound }, { x: v })).toBe(finite && v > bound);
    expect(evaluatePredicate({ field: 'x', op: 'lte', value: bound }, { x: v })).toBe(finite && v <= bound);
  });
});

describe('matchesPredicates', () => {
  it('is a logical AND, true when empty', () => {
    expect(matchesPredicates([], null)).toBe(true);
    expect(matchesPredicates([{ field: 'channel', op: 'eq', value: 'web' }, { field: 'pages', op: 'gt', value: 3 }], rec)).toBe(true);
    expect(matchesPredicates([{ field: 'channel', op: 'eq', value: 'web' }, { field: 'pages', op: 'gt', value: 9 }], rec)).toBe(false);
  });
});
