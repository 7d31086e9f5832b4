/**
 * Shared fast-check generators for the deal state machine: funnels with trigger and silence rules and
 * random policies, and streams of customer actions for them.
 */
import fc from 'fast-check';
import type { CustomerAction, FunnelInput } from '../../src/index.js';

export interface MachineFunnelSpec {
  readonly funnel: FunnelInput;
  /** Every action type the funnel reacts to. */
  readonly types: string[];
}

/**
 * A funnel with 1–5 open stages (some without an action of their own), 1–2 won stages, maybe a lost
 * stage, trigger rules each with its own action type (no conditions), silence rules, a random policy
 * and random creation stages.
 */
export const machineFunnelArb: fc.Arbitrary<MachineFunnelSpec> = fc
  .record({
    open: fc.integer({ min: 1, max: 5 }),
    won: fc.integer({ min: 1, max: 2 }),
    withLost: fc.boolean(),
    withoutAction: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    allowSkip: fc.boolean(),
    allowBackward: fc.boolean(),
    creationMask: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    triggers: fc.array(
      fc.record({
        to: fc.nat(),
        from: fc.oneof(fc.constantFrom('previous', 'anyEarlier', 'any'), fc.array(fc.nat(), { minLength: 1, maxLength: 2 })),
        priority: fc.integer({ min: -1, max: 1 }),
      }),
      { maxLength: 4 },
    ),
    silence: fc.array(fc.record({ days: fc.integer({ min: 1, max: 40 }), kind: fc.constantFrom('flag', 'lose', 'move'), to: fc.nat(), stage: fc.option(fc.nat()) }), { maxLength: 3 }),
  })
  .map((g): MachineFunnelSpec => {
    const stages: NonNullable<FunnelInput['stages']> = [];
    const types: string[] = [];
    for (let i = 0; i < g.open; i++) {
      const actions = i > 0 && g.withoutAction[i] ? [] : [`open${i}.done`];
      types.push(...actions);
      stages.push({ id: `s${i}`, name: `Stage ${i}`, actions });
    }
    for (let i = 0; i < g.won; i++) {
      const actions = i > 0 && g.withoutAction[5 + i] ? [] : [`won${i}.done`];
      types.push(...actions);
      stages.push({ id: `w${i}`, name: `Won ${i}`, category: 'won', actions });
    }
    if (g.withLost) stages.push({ id: 'lost', name: 'Lost', category: 'lost' });
    const ids = stages.map((s) => s.id);
    const pick = (n: number) => ids[n % ids.length] as string;
    const triggers = g.triggers.map((t, i) => {
      types.push(`trigger${i}.fired`);
      return { id: `t${i}`, action: `trigger${i}.fired`, to: pick(t.to), from: typeof t.from === 'string' ? t.from : t.from.map(pick), priority: t.priority };
    });
    const openIds = ids.slice(0, g.open);
    const silence = g.silence.map((s, i) => ({
      id: `q${i}`,
      afterDays: s.days,
      ...(s.stage === null ? {} : { stages: [openIds[s.stage % openIds.length] as string] }),
      then: s.kind === 'flag' ? { type: 'flag' as const } : s.kind === 'lose' ? { type: 'lose' as const, reason: 'silent' } : { type: 'move' as const, to: openIds[s.to % openIds.length] as string },
    }));
    const creation = openIds.filter((_, i) => g.creationMask[i]);
    return {
      funnel: {
        id: 'gen',
        name: 'Generated',
        stages,
        triggers,
        silence,
        policy: { allowSkip: g.allowSkip, allowBackward: g.allowBackward, ...(creation.length > 0 ? { creationStages: creation } : {}) },
      },
      types,
    };
  });

const T0 = Date.UTC(2026, 2, 1);

/**
 * A stream of customer actions for up to 4 deals: types from `types` plus an unknown one, times on a
 * coarse grid (many ties), ids from a small pool (repeated ids), some properties.
 */
export function actionStreamArb(types: string[], maxLength = 30): fc.Arbitrary<CustomerAction[]> {
  return fc.array(
    fc.record({
      id: fc.integer({ min: 0, max: 40 }).map((i) => `a${i}`),
      type: fc.constantFrom(...types, 'email.opened'),
      hour: fc.integer({ min: 0, max: 24 * 60 }),
      deal: fc.integer({ min: 0, max: 3 }),
      lead: fc.boolean(),
      budget: fc.option(fc.integer({ min: 0, max: 100_000 })),
    }),
    { maxLength },
  ).map((rows) =>
    rows.map((r): CustomerAction => {
      const a: CustomerAction = { id: r.id, type: r.type, at: new Date(T0 + r.hour * 3_600_000).toISOString() };
      if (r.lead) a.leadId = `d${r.deal}`;
      else a.dealId = `d${r.deal}`;
      if (r.budget !== null) a.properties = { budget: r.budget };
      return a;
    }),
  );
}
