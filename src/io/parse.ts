import type { z } from 'zod';
import { FunnelError, type FunnelErrorCode, type FunnelIssue } from '../errors/FunnelError.js';
import { describeValue, formatPath } from '../errors/messages.js';
import { deepFreeze } from '../internal/freeze.js';
import { CustomerActionSchema, type CustomerAction, type CustomerActionInput } from '../model/action.js';
import { DealSchema, type Deal, type DealInput } from '../model/deal.js';
import { FunnelSchema, type Funnel, type FunnelInput } from '../model/funnel.js';

/**
 * The result of a `safeParse…` function: the value, or the {@link FunnelError} that `parse…` would throw.
 *
 * @category IO
 * @since 0.1.0
 */
export type SafeParseResult<T> = { readonly success: true; readonly data: T } | { readonly success: false; readonly error: FunnelError };

const KNOWN_CODES = new Set<string>(['INVALID_FUNNEL', 'UNKNOWN_STAGE', 'UNKNOWN_ACTION', 'UNKNOWN_SEGMENT', 'INVALID_AMOUNT', 'UNKNOWN_CURRENCY', 'CURRENCY_MISMATCH', 'INVALID_DATE']);

function expectedOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected;
    case 'unrecognized_keys':
      return `no unknown keys (${issue.keys.join(', ')})`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => describeValue(v)).join(', ')}`;
    case 'too_small':
      return `${issue.origin} ${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}`;
    case 'too_big':
      return `${issue.origin} ${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.message;
    case 'invalid_union':
      return 'one of the accepted forms';
    default:
      return issue.message;
  }
}

/**
 * Our own issue messages for zod's built-in checks. zod's English locale describes the received value
 * with `String(…)`, which throws on hostile objects (a null-prototype object with a `constructor`
 * key); messages are rebuilt from the issue's fields by `expectedOf` anyway. @internal
 */
function safeMessage(issue: { readonly code?: string | undefined; readonly format?: unknown }): string {
  if (issue.code === 'invalid_format' && typeof issue.format === 'string') return `a ${issue.format} string`;
  return `a valid value (${issue.code ?? 'invalid'})`;
}

function codeOf(issue: z.core.$ZodIssue, fallback: FunnelErrorCode): FunnelErrorCode {
  const params = (issue as { params?: { funnelCode?: unknown } }).params;
  const c = params?.funnelCode;
  if (typeof c === 'string' && KNOWN_CODES.has(c)) return c as FunnelErrorCode;
  const last = issue.path[issue.path.length - 1];
  if (last === 'at' || last === 'createdAt' || last === 'closedAt' || last === 'since') return 'INVALID_DATE';
  if (last === 'currency') return 'UNKNOWN_CURRENCY';
  if (last === 'amount') return 'INVALID_AMOUNT';
  return fallback;
}

/** Flattens zod issues (including the branches of unions) to FunnelIssues. @internal */
function toIssues(issues: ReadonlyArray<z.core.$ZodIssue>, prefix: ReadonlyArray<PropertyKey> = []): { issue: FunnelIssue; raw: z.core.$ZodIssue }[] {
  const out: { issue: FunnelIssue; raw: z.core.$ZodIssue }[] = [];
  for (const raw of issues) {
    const path = [...prefix, ...raw.path].map((k) => (typeof k === 'number' ? k : String(k)));
    const expected = expectedOf(raw);
    const received = describeValue((raw as { input?: unknown }).input);
    out.push({ issue: { path, expected, received, message: `expected ${expected}, received ${received} at ${formatPath(path)}` }, raw });
  }
  return out;
}

/**
 * Runs a zod schema and converts its failure to a FunnelError naming the field, the expected and the
 * received value. Never throws anything else (a throwing getter or proxy becomes INVALID_INPUT).
 * @internal
 */
