import type { ActionPropertyValue } from '../io/actionLog.js';

/**
 * Property filters on a step or exclusion: every named property must equal the value (or one of the
 * values) given. `null` in a list matches events where the property is missing.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export type FunnelPropertyFilter = Readonly<Record<string, ActionPropertyValue | ReadonlyArray<ActionPropertyValue>>>;

/**
 * One step of an event funnel, in its long form. A plain string `'signup'` is short for
 * `{ action: 'signup' }`.
 *
 * - `action`: the action (or any of several actions) that completes the step;
 * - `anyAction: true`: any action completes the step (PostHog's "any event");
 * - `where`: property filters the step's event must satisfy;
 * - `optional`: the step may be skipped (ordered funnels, PostHog rules only);
 * - `maxGapMs`: maximum time from the previous step's event (inclusive), on top of the window.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelStep {
  /** The action, or any of several actions, that completes the step. */
  readonly action?: string | ReadonlyArray<string> | undefined;
  /** Any action completes the step (instead of `action`). */
  readonly anyAction?: boolean | undefined;
  /** Property filters on the step's event. */
  readonly where?: FunnelPropertyFilter | undefined;
  /** The step may be skipped (ordered funnels with PostHog rules). Default `false`. */
  readonly optional?: boolean | undefined;
  /** Maximum milliseconds from the previous reached step's event to this step's event (inclusive). */
  readonly maxGapMs?: number | undefined;
  /** A display label (default: the action names joined by ` | `, or `'any action'`). */
  readonly label?: string | undefined;
}

/**
 * A step as written in a query: an action name or a {@link FunnelStep}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export type FunnelStepInput = string | FunnelStep;

/**
 * An exclusion: if the unit does `action` after reaching step `from` and before reaching step `to`
 * (0-based step indexes, `from < to ≤ last`) within the window, then with PostHog rules the unit is
 * removed from the whole funnel (ordered, strict) or its progress resets (unordered, where the range
 * must span the whole funnel); with the first-entry rule it stays counted up to the steps it reached
 * and is dropped with reason `'excluded'` (Mixpanel).
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelExclusion {
  /** The excluded action, or any of several. */
  readonly action: string | ReadonlyArray<string>;
  /** Property filters on the excluded event. */
  readonly where?: FunnelPropertyFilter | undefined;
  /** 0-based index of the step after which the exclusion applies. */
  readonly from: number;
  /** 0-based index of the step up to which the exclusion applies (`from < to ≤ last`). */
  readonly to: number;
}

/**
 * How steps must be ordered: `'ordered'` (other events allowed between steps), `'strict'` (any event
 * between two steps breaks the chain, except actions on the ignore list) or `'unordered'` (k of N steps
 * in any order within the window).
 *
 * @category Event funnels
 * @since 0.1.0
 */
export type FunnelOrder = 'ordered' | 'strict' | 'unordered';

/**
 * Which attempt of a unit counts: `'posthog'` (default; the deepest step reached by any attempt, a newer
 * step 1 replaces an older start that has not progressed, times from the first complete conversion) or
 * `'firstEntry'` (Mixpanel uniques: only the unit's first step-1 event starts an attempt; a later step 1
 * does not reset the window).
 *
 * @category Event funnels
 * @since 0.1.0
 */
export type FunnelAttempt = 'posthog' | 'firstEntry';

/**
 * A ClickHouse `windowFunnel` mode flag (semantics of ClickHouse 26.7, checked against it):
 * - `'strict_deduplication'`: a repeated condition whose level is already reached stops the walk;
 * - `'strict_order'`: once the chain started, a row matching no step, or a step whose previous level
 *   is empty, stops the walk;
 * - `'strict_increase'`: consecutive steps need strictly increasing times;
 * - `'strict_once'`: every candidate chain is tracked and one row is used at most once in a chain
 *   (so `a` → `a` needs two rows);
 * - `'allow_reentry'` (requires `'strict_order'`): a step whose previous level is empty is skipped
 *   instead of stopping the walk.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export type ClickHouseFunnelMode = 'strict_deduplication' | 'strict_order' | 'strict_increase' | 'strict_once' | 'allow_reentry';

/**
 * An event-funnel query over an {@link ActionLog}: the steps and the counting rules.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelQuery {
  /** The steps, in order (1 to 64). */
  readonly steps: ReadonlyArray<FunnelStepInput>;
  /** Conversion window in ms from the attempt's step-1 event to every later step, inclusive. Default 14 days (PostHog). */
  readonly windowMs?: number | undefined;
  /** Step order rule. Default `'ordered'`. */
  readonly order?: FunnelOrder | undefined;
  /** Strict order only: actions that never break the chain (noise such as `'$pageleave'`). */
  readonly strictIgnore?: ReadonlyArray<string> | undefined;
  /** Which attempt counts. Default `'posthog'`. Ignored in ClickHouse compatibility mode. */
  readonly attempt?: FunnelAttempt | undefined;
  /**
   * ClickHouse `windowFunnel(window, modes…)` compatibility: `true` for the default semantics, or the
   * list of mode flags. The result then is ClickHouse's level per unit (order, attempt, exclusions,
   * optional steps and per-step gaps are not used and must be absent).
   */
  readonly clickhouse?: boolean | ReadonlyArray<ClickHouseFunnelMode> | undefined;
  /** Exclusion steps. */
  readonly exclusions?: ReadonlyArray<FunnelExclusion> | undefined;
  /** The as-of time (epoch ms). Units whose window is still open at `now` are in progress, not dropped. */
  readonly now?: number | undefined;
}

/**
 * The rules a funnel result was computed with (every default filled in), recorded on every result.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelRules {
  /** Step labels. */
  readonly steps: ReadonlyArray<string>;
  /** Which steps are optional. */
  readonly optional: ReadonlyArray<boolean>;
  /** Per-step maximum gap from the previous step (ms), `null` when none. */
  readonly maxGapMs: ReadonlyArray<number | null>;
  /** Conversion window (ms, inclusive). */
  readonly windowMs: number;
  /** Order rule. */
  readonly order: FunnelOrder;
  /** Attempt rule (`'clickhouse'` in compatibility mode). */
  readonly attempt: FunnelAttempt | 'clickhouse';
  /** ClickHouse mode flags (empty unless in compatibility mode). */
  readonly clickhouseModes: ReadonlyArray<ClickHouseFunnelMode>;
  /** Strict-order ignore list. */
  readonly strictIgnore: ReadonlyArray<string>;
  /** Exclusions as given. */
  readonly exclusions: ReadonlyArray<{ readonly actions: ReadonlyArray<string>; readonly from: number; readonly to: number }>;
  /** The as-of time, or `null`. */
  readonly now: number | null;
  /**
   * How many threads computed the report: set only by the threaded handle of `funnelwise/threads`
   * (the calling thread plus the workers the call used; `1` when the query's shape or the log's size
   * keeps it on one thread), absent otherwise. It never changes a figure.
   */
  readonly threads?: number;
}
