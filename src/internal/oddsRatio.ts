/**
 * PostHog's funnel-correlation arithmetic (`funnel_correlation_query_runner.py`): a smoothed odds
 * ratio per candidate (an action, a property value), its "insignificant" filter, and the ranking into
 * top success and top failure correlations.
 * @internal
 */

/** PostHog's defaults: prior count 1, minimum 25 units or 2% of all units, 10 results per side. @internal */
export const CORRELATION_DEFAULTS = Object.freeze({ prior: 1, minUnits: 25, minShare: 0.02, limit: 10, skewRatio: 10 });

/** One candidate's partial contingency table. @internal */
export interface Contingency {
  /** The candidate's key (action name, `property::value`, …). */
  readonly key: string;
  /** Successful units that have the candidate (s_e). */
  readonly success: number;
  /** Failed units that have the candidate (f_e). */
  readonly failure: number;
}

/** A candidate with its odds ratio. @internal */
export interface OddsRatioRow extends Contingency {
  readonly oddsRatio: number;
  readonly correlation: 'success' | 'failure';
}

/**
 * `((s_e + prior)·(F − f_e + prior)) / ((S − s_e + prior)·(f_e + prior))`; "success" when > 1.
 * @internal
 */
export function oddsRatio(c: Contingency, successTotal: number, failureTotal: number, prior: number): OddsRatioRow {
  const ratio = ((c.success + prior) * (failureTotal - c.failure + prior)) / ((successTotal - c.success + prior) * (c.failure + prior));
  return { ...c, oddsRatio: ratio, correlation: ratio > 1 ? 'success' : 'failure' };
}

/** PostHog drops a candidate when `s_e + f_e < min(minUnits, minShare·(S + F))`. @internal */
export function isInsignificant(c: Contingency, successTotal: number, failureTotal: number, minUnits: number, minShare: number): boolean {
  return c.success + c.failure < Math.min(minUnits, minShare * (successTotal + failureTotal));
}

/** The ranked correlations. @internal */
export interface RankedCorrelations {
  /** Odds ratio > 1, highest first, at most `limit`. */
  readonly success: readonly OddsRatioRow[];
  /** Odds ratio ≤ 1, lowest first, at most `limit`. */
  readonly failure: readonly OddsRatioRow[];
  /** S/F > skewRatio or F/S > skewRatio. */
  readonly skewed: boolean;
  /** Candidates dropped by the minimum-size filter. */
  readonly dropped: number;
}

/**
 * Applies the filter, computes odds ratios and ranks them. Ties in the odds ratio are broken by key
 * (ascending), so the result does not depend on the order of the candidates. Nothing is returned
 * (and `skewed` is true, as PostHog) when S or F is 0.
 * @internal
 */
export function rankCorrelations(
  candidates: readonly Contingency[],
  successTotal: number,
  failureTotal: number,
  options: { prior: number; minUnits: number; minShare: number; limit: number; skewRatio: number },
): RankedCorrelations {
  if (successTotal === 0 || failureTotal === 0) return { success: [], failure: [], skewed: true, dropped: candidates.length };
  const skewed = successTotal / failureTotal > options.skewRatio || failureTotal / successTotal > options.skewRatio;
  const kept = candidates.filter((c) => !isInsignificant(c, successTotal, failureTotal, options.minUnits, options.minShare));
  const rows = kept.map((c) => oddsRatio(c, successTotal, failureTotal, options.prior));
  const byKey = (a: OddsRatioRow, b: OddsRatioRow): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const success = rows.filter((r) => r.correlation === 'success').sort((a, b) => b.oddsRatio - a.oddsRatio || byKey(a, b));
  const failure = rows.filter((r) => r.correlation === 'failure').sort((a, b) => a.oddsRatio - b.oddsRatio || byKey(a, b));
  return { success: success.slice(0, options.limit), failure: failure.slice(0, options.limit), skewed, dropped: candidates.length - kept.length };
}
