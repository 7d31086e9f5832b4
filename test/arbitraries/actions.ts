/**
 * Shared fast-check generators for customer actions: small streams with repeated types, equal
 * timestamps and optional properties, so ordering and tie rules are exercised.
 */
import fc from 'fast-check';

/** An action as segment rules and scoring read it. */
export interface ArbAction {
  id: string;
  type: string;
  at: string;
  properties?: Record<string, unknown>;
}

const TYPES = ['page.viewed', 'request.submitted', 'callback.requested', 'call.answered', 'proposal.received', 'invoice.paid'] as const;
const BASE = Date.parse('2026-03-01T00:00:00Z');

/** A list of actions with unique ids, times within ~60 days (on a coarse grid, so ties happen). */
export const actionsArb: fc.Arbitrary<ArbAction[]> = fc
  .array(
    fc.record({
      type: fc.constantFrom(...TYPES),
      slot: fc.integer({ min: 0, max: 240 }),
      value: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    }),
    { maxLength: 25 },
  )
  .map((rows) =>
    rows.map((r, i) => ({
      id: `a${String(i).padStart(2, '0')}`,
      type: r.type,
      at: new Date(BASE + r.slot * 6 * 3_600_000).toISOString(),
      ...(r.value === undefined ? {} : { properties: { value: r.value } }),
    })),
  );

/** Actions and a permutation of them. */
export const actionsAndShuffleArb: fc.Arbitrary<[ArbAction[], ArbAction[]]> = actionsArb.chain((xs) =>
  fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }).map((ys) => [xs, ys] as [ArbAction[], ArbAction[]]),
);
