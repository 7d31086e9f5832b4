import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import { median } from '../internal/stats.js';
import { DAY_MS, toEpochMs } from '../internal/time.js';
import { DEAL_LOST, DEAL_WON, type DealTable } from '../io/dealTable.js';
import type { DealStatus } from '../model/deal.js';
import type { TimestampInput } from '../model/time.js';
import { signatureOfOrdered } from './pathSignature.js';
import { orderActions, type SubjectAction } from './subject.js';

/**
 * A deal or lead whose path is discovered: its customer actions, and — for conversion and time to
 * close — its status and dates. A parsed {@link Deal} fits as it is.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface PathSubject {
  /** The deal's or lead's id (used in error paths only). */
  readonly id?: string | undefined;
  /** The customer's actions, in any order. */
  readonly actions: ReadonlyArray<SubjectAction>;
  /** `won`, `lost` or `open` (default `open`: a lead with no deal yet has not converted). */
  readonly status?: DealStatus | undefined;
  /** When the deal was created; default: the time of its first action. */
  readonly createdAt?: TimestampInput | null | undefined;
  /** When the deal was won or lost (`null` while open). */
  readonly closedAt?: TimestampInput | null | undefined;
}

/**
 * Options of {@link discoverSegments}.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface DiscoverSegmentsOptions {
  /** Action types left out of the signature (noise such as `page.viewed`). Default: none. */
  readonly ignore?: ReadonlyArray<string> | undefined;
  /**
   * Keep only the first `depth` distinct action types of each path (default: all). A shorter depth
   * merges paths that start the same way ("how did they begin?").
   */
  readonly depth?: number | undefined;
  /** A path with fewer deals than this is folded into "other" (default 1: nothing is folded by count). */
  readonly minCount?: number | undefined;
  /** A path with a smaller share of all deals than this (in [0, 1]) is folded into "other" (default 0). */
  readonly minShare?: number | undefined;
  /**
   * Which closed deals the median time to close is taken over: `'won'` (default — the sales cycle of
   * deals that converted) or `'closed'` (won and lost).
   */
  readonly timeToClose?: 'won' | 'closed' | undefined;
  /**
   * With a {@link DealTable} as input (required then): the customer actions of deal `dealIndex` (for
   * example from an action log grouped by deal id). Status, creation and close times come from the table.
   */
  readonly actionsOf?: ((table: DealTable, dealIndex: number) => ReadonlyArray<SubjectAction>) | undefined;
}

/**
 * The figures of one discovered segment (a path signature, or the "other" bucket).
 *
 * @category Segments
 * @since 0.1.0
 */
export interface DiscoveredSegment {
  /** The signature's key: its action types joined by `>` (`''` for deals without actions); `'(other)'` for the folded bucket. */
  readonly key: string;
  /** The ordered distinct action types of the path; empty for the "other" bucket. */
  readonly path: ReadonlyArray<string>;
  /** Number of deals (or leads) that walked this path. */
  readonly count: number;
  /** count / all deals. */
  readonly share: number;
  /** Deals of this path that were won. */
  readonly won: number;
  /** Deals of this path that were lost. */
  readonly lost: number;
  /** Deals of this path still open. */
  readonly open: number;
  /** Conversion: won / count (open deals count as not converted yet). */
  readonly conversion: number;
  /** Win rate over closed deals: won / (won + lost); `null` when none is closed. */
  readonly winRate: number | null;
  /** Median days from creation to close over the deals chosen by `timeToClose`; `null` when there are none. */
  readonly medianDaysToClose: number | null;
  /** For the "other" bucket, how many distinct paths were folded into it; 1 for a real path. */
  readonly paths: number;
}

/**
 * The result of {@link discoverSegments}.
 *
 * @category Segments
 * @since 0.1.0
 */
export interface DiscoveredSegments {
  /** The kept paths, most frequent first (ties by key). */
  readonly segments: ReadonlyArray<DiscoveredSegment>;
  /** The folded rare paths, or `null` when nothing was folded. */
  readonly other: DiscoveredSegment | null;
  /** Number of deals read. */
  readonly total: number;
  /** The rules that produced the result. */
  readonly rules: {
    /** How a path is defined. */
    readonly signature: 'ordered distinct action types by first occurrence';
    /** Ignored action types. */
    readonly ignore: ReadonlyArray<string>;
    /** Depth cut, or `null` for the full path. */
    readonly depth: number | null;
    /** Minimum count to be kept. */
    readonly minCount: number;
    /** Minimum share to be kept. */
    readonly minShare: number;
    /** Which deals the median time to close covers. */
    readonly timeToClose: 'won' | 'closed';
  };
}

