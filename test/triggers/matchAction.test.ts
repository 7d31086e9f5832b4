import { describe, expect, it } from 'vitest';
import { applyAction, defineFunnel, matchAction, type TriggerInput } from '../../src/index.js';
import { act, b2bInput, errorOf, newDeal, ok } from '../machine/fixtures.js';

function funnelWithTriggers(triggers: TriggerInput[], extra: Record<string, unknown> = {}) {
  return defineFunnel({ ...b2bInput, triggers, ...extra });
}
const ids = (ms: { to: string; ruleId: string | null }[]) => ms.map((m) => `${m.to}:${m.ruleId ?? 'stage'}`);

describe('matchAction', () => {
  it('a stage action moves into its stage from any stage; unrelated types match nothing', () => {
    const f = funnelWithTriggers([]);
    const d = newDeal(f);
    expect(ids(matchAction(f, d, act('a', 'proposal.received', '2026-03-02')))).toEqual(['proposal:stage']);
    expect(matchAction(f, d, act('a', 'email.opened', '2026-03-02'))).toEqual([]);
  });

  it('where: all predicates on the properties must hold', () => {
    const f = funnelWithTriggers([{ id: 'hot', action: 'call.answered', where: [{ field: 'budget', op: 'gte', value: 50000 }, { field: 'role', op: 'eq', value: 'cto' }], to: 'described' }]);
    const d = newDeal(f);
    expect(ids(matchAction(f, d, act('a', 'call.answered', '2026-03-02', { properties: { budget: 60000, role: 'cto' } })))).toEqual(['described:hot', 'answered:stage']);
    expect(ids(matchAction(f, d, act('a', 'call.answered', '2026-03-02', { properties: { budget: 60000 } })))).toEqual(['answered:stage']);
  });

  it('several action types per rule', () => {
    const f = funnelWithTriggers([{ id: 'touch', action: ['email.replied', 'chat.started'], to: 'answered' }]);
    expect(ids(matchAction(f, newDeal(f), act('a', 'chat.started', '2026-03-02')))).toEqual(['answered:touch']);
  });

  it('count: fires from the nth matching action on (this one included), counting only matching ones', () => {
    const f = funnelWithTriggers([{ id: 'sixth', action: 'email.opened', where: [{ field: 'real', op: 'eq', value: true }], count: 3, to: 'answered' }]);
    let d = newDeal(f);
    const opened = (i: number, real: boolean) => act(`e${i}`, 'email.opened', `2026-03-0${i + 1}`, { properties: { real } });
    d = ok(applyAction(f, d, opened(1, true)));
    d = ok(applyAction(f, d, opened(2, false))); // does not count
    expect(d.triggerCounts).toEqual({ sixth: 1 });
    expect(matchAction(f, d, opened(3, true))).toEqual([]); // 2nd matching: not yet
    d = ok(applyAction(f, d, opened(3, true)));
    expect(d.stageId).toBe('request');
    const r = applyAction(f, d, opened(4, true)); // 3rd matching
    expect(r.ok && r.deal.stageId).toBe('answered');
    expect(r.ok && r.transitions[0]?.cause).toEqual({ type: 'action', actionId: 'e4', actionType: 'email.opened', ruleId: 'sixth' });
    expect(r.ok && r.deal.triggerCounts).toEqual({ sixth: 3 });
  });

  it('within: days of entering the stage (default) or of the deal creation, inclusive', () => {
    const f = funnelWithTriggers([
      { id: 'fast', action: 'call.answered', within: { days: 1 }, to: 'described', priority: 1 },
      { id: 'early', action: 'proposal.received', within: { days: 10, of: 'dealCreated' }, to: 'paid' },
    ]);
    let d = newDeal(f); // created 2026-03-01T00:00Z
    expect(ids(matchAction(f, d, act('a', 'call.answered', '2026-03-02T00:00:00Z')))).toEqual(['described:fast', 'answered:stage']);
    expect(ids(matchAction(f, d, act('a', 'call.answered', '2026-03-02T00:00:01Z')))).toEqual(['answered:stage']);
    d = ok(applyAction(f, d, act('r', 'requirements.described', '2026-03-05')));
    // entered "described" on 03-05: the 1-day window is now counted from there (and the rule's target is not ahead)
    expect(ids(matchAction(f, d, act('p', 'proposal.received', '2026-03-11')))).toEqual(['paid:early', 'proposal:stage']);
    expect(ids(matchAction(f, d, act('p', 'proposal.received', '2026-03-11T00:00:01Z')))).toEqual(['proposal:stage']);
  });

  it('minScore: needs a score; compares with the given or computed score', () => {
    const f = funnelWithTriggers([{ id: 'sql', action: 'call.answered', minScore: 60, to: 'described' }], {
      scoring: { rules: [{ id: 'call', points: 10, action: 'call.answered' }], thresholds: { mql: 30, sql: 60 } },
    });
    const d = newDeal(f);
    const a = act('a', 'call.answered', '2026-03-02');
    expect(ids(matchAction(f, d, a, { score: 60 }))).toEqual(['described:sql', 'answered:stage']);
    expect(ids(matchAction(f, d, a, { score: 59 }))).toEqual(['answered:stage']);
    let calls = 0;
    expect(ids(matchAction(f, d, a, { scoreOf: () => (calls++, 75) }))).toEqual(['described:sql', 'answered:stage']);
    expect(calls).toBe(1);
    const err = errorOf(() => matchAction(f, d, a));
    expect(err.code).toBe('INVALID_OPTION');
    expect(err.path).toEqual(['options', 'score']);
  });

  it('from: previous, anyEarlier (default), any, list', () => {
    const f = funnelWithTriggers([
      { id: 'prev', action: 'x.prev', to: 'described', from: 'previous' },
      { id: 'early', action: 'x.early', to: 'described' },
      { id: 'list', action: 'x.list', to: 'proposal', from: ['request'] },
      { id: 'any', action: 'x.any', to: 'answered', from: 'any' },
    ]);
    const atRequest = newDeal(f, 'd1', '2026-03-01T00:00:00.000Z', { budget: 1 });
    const atAnswered = ok(applyAction(f, atRequest, act('c', 'call.answered', '2026-03-02')));
    const atProposal = ok(applyAction(f, atAnswered, act('p', 'proposal.received', '2026-03-03')));
    const m = (d: typeof atRequest, type: string) => ids(matchAction(f, d, act('z', type, '2026-03-04')));
    expect(m(atRequest, 'x.prev')).toEqual([]);
    expect(m(atAnswered, 'x.prev')).toEqual(['described:prev']);
    expect(m(atRequest, 'x.early')).toEqual(['described:early']);
    expect(m(atProposal, 'x.early')).toEqual([]);
    expect(m(atRequest, 'x.list')).toEqual(['proposal:list']);
    expect(m(atAnswered, 'x.list')).toEqual([]);
    expect(m(atProposal, 'x.any')).toEqual(['answered:any']);
  });

  it('priority order: priority desc, then furthest target (lost is furthest), then definition order', () => {
    const f = funnelWithTriggers([
      { id: 't1', action: 'call.answered', to: 'answered' },
      { id: 't2', action: 'call.answered', to: 'described' },
      { id: 't3', action: 'call.answered', to: 'answered', priority: 5 },
      { id: 't4', action: 'call.answered', to: 'lost' },
    ]);
    expect(ids(matchAction(f, newDeal(f), act('a', 'call.answered', '2026-03-02')))).toEqual(['answered:t3', 'lost:t4', 'described:t2', 'answered:t1', 'answered:stage']);
  });
});
