import { fail } from '../errors/FunnelError.js';
import type { DealTable } from './dealTable.js';

/**
 * How to group deals in an analysis (the `groupBy` option everywhere):
 * - `'segment'`, `'currency'`, `'lostReason'`, `'stage'` (current stage id), `'status'`
 *   (`open`/`won`/`lost`), `'createdMonth'` (`"2026-03"`, UTC), `'createdQuarter'` (`"2026-Q1"`),
 *   `'createdYear'` (`"2026"`);
 * - any other string: a deal attribute (a dotted path such as `"owner.team"` reaches into nested
 *   objects); its value is turned into text with `String`;
 * - a function `(table, dealIndex) => string | null`.
 *
 * A deal whose key is `null` (no segment, no such attribute) is in the group with key `null`.
 *
 * @category IO
 * @since 0.1.0
 */
export type DealGroupBy = string | ((table: DealTable, dealIndex: number) => string | null);

/**
 * Deals assigned to groups: `keys[g]` is the key of group `g`, `index[i]` the group of deal `i`.
 *
 * @category IO
 * @since 0.1.0
 */
export interface DealGroups {
  /** Group keys, in order of first appearance (`null` = no value). */
  readonly keys: ReadonlyArray<string | null>;
  /** Deal index → group index. */
  readonly index: Int32Array;
}

const STATUS = ['open', 'won', 'lost'] as const;

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function attributeOf(attrs: Readonly<Record<string, unknown>> | undefined, path: readonly string[]): string | null {
  let v: unknown = attrs;
  for (const key of path) {
    if (typeof v !== 'object' || v === null || !Object.prototype.hasOwnProperty.call(v, key)) return null;
    v = (v as Record<string, unknown>)[key];
  }
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : String(v);
}

/**
 * Assigns every deal of a table to a group (see {@link DealGroupBy} for the accepted keys). Cost: one
 * pass over the deals; the built-in keys use the interned columns, so grouping by segment or
 * currency costs one integer copy per deal.
 *
 * @param table - the deals
 * @param groupBy - a built-in key, an attribute name (dotted path), or a function
 * @returns the group keys and each deal's group index
 * @throws FunnelError INVALID_OPTION when `groupBy` is neither a non-empty string nor a function, or
 *   the function returns something other than a string or null
 * @category IO
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'f', name: 'F', stages: [{ id: 'lead', name: 'Lead' }, { id: 'won', name: 'Won', category: 'won' }] });
 * const table = DealTable.fromColumns({ dealIds: ['a', 'b', 'c'], createdAt: [0, 0, 0], stage: [0, 1, 0],
 *   attributes: [{ owner: 'ann' }, { owner: 'bob' }, { owner: 'ann' }] }, funnel);
 * const g = groupDeals(table, 'owner');
 * g.keys // => ['ann', 'bob']
 * Array.from(g.index) // => [0, 1, 0]
 * groupDeals(table, 'createdMonth').keys // => ['1970-01']
 * ```
 */
export function groupDeals(table: DealTable, groupBy: DealGroupBy): DealGroups {
  const n = table.size;
  const index = new Int32Array(n);
  const keys: (string | null)[] = [];
  const map = new Map<string | null, number>();
  const put = (i: number, key: string | null): void => {
    let g = map.get(key);
    if (g === undefined) {
      g = keys.length;
      keys.push(key);
      map.set(key, g);
    }
    index[i] = g;
  };
  const interned = (col: Int32Array, list: readonly string[]): void => {
    for (let i = 0; i < n; i++) {
      const c = col[i] as number;
      put(i, c < 0 ? null : (list[c] as string));
    }
  };
  if (typeof groupBy === 'function') {
    for (let i = 0; i < n; i++) {
      const k = groupBy(table, i);
      if (k !== null && typeof k !== 'string') fail('INVALID_OPTION', 'a groupBy function returning a string or null', k, ['options', 'groupBy']);
      put(i, k);
    }
    return { keys, index };
  }
  if (typeof groupBy !== 'string' || groupBy.length === 0) {
    fail('INVALID_OPTION', "a groupBy key ('segment', 'currency', 'createdMonth', an attribute name) or a function", groupBy, ['options', 'groupBy']);
  }
  switch (groupBy) {
    case 'segment':
      interned(table.segment, table.segments);
      break;
    case 'currency':
      interned(table.currencyIndex, table.currencies);
      break;
    case 'lostReason':
      interned(table.lostReason, table.lostReasons);
      break;
    case 'stage':
      interned(table.stage, table.stageIds);
      break;
    case 'status':
      for (let i = 0; i < n; i++) put(i, STATUS[table.status[i] as number] ?? null);
      break;
    case 'createdMonth':
    case 'createdQuarter':
    case 'createdYear':
      for (let i = 0; i < n; i++) {
        const d = new Date(table.createdAt[i] as number);
        const y = d.getUTCFullYear();
        const m = d.getUTCMonth();
        put(i, groupBy === 'createdYear' ? String(y) : groupBy === 'createdMonth' ? `${y}-${pad(m + 1)}` : `${y}-Q${Math.floor(m / 3) + 1}`);
      }
      break;
    default: {
      const path = groupBy.split('.');
      for (let i = 0; i < n; i++) put(i, attributeOf(table.attributes[i], path));
    }
  }
  return { keys, index };
}