const STATUS: readonly DealStatus[] = ['open', 'won', 'lost'];

/** Reads a table's deals as path subjects (actions from the accessor). */
function fromTable(table: DealTable, actionsOf: DiscoverSegmentsOptions['actionsOf']): PathSubject[] {
  if (typeof actionsOf !== 'function') fail('INVALID_OPTION', 'an actionsOf function for a DealTable input', actionsOf, ['options', 'actionsOf']);
  const out: PathSubject[] = [];
  for (let i = 0; i < table.size; i++) {
    const st = table.status[i] as number;
    const closed = table.closedAt[i] as number;
    out.push({
      id: table.dealIds[i],
      actions: actionsOf(table, i),
      status: STATUS[st] ?? 'open',
      createdAt: table.createdAt[i] as number,
      closedAt: (st === DEAL_WON || st === DEAL_LOST) && !Number.isNaN(closed) ? closed : null,
    });
  }
  return out;
}

interface Bucket {
  key: string;
  path: string[];
  count: number;
  won: number;
  lost: number;
  open: number;
  days: number[];
  paths: number;
}

function summarise(b: Bucket, total: number): DiscoveredSegment {
  const closed = b.won + b.lost;
  return {
    key: b.key,
    path: b.path,
    count: b.count,
    share: b.count / total,
    won: b.won,
    lost: b.lost,
    open: b.open,
    conversion: b.won / b.count,
    winRate: closed === 0 ? null : b.won / closed,
    medianDaysToClose: median(b.days),
    paths: b.paths,
  };
}

/**
 * Discovers segments from customer paths: groups deals (or leads) by their **path signature** — the
 * ordered distinct customer action types, by first occurrence — and reports for each path its count,
 * share, conversion (won / count), win rate (won / (won + lost)) and median days to close. This is the
 * seeds' own definition of a segment: "leads with the same sequence of actions" (the buyer whose
 * kettle burnt out today walks `site.visited>order.placed`; the one choosing for weeks
 * `site.visited>review.read>comparison.made>…>order.placed`).
 *
 * Rules:
 * - signature: sort the actions by time (ties by action id), count an action id once, keep each type
 *   the first time it appears, leave out `ignore`d types, cut to `depth` types when given;
 * - status: `won`, `lost` or `open` (absent = `open`); time to close = closedAt − createdAt in days,
 *   with createdAt defaulting to the first action; deals without `closedAt` have no time to close;
 * - a path with fewer than `minCount` deals **or** a share below `minShare` is folded into one
 *   "other" bucket (`key: '(other)'`), whose figures are over all its deals together;
 * - empty input gives no segments, `other: null` and `total: 0`.
 *
 * Cost: O(n log n) in the number of actions, plus O(p log p) to sort p paths.
 *
 * @param subjects - deals (parsed {@link Deal}s fit) or leads with their actions; or a {@link DealTable}
 *   with the option `actionsOf`
 * @param options - {@link DiscoverSegmentsOptions}
 * @returns the paths, the folded bucket, and the rules used
 * @throws FunnelError `INVALID_INPUT` / `INVALID_DATE` naming the row of a malformed deal or action;
 *   `INVALID_OPTION` for a bad threshold or depth
 * @category Segments
 * @since 0.1.0
 * @example
 * ```ts
 * const at = (d: number) => Date.UTC(2026, 2, d);
 * const deal = (id: string, types: string[], status: 'won' | 'lost' | 'open', closeDay?: number) => ({
 *   id, status, createdAt: at(1), closedAt: closeDay === undefined ? null : at(closeDay),
 *   actions: types.map((type, i) => ({ id: `${id}-${i}`, type, at: at(1 + i) })),
 * });
 * const r = discoverSegments([
 *   deal('a', ['request.submitted', 'call.answered', 'invoice.paid'], 'won', 5),
 *   deal('b', ['request.submitted', 'call.answered', 'invoice.paid'], 'won', 11),
 *   deal('c', ['request.submitted', 'call.answered'], 'lost', 9),
 *   deal('d', ['request.submitted'], 'open'),
 * ], { minCount: 2 });
 * r.segments[0].key // => 'request.submitted>call.answered>invoice.paid'
 * r.segments[0].conversion // => 1
 * r.segments[0].medianDaysToClose // => 7
 * r.other.count // => 2
 * r.other.paths // => 2
 * ```
 */
