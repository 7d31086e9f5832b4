import { describeValue, expectedMessage, formatPath, PREFIX } from './messages.js';

/**
 * Every code a {@link FunnelError} can carry.
 *
 * - `INVALID_INPUT` — data failed validation (a schema, a row, a column).
 * - `INVALID_FUNNEL` — a funnel definition is inconsistent (duplicate stage ids, no won stage, …).
 * - `UNKNOWN_STAGE` / `UNKNOWN_ACTION` / `UNKNOWN_SEGMENT` — a reference to something not defined.
 * - `INVALID_AMOUNT` / `UNKNOWN_CURRENCY` / `CURRENCY_MISMATCH` — money problems.
 * - `INVALID_DATE` — a time that is not a valid instant.
 * - `INVALID_OPTION` — an options object with a value out of range.
 * - `INVALID_COLUMN` — bulk columns of mismatched length or type.
 * - `ABORTED` — a long computation was cancelled through its `AbortSignal`.
 *
 * @category Errors
 * @since 0.1.0
 * @example
 * ```ts
 * FUNNEL_ERROR_CODES.includes('UNKNOWN_STAGE') // => true
 * ```
 */
export const FUNNEL_ERROR_CODES = [
  'INVALID_INPUT',
  'INVALID_FUNNEL',
  'UNKNOWN_STAGE',
  'UNKNOWN_ACTION',
  'UNKNOWN_SEGMENT',
  'INVALID_AMOUNT',
  'UNKNOWN_CURRENCY',
  'CURRENCY_MISMATCH',
  'INVALID_DATE',
  'INVALID_OPTION',
  'INVALID_COLUMN',
  'ABORTED',
] as const;

/**
 * The code of a {@link FunnelError}: one of {@link FUNNEL_ERROR_CODES}.
 *
 * @category Errors
 * @since 0.1.0
 */
export type FunnelErrorCode = (typeof FUNNEL_ERROR_CODES)[number];

/**
 * One validation problem: where it is, what was expected, what was received.
 *
 * @category Errors
 * @since 0.1.0
 */
export interface FunnelIssue {
  /** The path from the root of the input to the bad value, e.g. `['stages', 2, 'probability']`; a bad option is at `['options', name, …]`. */
  readonly path: ReadonlyArray<string | number>;
  /** What a valid value looks like, in words. */
  readonly expected: string;
  /** A short rendering of the value that was received. */
  readonly received: string;
  /** The full sentence. */
  readonly message: string;
}

/**
 * Options for constructing a {@link FunnelError}.
 *
 * @category Errors
 * @since 0.1.0
 */
export interface FunnelErrorOptions {
  /** Path to the offending value. */
  readonly path?: ReadonlyArray<string | number> | undefined;
  /** What was expected, in words. */
  readonly expected?: string | undefined;
  /** The value that was received (rendered safely into the message). */
  readonly received?: unknown;
  /** All issues, when several were found at once (validation). */
  readonly issues?: ReadonlyArray<FunnelIssue> | undefined;
  /** The underlying error, if any (ES2022 `cause`). */
  readonly cause?: unknown;
}

/**
 * The one error class the library throws for misuse: invalid definitions, malformed data, bad options.
 * Expected domain outcomes (a move the policy forbids, too little history) are returned as
 * `{ ok: false, reason }` values instead, never thrown.
 *
 * Every error has a {@link FunnelErrorCode | code}, the `path` to the bad value, what was `expected` and
 * what was `received`. Use {@link isFunnelError} rather than `instanceof` to recognise it: it also works
 * across the ESM and CJS builds or two installed copies of the package.
 *
 * @category Errors
 * @since 0.1.0
 * @example
 * ```ts
 * const err = new FunnelError('UNKNOWN_STAGE', 'no stage "paid"', { path: ['to'], received: 'paid' });
 * err.code // => 'UNKNOWN_STAGE'
 * err.message // => 'funnelwise: no stage "paid"'
 * isFunnelError(err) // => true
 * ```
 */
export class FunnelError extends Error {
  /** The error's code. */
  readonly code: FunnelErrorCode;
  /** The path from the root of the input to the bad value (a bad option: `['options', name, …]`). */
  readonly path: ReadonlyArray<string | number>;
  /** What was expected, in words (empty when not applicable). */
  readonly expected: string;
  /** A short rendering of the received value (empty when not applicable). */
  readonly received: string;
  /** Every issue found (at least one). */
  readonly issues: ReadonlyArray<FunnelIssue>;

  constructor(code: FunnelErrorCode, message: string, options?: FunnelErrorOptions) {
    super(message.startsWith(PREFIX) ? message : PREFIX + message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FunnelError';
    this.code = code;
    this.path = options?.path ?? [];
    this.expected = options?.expected ?? '';
    this.received = options !== undefined && 'received' in options ? describeValue(options.received) : '';
    this.issues =
      options?.issues ??
      [{ path: this.path, expected: this.expected, received: this.received, message: this.message }];
  }
}

/**
 * True when `value` is a {@link FunnelError} — from this copy of the library or any other (it checks
 * `name` and `code`, not only `instanceof`).
 *
 * @category Errors
 * @since 0.1.0
 * @example
 * ```ts
 * isFunnelError(new Error('x')) // => false
 * isFunnelError(new FunnelError('INVALID_INPUT', 'bad')) // => true
 * ```
 */
export function isFunnelError(value: unknown): value is FunnelError {
  if (value instanceof FunnelError) return true;
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { name?: unknown; code?: unknown };
  return v.name === 'FunnelError' && typeof v.code === 'string' && (FUNNEL_ERROR_CODES as readonly string[]).includes(v.code);
}

/**
 * Throws a FunnelError in the standard "expected X, received Y at path" form. @internal
 */
export function fail(code: FunnelErrorCode, expected: string, received: unknown, path: ReadonlyArray<string | number>): never {
  throw new FunnelError(code, expectedMessage(expected, received, path), { path, expected, received });
}

/** Renders a path for messages. @internal */
export { formatPath };
