import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DealTable, weightedPipeline } from '../../src/index.js';
import { funnel, tableOf } from './fixtures.js';

describe('weightedPipeline', () => {
  const t = tableOf([
    { id: 'a', path: ['lead'], at: [0], amount: '1000.00', attributes: { owner: 'ann', expectedCloseAt: '2026-03-15' } },
    { id: 'b', path: ['lead', 'offer'], at: [0, 1], amount: '0.03', attributes: { owner: 'bob', expectedCloseAt: '2026-04-02' } },
    { id: 'c', path: ['lead', 'offer'], at: [0, 1], amount: '0.03', attributes: { owner: 'ann', probability: 75 } },
    { id: 'd', path: ['lead', 'offer', 'won'], at: [0, 1, 2], amount: '500.00' },
    { id: 'e', path: ['lead'], at: [0] },
  ]);
  it('Σ amount × p with deal overrides, exact then rounded half-even once', () => {
    // 1000 × 0.1 + 0.03 × 0.5 + 0.03 × 0.75 = 100 + 0.015 + 0.0225 = 100.0375 → 100.04
    const r = weightedPipeline(t);
    expect(r.total).toEqual([{ currency: 'EUR', deals: 3, amount: { amount: '1000.06', currency: 'EUR' }, weighted: { amount: '100.04', currency: 'EUR' }, missingProbability: 0 }]);
    expect(r.withoutAmount).toBe(1);
    const plain = weightedPipeline(t, { ignoreDealProbability: true });
    // 100 + 0.015 + 0.015 = 100.03
    expect(plain.total[0]!.weighted.amount).toBe('100.03');
  });
  it('by owner, stage and expected close month', () => {
    expect(weightedPipeline(t, { groupBy: 'owner' }).rows.map((r) => [r.key, r.byCurrency[0]?.weighted.amount])).toEqual([
      ['ann', '100.02'], // 100 + 0.0225 → 100.0225 → 100.02
      ['bob', '0.02'], // 0.015 → half-even 0.02
      [null, undefined], // deal e: no owner, no amount
    ]);
    expect(weightedPipeline(t, { groupBy: 'stage' }).rows.map((r) => r.key)).toEqual(['lead', 'offer']);
    // by segment: a and c in 'big' (100 + 0.0225), b in 'small' (0.015 → 0.02)
    const seg = tableOf([
      { id: 'a', path: ['lead'], at: [0], amount: '1000.00', segment: 'big' },
      { id: 'b', path: ['lead', 'offer'], at: [0, 1], amount: '0.03', segment: 'small' },
      { id: 'c', path: ['lead', 'offer'], at: [0, 1], amount: '0.03', segment: 'big', attributes: { probability: 75 } },
    ]);
    expect(weightedPipeline(seg, { groupBy: 'segment' }).rows.map((r) => [r.key, r.byCurrency[0]?.weighted.amount])).toEqual([
      ['big', '100.02'],
      ['small', '0.02'],
    ]);
    expect(weightedPipeline(t, { groupBy: 'expectedCloseMonth' }).rows.map((r) => r.key)).toEqual(['2026-03', '2026-04', null]);
  });
  it('explicit map and unknown stage', () => {
    expect(weightedPipeline(t, { probabilities: { lead: 0.2 }, ignoreDealProbability: true }).total[0]!.weighted.amount).toBe('200.03');
    expect(() => weightedPipeline(t, { probabilities: { nowhere: 0.2 } })).toThrow(/nowhere/);
  });
  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom('lead', 'offer')), { minLength: 1, maxLength: 30 })], { numRuns: 40 })(
    'weighted ≤ unweighted, both exact against a BigInt reference',
    (rows) => {
      const table = DealTable.fromColumns(
        { dealIds: rows.map((_, i) => `d${i}`), createdAt: rows.map(() => 0), stage: rows.map((r) => r[1]), amountMinor: rows.map((r) => r[0]), currencyIndex: rows.map(() => 0), currencies: ['EUR'] },
        funnel,
      );
      const r = weightedPipeline(table).total[0]!;
      // reference: Σ minor × p in thousandths (p = 0.1 or 0.5), then half-even to minor units
      const milli = rows.reduce((s, [a, st]) => s + BigInt(a) * (st === 'lead' ? 100n : 500n), 0n);
      const q = milli / 1000n;
      const rem = milli % 1000n;
      const rounded = rem > 500n || (rem === 500n && q % 2n === 1n) ? q + 1n : q;
      expect(BigInt(r.weighted.amount.replace('.', ''))).toBe(rounded);
      expect(Number(r.weighted.amount)).toBeLessThanOrEqual(Number(r.amount.amount));
    },
  );
});
