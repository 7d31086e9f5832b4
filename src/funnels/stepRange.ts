/**
 * Shared option checks of the funnel analyses (time to convert, trends): a from/to step pair. @internal
 */
import { fail } from '../errors/FunnelError.js';

/** Validates `fromStep`/`toStep` against a funnel of `n` steps (defaults 0 and n − 1). @internal */
export function stepRange(options: { readonly fromStep?: number | undefined; readonly toStep?: number | undefined }, n: number): { fromStep: number; toStep: number } {
  const pick = (v: unknown, fallback: number, path: string): number => {
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= n) fail('INVALID_OPTION', `a step index in 0..${n - 1}`, v, ['options', path]);
    return v;
  };
  const fromStep = pick(options.fromStep, 0, 'fromStep');
  const toStep = pick(options.toStep, n - 1, 'toStep');
  if (fromStep >= toStep) fail('INVALID_OPTION', `a toStep after fromStep ${fromStep}`, toStep, ['options', 'toStep']);
  return { fromStep, toStep };
}
