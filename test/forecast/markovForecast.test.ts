import { describe, expect, it } from 'vitest';
import { markovForecast } from '../../src/index.js';
import { tableOf, type Row } from './fixtures.js';

describe('markovForecast', () => {
  // moves: lead→offer ×3, lead→lost ×1, offer→won ×1, offer→lead ×1 (backward), offer→lost ×1, lead→won ×1 (skip)
  const rows: Row[] = [
    { id: 'a', path: ['lead', 'offer', 'won'], at: [0, 1, 2], amount: '100.00' },
    { id: 'b', path: ['lead', 'lost'], at: [0, 1] },
    { id: 'c', path: ['lead', 'offer', 'lead', 'won'], at: [0, 1, 2, 3] },
    { id: 'd', path: ['lead', 'offer', 'lost'], at: [0, 1, 2] },
    { id: 'o1', path: ['lead'], at: [5], amount: '1000.00' },
    { id: 'o2', path: ['lead', 'offer'], at: [5, 6], amount: '10.00' },
  ];
  const m = markovForecast(tableOf(rows), { minSample: 1, delta: 0.1 });
  it('solves the chain by hand', () => {
    if (!m.ok) throw new Error('expected ok');
    // lead row: offer 3 (a, c, d) + offer 1 (o2) = 4, lost 1, won 1 (c from lead after moving back) → 6 moves
    // offer row: won 1, lead 1, lost 1 → 3 moves
    const [lead, offer] = m.stages;
    expect(lead!.moves).toBe(6);
    expect(offer!.moves).toBe(3);
    // a = 1/6 + 4/6·b ; b = 1/3 + 1/3·a  ⇒ a = 1/6 + 4/18 + 4/18·a ⇒ a(14/18) = 7/18 ⇒ a = 1/2, b = 1/2
    expect(lead!.pWin).toBeCloseTo(0.5, 12);
    expect(offer!.pWin).toBeCloseTo(0.5, 12);
    // moves: tA = 1 + 4/6 tB ; tB = 1 + 1/3 tA ⇒ tA = 1 + 4/6 + 4/18 tA ⇒ tA = (5/3)/(14/18) = 15/7
    expect(lead!.expectedMoves).toBeCloseTo(15 / 7, 12);
    expect(offer!.expectedMoves).toBeCloseTo(1 + 5 / 7, 12);
    expect(m.expectedWins).toBeCloseTo(1, 12);
    expect(m.expectedAmount).toEqual([{ amount: '505.00', currency: 'EUR' }]);
    expect(lead!.transitions.map((x) => x.to)).toEqual(['offer', 'won', 'lost']);
  });
  it('ranks the bottleneck transitions (by wins and by money)', () => {
    if (!m.ok) throw new Error('expected ok');
    // derivative of expected wins (1 open deal at each stage) for lost→won mass at stage i is
    // Σ_s N[s][i]; N = (18/14)[[1, 4/6], [1/3, 1]] ⇒ lead column 24/14, offer column 30/14: offer wins
    expect(m.improvements[0]).toMatchObject({ from: 'offer', to: 'won', derivative: expect.closeTo(30 / 14, 12) });
    expect(m.improvements.find((x) => x.from === 'lead' && x.to === 'won')!.derivative).toBeCloseTo(24 / 14, 12);
    for (const x of m.improvements) expect(x.extraWins).toBeGreaterThan(0);
    // by money the 1000.00 deal at lead dominates: N[lead][lead]·1000 + N[offer][lead]·10 vs N[lead][offer]·1000 + …
    expect(m.improvementsByAmount[0]!.list[0]!.from).toBe('lead');
  });
  it('floor and bad options', () => {
    expect(markovForecast(tableOf(rows))).toEqual({ ok: false, reason: 'insufficientHistory', n: 9, needed: 30 });
    expect(() => markovForecast(tableOf(rows), { delta: 0 })).toThrow(/delta/);
  });
});