export function discoverSegments(subjects: ReadonlyArray<PathSubject> | DealTable, options?: DiscoverSegmentsOptions): DiscoveredSegments {
  if (!Array.isArray(subjects)) {
    if (typeof subjects === 'object' && subjects !== null && (subjects as { histStart?: unknown }).histStart instanceof Int32Array) {
      return discoverSegments(fromTable(subjects as DealTable, options?.actionsOf), options);
    }
    fail('INVALID_INPUT', 'an array of deals or leads with actions, or a DealTable', subjects, ['subjects']);
  }
  const ignore = options?.ignore ?? [];
  if (!Array.isArray(ignore) || ignore.some((t) => typeof t !== 'string')) fail('INVALID_OPTION', 'an array of action types', ignore, ['options', 'ignore']);
  const depth = options?.depth ?? null;
  if (depth !== null && !(Number.isInteger(depth) && depth >= 1)) fail('INVALID_OPTION', 'an integer ≥ 1', depth, ['options', 'depth']);
  const minCount = options?.minCount ?? 1;
  if (!(Number.isFinite(minCount) && minCount >= 0)) fail('INVALID_OPTION', 'a count ≥ 0', minCount, ['options', 'minCount']);
  const minShare = options?.minShare ?? 0;
  if (!(minShare >= 0 && minShare <= 1)) fail('INVALID_OPTION', 'a share in [0, 1]', minShare, ['options', 'minShare']);
  const timeToClose = options?.timeToClose ?? 'won';
  if (timeToClose !== 'won' && timeToClose !== 'closed') fail('INVALID_OPTION', "'won' or 'closed'", timeToClose, ['options', 'timeToClose']);
  const ignored = new Set(ignore);

  const buckets = new Map<string, Bucket>();
  subjects.forEach((s, i) => {
    const path = ['subjects', i];
    if (typeof s !== 'object' || s === null) fail('INVALID_INPUT', 'a deal or lead with actions', s, path);
    const ordered = orderActions(s.actions, [...path, 'actions']);
    const { types } = signatureOfOrdered(ordered, ignored);
    const firstMs = ordered[0]?.ms ?? Number.NaN;
    const kept = depth === null ? [...types] : types.slice(0, depth);
    const key = kept.join('>');
    let b = buckets.get(key);
    if (b === undefined) {
      b = { key, path: kept, count: 0, won: 0, lost: 0, open: 0, days: [], paths: 1 };
      buckets.set(key, b);
    }
    b.count++;
    const status = s.status ?? 'open';
    if (status === 'won') b.won++;
    else if (status === 'lost') b.lost++;
    else if (status === 'open') b.open++;
    else fail('INVALID_INPUT', "a status 'open', 'won' or 'lost'", status, [...path, 'status']);
    const closed = s.closedAt;
    if (status !== 'open' && closed !== null && closed !== undefined && (timeToClose === 'closed' || status === 'won')) {
      const end = toEpochMs(closed, [...path, 'closedAt']);
      const start = s.createdAt === null || s.createdAt === undefined ? firstMs : toEpochMs(s.createdAt, [...path, 'createdAt']);
      if (Number.isFinite(start)) b.days.push((end - start) / DAY_MS);
    }
  });

  const total = subjects.length;
  const kept: Bucket[] = [];
  let other: Bucket | null = null;
  for (const b of buckets.values()) {
    if (b.count >= minCount && b.count / total >= minShare) {
      kept.push(b);
      continue;
    }
    other ??= { key: '(other)', path: [], count: 0, won: 0, lost: 0, open: 0, days: [], paths: 0 };
    other.count += b.count;
    other.won += b.won;
    other.lost += b.lost;
    other.open += b.open;
    for (const d of b.days) other.days.push(d);
    other.paths++;
  }
  kept.sort((x, y) => y.count - x.count || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return deepFreeze({
    segments: kept.map((b) => summarise(b, total)),
    other: other === null ? null : summarise(other, total),
    total,
    rules: { signature: 'ordered distinct action types by first occurrence', ignore: [...ignore], depth, minCount, minShare, timeToClose },
  });
}
