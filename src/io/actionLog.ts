import { fail } from '../errors/FunnelError.js';
import { type ActionCodeArray, groupEvents, groupInt32Events } from '../internal/groupByUnit.js';

/**
 * A property value in an {@link ActionLog}: a string, a number, or `null` (missing).
 *
 * @category Event funnels
 * @since 0.1.0
 */
export type ActionPropertyValue = string | number | null;

/**
 * One property column of an {@link ActionLog}, interned: `codes[p]` is the index into `values` of
 * the value at sorted event position `p`, or `-1` when the value is missing (`null`/`undefined`).
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface ActionPropertyColumn {
  /** Per sorted event position: index into {@link ActionPropertyColumn.values}, `-1` for missing. */
  readonly codes: Int32Array;
  /** The distinct non-missing values, in order of first appearance in the input. */
  readonly values: ReadonlyArray<string | number>;
}

/**
 * Columns from which `ActionLog.fromColumns` builds an action log. All columns have one entry
 * per event (row); rows may come in any order.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface ActionLogColumns {
  /**
   * The counting unit of each event: a person, account, deal, session — any key. Integer ids
   * (`Int32Array`, `Uint32Array` or safe integers in a `number[]`) take the radix path directly (no
   * interning); strings are interned first (a `Map` lookup per row).
   */
  readonly unit: Int32Array | Uint32Array | ReadonlyArray<number> | ReadonlyArray<string>;
  /** The time of each event in epoch milliseconds (finite numbers). */
  readonly time: Float64Array | ReadonlyArray<number>;
  /**
   * The action of each event: names (`string[]`, interned here), or integer codes into
   * {@link ActionLogColumns.actions} (`Uint8Array`, `Uint16Array`, `Int32Array` or `number[]`).
   */
  readonly action: ReadonlyArray<string> | Uint8Array | Uint16Array | Int32Array | ReadonlyArray<number>;
  /** The action dictionary when {@link ActionLogColumns.action} holds codes. */
  readonly actions?: ReadonlyArray<string> | undefined;
  /** Optional property columns, by name: one value per event, `null`/`undefined` for missing. */
  readonly properties?: Readonly<Record<string, ReadonlyArray<ActionPropertyValue | undefined>>> | undefined;
}

/**
 * Accessors with which `ActionLog.fromRows` reads row objects.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface ActionLogAccessors<R> {
  /** The counting unit of a row (string or integer id). */
  readonly unit: (row: R, index: number) => string | number;
  /** The time of a row: epoch milliseconds or a `Date`. */
  readonly time: (row: R, index: number) => number | Date;
  /** The action name of a row. */
  readonly action: (row: R, index: number) => string;
  /** Optional property accessors, by property name. */
  readonly properties?: Readonly<Record<string, (row: R, index: number) => ActionPropertyValue | undefined>> | undefined;
}

/**
 * A columnar log of customer actions, grouped by counting unit and sorted by time within each unit,
 * built once by `ActionLog.fromColumns` or `ActionLog.fromRows` and reused by every
 * funnel query.
 *
 * Layout (CSR): the events of unit `u` occupy sorted positions `offsets[u]` to `offsets[u + 1] - 1`,
 * in non-decreasing time; events with equal times keep their input order. The typed arrays are shared,
 * not copied: treat them as read-only. Where the platform has `SharedArrayBuffer` (Node; browser pages
 * only when cross-origin isolated) `offsets`, `time` and `action` live on one, so worker threads
 * (`funnelwise/threads`) read them without a copy; elsewhere on ordinary `ArrayBuffer`s.
 *
 * Unit order: integer unit ids are numbered in ascending id order; string ids in order of first
 * appearance in the input.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface ActionLog {
  /** The number of distinct units. */
  readonly unitCount: number;
  /** The number of events. */
  readonly eventCount: number;
  /** The key of each unit, by unit index (the id or string given at ingest). */
  readonly unitKeys: ReadonlyArray<string | number>;
  /** CSR offsets into the event columns, length `unitCount + 1`. */
  readonly offsets: Int32Array;
  /** Event times (epoch ms) by sorted position. */
  readonly time: Float64Array;
  /** Event action codes (indexes into {@link ActionLog.actions}) by sorted position. */
  readonly action: Uint16Array;
  /** The action dictionary: code → name. */
  readonly actions: ReadonlyArray<string>;
  /** Interned property columns by name. */
  readonly properties: Readonly<Record<string, ActionPropertyColumn>>;
}

