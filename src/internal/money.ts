import { fail, FunnelError } from '../errors/FunnelError.js';
import { currencyMinorUnits } from '../model/currency.js';
import { Decimal } from './decimal.js';

const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** The minor-unit scale of a currency, or a FunnelError naming the path. @internal */
export function scaleOf(currency: string, path: ReadonlyArray<string | number> = ['currency']): number {
  const s = currencyMinorUnits(currency);
  if (s === undefined) fail('UNKNOWN_CURRENCY', 'an ISO 4217 currency code such as "EUR"', currency, path);
  return s;
}

/**
 * Converts a decimal string to an integer number of minor units ("1200.50" EUR → 120050). Throws
 * INVALID_AMOUNT for a malformed string, too many fraction digits, or a value beyond 2^53 minor units.
 * @internal
 */
export function toMinor(amount: string, scale: number, path: ReadonlyArray<string | number> = ['amount']): number {
  if (typeof amount !== 'string' || !DECIMAL.test(amount)) fail('INVALID_AMOUNT', 'a decimal string such as "1200.50"', amount, path);
  const neg = amount.charCodeAt(0) === 45;
  const body = neg ? amount.slice(1) : amount;
  const dot = body.indexOf('.');
  const int = dot < 0 ? body : body.slice(0, dot);
  const frac = dot < 0 ? '' : body.slice(dot + 1);
  if (frac.length > scale) fail('INVALID_AMOUNT', `at most ${scale} fraction digit(s)`, amount, path);
  const digits = int + frac.padEnd(scale, '0');
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) fail('INVALID_AMOUNT', 'an amount below 2^53 minor units', amount, path);
  return neg && n !== 0 ? -n : n;
}

/** Formats integer minor units back to a decimal string with exactly `scale` fraction digits. @internal */
export function fromMinor(minor: number | bigint, scale: number): string {
  const big = typeof minor === 'bigint' ? minor : BigInt(minor);
  const neg = big < 0n;
  const abs = (neg ? -big : big).toString().padStart(scale + 1, '0');
  const int = abs.slice(0, abs.length - scale);
  const frac = abs.slice(abs.length - scale);
  return (neg ? '-' : '') + (scale > 0 ? `${int}.${frac}` : int);
}

/**
 * Exact sum of integer minor units. Adds as doubles while every partial sum is provably a safe
 * integer (the sum of magnitudes stays below 2^53); otherwise redoes the sum with BigInt. @internal
 */
export function sumMinor(values: ArrayLike<number>, indices?: ArrayLike<number>): bigint {
  let sum = 0;
  let abs = 0;
  const n = indices === undefined ? values.length : indices.length;
  for (let i = 0; i < n; i++) {
    const v = indices === undefined ? (values[i] as number) : (values[indices[i] as number] as number);
    sum += v;
    abs += v < 0 ? -v : v;
  }
  if (abs <= Number.MAX_SAFE_INTEGER) return BigInt(sum);
  let big = 0n;
  for (let i = 0; i < n; i++) big += BigInt(indices === undefined ? (values[i] as number) : (values[indices[i] as number] as number));
  return big;
}

/** Rounds a Decimal to the currency scale (half-even) and formats it. @internal */
export function formatDecimal(value: Decimal, scale: number): string {
  return value.toDecimalPlaces(scale, Decimal.ROUND_HALF_EVEN).toFixed(scale);
}

/** Throws CURRENCY_MISMATCH. @internal */
export function currencyMismatch(expected: string, received: string, path: ReadonlyArray<string | number>): never {
  throw new FunnelError('CURRENCY_MISMATCH', `expected currency ${expected}, received ${JSON.stringify(received)}: currencies are never mixed; group by currency`, {
    path,
    expected: `currency ${expected}`,
    received,
  });
}

/** A finite non-negative number's shortest decimal form as `digits × 10^-k` (k ≥ 0). */
function decimalParts(p: number): readonly [bigint, number] {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(p));
  if (m === null) throw new RangeError(`funnelwise: not a finite non-negative number: ${String(p)}`);
  const frac = m[2] ?? '';
  const k = frac.length - Number(m[3] ?? 0);
  const digits = BigInt((m[1] as string) + frac);
  return k >= 0 ? [digits, k] : [digits * 10n ** BigInt(-k), 0];
}

/**
 * `num / 10^k` rounded half-even to an integer (ties to the even neighbour, symmetric for negative
 * values). @internal
 */
export function roundHalfEven(num: bigint, k: number): bigint {
  if (k === 0) return num;
  const den = 10n ** BigInt(k);
  let q = num / den; // truncated toward zero
  const r = num - q * den;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice > den || (twice === den && (q & 1n) !== 0n)) q += num < 0n ? -1n : 1n;
  return q;
}

/**
 * A weighted amount in minor units: Σ minor × p over `(p, minor)` pairs, each probability taken at its
 * shortest decimal form (`String(p)`: 0.1 is exactly one tenth), summed exactly with `BigInt` and
 * rounded half-even to an integer number of minor units once. The same value as the decimal product
 * and sum, without decimal objects (about 0.5 µs per pair). @internal
 */
export function weightedMinor(pairs: Iterable<readonly [number, bigint]>): bigint {
  let num = 0n;
  let k = 0;
  for (const [p, minor] of pairs) {
    const [d, kp] = decimalParts(p);
    let term = minor * d;
    if (kp > k) {
      num *= 10n ** BigInt(kp - k);
      k = kp;
    } else if (kp < k) term *= 10n ** BigInt(k - kp);
    num += term;
  }
  return roundHalfEven(num, k);
}
