import { z } from 'zod';
import { currencyMinorUnits } from './currency.js';

const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/**
 * A decimal amount written as a string: optional minus, digits, optional dot and fraction
 * (`"1200.50"`, `"0"`, `"-3"`). No thousands separators, no exponent, no comma decimal mark.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * DecimalStringSchema.safeParse('1200.50').success // => true
 * DecimalStringSchema.safeParse('12,50').success // => false
 * ```
 */
export const DecimalStringSchema = z.string().regex(DECIMAL, { message: 'a decimal string such as "1200.50"' });

/**
 * An ISO 4217 currency code (upper case), such as `"EUR"`.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * CurrencyCodeSchema.safeParse('EUR').success // => true
 * CurrencyCodeSchema.safeParse('EURO').success // => false
 * ```
 */
export const CurrencyCodeSchema = z
  .string()
  .refine((c) => currencyMinorUnits(c) !== undefined, { message: 'an ISO 4217 currency code such as "EUR"', params: { funnelCode: 'UNKNOWN_CURRENCY' } });

/**
 * Money as it crosses the API: a decimal string plus an ISO 4217 currency code. The amount may not
 * have more fraction digits than the currency allows (`"12.345"` EUR is rejected; `"100"` JPY is fine).
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * MoneySchema.safeParse({ amount: '1200.50', currency: 'EUR' }).success // => true
 * MoneySchema.safeParse({ amount: '1.5', currency: 'JPY' }).success // => false
 * ```
 */
export const MoneySchema = z
  .strictObject({ amount: DecimalStringSchema, currency: CurrencyCodeSchema })
  .superRefine((m, ctx) => {
    const scale = currencyMinorUnits(m.currency);
    if (scale === undefined) return;
    const dot = m.amount.indexOf('.');
    const digits = dot < 0 ? 0 : m.amount.length - dot - 1;
    if (digits > scale) {
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: `at most ${scale} fraction digit(s) for ${m.currency}`,
        input: m.amount,
        params: { funnelCode: 'INVALID_AMOUNT' },
      });
    }
  });

/**
 * Money: `{ amount: "1200.50", currency: "EUR" }`.
 *
 * @category Model
 * @since 0.1.0
 */
export type Money = z.infer<typeof MoneySchema>;