export function safeParseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  fallback: FunnelErrorCode,
  prefix: ReadonlyArray<string | number> = [],
): SafeParseResult<z.infer<S>> {
  let result: z.ZodSafeParseResult<z.infer<S>>;
  try {
    result = schema.safeParse(input, { reportInput: true, error: safeMessage });
  } catch (cause) {
    return {
      success: false,
      error: new FunnelError('INVALID_INPUT', `expected ${what} made of plain data, reading it threw at ${formatPath(prefix)}`, {
        path: prefix,
        expected: `${what} made of plain data`,
        cause,
      }),
    };
  }
  if (result.success) return { success: true, data: result.data };
  let rawIssues: ReadonlyArray<z.core.$ZodIssue>;
  try {
    rawIssues = result.error.issues;
  } catch (cause) {
    return {
      success: false,
      error: new FunnelError('INVALID_INPUT', `expected ${what} made of plain data at ${formatPath(prefix)}`, { path: prefix, expected: `${what} made of plain data`, cause }),
    };
  }
  const issues = toIssues(rawIssues, prefix);
  const first = issues[0];
  const code = first === undefined ? fallback : codeOf(first.raw, fallback);
  const head = first?.issue;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more issue${issues.length > 2 ? 's' : ''})` : '';
  const error = new FunnelError(code, `invalid ${what}: ${head?.message ?? 'unknown problem'}${more}`, {
    path: head?.path ?? [],
    expected: head?.expected ?? '',
    received: head === undefined ? undefined : (first?.raw as { input?: unknown }).input,
    issues: issues.map((i) => i.issue),
    cause: result.error,
  });
  return { success: false, error };
}

/** Like safeParseWith but throws the FunnelError. @internal */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what: string, fallback: FunnelErrorCode, prefix: ReadonlyArray<string | number> = []): z.infer<S> {
  const r = safeParseWith(schema, input, what, fallback, prefix);
  if (!r.success) throw r.error;
  return r.data;
}

/**
 * Validates a funnel definition from untrusted input (JSON, a config file) and returns it deeply
 * frozen, with defaults applied. Throws a {@link FunnelError} naming the field, what was expected and
 * what was received: `INVALID_FUNNEL` for inconsistent definitions (duplicate stage ids, no won
 * stage), `UNKNOWN_STAGE` for rules naming a stage that does not exist, `INVALID_INPUT` otherwise.
 *
 * @param input - the definition, as parsed JSON or an object literal
 * @returns the validated, frozen funnel
 * @throws FunnelError when the definition is invalid
 * @category IO
 * @since 0.1.0
 * @see {@link safeParseFunnel} for the non-throwing form, {@link defineFunnel} for typed literals
 * @example
 * ```ts
 * const f = parseFunnel({ id: 'b2b', name: 'B2B', stages: [
 *   { id: 'request', name: 'Request', actions: ['request.submitted'] },
 *   { id: 'won', name: 'Won', category: 'won', actions: ['invoice.paid'] },
 * ] });
 * f.stages[1].category // => 'won'
 * Object.isFrozen(f) // => true
 * ```
 */
export function parseFunnel(input: unknown): Funnel {
  return deepFreeze(parseWith(FunnelSchema, input, 'funnel', 'INVALID_FUNNEL'));
}

/**
 * Non-throwing form of {@link parseFunnel}: `{ success: true, data }` or `{ success: false, error }`.
 *
 * @category IO
 * @since 0.1.0
 * @example
 * ```ts
 * const r = safeParseFunnel({ id: 'x', name: 'X', stages: [{ id: 'a', name: 'A', probability: 1.5 }] });
 * r.success // => false
 * ```
 */
export function safeParseFunnel(input: unknown): SafeParseResult<Funnel> {
  const r = safeParseWith(FunnelSchema, input, 'funnel', 'INVALID_FUNNEL');
  return r.success ? { success: true, data: deepFreeze(r.data) } : r;
}

/**
 * Defines a funnel in code: the same validation as {@link parseFunnel}, with the input typed so
 * editors complete stage fields. Returns the frozen, defaulted funnel.
 *
 * @category Model
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({
 *   id: 'b2b', name: 'B2B pipeline',
 *   stages: [
 *     { id: 'request', name: 'Request left on the site', actions: ['request.submitted'] },
 *     { id: 'answered', name: 'Callback answered', actions: ['call.answered'] },
 *     { id: 'paid', name: 'Invoice paid', category: 'won', actions: ['invoice.paid'] },
 *     { id: 'lost', name: 'Lost', category: 'lost' },
 *   ],
 * });
 * funnel.stages.map((s) => s.id) // => ['request', 'answered', 'paid', 'lost']
 * ```
 */
export function defineFunnel(input: FunnelInput): Funnel {
  return parseFunnel(input);
}

/**
 * Validates one customer action from untrusted input (a webhook body) and returns it frozen, its
 * time normalised to a UTC ISO string.
 *
 * @category IO
 * @since 0.1.0
 * @example
 * ```ts
 * parseCustomerAction({ id: 'a1', type: 'request.submitted', at: 0, leadId: 'l1' }).at // => '1970-01-01T00:00:00.000Z'
 * ```
 */
export function parseCustomerAction(input: CustomerActionInput | unknown): CustomerAction {
  return deepFreeze(parseWith(CustomerActionSchema, input, 'customer action', 'INVALID_INPUT'));
}

/**
 * Validates an array of customer actions; the error path names the row (`[3].at`).
 *
 * @category IO
 * @since 0.1.0
 * @example
 * ```ts
 * parseCustomerActions([{ id: 'a1', type: 'call.answered', at: '2026-03-02', dealId: 'd1' }]).length // => 1
 * ```
 */
export function parseCustomerActions(input: ReadonlyArray<CustomerActionInput> | unknown): CustomerAction[] {
  if (!Array.isArray(input)) {
    throw new FunnelError('INVALID_INPUT', `expected an array of customer actions, received ${describeValue(input)} at (root)`, {
      expected: 'an array of customer actions',
      received: input,
    });
  }
  const out: CustomerAction[] = new Array<CustomerAction>(input.length);
  for (let i = 0; i < input.length; i++) out[i] = deepFreeze(parseWith(CustomerActionSchema, input[i], 'customer action', 'INVALID_INPUT', [i]));
  return out;
}

/**
 * Validates a deal from untrusted input (a stored record) and returns it frozen with defaults applied.
 *
 * @category IO
 * @since 0.1.0
 * @example
 * ```ts
 * parseDeal({ id: 'd1', funnelId: 'b2b', createdAt: '2026-03-01', stageId: 'request' }).status // => 'open'
 * ```
 */
export function parseDeal(input: DealInput | unknown): Deal {
  return deepFreeze(parseWith(DealSchema, input, 'deal', 'INVALID_INPUT'));
}

/**
 * Non-throwing form of {@link parseDeal}.
 *
 * @category IO
 * @since 0.1.0
 * @example
 * ```ts
 * safeParseDeal({ id: 'd1', funnelId: 'b2b', createdAt: 'soon', stageId: 'request' }).success // => false
 * ```
 */
export function safeParseDeal(input: unknown): SafeParseResult<Deal> {
  const r = safeParseWith(DealSchema, input, 'deal', 'INVALID_INPUT');
  return r.success ? { success: true, data: deepFreeze(r.data) } : r;
}
