import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { applyAction, createDeal, defineFunnel, replay, type CustomerAction, type Deal } from '../../src/index.js';
import { deepFreeze } from '../../src/internal/freeze.js';
import { actionStreamArb, machineFunnelArb } from '../arbitraries/machine.js';
import { b2b, b2bInput, errorOf, expectFrozenDeep, funnelWith } from './fixtures.js';

const a = (id: string, type: string, at: string, deal = 'l1', extra: Partial<CustomerAction> = {}): CustomerAction => ({ id, type, at: new Date(at).toISOString(), leadId: deal, ...extra });

describe('replay', () => {
  it('groups by dealId ?? leadId, creates deals on a creation action, applies in (at, id) order', () => {
    const r = replay(b2b, [
      a('a3', 'requirements.described', '2026-03-03'),
      a('a1', 'request.submitted', '2026-03-01'),
      a('a2', 'call.answered', '2026-03-02'),
      a('x0', 'call.answered', '2026-03-01', 'l2'), // l2: no creation action yet
      a('x1', 'request.submitted', '2026-03-02', 'l2'),
      a('a2', 'invoice.paid', '2026-03-04'), // repeated id: ignored
    ]);
    expect(r.deals.map((d) => [d.id, d.stageId, d.history.length, d.actions.length])).toEqual([
      ['l1', 'described', 3, 3],
      ['l2', 'request', 1, 1],
    ]);
    expect(r.deals[0]?.history[0]).toEqual({ from: null, to: 'request', at: '2026-03-01T00:00:00.000Z', status: 'open', cause: { type: 'action', actionId: 'a1', actionType: 'request.submitted' } });
    expect(r.rejected).toEqual([{ actionId: 'x0', dealId: 'l2', at: '2026-03-01T00:00:00.000Z', reason: 'NO_DEAL' }]);
    expect(r.counts).toEqual({ actions: 6, applied: 4, moved: 2, duplicates: 1, rejected: 1, deals: 2, created: 2, transitions: 4, timeouts: 0 });
    expect(r.rules).toEqual({ order: 'at, then id', createOn: 'creationAction', lateActions: 'apply', now: null });
    expectFrozenDeep(r);
  });

  it('equal timestamps resolve by action id', () => {
    const f = funnelWith({ policy: { allowBackward: true } });
    const r = replay(f, [a('b', 'call.answered', '2026-03-02'), a('a', 'requirements.described', '2026-03-02'), a('0', 'request.submitted', '2026-03-01')]);
    expect(r.deals[0]?.stageId).toBe('answered'); // 'a' (described) then 'b' (back to answered)
  });

  it("createOn 'anyAction' creates in the first creation stage, then applies the action", () => {
    const r = replay(b2b, [a('x0', 'call.answered', '2026-03-01', 'l2')], { createOn: 'anyAction' });
    expect(r.deals[0]?.history.map((t) => [t.from, t.to])).toEqual([[null, 'request'], ['request', 'answered']]);
  });

  it('dealDefaults give new deals segment, amount and attributes (checked against requires)', () => {
    const r = replay(b2b, [a('1', 'request.submitted', '2026-03-01'), a('2', 'proposal.received', '2026-03-02')], {
      dealDefaults: (id) => ({ segmentId: 'smb', amount: { amount: '100', currency: 'EUR' }, attributes: { budget: id } }),
    });
    expect([r.deals[0]?.segmentId, r.deals[0]?.amount, r.deals[0]?.stageId]).toEqual(['smb', { amount: '100', currency: 'EUR' }, 'proposal']);
    const r2 = replay(b2b, [a('1', 'request.submitted', '2026-03-01'), a('2', 'proposal.received', '2026-03-02')]);
    expect(r2.rejected.map((x) => [x.actionId, x.reason, x.stageId])).toEqual([['2', 'MISSING_REQUIRED', 'proposal']]);
  });

  it('continues from initial deals without mutating them', () => {
    const start = createDeal(b2b, { id: 'l1', createdAt: '2026-03-01' });
    const deal = start.ok ? start.deal : (null as never);
    const r = replay(b2b, [a('1', 'call.answered', '2026-03-02')], { deals: [deal] });
    expect(r.deals[0]?.stageId).toBe('answered');
    expect(deal.stageId).toBe('request');
    expect(r.counts.transitions).toBe(1);
  });

  it('silence rules fire as time passes when now is given; actions after now are rejected', () => {
    const f = funnelWith({ silence: [{ id: 'gone', afterDays: 10, then: { type: 'lose', reason: 'no-response' } }] });
    const actions = [a('1', 'request.submitted', '2026-03-01'), a('2', 'call.answered', '2026-03-20'), a('3', 'call.answered', '2026-05-01', 'l1')];
    const r = replay(f, actions, { now: '2026-04-01' });
    const d = r.deals[0] as Deal;
    expect([d.status, d.lostReason, d.closedAt]).toEqual(['lost', 'no-response', '2026-03-11T00:00:00.000Z']);
    expect(r.rejected.map((x) => [x.actionId, x.reason])).toEqual([['2', 'DEAL_CLOSED'], ['3', 'AFTER_NOW']]);
    expect(r.counts.timeouts).toBe(1);
    expect(r.rules.now).toBe('2026-04-01T00:00:00.000Z');
    // without now: no silence
    expect(replay(f, actions).deals[0]?.stageId).toBe('answered');
  });

  it('a silence rule due at the very instant of an action does not fire (the customer acted in time)', () => {
    const f = funnelWith({ silence: [{ id: 'gone', afterDays: 10, then: { type: 'lose', reason: 'no-response' } }] });
    const r = replay(f, [a('1', 'request.submitted', '2026-03-01'), a('2', 'call.answered', '2026-03-11')], { now: '2026-03-12' });
    expect(r.deals[0]?.stageId).toBe('answered');
  });

  describe('bad input names the row', () => {
    it('NaN time', () => {
      const e = errorOf(() => replay(b2b, [a('1', 'request.submitted', '2026-03-01'), { id: '2', type: 'x', at: 'NaN', leadId: 'l' }]));
      expect([e.code, e.path]).toEqual(['INVALID_DATE', [1, 'at']]);
    });
    it("unknown action type under 'reject'", () => {
      const f = funnelWith({ policy: { unknownActions: 'reject' } });
      const e = errorOf(() => replay(f, [a('1', 'fax.sent', '2026-03-01')]));
      expect([e.code, e.path]).toEqual(['UNKNOWN_ACTION', [0, 'type']]);
    });
    it('no deal or lead id; not an array; bad createOn', () => {
      expect(errorOf(() => replay(b2b, [{ id: '1', type: 'x', at: '2026-03-01T00:00:00.000Z' }])).path).toEqual([0, 'dealId']);
      expect(errorOf(() => replay(b2b, 'x' as never)).code).toBe('INVALID_INPUT');
      expect(errorOf(() => replay(b2b, [], { createOn: 'sometimes' as never })).code).toBe('INVALID_OPTION');
    });
  });
});

