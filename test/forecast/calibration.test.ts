import { describe, expect, it } from 'vitest';
import { calibration } from '../../src/index.js';
import { tableOf, type Row } from './fixtures.js';

describe('calibration', () => {
  // 40 closed deals: at offer 10 won, 10 lost at offer; 20 lost at lead. W = 10.
  const rows: Row[] = [];
  for (let i = 0; i < 10; i++) rows.push({ id: `w${i}`, path: ['lead', 'offer', 'won'], at: [0, 1, 2], segment: i < 5 ? 'a' : 'b' });
  for (let i = 0; i < 10; i++) rows.push({ id: `o${i}`, path: ['lead', 'offer', 'lost'], at: [0, 1, 2], segment: 'a' });
  for (let i = 0; i < 20; i++) rows.push({ id: `l${i}`, path: ['lead', 'lost'], at: [0, 1], segment: 'b' });
  const c = calibration(tableOf(rows), { minSample: 20, groupBy: 'segment' });
  it('configured vs realized with interval and suggestion', () => {
    const [lead, offer] = c.rows;
    // lead: 10 / 40 = 0.25, configured 0.1 outside the Wilson interval → suggest 0.25
    expect(lead!.realized.ok && lead!.realized.probability).toBeCloseTo(0.25, 12);
    expect(lead!.outsideInterval).toBe(true);
    expect(lead!.suggested).toBe(0.25);
    // offer: 10 / 20 = 0.5 = configured → keep
    expect(offer!.difference).toBeCloseTo(0, 12);
    expect(offer!.outsideInterval).toBe(false);
    expect(offer!.suggested).toBe(0.5);
  });
  it('per segment, with the floor', () => {
    const seg = c.rows.filter((r) => !r.overall);
    expect(seg.map((r) => [r.group, r.stageId])).toEqual([
      ['a', 'lead'],
      ['a', 'offer'],
      ['b', 'lead'],
      ['b', 'offer'],
    ]);
    // segment b at offer: 5 won + 0 lost ≥ offer = 5 closed < 20 → insufficient, keep configured
    const bOffer = seg[3]!;
    expect(bOffer.realized).toEqual({ ok: false, reason: 'insufficientHistory', n: 5, needed: 20 });
    expect(bOffer.suggested).toBe(0.5);
  });
});