const MAX_ACTIONS = 65535;
/** A value no column holds: the "previous value" before the first row of a run-length lookup. */
const NOT_YET = Symbol('not yet');
/** `0x80000000` as an int32: XOR-ing it maps unsigned order onto signed order. */
const SIGN = -2147483648;

function columnLength(name: string, col: unknown): number {
  if (col === null || col === undefined || typeof (col as { length?: unknown }).length !== 'number') {
    fail('INVALID_COLUMN', 'an array or typed array', col, ['columns', name]);
  }
  return (col as { length: number }).length;
}

/** Interns one property column, in sorted event order (`order[p]` = input row of position `p`). */
function internProperty(name: string, col: ReadonlyArray<ActionPropertyValue | undefined>, n: number, order: Int32Array): ActionPropertyColumn {
  const codesByRow = new Int32Array(n);
  const values: Array<string | number> = [];
  const index = new Map<string | number, number>();
  for (let i = 0; i < n; i++) {
    const v = col[i];
    if (v === null || v === undefined) {
      codesByRow[i] = -1;
      continue;
    }
    if (typeof v !== 'string' && (typeof v !== 'number' || Number.isNaN(v))) {
      fail('INVALID_COLUMN', 'a string, a number or null', v, ['columns', 'properties', name, i]);
    }
    let c = index.get(v);
    if (c === undefined) {
      c = values.length;
      values.push(v);
      index.set(v, c);
    }
    codesByRow[i] = c;
  }
  const codes = new Int32Array(n);
  for (let p = 0; p < n; p++) codes[p] = codesByRow[order[p] as number] as number;
  return Object.freeze({ codes, values: Object.freeze(values) });
}

/** The `received` text of a column-length mismatch: the length and the first row only one column has. */
function lengthMismatch(len: number, n: number): string {
  return `length ${len} (row ${Math.min(len, n)} is ${len < n ? 'missing from this column' : 'beyond the unit column'})`;
}

/**
 * Unit keys as the grouping reads them: an `Int32Array` whose values `v` give the keys
 * `((v ^ flip) - min) >>> 0` in `[0, range)`, `range ≤ 2^32`, or `range` −1 when the grouping finds
 * the range itself (32-bit ids); the key of a unit is `names[key]` (`min` 0), or `key + origin + base`
 * when `names` is `null` (`origin`: the grouping's, `min` when given).
 */
interface UnitKeys {
  readonly ids: Int32Array;
  readonly flip: number;
  readonly min: number;
  readonly range: number;
  readonly base: number;
  readonly names: ArrayLike<string | number> | null;
}

/** Dense keys `0 … count − 1` named by `names`. */
function denseUnits(ids: Int32Array, names: ArrayLike<string | number>): UnitKeys {
  return { ids, flip: 0, min: 0, range: names.length, base: 0, names };
}

/**
 * 32-bit ids (signed, or unsigned read through an `Int32Array` view with `flip = SIGN`); their range
 * is found by the grouping pass itself (`range` −1).
 */
function int32Units(ids: Int32Array, n: number, flip: number): UnitKeys {
  if (n === 0) return denseUnits(ids, []);
  return { ids, flip, min: 0, range: -1, base: flip === 0 ? 0 : 2147483648, names: null };
}

/**
 * Safe-integer ids in `[min, max]` (checked by the caller) → `Int32Array` offsets from `min` when the
 * range fits 32 bits, else their rank among the distinct ids (ascending, as for the radix path).
 */
function safeIntegerUnits(ids: ArrayLike<number>, n: number, min: number, max: number): UnitKeys {
  if (n === 0) return denseUnits(new Int32Array(0), []);
  const range = max - min + 1;
  if (range <= 4294967296) {
    const offsets = new Int32Array(n);
    for (let i = 0; i < n; i++) offsets[i] = ((ids[i] as number) - min) | 0;
    return { ids: offsets, flip: 0, min: 0, range, base: min, names: null };
  }
  // huge id range: rank the distinct ids, then group densely
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) seen.add(ids[i] as number);
  const sorted = Float64Array.from(seen).sort();
  const rank = new Map<number, number>();
  for (let r = 0; r < sorted.length; r++) rank.set(sorted[r] as number, r);
  const dense = new Int32Array(n);
  for (let i = 0; i < n; i++) dense[i] = rank.get(ids[i] as number) as number;
  return denseUnits(dense, sorted);
}

