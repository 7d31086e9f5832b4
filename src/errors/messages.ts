/**
 * Every message the library prints lives here, so wording stays consistent:
 * "funnelwise: <what was expected>, received <what was received> at <where>".
 * @internal
 */
export const PREFIX = 'funnelwise: ';

/** Renders a value for a message: short, never throws (symbols, cycles, huge strings). @internal */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol' || typeof value === 'function') return typeof value;
  if (typeof value === 'string') {
    const s = value.length > 60 ? `${value.slice(0, 57)}...` : value;
    return JSON.stringify(s);
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (Array.isArray(value)) return `array(${value.length})`;
  try {
    const s = JSON.stringify(value);
    if (s === undefined) return typeof value;
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return 'object';
  }
}

/** Formats a path such as `stages[2].probability`. @internal */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Builds the standard message text. @internal */
export function expectedMessage(expected: string, received: unknown, path: ReadonlyArray<PropertyKey>): string {
  return `${PREFIX}expected ${expected}, received ${describeValue(received)} at ${formatPath(path)}`;
}
