import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { stageWinProbabilities } from '../../src/index.js';
import { tableOf, type Row } from './fixtures.js';

const rows: Row[] = [
  { id: 'w1', path: ['lead', 'offer', 'won'], at: [0, 2, 5] },
  { id: 'w2', path: ['lead', 'won'], at: [0, 3] }, // skipped offer
  { id: 'l1', path: ['lead', 'lost'], at: [0, 4] },
  { id: 'l2', path: ['lead', 'offer', 'lost'], at: [0, 1, 6] },
  { id: 'l3', path: ['lead', 'offer', 'lead', 'lost'], at: [0, 1, 2, 3] }, // moved back, lost at lead
  { id: 'o1', path: ['lead', 'offer'], at: [0, 8] }, // open
  { id: 'o2', path: ['lead'], at: [9] }, // open
];

describe('stageWinProbabilities', () => {
  const r = stageWinProbabilities(tableOf(rows), { now: 10 * 86_400_000, minSample: 1 });
  it('Odoo: W / (W + L≥s) by lost-at stage order (hand count)', () => {
    // W = 2. Lost at: l1 lead, l2 offer, l3 lead (its last open stage). L≥lead = 3, L≥offer = 1.
    const [lead, offer] = r.stages;
    expect(lead!.odoo.won).toBe(2);
    expect(lead!.odoo.lostAtOrAfter).toBe(3);
    expect(lead!.odoo.estimate.ok && lead!.odoo.estimate.probability).toBeCloseTo(2 / 5, 12);
    expect(offer!.odoo.estimate.ok && offer!.odoo.estimate.probability).toBeCloseTo(2 / 3, 12);
    // Odoo's displayed score with its +0.1 smoothing: (2.1) / (2 + 1 + 0.2)
    expect(offer!.odoo.odooScore).toBeCloseTo(Math.round((10000 * 2.1) / 3.2) / 10000, 12);
  });
  it('path-aware: only deals that entered the stage; open deals censored, not lost', () => {
    const offer = r.stages[1]!.pathAware;
    // entered offer: w1, l2, l3, o1 (w2 skipped it)
    expect([offer.entered, offer.won, offer.lost, offer.open]).toEqual([4, 1, 2, 1]);
    // times from entry: l3 lost at 2 (1→3), w1 won at 3 (2→5), l2 lost at 5 (1→6), o1 censored at 2 (8→10)
    // AJ: t=2: Y=4 (o1 censored at 2 still at risk), lost 1 → S = 3/4; t=3: Y=2, won 1 → F_won = 3/4·1/2 = 3/8
    expect(offer.estimate.ok && offer.estimate.probability).toBeCloseTo(3 / 8, 12);
    // a naive won / entered (open counted as a loss) would be 1/4; won / closed 1/3
    const lead = r.stages[0]!.pathAware;
    expect(lead.entered).toBe(7);
  });
  it('floor: insufficient history below minSample', () => {
    const s = stageWinProbabilities(tableOf(rows), { now: 10 * 86_400_000 });
    expect(s.stages[0]!.odoo.estimate).toEqual({ ok: false, reason: 'insufficientHistory', n: 5, needed: 30 });
  });
  it('per group (segment)', () => {
    const g = stageWinProbabilities(tableOf(rows.map((x, i) => ({ ...x, segment: i % 2 === 0 ? 'a' : 'b' }))), { now: 10 * 86_400_000, minSample: 1, groupBy: 'segment' });
    expect(g.groups.map((x) => x.key)).toEqual(['a', 'b']);
    // segment a: w1, l1, l3, o2 → W = 1, lost at lead 2 → 1/3
    const e = g.groups[0]!.stages[0]!.odoo.estimate;
    expect(e.ok && e.probability).toBeCloseTo(1 / 3, 12);
  });
  it('rejects bad options', () => {
    expect(() => stageWinProbabilities(tableOf(rows), { level: 2 })).toThrow(/confidence level/);
    expect(() => stageWinProbabilities(tableOf(rows), { minSample: 0 })).toThrow(/minimum sample/);
  });
  const rowArb = fc.array(
    fc.record({ path: fc.constantFrom(['lead'], ['lead', 'offer'], ['lead', 'won'], ['lead', 'lost'], ['lead', 'offer', 'won'], ['lead', 'offer', 'lost'], ['lead', 'offer', 'lead', 'lost']), d: fc.integer({ min: 0, max: 20 }) }),
    { minLength: 1, maxLength: 40 },
  );
  test.prop([rowArb], { numRuns: 40 })('every probability and bound is in [0, 1]', (gen) => {
    const t = tableOf(gen.map((g, i) => ({ id: `d${i}`, path: g.path, at: g.path.map((_, k) => g.d + k) })));
    const s = stageWinProbabilities(t, { now: 100 * 86_400_000, minSample: 1 });
    for (const st of s.stages) {
      for (const e of [st.odoo.estimate, st.pathAware.estimate]) {
        if (!e.ok) continue;
        for (const v of [e.probability, e.lower, e.upper]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1 + 1e-12);
        }
        expect(e.lower).toBeLessThanOrEqual(e.probability + 1e-12);
      }
    }
  });
});
