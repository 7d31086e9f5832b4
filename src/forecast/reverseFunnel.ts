import { fail } from '../errors/FunnelError.js';
import type { DealTable } from '../io/dealTable.js';
import type { Money } from '../model/money.js';
import type { TimestampInput } from '../model/time.js';
import { DEAL_OPEN, DEAL_WON, epoch, isoOf, latestTime, lostPosition, moneyIn, moneyOut, stageOrder } from './shared.js';

/**
 * Options for {@link reverseFunnel}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface ReverseFunnelOptions {
  /** The revenue target. */
  readonly target: Money;
  /** Average won deal size (default: mean amount of the table's won deals in the target currency). */
  readonly averageDealSize?: Money;
  /** Deals to learn conversion rates and deal size from (closed deals only). */
  readonly table?: DealTable;
  /** The steps from the top of the funnel down, as stage ids (default: the table's open stages in order). Required without a table. */
  readonly stages?: readonly string[];
  /** Conversion from each step to the next one (the last step: to won), overriding learned rates: a goal such as `{ lead: 0.8 }` ("80% of leads become opportunities"). */
  readonly rates?: Readonly<Record<string, number>>;
  /** As-of time for learning (default: latest time in the table). */
  readonly now?: TimestampInput;
}

/**
 * One step of a {@link ReverseFunnelReport}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface ReverseFunnelStep {
  /** Stage id. */
  readonly stageId: string;
  /** Conversion from this step to the next (the last: to won). */
  readonly conversion: number;
  /** `'given'` (from `rates`) or `'learned'` (from the table). */
  readonly source: 'given' | 'learned';
  /** Deals needed at this step: needed at the next step / conversion. */
  readonly needed: number;
  /** `needed` rounded up to whole deals. */
  readonly neededWhole: number;
}

/**
 * The result of {@link reverseFunnel}.
 *
 * @category Forecast
 * @since 0.1.0
 */
export interface ReverseFunnelReport {
  /** The rules behind the numbers. */
  readonly basis: { readonly asOf: string | null; readonly learnedRule: string };
  /** The target. */
  readonly target: Money;
  /** The deal size used. */
  readonly averageDealSize: Money;
  /** Wins needed = target / average deal size. */
  readonly winsNeeded: number;
  /** Steps from the top down. */
  readonly steps: readonly ReverseFunnelStep[];
  /** Product of the conversions (top of funnel → won). */
  readonly endToEnd: number;
}

/**
 * The reverse funnel: from a revenue target back to the deals (leads, calls) needed at each stage.
 * Wins needed = target / average deal size; at each step, needed = needed at the next step / the
 * step's conversion (KLYR Media's example: lead→opportunity 20% × opportunity→proposal 60% ×
 * proposal→close 40% = 4.8%; a $48,000 target at $1,000 per deal needs 48 wins, 120 proposals, 200
 * opportunities, 1,000 leads). Learned conversion of step s (closed deals only, "reached at least"
 * by stage order as in Odoo): (W + L≥s+1) / (W + L≥s), and W / (W + L≥last) for the last step, so the
 * product is the overall win rate. `rates` override learned values (goals).
 *
 * @param options - target, deal size, steps, rates, and optionally a table to learn from
 * @returns per-step needed counts
 * @throws FunnelError INVALID_OPTION when a rate is missing or not in (0, 1], or no deal size is known;
 *   UNKNOWN_STAGE for an unknown stage id
 * @category Forecast
 * @since 0.1.0
 * @example
 * ```ts
 * const r = reverseFunnel({ target: { amount: '48000', currency: 'USD' }, averageDealSize: { amount: '1000', currency: 'USD' },
 *   stages: ['lead', 'opportunity', 'proposal'], rates: { lead: 0.2, opportunity: 0.6, proposal: 0.4 } });
 * r.winsNeeded // => 48
 * r.steps.map((s) => s.neededWhole) // => [1000, 200, 120]
 * r.endToEnd // => 0.048
 * ```
 */
