import { describe, expect, it } from 'vitest';
import { generateB2BDataset, isFunnelError, replayB2BDataset } from '../../src/index.js';

describe('replayB2BDataset', () => {
  const ds = generateB2BDataset({ seed: 11, deals: 300 });
  const r = replayB2BDataset(ds);
  it('turns every generated deal into a machine deal with its segment, amount and attributes', () => {
    expect(r.deals.map((d) => d.id)).toEqual(ds.deals.map((d) => d.dealId));
    const truth = new Map(ds.deals.map((d) => [d.dealId, d]));
    for (const d of r.deals) {
      const t = truth.get(d.id);
      expect(d.segmentId).toBe(t?.profile);
      expect(d.funnelId).toBe(t?.funnelId);
      expect(d.amount).toEqual(t?.amount);
      expect(d.attributes).toEqual(t?.attributes);
    }
  });
  it('agrees with the ground truth on won deals', () => {
    const wonTruth = ds.deals.filter((d) => d.outcome === 'won').map((d) => d.dealId);
    const wonMachine = r.deals.filter((d) => d.status === 'won').map((d) => d.id);
    expect(wonMachine).toEqual(wonTruth);
  });
  it('lists every lead with a segment and a path, and counts every action once', () => {
    expect(r.leads).toHaveLength(new Set(ds.actions.map((a) => a.leadId)).size);
    expect(r.leads.every((l) => l.segmentId !== '' && l.path !== '')).toBe(true);
    const dealActions = ds.actions.filter((a) => a.dealId !== undefined).length;
    expect(r.replays.reduce((n, x) => n + x.result.counts.actions, 0)).toBe(dealActions);
  });
  it('is deterministic', () => {
    expect(replayB2BDataset(generateB2BDataset({ seed: 11, deals: 300 }))).toEqual(r);
  });
  it("through: 'general' — every deal in the general funnel, the generator's profile as segment", () => {
    const g = replayB2BDataset(ds, { through: 'general' });
    expect(g.replays.map((x) => x.funnelId)).toEqual([ds.funnel.id]);
    const truth = new Map(ds.deals.map((d) => [d.dealId, d]));
    expect(g.deals.map((d) => d.id)).toEqual(ds.deals.map((d) => d.dealId));
    for (const d of g.deals) {
      expect(d.funnelId).toBe(ds.funnel.id);
      expect(d.segmentId).toBe(truth.get(d.id)?.profile);
      expect(d.amount).toEqual(truth.get(d.id)?.amount);
    }
    expect(g.replays[0]?.result.counts.actions).toBe(ds.actions.filter((a) => a.dealId !== undefined).length);
    expect(g.leads).toEqual(r.leads);
  });
  it('an unknown through → INVALID_OPTION naming options.through', () => {
    try {
      replayB2BDataset(ds, { through: 'funnels' as never });
      throw new Error('expected a FunnelError');
    } catch (e) {
      expect(isFunnelError(e) && [e.code, e.path]).toEqual(['INVALID_OPTION', ['options', 'through']]);
    }
  });
});
