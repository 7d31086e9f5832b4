/** Shared hand-written funnels and helpers for the machine and trigger tests. */
import { expect } from 'vitest';
import { createDeal, defineFunnel, isFunnelError, type Deal, type FunnelError, type FunnelInput, type MachineResult } from '../../src/index.js';
import { deepFreeze } from '../../src/internal/freeze.js';

export const b2bInput: FunnelInput = {
  id: 'b2b',
  name: 'B2B',
  stages: [
    { id: 'request', name: 'Request', actions: ['request.submitted'] },
    { id: 'answered', name: 'Callback answered', actions: ['call.answered'], onEnter: [{ type: 'task.create', params: { title: 'qualify' } }] },
    { id: 'described', name: 'Requirements described', actions: ['requirements.described'] },
    { id: 'proposal', name: 'Proposal received', actions: ['proposal.received'], requires: ['budget'] },
    { id: 'paid', name: 'Paid', category: 'won', actions: ['invoice.paid'] },
    { id: 'onboarded', name: 'Onboarded', category: 'won', actions: ['onboarding.completed'] },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
  lostReasons: [
    { id: 'price', name: 'Too expensive' },
    { id: 'no-response', name: 'No response' },
  ],
};

export const b2b = defineFunnel(b2bInput);

export function funnelWith(patch: Partial<FunnelInput>) {
  return defineFunnel({ ...b2bInput, ...patch });
}

/** A deal created at `at` in the first stage (frozen), or the result's deal. */
export function newDeal(funnel = b2b, id = 'd1', at = '2026-03-01T00:00:00.000Z', attributes: Record<string, unknown> = {}): Deal {
  return ok(createDeal(funnel, { id, createdAt: at, attributes }));
}

export function ok(r: MachineResult): Deal {
  if (!r.ok) throw new Error(`expected ok, got ${r.reason}: ${r.message}`);
  return r.deal;
}

export function errorOf(fn: () => unknown): FunnelError {
  try {
    fn();
  } catch (e) {
    if (isFunnelError(e)) return e;
    throw e;
  }
  throw new Error('expected a FunnelError');
}

export function act(id: string, type: string, at: string, extra: Record<string, unknown> = {}) {
  return deepFreeze({ id, type, at: new Date(at).toISOString(), dealId: 'd1', ...extra });
}

export function expectFrozenDeep(value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  expect(Object.isFrozen(value)).toBe(true);
  for (const v of Object.values(value)) expectFrozenDeep(v);
}