/**
 * Builds the action log. The grouping pass checks every time (finite) and action code (below
 * `actionLimit`) on the way; when one fails, `onInvalid` runs the full validation in column order,
 * which throws naming the first bad row.
 */
function build(
  n: number,
  units: UnitKeys,
  time: Float64Array,
  actionCodes: ActionCodeArray,
  actionLimit: number,
  actions: ReadonlyArray<string>,
  properties: Readonly<Record<string, ReadonlyArray<ActionPropertyValue | undefined>>> | undefined,
  onInvalid: () => never,
): ActionLog {
  const propNames = properties === undefined ? [] : Object.keys(properties);
  const needOrder = propNames.length > 0;
  const g = units.range < 0 ? groupInt32Events(units.ids, n, units.flip, time, actionCodes, needOrder, actionLimit) : groupEvents(units.ids, n, units.min, units.range, units.flip, time, actionCodes, needOrder, actionLimit);
  if (g === null) onInvalid();
  const unitCount = g.unitCount;
  const unitKeys = new Array<string | number>(unitCount);
  const keyIndex = g.keyIndex;
  const names = units.names;
  if (names === null) {
    const base = units.base + g.origin;
    for (let u = 0; u < unitCount; u++) unitKeys[u] = (keyIndex[u] as number) + base;
  } else {
    for (let u = 0; u < unitCount; u++) unitKeys[u] = names[keyIndex[u] as number] as string | number;
  }
  const props: Record<string, ActionPropertyColumn> = {};
  if (properties !== undefined && g.order !== null) {
    for (const name of propNames) props[name] = internProperty(name, properties[name] as ReadonlyArray<ActionPropertyValue | undefined>, n, g.order);
  }
  return Object.freeze({
    unitCount,
    eventCount: n,
    unitKeys: Object.freeze(unitKeys),
    offsets: g.offsets,
    time: g.time,
    action: g.action,
    actions: Object.freeze([...actions]),
    properties: Object.freeze(props),
  });
}

function validateTimes(time: ArrayLike<number>, n: number, path: ReadonlyArray<string | number>): void {
  for (let i = 0; i < n; i++) {
    const t = time[i];
    // typeof check first: number[] may hold anything at run time
    if (typeof t !== 'number' || !Number.isFinite(t)) fail('INVALID_COLUMN', 'a finite time in epoch milliseconds', t, [...path, i]);
  }
}

function validateCodes(codes: ArrayLike<number>, n: number, d: number): void {
  for (let i = 0; i < n; i++) {
    const c = codes[i];
    if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= d) fail('INVALID_COLUMN', `an action code in [0, ${d})`, c, ['columns', 'action', i]);
  }
}

