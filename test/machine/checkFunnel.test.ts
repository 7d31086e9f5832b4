import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { applyAction, applyCommand, applySilence, checkFunnel, createDeal, defineFunnel, evaluateSilence, type Deal, type Funnel } from '../../src/index.js';
import { machineFunnelArb } from '../arbitraries/machine.js';
import { b2b, b2bInput, funnelWith } from './fixtures.js';

describe('checkFunnel', () => {
  it('a funnel where every stage has its action is fine', () => {
    const r = checkFunnel(b2b);
    // "lost" is reached by the lose command only (no trigger or silence rule leads there)
    expect([r.ok, r.unreachable, r.unreachableByActions, r.cannotClose]).toEqual([true, [], ['lost'], []]);
    expect(r.stages[0]).toEqual({ stageId: 'request', category: 'open', reachable: true, reachableByActions: true, canCloseByActions: true });
    expect(r.rules).toEqual({ conditions: 'structural' });
  });

  it('no skipping + a stage without an action: deals get stuck before it', () => {
    const f = defineFunnel({ id: 'f', name: 'F', policy: { allowSkip: false }, stages: [
      { id: 'a', name: 'A', actions: ['a.done'] }, { id: 'b', name: 'B' }, { id: 'c', name: 'C', actions: ['c.done'] }, { id: 'won', name: 'Won', category: 'won', actions: ['paid'] },
    ] });
    const r = checkFunnel(f);
    expect([r.ok, r.unreachable, r.unreachableByActions, r.cannotClose]).toEqual([false, [], ['b', 'c', 'won'], ['a']]);
  });

  it('a silence lose rule closes stuck stages; a trigger can bridge a gap', () => {
    const base = { id: 'f', name: 'F', policy: { allowSkip: false }, stages: [
      { id: 'a', name: 'A' }, { id: 'b', name: 'B' }, { id: 'won', name: 'Won', category: 'won' as const, actions: ['paid'] }, { id: 'lost', name: 'Lost', category: 'lost' as const },
    ] };
    expect(checkFunnel(defineFunnel({ ...base, silence: [{ id: 'q', afterDays: 9, then: { type: 'lose', reason: 'x' } }] })).cannotClose).toEqual([]);
    const bridged = checkFunnel(defineFunnel({ ...base, triggers: [{ id: 't', action: 'met', to: 'b', from: 'previous' }] }));
    expect([bridged.unreachableByActions, bridged.cannotClose]).toEqual([['lost'], []]);
  });

  it('creation stages are the roots; earlier stages are unreachable without backward moves', () => {
    const r = checkFunnel(funnelWith({ policy: { creationStages: ['answered'] } }));
    // only a reopen command (allowed by default) can bring a deal to "request"
    expect([r.unreachable, r.unreachableByActions]).toEqual([[], ['request', 'lost']]);
    const back = checkFunnel(funnelWith({ policy: { creationStages: ['answered'], allowBackward: true } }));
    expect(back.unreachable).toEqual([]);
    expect(back.unreachableByActions).toEqual(['lost']); // request is reached back by its own action
  });

  it('reopen makes open stages reachable again from closed ones only when allowed', () => {
    const f = defineFunnel({ ...b2bInput, policy: { creationStages: ['answered'], allowReopen: false } });
    expect(checkFunnel(f).unreachable).toEqual(['request']);
  });
});

// ---- the static check agrees with the machine itself, explored state by state ----

interface Explored {
  reachable: Set<string>; // stages reached from creation stages by actions + silence
  canClose: Map<string, boolean>; // open stage (reached) → a won or lost status is reachable by actions + silence
  loseAlwaysWorks: boolean;
}

function explore(f: Funnel, types: string[]): Explored {
  let clock = Date.UTC(2026, 0, 1);
  let n = 0;
  const tick = (deal: Deal): number => (clock = Math.max(clock, Date.parse(deal.history[deal.history.length - 1]?.at ?? deal.createdAt)) + 1000);
  const next = (deal: Deal): Deal[] => {
    const out: Deal[] = [];
    for (const type of types) {
      tick(deal);
      const r = applyAction(f, deal, { id: `x${n++}`, type, at: new Date(clock).toISOString(), dealId: deal.id });
      if (r.ok && r.transitions.length > 0) out.push(r.deal);
    }
    // one silence step: apply exactly up to the first rule that moves the deal
    const due = evaluateSilence(f, deal, '2100-01-01').filter((d) => d.then.type !== 'flag' && !(d.then.type === 'move' && d.then.to === deal.stageId));
    if (due[0] !== undefined) {
      const r = applySilence(f, deal, due[0].dueAt);
      if (r.transitions.length > 0) out.push(r.deal);
    }
    return out;
  };
  const key = (d: Deal) => `${d.stageId}|${d.status}`;
  const bfs = (starts: Deal[]): Map<string, Deal> => {
    const seen = new Map(starts.map((d) => [key(d), d]));
    const queue = [...starts];
    while (queue.length > 0) {
      for (const d of next(queue.shift() as Deal)) {
        if (!seen.has(key(d))) {
          seen.set(key(d), d);
          queue.push(d);
        }
      }
    }
    return seen;
  };
  const starts = f.stages.flatMap((s) => {
    const r = createDeal(f, { id: 'd', createdAt: new Date(clock).toISOString(), stageId: s.id });
    return r.ok ? [r.deal] : [];
  });
  const states = bfs(starts);
  const reachable = new Set([...states.values()].map((d) => d.stageId));
  const canClose = new Map<string, boolean>();
  let loseAlwaysWorks = true;
  for (const d of states.values()) {
    if (d.status !== 'open') continue;
    canClose.set(d.stageId, [...bfs([d]).values()].some((x) => x.status !== 'open'));
    tick(d);
    const lost = applyCommand(f, d, { type: 'lose', reason: 'silent', at: clock });
    loseAlwaysWorks &&= lost.ok && lost.deal.status === 'lost';
  }
  return { reachable, canClose, loseAlwaysWorks };
}

describe('checkFunnel laws (BFS over generated funnels)', () => {
  test.prop([machineFunnelArb], { numRuns: 120 })(
    'reachability by actions and closability equal what the machine does when explored state by state; lose closes every reachable open stage',
    (spec) => {
      const f = defineFunnel(spec.funnel);
      const report = checkFunnel(f);
      const x = explore(f, spec.types);
      expect(report.stages.filter((s) => s.reachableByActions).map((s) => s.stageId).sort()).toEqual([...x.reachable].sort());
      for (const [stageId, closes] of x.canClose) {
        expect([stageId, report.stages.find((s) => s.stageId === stageId)?.canCloseByActions]).toEqual([stageId, closes]);
      }
      // law: with commands, every reachable open stage can reach a closed status (lose is always allowed)
      expect(x.loseAlwaysWorks).toBe(true);
      // and unreachable (with commands) ⊆ unreachable by actions
      for (const s of report.unreachable) expect(report.unreachableByActions).toContain(s);
    },
  );
});