export function reverseFunnel(options: ReverseFunnelOptions): ReverseFunnelReport {
  const target = moneyIn(options.target, ['options', 'target']);
  const table = options.table;
  const now = table === undefined ? null : options.now === undefined ? latestTime(table) : epoch(options.now, ['options', 'now']);
  let stages: string[];
  const learned = new Map<string, number>();
  let size: number | null = null;
  if (options.averageDealSize !== undefined) {
    const a = moneyIn(options.averageDealSize, ['options', 'averageDealSize']);
    if (a.currency !== target.currency) fail('CURRENCY_MISMATCH', `an average deal size in ${target.currency}`, a.currency, ['options', 'averageDealSize', 'currency']);
    size = a.minor;
  }
  if (table !== undefined && now !== null) {
    const { open, position } = stageOrder(table);
    stages = options.stages === undefined ? open.map((s) => table.stageIds[s] as string) : [...options.stages];
    let W = 0;
    const lostAt = new Float64Array(open.length + 1);
    let sum = 0;
    let count = 0;
    const c = table.currencies.indexOf(target.currency);
    for (let i = 0; i < table.size; i++) {
      const st = table.status[i] as number;
      const t = table.closedAt[i] as number;
      if (st === DEAL_OPEN || !(t <= now)) continue;
      if (st === DEAL_WON) {
        W++;
        const amt = table.amountMinor[i] as number;
        if ((table.currencyIndex[i] as number) === c && !Number.isNaN(amt)) {
          sum += amt;
          count++;
        }
      } else {
        const p = lostPosition(table, i, position);
        lostAt[p] = (lostAt[p] as number) + 1;
      }
    }
    const ge = new Float64Array(open.length + 1);
    for (let p = open.length - 1; p >= 0; p--) ge[p] = (ge[p + 1] as number) + (lostAt[p] as number);
    open.forEach((s, p) => {
      const den = W + (ge[p] as number);
      const num = p + 1 < open.length ? W + (ge[p + 1] as number) : W;
      if (den > 0) learned.set(table.stageIds[s] as string, num / den);
    });
    if (size === null && count > 0) size = sum / count;
  } else {
    if (options.stages === undefined) fail('INVALID_OPTION', 'stages (top to bottom) when no table is given', undefined, ['options', 'stages']);
    stages = [...options.stages];
  }
  if (size === null || !(size > 0)) fail('INVALID_OPTION', 'an averageDealSize > 0 (or a table with won deals in the target currency)', options.averageDealSize, ['options', 'averageDealSize']);
  if (stages.length === 0) fail('INVALID_OPTION', 'at least one stage', stages, ['options', 'stages']);
  const rates = stages.map((id, i) => {
    if (table !== undefined && !table.stageIds.includes(id)) fail('UNKNOWN_STAGE', `a stage id of funnel ${table.funnel.id}`, id, ['options', 'stages', i]);
    const given = options.rates?.[id];
    if (given !== undefined) {
      if (!(typeof given === 'number' && given > 0 && given <= 1)) fail('INVALID_OPTION', 'a conversion rate in (0, 1]', given, ['options', 'rates', id]);
      return { rate: given, source: 'given' as const };
    }
    const l = learned.get(id);
    if (l === undefined || !(l > 0)) fail('INVALID_OPTION', `a conversion rate for stage "${id}" (none given, none learnable)`, l, ['options', 'rates', id]);
    return { rate: l, source: 'learned' as const };
  });
  const wins = target.minor / size;
  const steps: ReverseFunnelStep[] = new Array<ReverseFunnelStep>(stages.length);
  let need = wins;
  let endToEnd = 1;
  for (let i = stages.length - 1; i >= 0; i--) {
    const r = rates[i] as { rate: number; source: 'given' | 'learned' };
    need = need / r.rate;
    endToEnd *= r.rate;
    steps[i] = { stageId: stages[i] as string, conversion: r.rate, source: r.source, needed: need, neededWhole: Math.ceil(need - 1e-9) };
  }
  return {
    basis: { asOf: now === null ? null : isoOf(now), learnedRule: 'closed deals only; conversion(s) = (W + L≥next) / (W + L≥s), last step W / (W + L≥s)' },
    target: options.target,
    averageDealSize: moneyOut(size, target.currency),
    winsNeeded: wins,
    steps,
    endToEnd,
  };
}
