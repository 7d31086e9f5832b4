import { describe, expect, it } from 'vitest';
import { absorb, chainFromCounts, improvements } from '../../src/internal/markov.js';

// 3 open stages A, B, C then won, lost. Counts out of 10 moves per row:
// A → B 6, A → lost 4; B → A 1 (backward), B → C 5, B → lost 4; C → B 1, C → won 7, C → lost 2.
const counts = [0, 6, 0, 0, 4, 1, 0, 5, 0, 4, 0, 1, 0, 7, 2];

describe('absorbing chain, solved by hand', () => {
  const chain = chainFromCounts(counts, 3);
  const abs = absorb(chain)!;
  it('P(win | stage): c = 0.7 + 0.1b, b = 0.5c + 0.1a, a = 0.6b ⇒ b = 0.35/0.89', () => {
    const b = 0.35 / 0.89;
    expect(abs.B[0]).toBeCloseTo(0.6 * b, 12);
    expect(abs.B[2]).toBeCloseTo(b, 12);
    expect(abs.B[4]).toBeCloseTo(0.7 + 0.1 * b, 12);
    for (let i = 0; i < 3; i++) expect(abs.B[2 * i]! + abs.B[2 * i + 1]!).toBeCloseTo(1, 12);
  });
  it('expected moves: t_B = 1.6/0.89, t_A = 1 + 0.6 t_B, t_C = 1 + 0.1 t_B', () => {
    const tb = 1.6 / 0.89;
    expect(abs.t[1]).toBeCloseTo(tb, 12);
    expect(abs.t[0]).toBeCloseTo(1 + 0.6 * tb, 12);
    expect(abs.t[2]).toBeCloseTo(1 + 0.1 * tb, 12);
  });
  it('sensitivity: exact re-solved gain ≈ derivative × δ for small δ, sorted by gain', () => {
    const weights = [10, 5, 2];
    const imp = improvements(chain, abs, weights, 1e-6);
    for (let i = 1; i < imp.length; i++) expect(imp[i - 1]!.gain).toBeGreaterThanOrEqual(imp[i]!.gain);
    for (const x of imp) expect(x.gain / x.shifted).toBeCloseTo(x.derivative, 4);
    // with δ = 0.1 on A → B: a' = 0.7 b', b' = 0.5 c' + 0.1 a', c' = 0.7 + 0.1 b' ⇒ b'(1 − 0.05 − 0.07) = 0.35
    const big = improvements(chain, abs, [1, 0, 0], 0.1).find((x) => x.from === 0 && x.to === 1)!;
    expect(big.gain).toBeCloseTo(0.7 * (0.35 / 0.88) - 0.6 * (0.35 / 0.89), 12);
  });
  it('a row with no observed moves absorbs nowhere; a closed loop is singular', () => {
    const c = chainFromCounts([0, 0, 0], 1);
    expect(c.unobserved).toEqual([0]);
    expect(absorb(c)!.B[0]).toBe(0);
    expect(absorb(chainFromCounts([0, 1, 0, 0, 1, 0, 0, 0], 2))).toBeNull();
  });
});
