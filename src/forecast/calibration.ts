import { fail } from '../errors/FunnelError.js';
import type { DealTable } from '../io/dealTable.js';
import type { DealGroupBy } from '../io/groupDeals.js';
import type { TimestampInput } from '../model/time.js';
import type { InsufficientHistory, IntervalMethod, ProbabilityEstimate } from './shared.js';
import { stageWinProbabilities, type StageWinProbability } from './stageWinProbabilities.js';

/**
 * Options for {@link calibration}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface CalibrationOptions {
  /** Realized rate: `'odoo'` (W / (W + L≥s), closed deals; default) or `'pathAware'` (censored, from histories). */
  readonly realized?: 'odoo' | 'pathAware';
  /** Also per group (`'segment'`, `'team'`, …). */
  readonly groupBy?: DealGroupBy;
  /** As-of time (default: latest time in the table). */
  readonly now?: TimestampInput;
  /** Minimum closed deals (default 30). */
  readonly minSample?: number;
  /** Confidence level (default 0.95). */
  readonly level?: number;
  /** Interval for the Odoo rate (default `'wilson'`). */
  readonly interval?: IntervalMethod;
  /** Decimals of the suggested probabilities (default 2). */
  readonly decimals?: number;
}

/**
 * One stage's configured vs realized win rate.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface CalibrationRow {
  /** Group key (`null` for all deals or deals without a value; see `group`). */
  readonly group: string | null;
  /** true for the all-deals rows. */
  readonly overall: boolean;
  /** Stage id. */
  readonly stageId: string;
  /** Configured probability, or null. */
  readonly configured: number | null;
  /** Realized rate with interval, or insufficient history. */
  readonly realized: ProbabilityEstimate | InsufficientHistory;
  /** realized − configured; null when either is missing. */
  readonly difference: number | null;
  /** true when the configured value lies outside the realized rate's interval; null when not comparable. */
  readonly outsideInterval: boolean | null;
  /** Suggested default: the realized rate rounded, when it is known and the configured value is outside its interval or missing; else the configured value. */
  readonly suggested: number | null;
}

/**
 * The result of {@link calibration}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface CalibrationReport {
  /** The rules behind the numbers. */
  readonly basis: { readonly asOf: string; readonly realized: 'odoo' | 'pathAware'; readonly minSample: number; readonly level: number };
  /** Rows: all deals first, then per group. */
  readonly rows: readonly CalibrationRow[];
}

/**
 * Calibration of configured stage probabilities: per stage (and per group), the configured probability
 * next to the realized win rate with its interval ({@link stageWinProbabilities}: Odoo's closed-deal
 * rate by default, or the path-aware censored rate), their difference, whether the configured value
 * falls outside the interval, and a suggested new default (the realized rate rounded to `decimals`
 * when the configured value is outside the interval or missing and the rate clears the floor; else
 * the configured value kept).
 *
 * @param table - deals
 * @param options - realized basis, grouping, floor, level
 * @returns one row per stage and group
 * @throws FunnelError INVALID_OPTION for a bad basis, decimals, level, floor or groupBy
 * @category Forecast
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [{ id: 'offer', name: 'Offer', probability: 0.9 },
 *   { id: 'won', name: 'Won', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' }] });
 * const stage = ['won', 'lost', 'lost', 'lost', 'won', 'lost', 'lost', 'lost', 'lost', 'lost'];
 * const table = DealTable.fromColumns({ dealIds: stage.map((_, i) => `d${i}`), createdAt: stage.map(() => 0), stage,
 *   closedAt: stage.map(() => 1) }, funnel);
 * const c = calibration(table, { minSample: 10 });
 * c.rows[0].realized.ok && c.rows[0].realized.probability // => 0.2
 * c.rows[0].outsideInterval // => true
 * c.rows[0].suggested // => 0.2
 * ```
 */
export function calibration(table: DealTable, options: CalibrationOptions = {}): CalibrationReport {
  const realized = options.realized ?? 'odoo';
  const decimals = options.decimals ?? 2;
  if (!(Number.isInteger(decimals) && decimals >= 0 && decimals <= 10)) fail('INVALID_OPTION', 'an integer number of decimals in [0, 10]', decimals, ['options', 'decimals']);
  if (realized !== 'odoo' && realized !== 'pathAware') fail('INVALID_OPTION', "'odoo' or 'pathAware'", realized, ['options', 'realized']);
  const r = stageWinProbabilities(table, {
    ...(options.now === undefined ? {} : { now: options.now }),
    ...(options.groupBy === undefined ? {} : { groupBy: options.groupBy }),
    ...(options.minSample === undefined ? {} : { minSample: options.minSample }),
    ...(options.level === undefined ? {} : { level: options.level }),
    ...(options.interval === undefined ? {} : { interval: options.interval }),
  });
  const f = 10 ** decimals;
  const row = (group: string | null, overall: boolean, s: StageWinProbability): CalibrationRow => {
    const e = realized === 'odoo' ? s.odoo.estimate : s.pathAware.estimate;
    const cfg = s.configured;
    const difference = e.ok && cfg !== null ? e.probability - cfg : null;
    const outside = e.ok && cfg !== null ? cfg < e.lower || cfg > e.upper : null;
    const suggested = e.ok && (cfg === null || outside === true) ? Math.round(e.probability * f) / f : cfg;
    return { group, overall, stageId: s.stageId, configured: cfg, realized: e, difference, outsideInterval: outside, suggested };
  };
  const rows: CalibrationRow[] = r.stages.map((s) => row(null, true, s));
  for (const g of r.groups) for (const s of g.stages) rows.push(row(g.key, false, s));
  return { basis: { asOf: r.basis.asOf, realized, minSample: r.basis.minSample, level: r.basis.level }, rows };
}