function fromColumns(columns: ActionLogColumns): ActionLog {
  if (columns === null || typeof columns !== 'object') fail('INVALID_INPUT', 'an object of columns { unit, time, action }', columns, ['columns']);
  const n = columnLength('unit', columns.unit);
  const nt = columnLength('time', columns.time);
  const na = columnLength('action', columns.action);
  if (nt !== n) fail('INVALID_COLUMN', `a time column of length ${n} (as the unit column)`, lengthMismatch(nt, n), ['columns', 'time']);
  if (na !== n) fail('INVALID_COLUMN', `an action column of length ${n} (as the unit column)`, lengthMismatch(na, n), ['columns', 'action']);
  if (columns.properties !== undefined) {
    for (const [name, col] of Object.entries(columns.properties)) {
      const np = columnLength(`properties.${name}`, col);
      if (np !== n) fail('INVALID_COLUMN', `a property column of length ${n} (as the unit column)`, lengthMismatch(np, n), ['columns', 'properties', name]);
    }
  }
  // Per-row checks run in column order (time, action, unit), so the first failing column is reported.
  // A Float64Array of times and Uint8Array/Uint16Array action codes are checked inside the grouping
  // pass instead of in passes of their own; any failure there (or in an earlier column check) re-runs
  // the plain checks. Other column types are checked and narrowed to those types first, so the
  // grouping's loops only ever see one time type and two code types.
  const timeCol = columns.time;
  const timeDeferred = timeCol instanceof Float64Array;
  let time: Float64Array;
  if (timeCol instanceof Float64Array) time = timeCol;
  else {
    validateTimes(timeCol, n, ['columns', 'time']);
    time = Float64Array.from(timeCol);
  }
  let codesDeferred = false;

  // actions → codes
  let actionCodes: ActionCodeArray;
  let actions: string[];
  const action = columns.action;
  if (action instanceof Uint8Array || action instanceof Uint16Array || action instanceof Int32Array || (n > 0 && typeof action[0] === 'number') || (n === 0 && columns.actions !== undefined)) {
    const dict = columns.actions;
    if (dict === undefined) fail('INVALID_COLUMN', 'an actions dictionary when action holds codes', dict, ['columns', 'actions']);
    if (dict.length > MAX_ACTIONS) fail('INVALID_COLUMN', `at most ${MAX_ACTIONS} distinct actions`, dict.length, ['columns', 'actions']);
    actions = [...dict];
    for (let k = 0; k < actions.length; k++) if (typeof actions[k] !== 'string') fail('INVALID_COLUMN', 'an action name (string)', actions[k], ['columns', 'actions', k]);
    if (action instanceof Uint8Array || action instanceof Uint16Array) {
      actionCodes = action;
      codesDeferred = true;
    } else {
      if (timeDeferred) validateTimes(time, n, ['columns', 'time']);
      validateCodes(action as ArrayLike<number>, n, actions.length);
      actionCodes = Uint16Array.from(action as ArrayLike<number>);
    }
  } else {
    const names = action as ReadonlyArray<string>;
    const codes = new Uint16Array(n);
    const index = new Map<string, number>();
    actions = [];
    let last: unknown = NOT_YET;
    let lastCode = -1;
    for (let i = 0; i < n; i++) {
      const s = names[i];
      if (s === last) {
        codes[i] = lastCode;
        continue;
      }
      let c = index.get(s as string);
      if (c === undefined) {
        if (timeDeferred) validateTimes(time, n, ['columns', 'time']);
        if (typeof s !== 'string') fail('INVALID_COLUMN', 'an action name (string)', s, ['columns', 'action', i]);
        if (actions.length >= MAX_ACTIONS) fail('INVALID_COLUMN', `at most ${MAX_ACTIONS} distinct actions`, s, ['columns', 'action', i]);
        c = actions.length;
        actions.push(s);
        index.set(s, c);
      }
      codes[i] = c;
      last = s;
      lastCode = c;
    }
    actionCodes = codes;
  }
  const d = actions.length;
  /** Runs the deferred checks in column order; they throw. */
  const earlier = (): void => {
    if (timeDeferred) validateTimes(time, n, ['columns', 'time']);
    if (codesDeferred) validateCodes(actionCodes, n, d);
  };
  const onInvalid = (): never => {
    earlier();
    throw new Error('funnelwise: internal error (the grouping pass found a bad value the checks did not)');
  };
  const actionLimit = codesDeferred ? d : 65536;

  // units → integer keys
  const unit = columns.unit;
  let units: UnitKeys;
  if (unit instanceof Int32Array) units = int32Units(unit, n, 0);
  else if (unit instanceof Uint32Array) units = int32Units(new Int32Array(unit.buffer, unit.byteOffset, n), n, SIGN);
  else if (n > 0 && typeof unit[0] === 'number') {
    const ids = unit as ArrayLike<number>;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = ids[i] as number;
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
        earlier();
        fail('INVALID_COLUMN', 'an integer unit id (or all strings)', v, ['columns', 'unit', i]);
      }
      if (v < min) min = v;
      if (v > max) max = v;
    }
    units = safeIntegerUnits(ids, n, min, max);
  } else {
    const names = unit as ReadonlyArray<string>;
    const index = new Map<string, number>();
    const dense = new Int32Array(n);
    const distinct: string[] = [];
    for (let i = 0; i < n; i++) {
      const s = names[i];
      let c = index.get(s as string);
      if (c === undefined) {
        if (typeof s !== 'string') {
          earlier();
          fail('INVALID_COLUMN', 'a unit key (all strings or all integers)', s, ['columns', 'unit', i]);
        }
        c = distinct.length;
        index.set(s, c);
        distinct.push(s);
      }
      dense[i] = c;
    }
    units = denseUnits(dense, distinct);
  }
  return build(n, units, time, actionCodes, actionLimit, actions, columns.properties, onInvalid);
}

/** Slots of the direct-mapped cache in front of the action-name `Map` in `fromRows`. */
const NAME_CACHE = 256;

