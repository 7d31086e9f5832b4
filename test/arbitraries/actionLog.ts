/**
 * Shared fast-check generators for event funnels: small random action logs (ties, repeats,
 * out-of-order rows, properties) and funnel queries over them (all order modes, attempt rules,
 * exclusions, optional steps, per-step gaps, ClickHouse modes).
 */
import fc from 'fast-check';
import type { ClickHouseFunnelMode, FunnelExclusion, FunnelQuery, FunnelStepInput } from '../../src/index.js';

export const ACTIONS = ['a', 'b', 'c', 'd', 'x'] as const;

export interface ArbRow {
  unit: string | number;
  time: number;
  action: string;
  props: { p: string | null };
}

/** A small log: up to 5 units, times on a coarse grid (many ties), actions from a 5-letter alphabet. */
export const rowsArb: fc.Arbitrary<ArbRow[]> = fc
  .tuple(
    fc.boolean(),
    fc.array(
      fc.record({
        unit: fc.integer({ min: 0, max: 4 }),
        time: fc.integer({ min: 0, max: 12 }),
        action: fc.constantFrom(...ACTIONS),
        p: fc.constantFrom('u', 'v', null),
      }),
      { minLength: 0, maxLength: 28 },
    ),
  )
  .map(([stringUnits, rows]) => {
    const out: ArbRow[] = rows.map((r) => ({ unit: stringUnits ? `u${r.unit}` : r.unit, time: r.time * 1000, action: r.action, props: { p: r.p } }));
    // every action occurs at least once (steps must name actions of the log)
    ACTIONS.forEach((a, i) => out.push({ unit: stringUnits ? 'zz' : 99, time: i * 7000, action: a, props: { p: 'u' } }));
    return out;
  });

const stepArb: fc.Arbitrary<FunnelStepInput> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...ACTIONS) },
  { weight: 1, arbitrary: fc.uniqueArray(fc.constantFrom(...ACTIONS), { minLength: 1, maxLength: 2 }).map((action) => ({ action })) },
  { weight: 1, arbitrary: fc.record({ action: fc.constantFrom(...ACTIONS), where: fc.constantFrom({ p: 'u' }, { p: ['v', null] }) }) },
  { weight: 1, arbitrary: fc.constant({ anyAction: true }) },
);

export type QueryKind = 'ordered' | 'strict' | 'unordered' | 'firstEntry' | 'clickhouse';

/** A query of the given kind with 1–4 steps. */
export function queryArb(kind: QueryKind): fc.Arbitrary<FunnelQuery> {
  return fc
    .record({
      steps: fc.array(stepArb, { minLength: 1, maxLength: 4 }),
      window: fc.integer({ min: 0, max: 14 }),
      excl: fc.array(fc.record({ action: fc.constantFrom(...ACTIONS), a: fc.nat(3), b: fc.nat(3) }), { maxLength: 2 }),
      optionalAt: fc.integer({ min: -1, max: 3 }),
      gapAt: fc.integer({ min: -1, max: 3 }),
      gap: fc.integer({ min: 0, max: 6 }),
      ignore: fc.boolean(),
      modes: fc.subarray<ClickHouseFunnelMode>(['strict_deduplication', 'strict_order', 'strict_increase', 'strict_once', 'allow_reentry']),
      strictFirst: fc.boolean(),
    })
    .map((r) => {
      const n = r.steps.length;
      let steps = r.steps;
      const base: { windowMs: number } = { windowMs: r.window * 1000 };
      if (kind === 'clickhouse') {
        // ClickHouse mode supports plain steps with filters; no gaps, no optional steps
        // allow_reentry requires strict_order
        const modes = r.modes.includes('allow_reentry') && !r.modes.includes('strict_order') ? r.modes.filter((m) => m !== 'allow_reentry') : r.modes;
        return { ...base, steps, clickhouse: modes.length === 0 ? true : modes };
      }
      const exclusions: FunnelExclusion[] = [];
      if (n >= 2) {
        for (const e of r.excl) {
          let from = Math.min(e.a, e.b) % n;
          let to = Math.max(e.a, e.b) % n;
          if (kind === 'unordered') {
            from = 0;
            to = n - 1;
          }
          if (from < to) exclusions.push({ action: e.action, from, to });
        }
      }
      if ((kind === 'ordered' || kind === 'strict') && r.optionalAt > 0 && r.optionalAt < n - 1) {
        steps = steps.map((s, k) => (k === r.optionalAt ? { ...(typeof s === 'string' ? { action: s } : s), optional: true } : s));
      }
      if (kind !== 'unordered' && r.gapAt > 0 && r.gapAt < n) {
        steps = steps.map((s, k) => (k === r.gapAt ? { ...(typeof s === 'string' ? { action: s } : s), maxGapMs: r.gap * 1000 } : s));
      }
      const q: FunnelQuery = {
        ...base,
        steps,
        ...(exclusions.length > 0 ? { exclusions } : {}),
        order: kind === 'firstEntry' ? (r.strictFirst ? 'strict' : 'ordered') : kind,
        ...(kind === 'firstEntry' ? { attempt: 'firstEntry' as const } : {}),
        ...((kind === 'strict' || (kind === 'firstEntry' && r.strictFirst)) && r.ignore ? { strictIgnore: ['x'] } : {}),
      };
      return q;
    });
}
