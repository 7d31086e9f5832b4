import type { Funnel, StageCategory } from '../model/funnel.js';
import { compileFunnel, type CompiledFunnel, type CompiledRule } from '../triggers/compileFunnel.js';
import { fromAllows } from '../triggers/matchCandidates.js';

/**
 * Reachability of one stage, as found by {@link checkFunnel}.
 *
 * @category Machine
 * @since 0.1.0
 */
export interface StageReachability {
  /** The stage id. */
  readonly stageId: string;
  /** The stage category. */
  readonly category: StageCategory;
  /** A deal can get here from a creation stage by customer actions, trigger rules, silence rules or commands. */
  readonly reachable: boolean;
  /** A deal can get here from a creation stage by customer actions, trigger rules and silence rules alone. */
  readonly reachableByActions: boolean;
  /** For open stages: from here a won or lost outcome can be reached by customer actions, trigger and silence rules alone (always `true` for won and lost stages). */
  readonly canCloseByActions: boolean;
}

/**
 * The report of {@link checkFunnel}.
 *
 * @category Machine
 * @since 0.1.0
 */
export interface FunnelCheckReport {
  /** True when every stage is reachable and every reachable open stage can close by actions. */
  readonly ok: boolean;
  /** Stages no deal can ever reach (by actions, rules or commands), in funnel order. */
  readonly unreachable: ReadonlyArray<string>;
  /** Stages customer actions, trigger and silence rules alone never reach (only a manual command can), in funnel order. */
  readonly unreachableByActions: ReadonlyArray<string>;
  /** Reachable open stages from which customer actions, trigger and silence rules can never win or lose the deal (deals get stuck there unless a manager acts), in funnel order. */
  readonly cannotClose: ReadonlyArray<string>;
  /** Every stage, in funnel order. */
  readonly stages: ReadonlyArray<StageReachability>;
  /** The modelling rules of the check. */
  readonly rules: {
    /** Always `'structural'`: predicates, counts, time windows and scores are assumed satisfiable; required attributes assumed present. */
    readonly conditions: 'structural';
  };
}

/** Node id of "lost while keeping the stage" (a funnel without lost stages). */
function edgesByActions(c: CompiledFunnel, s: number, lostNode: number): number[] {
  const out: number[] = [];
  if (s === lostNode) return out;
  const cat = c.category[s];
  if (cat === 'lost') return out;
  const policy = c.funnel.policy;
  const rs = c.rank[s] as number;
  const seen = new Set<CompiledRule>();
  for (const rules of c.byType.values()) {
    for (const r of rules) {
      if (seen.has(r)) continue;
      seen.add(r);
      const t = r.to;
      if (t === s || !fromAllows(c, r, s)) continue;
      const tc = c.category[t];
      if (cat === 'won' && tc !== 'won') continue;
      if (tc !== 'lost') {
        const rt = c.rank[t] as number;
        if (rt < rs && !policy.allowBackward) continue;
        if (rt > rs && !policy.allowSkip && rt !== rs + 1) continue;
      }
      out.push(t);
    }
  }
  if (cat === 'open') {
    // only the first moving silence rule due at this stage can ever fire here (shortest afterDays,
    // then definition order); flags and moves to the same stage do not move the deal
    let first: (typeof c.silence)[number] | null = null;
    for (const si of c.silence) {
      if (si.stages !== null && !si.stages.has(s)) continue;
      const then = si.rule.then;
      if (then.type === 'flag' || (then.type === 'move' && si.to === s)) continue;
      if (first === null || si.afterMs < first.afterMs) first = si;
    }
    if (first !== null) out.push(first.rule.then.type === 'lose' ? (c.firstLost >= 0 ? c.firstLost : lostNode) : first.to);
  }
  return out;
}

function edgesByCommands(c: CompiledFunnel, s: number, lostNode: number): number[] {
  const out: number[] = [];
  const policy = c.funnel.policy;
  const cat = s === lostNode ? 'lost' : c.category[s];
  if (cat === 'lost' || cat === 'won') {
    if (policy.allowReopen) c.stages.forEach((st, i) => st.category === 'open' && out.push(i));
    if (cat === 'lost') return out;
  }
  const rs = c.rank[s] as number;
  c.stages.forEach((st, t) => {
    if (t === s) return;
    if (st.category === 'lost') {
      if (cat === 'open') out.push(t);
      return;
    }
    if (cat === 'won' && st.category !== 'won') return;
    const rt = c.rank[t] as number;
    if (rt < rs && !policy.allowBackward) return;
    if (rt > rs && !policy.allowSkip && rt !== rs + 1) return;
    out.push(t);
  });
  if (cat === 'open' && c.firstLost < 0) out.push(lostNode);
  return out;
}

