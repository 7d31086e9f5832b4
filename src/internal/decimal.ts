import { Decimal as DecimalJs } from 'decimal.js';

/**
 * The library's private Decimal constructor: 40 significant digits, half-even rounding. A clone, so
 * the host's global decimal.js configuration is never touched. @internal
 */
export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
/** @internal */
export type Decimal = DecimalJs;
