import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { isFunnelError, parseSegments, scoreLead, segmentsJsonSchema } from '../../src/index.js';
import { hostileValueArb } from '../arbitraries/funnel.js';

const ruleArb = fc.letrec((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small' },
    fc.record({ kind: fc.constant('firstAction'), action: hostileValueArb }),
    fc.record({ kind: fc.constantFrom('all', 'any'), rules: fc.array(tie('rule'), { maxLength: 3 }) }),
    fc.record({ kind: fc.constant('activity'), minActions: hostileValueArb, moreThanDays: hostileValueArb }),
    fc.record({ kind: fc.constant('attributes'), where: fc.array(fc.record({ field: hostileValueArb, op: fc.constantFrom('gt', 'eq', 'in', 'nope'), value: hostileValueArb })) }),
    hostileValueArb,
  ),
})).rule;

describe('parseSegments and scoreLead on hostile input', () => {
  test.prop([fc.array(fc.record({ id: hostileValueArb, name: fc.constantFrom('A', ''), funnelId: fc.constantFrom('f', '__proto__'), rule: ruleArb }), { maxLength: 3 })], { numRuns: 400 })(
    'parseSegments throws only FunnelErrors',
    (input) => {
      try {
        const out = parseSegments(input);
        expect(Object.isFrozen(out)).toBe(true);
      } catch (e) {
        expect(isFunnelError(e)).toBe(true);
      }
    },
  );
  test.prop([hostileValueArb, hostileValueArb, hostileValueArb], { numRuns: 400 })('scoreLead throws only FunnelErrors', (model, actions, now) => {
    try {
      scoreLead(model, { actions: actions as never }, { now: now as never });
    } catch (e) {
      expect(isFunnelError(e)).toBe(true);
    }
  });
  it('never mutates the actions it scores', () => {
    const actions = [{ id: 'b', type: 'x', at: '2026-03-02' }, { id: 'a', type: 'x', at: '2026-03-01' }];
    const copy = structuredClone(actions);
    const r = scoreLead({ thresholds: { mql: 1, sql: 2 }, rules: [{ id: 'r', points: 1, action: 'x' }] }, { actions }, { now: '2026-03-03' });
    expect(actions).toEqual(copy);
    expect(r.score).toBe(2);
    expect(Object.isFrozen(r.items)).toBe(true);
  });
  it('exports a JSON Schema for segment lists', () => {
    const s = segmentsJsonSchema() as { type: string; items: { required: string[] } };
    expect(s.type).toBe('array');
    expect(s.items.required).toEqual(expect.arrayContaining(['id', 'name', 'funnelId', 'rule']));
  });
});
