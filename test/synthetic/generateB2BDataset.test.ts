import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { assignSegment, generateB2BDataset, parseCustomerActions, type CustomerAction } from '../../src/index.js';
import { errorOf } from '../support/errorOf.js';

function byLead(actions: ReadonlyArray<CustomerAction>): Map<string, CustomerAction[]> {
  const m = new Map<string, CustomerAction[]>();
  for (const a of actions) {
    const k = a.leadId ?? '';
    const list = m.get(k) ?? [];
    list.push(a);
    m.set(k, list);
  }
  return m;
}

describe('generateB2BDataset', () => {
  const ds = generateB2BDataset({ seed: 42, deals: 1500 });

  it('produces valid customer actions, unique ids, all on or before now', () => {
    expect(parseCustomerActions(ds.actions)).toHaveLength(ds.actions.length);
    expect(new Set(ds.actions.map((a) => a.id)).size).toBe(ds.actions.length);
    expect(ds.actions.every((a) => a.at <= ds.now && a.leadId !== undefined)).toBe(true);
    expect(ds.deals).toHaveLength(1500);
  });
  it('has both segments with different paths, and assignSegment recovers the profile for most leads', () => {
    const leads = byLead(ds.actions);
    let agree = 0;
    for (const d of ds.deals) {
      const r = assignSegment(ds.segments, { actions: leads.get(d.leadId) ?? [] }, { defaultSegmentId: ds.defaultSegmentId });
      if (r.segmentId === d.profile) agree++;
    }
    expect(agree / ds.deals.length).toBeGreaterThan(0.9);
    const profiles = new Set(ds.deals.map((d) => d.profile));
    expect(profiles).toEqual(new Set(['hot', 'researcher', 'standard']));
  });
  it('has realistic outcomes: drop-offs at every stage, wins, still-open deals, late arrivals', () => {
    const outcomes = { open: 0, won: 0, lost: 0 };
    for (const d of ds.deals) outcomes[d.outcome]++;
    expect(outcomes.won / ds.deals.length).toBeGreaterThan(0.1);
    expect(outcomes.won / ds.deals.length).toBeLessThan(0.4);
    expect(outcomes.open).toBeGreaterThan(0);
    const reasons = new Set(ds.deals.map((d) => d.lostReason).filter((r) => r !== null));
    expect(reasons).toEqual(new Set(['unreachable', 'no-requirements', 'no-budget', 'timing', 'competitor', 'price']));
    const reached = new Set(ds.deals.filter((d) => d.outcome === 'lost').map((d) => d.reached));
    expect(reached.size).toBeGreaterThanOrEqual(6);
    let late = 0;
    for (let i = 1; i < ds.actions.length; i++) if ((ds.actions[i]?.at ?? '') < (ds.actions[i - 1]?.at ?? '')) late++;
    expect(late).toBeGreaterThan(0);
    expect(ds.actions.some((a) => a.type === 'offer.declined' && typeof a.properties?.['reason'] === 'string')).toBe(true);
  });
  it('converts hot leads faster and more often than researchers, with smaller deals', () => {
    const stats = (p: string) => {
      const ds2 = ds.deals.filter((d) => d.profile === p && d.outcome !== 'open');
      const won = ds2.filter((d) => d.outcome === 'won');
      const cycle = won.map((d) => Date.parse(d.closedAt ?? '') - Date.parse(d.createdAt)).sort((a, b) => a - b);
      const amounts = ds2.map((d) => Number(d.amount.amount)).sort((a, b) => a - b);
      return { rate: won.length / ds2.length, medianCycle: cycle[cycle.length >> 1] ?? 0, medianAmount: amounts[amounts.length >> 1] ?? 0 };
    };
    const hot = stats('hot');
    const res = stats('researcher');
    expect(hot.rate).toBeGreaterThan(res.rate * 1.5);
    expect(hot.medianCycle).toBeLessThan(res.medianCycle);
    expect(hot.medianAmount).toBeLessThan(res.medianAmount);
  });
  it('gives funnels with the same stage ids, and amounts in the currency', () => {
    const ids = ds.funnel.stages.map((s) => s.id);
    for (const f of ds.funnels) expect(f.stages.map((s) => s.id)).toEqual(ids);
    expect(ds.funnels.map((f) => f.id)).toEqual(['b2b-fast', 'b2b-considered', 'b2b']);
    expect(ds.deals.every((d) => /^\d+\.\d\d$/.test(d.amount.amount) && d.amount.currency === 'EUR')).toBe(true);
    expect(generateB2BDataset({ deals: 5, currency: 'JPY' }).deals.every((d) => /^\d+$/.test(d.amount.amount))).toBe(true);
  });
  it('respects now, postSale and noise options', () => {
    const small = generateB2BDataset({ seed: 3, deals: 200, start: '2026-01-01', days: 90, now: '2026-02-01', postSale: false, noise: false });
    expect(small.actions.every((a) => a.at <= '2026-02-01T00:00:00.000Z')).toBe(true);
    expect(small.deals.length).toBeLessThan(200);
    expect(small.deals.every((d) => d.createdAt <= '2026-02-01T00:00:00.000Z')).toBe(true);
    expect(small.funnel.stages.some((s) => s.id === 'delivered')).toBe(false);
    expect(small.actions.some((a) => a.type === 'email.opened' || a.type === 'delivery.confirmed')).toBe(false);
  });
  it('rejects options out of range', () => {
    expect(errorOf(() => generateB2BDataset({ deals: -1 })).path).toEqual(['options', 'deals']);
    expect(errorOf(() => generateB2BDataset({ seed: 1.5 })).code).toBe('INVALID_OPTION');
    expect(errorOf(() => generateB2BDataset({ start: 'soon' })).path).toEqual(['options', 'start']);
    expect(errorOf(() => generateB2BDataset({ currency: 'EURO' })).code).toBe('UNKNOWN_CURRENCY');
    expect(errorOf(() => generateB2BDataset({ mix: { hot: 0, researcher: 0, standard: 0 } })).path).toEqual(['options', 'mix']);
  });
  test.prop([fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 60 })], { numRuns: 15 })('is deterministic by seed and produces valid actions', (seed, deals) => {
    const a = generateB2BDataset({ seed, deals });
    const b = generateB2BDataset({ seed, deals });
    expect(b).toEqual(a);
    expect(() => parseCustomerActions(a.actions)).not.toThrow();
    expect(Object.isFrozen(a.actions)).toBe(true);
  });
  it('differs between seeds', () => {
    expect(generateB2BDataset({ seed: 1, deals: 20 }).actions).not.toEqual(generateB2BDataset({ seed: 2, deals: 20 }).actions);
  });
});