const streamCase = machineFunnelArb.chain((spec) => fc.tuple(fc.constant(defineFunnel(spec.funnel)), actionStreamArb(spec.types)));
const b2bTypes = ['request.submitted', 'call.answered', 'requirements.described', 'proposal.received', 'invoice.paid', 'onboarding.completed', 'email.unsubscribed'];
const b2bFunnel = defineFunnel({
  ...b2bInput,
  triggers: [
    { id: 'hot', action: 'call.answered', where: [{ field: 'budget', op: 'gte', value: 50000 }], to: 'described', priority: 1 },
    { id: 'third', action: 'email.opened', count: 3, to: 'answered', from: 'previous' },
    { id: 'unsub', action: 'email.unsubscribed', to: 'lost' },
  ],
  silence: [{ id: 'quiet', afterDays: 5, then: { type: 'flag' } }, { id: 'gone', afterDays: 20, then: { type: 'lose', reason: 'no-response' } }],
});

describe('replay laws', () => {
  test.prop([streamCase, fc.integer()], { numRuns: 150 })('independent of the input order (shuffle) and deterministic', ([f, actions], seed) => {
    const shuffled = fc.sample(fc.shuffledSubarray(actions, { minLength: actions.length, maxLength: actions.length }), { numRuns: 1, seed })[0] as CustomerAction[];
    const r1 = replay(f, actions, { now: '2026-06-01' });
    expect(replay(f, shuffled, { now: '2026-06-01' })).toEqual(r1);
    expect(replay(f, actions, { now: '2026-06-01' })).toEqual(r1);
  });

  test.prop([actionStreamArb(b2bTypes, 60), fc.integer()], { numRuns: 150 })('b2b funnel with conditions: order-independent, history time-ordered, counts add up', (actions, seed) => {
    const shuffled = fc.sample(fc.shuffledSubarray(actions, { minLength: actions.length, maxLength: actions.length }), { numRuns: 1, seed })[0] as CustomerAction[];
    const opts = { now: '2026-06-01', dealDefaults: () => ({ attributes: { budget: 1 } }) };
    const r = replay(b2bFunnel, actions, opts);
    expect(replay(b2bFunnel, shuffled, opts)).toEqual(r);
    for (const d of r.deals) {
      for (let i = 1; i < d.history.length; i++) expect((d.history[i - 1] as { at: string }).at <= (d.history[i] as { at: string }).at).toBe(true);
      expect(new Set(d.actions.map((x) => x.id)).size).toBe(d.actions.length);
    }
    expect(r.counts.applied + r.counts.duplicates + r.counts.rejected).toBe(actions.length);
  });

  test.prop([streamCase], { numRuns: 100 })('inputs are never mutated (deep-frozen inputs work; unfrozen ones stay unfrozen and equal)', ([f, actions]) => {
    const copy = structuredClone(actions);
    replay(f, actions, { now: '2026-06-01' });
    expect(actions).toEqual(copy);
    for (const x of actions) expect(Object.isFrozen(x)).toBe(false);
    expect(() => replay(f, deepFreeze(copy), { now: '2026-06-01' })).not.toThrow();
  });

  test.prop([streamCase], { numRuns: 100 })('idempotent: replaying the stream twice over gives the same deals', ([f, actions]) => {
    const once = replay(f, actions);
    const twice = replay(f, [...actions, ...actions.map((x) => ({ ...x }))]);
    expect(twice.deals).toEqual(once.deals);
    expect(twice.counts.applied).toBe(once.counts.applied);
  });

  test.prop([actionStreamArb(b2bTypes, 40)], { numRuns: 150 })('agrees with folding applyAction over the sorted stream (lean path = immer path)', (actions) => {
    const t0 = '2026-02-01T00:00:00.000Z';
    const ids = [...new Set(actions.map((x) => (x.dealId ?? x.leadId) as string))];
    const initial = ids.map((id) => {
      const r = createDeal(b2bFunnel, { id, createdAt: t0, attributes: { budget: 1 } });
      return r.ok ? r.deal : (null as never);
    });
    const r = replay(b2bFunnel, actions, { deals: initial });
    const sorted = [...actions].sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : x.id < y.id ? -1 : x.id > y.id ? 1 : x.type < y.type ? -1 : x.type > y.type ? 1 : JSON.stringify(x.properties ?? null) < JSON.stringify(y.properties ?? null) ? -1 : 1));
    const byId = new Map(initial.map((d) => [d.id, d]));
    let rejected = 0;
    for (const x of sorted) {
      const key = (x.dealId ?? x.leadId) as string;
      const res = applyAction(b2bFunnel, byId.get(key) as Deal, { ...x, dealId: key });
      if (res.ok) byId.set(key, res.deal);
      else rejected++;
    }
    expect(r.deals).toEqual([...byId.values()].sort((x, y) => (x.id < y.id ? -1 : 1)));
    expect(r.counts.rejected).toBe(rejected);
  });

  it('long deals (past the id-scan and insertion-sort limits): duplicates found, shuffled = ordered, continuing a long deal', () => {
    const rows: CustomerAction[] = [a('x00', 'request.submitted', '2026-03-01T00:00:00Z')];
    for (let k = 1; k < 50; k++) rows.push(a(`x${String(k).padStart(2, '0')}`, k % 2 === 0 ? 'call.answered' : 'email.opened', new Date(Date.UTC(2026, 2, 1, k)).toISOString()));
    for (const k of [3, 17, 18, 40]) rows.push(a(`x${String(k).padStart(2, '0')}`, 'call.answered', new Date(Date.UTC(2026, 2, 5, k)).toISOString())); // repeated ids, later
    const shuffled = rows.map((x, k) => ({ x, k: (k * 37) % rows.length })).sort((p, q) => p.k - q.k).map((p) => p.x);
    const r = replay(b2b, rows);
    expect(r.counts).toMatchObject({ actions: 54, applied: 50, duplicates: 4, rejected: 0 });
    expect(replay(b2b, shuffled).deals).toEqual(r.deals);
    // continue from the 50-action deal: its ids are known (set built from deal.actions), new ones apply
    const more = [a('x10', 'call.answered', '2026-04-01'), a('y1', 'call.answered', '2026-04-02'), a('y1', 'call.answered', '2026-04-03')];
    const r2 = replay(b2b, more, { deals: r.deals });
    expect(r2.counts).toMatchObject({ applied: 1, duplicates: 2 });
    expect(r2.deals[0]?.actions.length).toBe(51);
  });
});
