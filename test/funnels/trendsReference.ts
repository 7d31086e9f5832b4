/**
 * A naive reference for funnel trends, written from the rule in docs/event-funnel-analyses.md and
 * sharing no code with src/funnels: for each unit and each UTC period in which it did step 1, run the
 * naive funnel reference (./reference.ts) on the unit's rows with step 1 restricted to rows of that
 * period (a property filter on a period label added to every row), then classify the unit in that
 * period as converted / in progress / dropped.
 */
import type { FunnelQuery, FunnelStep } from '../../src/index.js';
import { referenceUnit, stepMatches } from './reference.js';
import type { RefRow } from './reference.js';

export type RefPeriod = 'day' | 'week' | 'month';
export type RefStatus = 'converted' | 'inProgress' | 'dropped';

const DAY = 86_400_000;

/** The ISO UTC start of the period containing t, computed with Date (not the library's arithmetic). */
export function refPeriodStart(t: number, period: RefPeriod): string {
  const d = new Date(t);
  if (period === 'month') return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString();
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === 'day') return new Date(midnight).toISOString();
  const sinceMonday = (d.getUTCDay() + 6) % 7; // getUTCDay: 0 = Sunday
  return new Date(midnight - sinceMonday * DAY).toISOString();
}

/** Map "unitKey|periodStartIso" → status, for units that reached fromStep from an attempt started in the period. */
export function referenceTrends(
  rows: RefRow[],
  q: FunnelQuery,
  opts: { period: RefPeriod; fromStep: number; toStep: number; now?: number },
): Map<string, RefStatus> {
  const steps = q.steps.map((s): FunnelStep => (typeof s === 'string' ? { action: s } : s));
  const n = steps.length;
  const W = q.windowMs ?? 14 * DAY;
  const strictIgnore = new Set(q.order === 'strict' ? (q.strictIgnore ?? []) : []);
  const firstEntryRule = q.attempt === 'firstEntry';
  const byUnit = new Map<string | number, RefRow[]>();
  for (const r of rows) byUnit.set(r.unit, [...(byUnit.get(r.unit) ?? []), r]);
  const out = new Map<string, RefStatus>();
  for (const [unit, unitRows] of byUnit) {
    const entries = unitRows.filter((r) => stepMatches(steps[0]!, r) && !strictIgnore.has(r.action));
    const periods = [...new Set(entries.map((r) => refPeriodStart(r.time, opts.period)))];
    for (const p of periods) {
      const tagged = unitRows.map((r) => ({ ...r, props: { ...(r.props ?? {}), __period: refPeriodStart(r.time, opts.period) } }));
      const step0 = steps[0]!;
      const q2: FunnelQuery = { ...q, steps: [{ ...step0, where: { ...(step0.where ?? {}), __period: p } }, ...steps.slice(1)] };
      const res = referenceUnit(tagged, q2);
      const reached = (k: number) => res.deepest >= k && (steps[k]?.optional !== true || res.times[k] !== null);
      if (!reached(opts.fromStep)) continue;
      const inP = entries.filter((r) => refPeriodStart(r.time, opts.period) === p).map((r) => r.time);
      let status: RefStatus;
      if (reached(opts.toStep)) status = 'converted';
      else {
        const from = firstEntryRule ? Math.min(...inP) : Math.max(...inP);
        const open = opts.now !== undefined && res.deepest < n - 1 && res.ended === 'none' && from + W >= opts.now;
        status = open ? 'inProgress' : 'dropped';
      }
      out.set(`${String(unit)}|${p}`, status);
    }
  }
  return out;
}
