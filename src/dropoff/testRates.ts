import { fail } from '../errors/FunnelError.js';
import { fisherExactTest, minExpectedCount, twoProportionZTest } from '../internal/stats.js';

/**
 * Which significance test compares two rates: `'auto'` (the z-test when every expected cell count is
 * at least `minExpected`, Fisher's exact test otherwise), `'z'` (always the pooled two-proportion
 * z-test) or `'fisher'` (always Fisher's exact test).
 *
 * @category Drop-off
 * @since 0.1.0
 */
export type SignificanceTest = 'auto' | 'z' | 'fisher';

/**
 * The outcome of comparing two rates x_A/n_A and x_B/n_B.
 *
 * @category Drop-off
 * @since 0.1.0
 */
export interface RateTest {
  /** Two-sided p-value of "both groups have the same rate"; `null` when a group has no deals. */
  readonly pValue: number | null;
  /** The test that produced `pValue` (`null` when none could run). */
  readonly test: 'z' | 'fisher' | null;
  /** Why that test was used, in words. */
  readonly testReason: string;
  /** The z statistic (A − B) / SE under the pooled rate; `null` when a group has no deals. */
  readonly z: number | null;
  /** The smallest of the four expected cell counts n·p̂ and n·(1 − p̂); `null` when a group has no deals. */
  readonly minExpected: number | null;
  /** The minimum-sample flag: every expected cell count ≥ the threshold (the normal approximation is trustworthy). */
  readonly sufficient: boolean;
}

/** Resolves and checks the shared test options. @internal */
export function testOptions(test: SignificanceTest | undefined, minExpected: number | undefined): { test: SignificanceTest; minExpected: number } {
  const t = test ?? 'auto';
  if (t !== 'auto' && t !== 'z' && t !== 'fisher') fail('INVALID_OPTION', "test 'auto', 'z' or 'fisher'", t, ['options', 'test']);
  const m = minExpected ?? 5;
  if (!(typeof m === 'number' && Number.isFinite(m) && m >= 0)) fail('INVALID_OPTION', 'a minimum expected count ≥ 0', m, ['options', 'minExpected']);
  return { test: t, minExpected: m };
}

/**
 * Compares two rates (successes out of trials in groups A and B) with the chosen test. See
 * {@link SignificanceTest} for the selection rule; the reason is recorded in words. @internal
 */
export function testRates(xA: number, nA: number, xB: number, nB: number, rule: { test: SignificanceTest; minExpected: number }): RateTest {
  const table = { successesA: xA, trialsA: nA, successesB: xB, trialsB: nB };
  if (nA === 0 || nB === 0) {
    return { pValue: null, test: null, testReason: `no deals in group ${nA === 0 ? 'A' : 'B'}`, z: null, minExpected: null, sufficient: false };
  }
  const minExp = minExpectedCount(table) as number;
  const sufficient = minExp >= rule.minExpected;
  const zr = twoProportionZTest(table);
  const z = zr?.z ?? null;
  const useZ = rule.test === 'z' || (rule.test === 'auto' && sufficient);
  if (useZ) {
    const reason =
      rule.test === 'z'
        ? 'z-test requested'
        : `every expected count ≥ ${rule.minExpected} (smallest ${round2(minExp)}): the normal approximation holds`;
    return { pValue: zr?.pValue ?? null, test: 'z', testReason: reason, z, minExpected: minExp, sufficient };
  }
  const reason =
    rule.test === 'fisher' ? 'exact test requested' : `an expected count below ${rule.minExpected} (smallest ${round2(minExp)}): exact test`;
  return { pValue: fisherExactTest(table), test: 'fisher', testReason: reason, z, minExpected: minExp, sufficient };
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

/**
 * Holm–Bonferroni adjusted p-values (step-down, monotone, capped at 1) for a family of tests; `null`
 * entries are skipped and stay `null`. Controls the family-wise error rate when several stages are
 * compared at once. @internal
 */
export function holmAdjust(pValues: ReadonlyArray<number | null>): (number | null)[] {
  const idx = pValues.flatMap((p, i) => (p === null ? [] : [i]));
  idx.sort((a, b) => (pValues[a] as number) - (pValues[b] as number) || a - b);
  const m = idx.length;
  const out: (number | null)[] = pValues.map(() => null);
  let running = 0;
  idx.forEach((i, rank) => {
    const adj = Math.min(1, (m - rank) * (pValues[i] as number));
    running = Math.max(running, adj);
    out[i] = running;
  });
  return out;
}
