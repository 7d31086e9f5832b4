import { describe, expect, it } from 'vitest';
import { createDeal } from '../../src/index.js';
import { b2b, errorOf, expectFrozenDeep, funnelWith } from './fixtures.js';

describe('createDeal', () => {
  it('opens a deal in the first stage with a creation transition', () => {
    const r = createDeal(b2b, { id: 'd1', createdAt: '2026-03-01', amount: { amount: '1200.50', currency: 'EUR' }, segmentId: 'smb', actor: 'ann' });
    expect(r.ok && r.deal).toEqual({
      id: 'd1', funnelId: 'b2b', segmentId: 'smb', amount: { amount: '1200.50', currency: 'EUR' }, createdAt: '2026-03-01T00:00:00.000Z',
      stageId: 'request', status: 'open', lostAtStageId: null, lostReason: null, closedAt: null, attributes: {},
      history: [{ from: null, to: 'request', at: '2026-03-01T00:00:00.000Z', status: 'open', cause: { type: 'command', command: 'create', actor: 'ann' } }],
      actions: [], stalled: null, triggerCounts: {},
    });
    expectFrozenDeep(r);
  });

  it('creation stages policy', () => {
    const f = funnelWith({ policy: { creationStages: ['request', 'answered'] } });
    expect(createDeal(f, { id: 'd', createdAt: 0, stageId: 'answered' }).ok).toBe(true);
    const r = createDeal(f, { id: 'd', createdAt: 0, stageId: 'described' });
    expect(r.ok ? null : [r.reason, r.stageId]).toEqual(['NOT_A_CREATION_STAGE', 'described']);
    expect(createDeal(b2b, { id: 'd', createdAt: 0, stageId: 'answered' }).ok).toBe(false);
  });

  it('returns the onEnter effects of the creation stage and checks its required attributes', () => {
    const f = funnelWith({ policy: { creationStages: ['answered', 'proposal'] } });
    const r = createDeal(f, { id: 'd', createdAt: 0, stageId: 'answered' });
    expect(r.ok && r.effects.map((e) => [e.type, e.origin])).toEqual([['task.create', { kind: 'onEnter', stageId: 'answered' }]]);
    const p = createDeal(f, { id: 'd', createdAt: 0, stageId: 'proposal' });
    expect(p.ok ? null : p.reason).toBe('MISSING_REQUIRED');
  });

  it('bad input is a FunnelError naming the field', () => {
    expect(errorOf(() => createDeal(b2b, { id: 'd', createdAt: 0, stageId: 'nowhere' })).path).toEqual(['stageId']);
    expect(errorOf(() => createDeal(b2b, { id: 'd', createdAt: Number.NaN })).code).toBe('INVALID_DATE');
    expect(errorOf(() => createDeal(b2b, { id: 'd', createdAt: 0, amount: { amount: '12,50', currency: 'EUR' } })).code).toBe('INVALID_AMOUNT');
    expect(errorOf(() => createDeal(b2b, { id: 'd', createdAt: 0, amount: { amount: '12', currency: 'EURO' } })).code).toBe('UNKNOWN_CURRENCY');
    expect(errorOf(() => createDeal(b2b, { id: '__proto__', createdAt: 0 })).path).toEqual(['id']);
    expect(errorOf(() => createDeal(b2b, { id: 'd', createdAt: 0, attributes: JSON.parse('{"__proto__": {"x": 1}}') })).code).toBe('INVALID_INPUT');
  });
});
