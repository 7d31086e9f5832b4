import { describe, expect, it } from 'vitest';
import { applyAction, applyCommand, applySilence } from '../../src/index.js';
import { deepFreeze } from '../../src/internal/freeze.js';
import { act, b2b, errorOf, expectFrozenDeep, funnelWith, newDeal, ok } from './fixtures.js';

describe('applyAction', () => {
  it('moves into the stage the action completes, records the action and its cause, returns onEnter effects', () => {
    const d0 = newDeal();
    const snapshot = JSON.stringify(d0);
    const r = applyAction(b2b, d0, act('a1', 'call.answered', '2026-03-02T10:00:00Z'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.outcome).toBe('moved');
    expect(r.deal.stageId).toBe('answered');
    expect(r.deal.actions).toEqual([{ id: 'a1', type: 'call.answered', at: '2026-03-02T10:00:00.000Z' }]);
    expect(r.transitions).toEqual([
      { from: 'request', to: 'answered', at: '2026-03-02T10:00:00.000Z', status: 'open', cause: { type: 'action', actionId: 'a1', actionType: 'call.answered' } },
    ]);
    expect(r.deal.history).toHaveLength(2);
    expect(r.effects).toEqual([{ type: 'task.create', params: { title: 'qualify' }, dealId: 'd1', at: '2026-03-02T10:00:00.000Z', origin: { kind: 'onEnter', stageId: 'answered' } }]);
    expect(JSON.stringify(d0)).toBe(snapshot);
    expectFrozenDeep(r);
  });

  it('an action that matches nothing is recorded with no transition', () => {
    const r = applyAction(b2b, newDeal(), act('a1', 'email.opened', '2026-03-02'));
    expect(r.ok && [r.outcome, r.transitions.length, r.deal.actions.length]).toEqual(['recorded', 0, 1]);
  });

  it('is idempotent by action id', () => {
    const d1 = ok(applyAction(b2b, newDeal(), act('a1', 'call.answered', '2026-03-02')));
    const again = applyAction(b2b, d1, act('a1', 'proposal.received', '2026-03-09'));
    expect(again.ok && again.outcome).toBe('duplicate');
    expect(again.ok && again.deal).toBe(d1);
  });

  it('forward only by default: an earlier stage action is recorded, the deal stays', () => {
    const d1 = ok(applyAction(b2b, newDeal(), act('a1', 'requirements.described', '2026-03-02')));
    const r = applyAction(b2b, d1, act('a2', 'call.answered', '2026-03-03'));
    expect(r.ok && [r.outcome, r.deal.stageId]).toEqual(['recorded', 'described']);
  });

  it('allowBackward moves back', () => {
    const f = funnelWith({ policy: { allowBackward: true } });
    const d1 = ok(applyAction(f, newDeal(f), act('a1', 'requirements.described', '2026-03-02')));
    const r = applyAction(f, d1, act('a2', 'call.answered', '2026-03-03'));
    expect(r.ok && r.deal.stageId).toBe('answered');
  });

  it('allowSkip false: only the next stage; a skip is refused and nothing is recorded', () => {
    const f = funnelWith({ policy: { allowSkip: false } });
    const d0 = newDeal(f);
    const r = applyAction(f, d0, act('a1', 'requirements.described', '2026-03-02'));
    expect(r).toEqual({ ok: false, reason: 'SKIP_FORBIDDEN', message: expect.any(String), stageId: 'described' });
    const next = applyAction(f, d0, act('a1', 'call.answered', '2026-03-02'));
    expect(next.ok && next.deal.stageId).toBe('answered');
  });

  it('falls back to the best allowed candidate when a better one is refused', () => {
    const f = funnelWith({ policy: { allowSkip: false }, triggers: [{ id: 'jump', action: 'call.answered', to: 'described', priority: 9 }] });
    const r = applyAction(f, newDeal(f), act('a1', 'call.answered', '2026-03-02'));
    expect(r.ok && r.deal.stageId).toBe('answered');
  });

  it('required fields: enforced on automatic moves by default, ignored with requiredOnAutomaticMoves "ignore"', () => {
    const r = applyAction(b2b, newDeal(), act('a1', 'proposal.received', '2026-03-02'));
    expect(r.ok ? null : [r.reason, r.missing, r.stageId]).toEqual(['MISSING_REQUIRED', ['budget'], 'proposal']);
    const withBudget = applyAction(b2b, newDeal(b2b, 'd1', '2026-03-01T00:00:00.000Z', { budget: 9000 }), act('a1', 'proposal.received', '2026-03-02'));
    expect(withBudget.ok && withBudget.deal.stageId).toBe('proposal');
    const amo = funnelWith({ policy: { requiredOnAutomaticMoves: 'ignore' } });
    const r2 = applyAction(amo, newDeal(amo), act('a1', 'proposal.received', '2026-03-02'));
    expect(r2.ok && r2.deal.stageId).toBe('proposal');
  });

  it('won: sets status and closedAt; post-sale won stages follow; open-stage actions are only recorded', () => {
    const won = ok(applyAction(b2b, newDeal(), act('a1', 'invoice.paid', '2026-03-05')));
    expect([won.status, won.closedAt, won.stageId]).toEqual(['won', '2026-03-05T00:00:00.000Z', 'paid']);
    const onboarded = ok(applyAction(b2b, won, act('a2', 'onboarding.completed', '2026-03-20')));
    expect([onboarded.status, onboarded.closedAt, onboarded.stageId]).toEqual(['won', '2026-03-05T00:00:00.000Z', 'onboarded']);
    const call = applyAction(b2b, onboarded, act('a3', 'call.answered', '2026-03-21'));
    expect(call.ok && [call.outcome, call.deal.stageId]).toEqual(['recorded', 'onboarded']);
  });

  it('lost deals refuse moves (DEAL_CLOSED) but record actions that move nothing', () => {
    const lost = ok(applyCommand(b2b, newDeal(), { type: 'lose', reason: 'price', at: '2026-03-02' }));
    const r = applyAction(b2b, lost, act('a1', 'call.answered', '2026-03-03'));
    expect(r.ok ? null : [r.reason, r.stageId]).toEqual(['DEAL_CLOSED', 'answered']);
    const r2 = applyAction(b2b, lost, act('a2', 'email.opened', '2026-03-03'));
    expect(r2.ok && r2.outcome).toBe('recorded');
  });

  it('a trigger into a lost stage loses the deal and keeps lostAtStageId', () => {
    const f = funnelWith({ triggers: [{ id: 'unsub', action: 'email.unsubscribed', to: 'lost', effects: [{ type: 'crm.note' }] }] });
    const d1 = ok(applyAction(f, newDeal(f), act('a1', 'call.answered', '2026-03-02')));
    const r = applyAction(f, d1, act('a2', 'email.unsubscribed', '2026-03-04'));
    expect(r.ok && [r.deal.status, r.deal.stageId, r.deal.lostAtStageId, r.deal.closedAt, r.deal.lostReason]).toEqual(['lost', 'lost', 'answered', '2026-03-04T00:00:00.000Z', null]);
    expect(r.ok && r.effects.map((e) => e.origin)).toEqual([{ kind: 'trigger', ruleId: 'unsub' }]);
  });

  it('trigger effects come before the onEnter effects of the stage entered', () => {
    const f = funnelWith({ triggers: [{ id: 't', action: 'call.made', to: 'answered', effects: [{ type: 'email.followUp' }] }] });
    const r = applyAction(f, newDeal(f), act('a1', 'call.made', '2026-03-02'));
    expect(r.ok && r.effects.map((e) => e.type)).toEqual(['email.followUp', 'task.create']);
  });

  describe('late actions (older than the last transition)', () => {
    const d1 = ok(applyAction(b2b, newDeal(), act('a1', 'call.answered', '2026-03-05')));
    it("'apply' (default): may move forward; the transition is stamped at the last transition's time", () => {
      const r = applyAction(b2b, d1, act('a0', 'requirements.described', '2026-03-03'));
      expect(r.ok && r.late).toBe(true);
      expect(r.ok && r.transitions).toEqual([
        { from: 'answered', to: 'described', at: '2026-03-05T00:00:00.000Z', status: 'open', cause: { type: 'action', actionId: 'a0', actionType: 'requirements.described', actionAt: '2026-03-03T00:00:00.000Z' } },
      ]);
    });
    it("'ignore': recorded, never moves", () => {
      const f = funnelWith({ policy: { lateActions: 'ignore' } });
      const e1 = ok(applyAction(f, newDeal(f), act('a1', 'call.answered', '2026-03-05')));
      const r = applyAction(f, e1, act('a0', 'requirements.described', '2026-03-03'));
      expect(r.ok && [r.outcome, r.late, r.deal.stageId, r.deal.actions.length]).toEqual(['recorded', true, 'answered', 2]);
    });
    it('an action at exactly the last transition time is not late', () => {
      const r = applyAction(b2b, d1, act('a2', 'requirements.described', '2026-03-05'));
      expect(r.ok && r.late).toBe(false);
    });
  });

  it('a customer action clears a stalled flag older than it', () => {
    const f = funnelWith({ silence: [{ id: 'quiet', afterDays: 7, then: { type: 'flag' } }] });
    const stalled = applySilence(f, newDeal(f), '2026-03-10').deal;
    expect(stalled.stalled).toEqual({ since: '2026-03-08T00:00:00.000Z', ruleId: 'quiet' });
    expect(ok(applyAction(f, stalled, act('a1', 'email.opened', '2026-03-11'))).stalled).toBeNull();
    expect(ok(applyAction(f, stalled, act('a0', 'email.opened', '2026-03-02'))).stalled).not.toBeNull();
  });

  describe('bad input', () => {
    it('NaN time → FunnelError INVALID_DATE naming action.at', () => {
      const e = errorOf(() => applyAction(b2b, newDeal(), { id: 'a', type: 'call.answered', at: Number.NaN as never, dealId: 'd1' }));
      expect([e.code, e.path]).toEqual(['INVALID_DATE', ['action', 'at']]);
      const e2 = errorOf(() => applyAction(b2b, newDeal(), { id: 'a', type: 'call.answered', at: 'yesterday', dealId: 'd1' }));
      expect(e2.code).toBe('INVALID_DATE');
    });
    it("unknown action type with policy.unknownActions 'reject' → FunnelError UNKNOWN_ACTION", () => {
      const f = funnelWith({ policy: { unknownActions: 'reject' }, knownActions: ['email.opened'] });
      const e = errorOf(() => applyAction(f, newDeal(f), act('a', 'fax.sent', '2026-03-02')));
      expect([e.code, e.path, e.received]).toEqual(['UNKNOWN_ACTION', ['action', 'type'], '"fax.sent"']);
      expect(applyAction(f, newDeal(f), act('a', 'email.opened', '2026-03-02')).ok).toBe(true);
    });
    it('an action for another deal → INVALID_INPUT naming action.dealId', () => {
      const e = errorOf(() => applyAction(b2b, newDeal(), act('a', 'call.answered', '2026-03-02', { dealId: 'other' })));
      expect([e.code, e.path]).toEqual(['INVALID_INPUT', ['action', 'dealId']]);
    });
    it('a deal of another funnel → INVALID_INPUT', () => {
      const f = funnelWith({ id: 'other' });
      expect(errorOf(() => applyAction(f, newDeal(), act('a', 'call.answered', '2026-03-02'))).path).toEqual(['deal', 'funnelId']);
    });
    it('an unparsed funnel → INVALID_FUNNEL', () => {
      expect(errorOf(() => applyAction({ id: 'b2b' } as never, newDeal(), act('a', 'x', '2026-03-02'))).code).toBe('INVALID_FUNNEL');
    });
  });

  it('never mutates a deeply frozen input and returns frozen output', () => {
    const d = deepFreeze(newDeal(b2b, 'd1', '2026-03-01T00:00:00.000Z', { budget: 5 }));
    const r = applyAction(b2b, d, act('a1', 'proposal.received', '2026-03-02'));
    expectFrozenDeep(r);
    expect(d.stageId).toBe('request');
  });
});

describe('applyAction: a trigger into a lost stage with its lost reason', () => {
  const unsub = { id: 'unsub', action: 'email.unsubscribed', to: 'lost', lostReason: 'no-response' } as const;

  it('records the trigger\'s lost reason on the deal and on the transition', () => {
    const f = funnelWith({ triggers: [unsub] });
    const r = applyAction(f, newDeal(f), act('a1', 'email.unsubscribed', '2026-03-04T09:00:00Z'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect([r.deal.stageId, r.deal.status, r.deal.lostReason, r.deal.lostAtStageId, r.deal.closedAt]).toEqual([
      'lost',
      'lost',
      'no-response',
      'request',
      '2026-03-04T09:00:00.000Z',
    ]);
    expect(r.transitions[0]).toMatchObject({ from: 'request', to: 'lost', status: 'lost', lostReason: 'no-response', cause: { ruleId: 'unsub' } });
  });

  it('without a lostReason the loss records null, as before', () => {
    const f = funnelWith({ triggers: [{ id: 'unsub', action: 'email.unsubscribed', to: 'lost' }] });
    const r = applyAction(f, newDeal(f), act('a1', 'email.unsubscribed', '2026-03-04'));
    expect(r.ok && [r.deal.status, r.deal.lostReason]).toEqual(['lost', null]);
  });

  it('a reason outside the catalogue → INVALID_FUNNEL at triggers[0].lostReason', () => {
    const e = errorOf(() => funnelWith({ triggers: [{ ...unsub, lostReason: 'weather' }] }));
    expect([e.code, e.path, e.received]).toEqual(['INVALID_FUNNEL', ['triggers', 0, 'lostReason'], '"weather"']);
  });

  it('a reason on a trigger into an open stage → INVALID_FUNNEL', () => {
    const e = errorOf(() => funnelWith({ triggers: [{ ...unsub, to: 'answered' }] }));
    expect([e.code, e.path]).toEqual(['INVALID_FUNNEL', ['triggers', 0, 'lostReason']]);
    expect(e.message).toContain("open stage 'answered'");
  });
});