/**
 * One pass over the rows with the accessors, straight into the columns the grouping reads: times in a
 * `Float64Array`, action names interned to codes (a small direct-mapped cache keyed on the name's
 * length and end characters answers most lookups without the `Map`), integer unit ids in an
 * `Int32Array` (a `Float64Array` from the first id outside 32 bits; string ids collected for
 * interning). Rows are checked in order; the first bad field throws.
 */
function fromRows<R>(rows: ReadonlyArray<R>, accessors: ActionLogAccessors<R>): ActionLog {
  if (!Array.isArray(rows)) fail('INVALID_INPUT', 'an array of rows', rows, ['rows']);
  const n = rows.length;
  const unitOf = accessors.unit;
  const timeOf = accessors.time;
  const actionOf = accessors.action;
  const time = new Float64Array(n);
  const codes = new Uint16Array(n);
  const actionIndex = new Map<string, number>();
  const actions: string[] = [];
  const cacheName = new Array<string | null>(NAME_CACHE).fill(null);
  const cacheCode = new Int32Array(NAME_CACHE);
  let lastAction: unknown = NOT_YET;
  let lastCode = 0;
  let tooManyAt = -1;
  let tooMany: string | undefined;
  const ids32 = new Int32Array(n);
  let ids64: Float64Array | null = null;
  let strings: string[] | null = null;
  let firstNumber = -1;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const row = rows[i] as R;
    const u = unitOf(row, i);
    if (typeof u === 'number') {
      if ((u | 0) === u && ids64 === null) ids32[i] = u;
      else {
        if (!Number.isSafeInteger(u)) fail('INVALID_INPUT', 'an integer unit id or a string', u, ['rows', i, 'unit']);
        if (ids64 === null) {
          ids64 = new Float64Array(n);
          for (let j = 0; j < i; j++) ids64[j] = ids32[j] as number;
        }
        ids64[i] = u;
      }
      if (u < min) min = u;
      if (u > max) max = u;
      if (firstNumber < 0) firstNumber = i;
    } else if (typeof u === 'string') {
      if (strings === null) strings = new Array<string>(n);
      strings[i] = u;
    } else fail('INVALID_INPUT', 'an integer unit id or a string', u, ['rows', i, 'unit']);
    const t = timeOf(row, i);
    const ms = typeof t === 'number' ? t : t instanceof Date ? t.getTime() : t;
    if (typeof ms !== 'number' || !Number.isFinite(ms)) fail('INVALID_INPUT', 'a finite time (epoch ms or a valid Date)', t, ['rows', i, 'time']);
    time[i] = ms;
    const a = actionOf(row, i);
    if (a !== lastAction) {
      if (typeof a !== 'string') fail('INVALID_INPUT', 'an action name (string)', a, ['rows', i, 'action']);
      const len = a.length;
      const h = (len * 7 + a.charCodeAt(0) * 31 + a.charCodeAt(len - 1)) & (NAME_CACHE - 1);
      let c: number;
      if (cacheName[h] === a) c = cacheCode[h] as number;
      else {
        let known = actionIndex.get(a);
        if (known === undefined) {
          known = actions.length;
          if (known >= MAX_ACTIONS) {
            if (tooManyAt < 0) {
              tooManyAt = i;
              tooMany = a;
            }
            known = 0;
          } else {
            actions.push(a);
            actionIndex.set(a, known);
          }
        }
        c = known;
        if (tooManyAt < 0) {
          cacheName[h] = a;
          cacheCode[h] = c;
        }
      }
      lastAction = a;
      lastCode = c;
    }
    codes[i] = lastCode;
  }
  if (strings !== null && firstNumber >= 0) fail('INVALID_INPUT', 'unit keys of one kind (all strings or all integers)', ids64 === null ? ids32[firstNumber] : ids64[firstNumber], ['rows', firstNumber, 'unit']);
  if (tooManyAt >= 0) fail('INVALID_COLUMN', `at most ${MAX_ACTIONS} distinct actions`, tooMany, ['columns', 'action', tooManyAt]);
  let properties: Record<string, ReadonlyArray<ActionPropertyValue | undefined>> | undefined;
  if (accessors.properties !== undefined) {
    properties = {};
    for (const [name, get] of Object.entries(accessors.properties)) {
      const col = new Array<ActionPropertyValue | undefined>(n);
      for (let i = 0; i < n; i++) col[i] = get(rows[i] as R, i);
      properties[name] = col;
    }
  }
  const onInvalid = (): never => {
    throw new Error('funnelwise: internal error (rows passed their checks but not the grouping pass)');
  };
  let units: UnitKeys;
  if (strings !== null) {
    const index = new Map<string, number>();
    const dense = new Int32Array(n);
    const distinct: string[] = [];
    for (let i = 0; i < n; i++) {
      const s = strings[i] as string;
      let c = index.get(s);
      if (c === undefined) {
        c = distinct.length;
        index.set(s, c);
        distinct.push(s);
      }
      dense[i] = c;
    }
    units = denseUnits(dense, distinct);
  } else if (ids64 === null) units = int32Units(ids32, n, 0);
  else units = safeIntegerUnits(ids64, n, min, max);
  return build(n, units, time, codes, 65536, actions, properties, onInvalid);
}

