import { describe, expect, it } from 'vitest';
import { applyAction, applyCommand } from '../../src/index.js';
import { act, b2b, errorOf, expectFrozenDeep, funnelWith, newDeal, ok } from './fixtures.js';

const withBudget = () => newDeal(b2b, 'd1', '2026-03-01T00:00:00.000Z', { budget: 1 });

describe('applyCommand', () => {
  it('moveTo: forward (skip allowed by default), cause names the command and actor', () => {
    const r = applyCommand(b2b, newDeal(), { type: 'moveTo', stageId: 'described', at: '2026-03-02', actor: 'ann' });
    expect(r.ok && r.transitions).toEqual([{ from: 'request', to: 'described', at: '2026-03-02T00:00:00.000Z', status: 'open', cause: { type: 'command', command: 'moveTo', actor: 'ann' } }]);
    expectFrozenDeep(r);
  });

  it('moveTo: backward refused unless allowed; skip refused when allowSkip is false; required fields always apply', () => {
    const d = ok(applyCommand(b2b, newDeal(), { type: 'moveTo', stageId: 'described', at: '2026-03-02' }));
    const back = applyCommand(b2b, d, { type: 'moveTo', stageId: 'answered', at: '2026-03-03' });
    expect(back.ok ? null : back.reason).toBe('NOT_ALLOWED_BACKWARD');
    const f = funnelWith({ policy: { allowBackward: true, allowSkip: false, requiredOnAutomaticMoves: 'ignore' } });
    const d2 = ok(applyCommand(f, newDeal(f), { type: 'moveTo', stageId: 'answered', at: '2026-03-02' }));
    expect(ok(applyCommand(f, d2, { type: 'moveTo', stageId: 'request', at: '2026-03-03' })).stageId).toBe('request');
    const skip = applyCommand(f, newDeal(f), { type: 'moveTo', stageId: 'described', at: '2026-03-02' });
    expect(skip.ok ? null : skip.reason).toBe('SKIP_FORBIDDEN');
    const req = applyCommand(b2b, newDeal(), { type: 'moveTo', stageId: 'proposal', at: '2026-03-02' });
    expect(req.ok ? null : [req.reason, req.missing]).toEqual(['MISSING_REQUIRED', ['budget']]);
  });

  it('moveTo the current stage is unchanged', () => {
    const d = newDeal();
    const r = applyCommand(b2b, d, { type: 'moveTo', stageId: 'request', at: '2026-03-02' });
    expect(r.ok && [r.outcome, r.deal === d]).toEqual(['unchanged', true]);
  });

  it('win: into the first won stage, closedAt set; a second win is DEAL_CLOSED', () => {
    const won = ok(applyCommand(b2b, newDeal(), { type: 'win', at: '2026-03-04' }));
    expect([won.stageId, won.status, won.closedAt]).toEqual(['paid', 'won', '2026-03-04T00:00:00.000Z']);
    const again = applyCommand(b2b, won, { type: 'win', at: '2026-03-05' });
    expect(again.ok ? null : again.reason).toBe('DEAL_CLOSED');
    const post = ok(applyCommand(b2b, won, { type: 'moveTo', stageId: 'onboarded', at: '2026-03-06' }));
    expect([post.status, post.closedAt]).toEqual(['won', '2026-03-04T00:00:00.000Z']);
    const backToOpen = applyCommand(b2b, won, { type: 'moveTo', stageId: 'answered', at: '2026-03-06' });
    expect(backToOpen.ok ? null : backToOpen.reason).toBe('DEAL_CLOSED');
  });

  it('lose: into the lost stage with reason; lostAtStageId = the last open stage', () => {
    const d = ok(applyAction(b2b, withBudget(), act('a1', 'proposal.received', '2026-03-02')));
    const r = applyCommand(b2b, d, { type: 'lose', reason: 'price', at: '2026-03-05' });
    expect(r.ok && r.transitions).toEqual([{ from: 'proposal', to: 'lost', at: '2026-03-05T00:00:00.000Z', status: 'lost', cause: { type: 'command', command: 'lose' }, lostReason: 'price' }]);
    expect(r.ok && [r.deal.status, r.deal.stageId, r.deal.lostAtStageId, r.deal.lostReason, r.deal.closedAt]).toEqual(['lost', 'lost', 'proposal', 'price', '2026-03-05T00:00:00.000Z']);
  });

  it('lose without a lost stage keeps the stage (Pipedrive); lose of a closed deal is DEAL_CLOSED', () => {
    const f = funnelWith({ stages: (funnelWith({}).stages as never as { category: string }[]).filter((s) => s.category !== 'lost') as never });
    const lost = ok(applyCommand(f, newDeal(f), { type: 'lose', reason: 'price', at: '2026-03-05' }));
    expect([lost.stageId, lost.status, lost.lostAtStageId]).toEqual(['request', 'lost', 'request']);
    expect(lost.history[1]).toMatchObject({ from: 'request', to: 'request', status: 'lost' });
    const again = applyCommand(f, lost, { type: 'lose', reason: 'price', at: '2026-03-06' });
    expect(again.ok ? null : again.reason).toBe('DEAL_CLOSED');
  });

  it('reopen: back to the stage it was lost at; status open, closed fields cleared; history kept', () => {
    const d = ok(applyCommand(b2b, newDeal(), { type: 'moveTo', stageId: 'answered', at: '2026-03-02' }));
    const lost = ok(applyCommand(b2b, d, { type: 'lose', reason: 'price', at: '2026-03-03' }));
    const r = ok(applyCommand(b2b, lost, { type: 'reopen', at: '2026-03-10' }));
    expect([r.stageId, r.status, r.closedAt, r.lostReason, r.lostAtStageId, r.history.length]).toEqual(['answered', 'open', null, null, null, 4]);
    const won = ok(applyCommand(b2b, d, { type: 'win', at: '2026-03-04' }));
    expect(ok(applyCommand(b2b, won, { type: 'reopen', at: '2026-03-05' })).stageId).toBe('answered');
    expect(ok(applyCommand(b2b, won, { type: 'reopen', at: '2026-03-05', stageId: 'request' })).stageId).toBe('request');
  });

  it('reopen refused: policy.allowReopen false, or the deal is open', () => {
    const f = funnelWith({ policy: { allowReopen: false } });
    const lost = ok(applyCommand(f, newDeal(f), { type: 'lose', reason: 'price', at: '2026-03-03' }));
    const r = applyCommand(f, lost, { type: 'reopen', at: '2026-03-04' });
    expect(r.ok ? null : r.reason).toBe('REOPEN_FORBIDDEN');
    const open = applyCommand(b2b, newDeal(), { type: 'reopen', at: '2026-03-04' });
    expect(open.ok ? null : open.reason).toBe('NOT_CLOSED');
  });

  it('a command older than the last transition is OUT_OF_ORDER', () => {
    const d = ok(applyCommand(b2b, newDeal(), { type: 'moveTo', stageId: 'answered', at: '2026-03-05' }));
    const r = applyCommand(b2b, d, { type: 'moveTo', stageId: 'described', at: '2026-03-04' });
    expect(r.ok ? null : r.reason).toBe('OUT_OF_ORDER');
  });

  describe('bad input', () => {
    it('unknown stage → UNKNOWN_STAGE naming command.stageId', () => {
      const e = errorOf(() => applyCommand(b2b, newDeal(), { type: 'moveTo', stageId: 'nowhere', at: '2026-03-02' }));
      expect([e.code, e.path, e.received]).toEqual(['UNKNOWN_STAGE', ['command', 'stageId'], '"nowhere"']);
      expect(errorOf(() => applyCommand(b2b, newDeal(), { type: 'reopen', stageId: 'nowhere', at: '2026-03-02' })).code).toBe('UNKNOWN_STAGE');
    });
    it('a lost reason outside the catalogue, a lost stage in moveTo, a bad type, a NaN time', () => {
      expect(errorOf(() => applyCommand(b2b, newDeal(), { type: 'lose', reason: 'weather', at: '2026-03-02' })).path).toEqual(['command', 'reason']);
      expect(errorOf(() => applyCommand(b2b, newDeal(), { type: 'moveTo', stageId: 'lost', at: '2026-03-02' })).path).toEqual(['command', 'stageId']);
      expect(errorOf(() => applyCommand(b2b, newDeal(), { type: 'delete', at: '2026-03-02' } as never)).path).toEqual(['command', 'type']);
      const e = errorOf(() => applyCommand(b2b, newDeal(), { type: 'win', at: Number.NaN }));
      expect([e.code, e.path]).toEqual(['INVALID_DATE', ['command', 'at']]);
    });
  });
});
