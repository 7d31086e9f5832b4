import { fail } from '../errors/FunnelError.js';
import { bernoulliConvolution, latticeQuantile, latticeTail } from '../internal/convolution.js';
import type { DealTable } from '../io/dealTable.js';
import type { Money } from '../model/money.js';
import type { TimestampInput } from '../model/time.js';
import { epoch, isoOf, latestTime, moneyIn, moneyOut, pickCurrency } from './shared.js';
import { periodInputs } from './forecastRevenue.js';
import type { StageProbabilitySource } from './weightedPipeline.js';

/**
 * Options for {@link exactRevenueDistribution}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface ExactRevenueDistributionOptions {
  /** As-of time (default: the latest time in the table). */
  readonly now?: TimestampInput;
  /** Stage probabilities (default `'configured'`); a deal's own `probability` attribute overrides. */
  readonly probabilities?: StageProbabilitySource;
  /** Currency (required when the table has several). */
  readonly currency?: string;
  /** Target for P(revenue ≥ target). */
  readonly target?: Money;
  /** Quantile levels to report (default [0.1, 0.5, 0.9]). */
  readonly quantiles?: readonly number[];
  /** Largest number of lattice points (default: min(2^20, max(1024, ⌊3·10^8 / open deals⌋))); beyond it amounts are bucketed. */
  readonly maxBuckets?: number;
  /** Minimum sample for learned probabilities (default 30). */
  readonly minSample?: number;
}

/**
 * The result of {@link exactRevenueDistribution}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface ExactRevenueDistributionReport {
  /** The rules behind the numbers, including whether the lattice is exact. */
  readonly basis: {
    readonly asOf: string;
    readonly currency: string;
    readonly probabilities: string;
    /** true: the lattice step is the gcd of the amounts, no rounding. */
    readonly exact: boolean;
    /** Lattice step in money. */
    readonly step: Money;
    /** Worst-case error of any revenue value from bucketing, Σ|amount − rounded amount| (0 when exact). */
    readonly maxError: Money;
    /** Typical error from bucketing: √(Σ p (1 − p) e²) over the rounding errors e, after the lattice is shifted by −Σ p e to keep the mean exact (0 when exact). */
    readonly typicalError: Money;
    /** Probability mass trimmed from the negligible ends of the lattice window (bucketed mode; 0 when exact). */
    readonly trimmedMass: number;
    readonly quantileRule: string;
  };
  /** Open deals in the sum. */
  readonly deals: number;
  /** Open deals left out (no amount, other currency). */
  readonly skipped: number;
  /** Σ amount × p, exact expectation (unrounded amounts). */
  readonly mean: Money;
  /** √(Σ amount² p (1 − p)). */
  readonly standardDeviation: Money;
  /** Requested quantiles. */
  readonly quantiles: ReadonlyArray<{ readonly q: number; readonly amount: Money }>;
  /** P(revenue ≥ target), or null without a target. */
  readonly probabilityOfTarget: number | null;
  /** Expected number of wins Σ p (Poisson-binomial mean). */
  readonly expectedWins: number;
}