/**
 * Builds {@link ActionLog}s — the columnar, unit-grouped, time-sorted log of customer actions that
 * every event-funnel query reads.
 *
 * - `fromColumns(columns)`: the primary path. Integer unit ids (up to a 2^32 id range) are grouped
 *   with a two-level radix sort: one pass over the ids finds their range and counts the events per
 *   bucket (high key bits), one stable scatter writes the time, action and low key bits into those
 *   cache-sized buckets, then per bucket, while it is in cache, a counting pass on the low bits that
 *   also yields the unit boundaries moves each event straight to its final place, and one linear
 *   check of each unit's time order follows (the few units whose rows arrived out of time order get
 *   an insertion sort). Input already grouped by ascending unit id skips the scatter (one copy and
 *   the time check). A `Float64Array` of times and `Uint8Array`/`Uint16Array` action codes are
 *   checked inside the scatter pass; other column types are checked and converted first. Cost: O(n) —
 *   two sequential passes and one scattered pass over the log, no hash maps, no comparator sorts;
 *   10M events (1M units) take about 0.6–0.65 s of CPU in a fresh process on the shared 2-core VM
 *   (see the Performance guide), and the peak memory is the input columns plus about 12 bytes per
 *   event (the result's 10 bytes per event and 8 per unit, a 1–2-byte code scratch column and small
 *   buffers). String unit ids and string action names are interned with a `Map` first
 *   (roughly 2–5× slower at millions of rows); integer ids spanning more than 2^32 are ranked through
 *   a `Set` and a `Map` (also slower).
 * - `fromRows(rows, accessors)`: a convenience that reads the rows once, calling each accessor once
 *   per row and writing straight into typed columns (action names interned on the fly through a small
 *   cache in front of a `Map`, integer ids kept in an `Int32Array`, string unit ids collected for
 *   interning), then groups like `fromColumns` without validating the columns again. Cost on top of
 *   `fromColumns`: three accessor calls per row — 1M rows with integer ids → `fromRows` → funnel take
 *   about 120–140 ms of CPU on the 2-core VM, more with string ids; at 10M rows, seconds, mostly
 *   garbage collection of the caller's objects. Prefer columns for large logs.
 *
 * Rows may come in any order and may repeat. Bad input throws a {@link FunnelError} with code
 * `INVALID_COLUMN` (columns) or `INVALID_INPUT` (rows) naming the column and row: a non-finite time,
 * columns of different lengths, an action code outside the dictionary, mixed unit key kinds, more than
 * 65,535 distinct actions.
 *
 * @category Event funnels
 * @since 0.1.0
 * @example
 * ```ts
 * const log = ActionLog.fromColumns({
 *   unit: ['ann', 'bob', 'ann', 'ann'],
 *   time: [3000, 1000, 1000, 2000],
 *   action: ['paid', 'visit', 'visit', 'signup'],
 * });
 * log.unitCount // => 2
 * log.unitKeys // => ['ann', 'bob']
 * Array.from(log.time) // => [1000, 2000, 3000, 1000]
 * log.actions // => ['paid', 'visit', 'signup']
 * const rows = [{ who: 7, at: new Date(5000), what: 'visit' }];
 * ActionLog.fromRows(rows, { unit: (r) => r.who, time: (r) => r.at, action: (r) => r.what }).eventCount // => 1
 * ```
 */
export const ActionLog = Object.freeze({
  /**
   * Builds an action log from columns (see {@link ActionLogColumns}).
   *
   * @throws {@link FunnelError} `INVALID_COLUMN` naming the column and row of the first bad value.
   */
  fromColumns,
  /**
   * Builds an action log from row objects through accessors (see {@link ActionLogAccessors}).
   *
   * @throws {@link FunnelError} `INVALID_INPUT` naming the row and field of the first bad value.
   */
  fromRows,
});