function bfs(starts: ReadonlyArray<number>, size: number, next: (s: number) => number[]): Uint8Array {
  const seen = new Uint8Array(size);
  const queue = [...starts];
  for (const s of starts) seen[s] = 1;
  while (queue.length > 0) {
    const s = queue.shift() as number;
    for (const t of next(s)) {
      if (seen[t] === 0) {
        seen[t] = 1;
        queue.push(t);
      }
    }
  }
  return seen;
}

/**
 * Checks a funnel as a graph — the machine is data. Starting from the creation stages, it follows
 * every move the machine can make: stage actions (into that stage), trigger rules (with their `from`),
 * silence rules (`move`, `lose`), under the policy (forward only unless `allowBackward`, next stage
 * only unless `allowSkip`, won deals only on to later won stages), and — for `unreachable` — the
 * manual commands too (`moveTo`, `win`, `lose`, `reopen` when `allowReopen`). It reports:
 *
 * - `unreachable`: stages no deal can ever reach (a typo'd trigger target, a stage after a
 *   forbidden skip with no action of its own);
 * - `unreachableByActions`: stages only a manager's command reaches (no customer action leads there);
 * - `cannotClose`: reachable open stages from which customer actions and rules can never win or
 *   lose the deal — deals pile up there unless someone acts (with commands every open deal can always
 *   be lost, so this is the interesting question).
 *
 * The check is structural: `where`, `count`, `within` and `minScore` conditions are assumed
 * satisfiable and required attributes present. Returns a report; never throws for a parsed funnel.
 * Cost: O(stages × (rules + stages)).
 *
 * @param funnel - the parsed funnel
 * @returns the report
 * @category Machine
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B', policy: { allowSkip: false }, stages: [
 *   { id: 'request', name: 'Request', actions: ['request.submitted'] },
 *   { id: 'qualified', name: 'Qualified' },
 *   { id: 'proposal', name: 'Proposal', actions: ['proposal.received'] },
 *   { id: 'paid', name: 'Paid', category: 'won', actions: ['invoice.paid'] },
 * ] });
 * const report = checkFunnel(funnel);
 * report.ok // => false
 * report.unreachableByActions // => ['qualified', 'proposal', 'paid']
 * report.cannotClose // => ['request']
 * ```
 */
export function checkFunnel(funnel: Funnel): FunnelCheckReport {
  const c = compileFunnel(funnel);
  const n = c.stages.length;
  const lostNode = n;
  const byActions = bfs(c.creation, n + 1, (s) => edgesByActions(c, s, lostNode));
  const any = bfs(c.creation, n + 1, (s) => [...edgesByActions(c, s, lostNode), ...edgesByCommands(c, s, lostNode)]);
  const closes = (s: number): boolean => {
    const seen = bfs([s], n + 1, (x) => edgesByActions(c, x, lostNode));
    for (let t = 0; t <= n; t++) {
      if (seen[t] === 1 && (t === lostNode || c.category[t] !== 'open')) return true;
    }
    return false;
  };
  const stages: StageReachability[] = c.stages.map((st, i) => ({
    stageId: st.id,
    category: st.category,
    reachable: any[i] === 1,
    reachableByActions: byActions[i] === 1,
    canCloseByActions: st.category !== 'open' || closes(i),
  }));
  const unreachable = stages.filter((s) => !s.reachable).map((s) => s.stageId);
  const unreachableByActions = stages.filter((s) => !s.reachableByActions).map((s) => s.stageId);
  const cannotClose = stages.filter((s) => s.reachable && !s.canCloseByActions).map((s) => s.stageId);
  return Object.freeze({
    ok: unreachable.length === 0 && cannotClose.length === 0,
    unreachable: Object.freeze(unreachable),
    unreachableByActions: Object.freeze(unreachableByActions),
    cannotClose: Object.freeze(cannotClose),
    stages: Object.freeze(stages.map((s) => Object.freeze(s))),
    rules: Object.freeze({ conditions: 'structural' as const }),
  });
}