/**
 * The exact distribution of pipeline revenue when timing is ignored: each open deal independently
 * wins with probability p (its own, else its stage's) and brings its amount, so revenue is a sum of
 * Bernoulli × amount. Computed by discrete convolution over integer minor units: exact (up to floating
 * point in the probabilities) when Σ amounts / gcd(amounts) fits in `maxBuckets` lattice points;
 * otherwise each amount is rounded to the nearest multiple of a coarser step and the result is the
 * exact distribution of the rounded sum, every value off by at most Σ|amount − rounded amount| ≤
 * deals × step / 2 (`maxError`), typically by `typicalError`; the step is sized so that 20 standard
 * deviations of the revenue span about `maxBuckets` cells, the convolution runs only over the cells
 * holding mass, and end cells below 1e-17 / deals are trimmed (`trimmedMass`). With tens of thousands
 * of deals the step approaches the deal size and the answer is coarse: use {@link forecastRevenue}
 * there and this function to check it at moderate sizes. The mean and standard deviation always use the unrounded amounts. Quantile rule: smallest
 * revenue x with P(revenue ≤ x) ≥ q. Use it to check {@link forecastRevenue} with `timing: false`.
 * Cost O(deals × lattice points / 2).
 *
 * @param table - deals
 * @param options - probabilities, currency, target, quantiles, lattice size
 * @returns mean, sd, quantiles and P(revenue ≥ target)
 * @throws FunnelError CURRENCY_MISMATCH / INVALID_OPTION
 * @category Forecast
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [{ id: 'offer', name: 'Offer', probability: 0.5 },
 *   { id: 'won', name: 'Won', category: 'won' }] });
 * const table = DealTable.fromColumns({ dealIds: ['a', 'b'], createdAt: [0, 0], stage: ['offer', 'offer'],
 *   amount: ['100.00', '300.00'], currency: 'EUR', attributes: [{}, { probability: 0.2 }] }, funnel);
 * const d = exactRevenueDistribution(table, { target: { amount: '300.00', currency: 'EUR' } });
 * d.mean // => { amount: '110.00', currency: 'EUR' }
 * d.probabilityOfTarget // => 0.2
 * d.quantiles.map((x) => x.amount.amount) // => ['0.00', '100.00', '300.00']
 * ```
 */
export function exactRevenueDistribution(table: DealTable, options: ExactRevenueDistributionOptions = {}): ExactRevenueDistributionReport {
  const now = options.now === undefined ? latestTime(table) : epoch(options.now, ['options', 'now']);
  const target = options.target === undefined ? null : moneyIn(options.target, ['options', 'target']);
  const currency = pickCurrency(table, options.currency ?? target?.currency) ?? target?.currency ?? table.funnel.currency ?? 'EUR';
  if (target !== null && target.currency !== currency) fail('CURRENCY_MISMATCH', `a target in ${currency}`, target.currency, ['options', 'target', 'currency']);
  const qs = options.quantiles ?? [0.1, 0.5, 0.9];
  qs.forEach((q, i) => {
    if (!(typeof q === 'number' && q >= 0 && q <= 1)) fail('INVALID_OPTION', 'a quantile level in [0, 1]', q, ['options', 'quantiles', i]);
  });
  const source = options.probabilities ?? 'configured';
  const inp = periodInputs(table, now, now, currency, { timing: false, newDeals: false, inflowWindowDays: 90, minSample: options.minSample ?? 30, probabilities: source });
  const n = Math.max(1, inp.deals.length);
  const maxBuckets = options.maxBuckets ?? Math.min(1 << 20, Math.max(1024, Math.floor(3e8 / n)));
  if (!(Number.isInteger(maxBuckets) && maxBuckets >= 2)) fail('INVALID_OPTION', 'an integer maxBuckets ≥ 2', maxBuckets, ['options', 'maxBuckets']);
  const d = bernoulliConvolution(inp.amounts, inp.probs, maxBuckets);
  let wins = 0;
  for (let i = 0; i < inp.probs.length; i++) wins += inp.probs[i] as number;
  return {
    basis: {
      asOf: isoOf(now),
      currency,
      probabilities: typeof source === 'string' ? source : 'explicit map',
      exact: d.exact,
      step: moneyOut(d.step, currency),
      maxError: moneyOut(d.maxError, currency),
      typicalError: moneyOut(d.typicalError, currency),
      trimmedMass: d.trimmedMass,
      quantileRule: 'smallest revenue x with P(revenue ≤ x) ≥ q',
    },
    deals: inp.deals.length,
    skipped: inp.skipped,
    mean: moneyOut(d.mean, currency),
    standardDeviation: moneyOut(Math.sqrt(d.variance), currency),
    quantiles: qs.map((q) => ({ q, amount: moneyOut(latticeQuantile(d, q), currency) })),
    probabilityOfTarget: target === null ? null : latticeTail(d, target.minor),
    expectedWins: wins,
  };
}
