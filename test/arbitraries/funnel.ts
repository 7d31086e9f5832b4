/**
 * Shared fast-check generators: valid funnel definitions and hostile variants. Every suite imports
 * from here so the same shapes are exercised everywhere.
 */
import fc from 'fast-check';
import type { FunnelInput } from '../../src/index.js';

/** A valid funnel: n open stages completed by distinct actions, one won, optionally one lost. */
export const funnelInputArb: fc.Arbitrary<FunnelInput> = fc
  .record({
    open: fc.integer({ min: 1, max: 6 }),
    withLost: fc.boolean(),
    probs: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 }),
  })
  .map(({ open, withLost, probs }) => {
    const stages: NonNullable<FunnelInput['stages']> = [];
    for (let i = 0; i < open; i++) stages.push({ id: `s${i}`, name: `Stage ${i}`, actions: [`step${i}.done`], probability: probs[i] ?? 0 });
    stages.push({ id: 'won', name: 'Won', category: 'won', actions: ['invoice.paid'] });
    if (withLost) stages.push({ id: 'lost', name: 'Lost', category: 'lost' });
    return { id: 'f', name: 'Funnel', stages };
  });

/** Any JSON-ish value, including hostile keys, NaN, dates and deep nesting. */
export const hostileValueArb: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, undefined, Number.NaN, Infinity, -0, '', '__proto__', 'constructor', '12,50', '1.5', 1.5, -1, new Date(Number.NaN)),
    fc.string(),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom('id', 'name', 'stages', 'category', 'probability', 'actions', 'triggers', 'policy', 'to', 'from', '__proto__', 'constructor', 'amount', 'currency', 'at'), tie('value'), { maxKeys: 5 }),
  ),
})).value;
