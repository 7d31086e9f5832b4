import type { FunnelRules } from './funnelQuery.js';

/**
 * Why a unit dropped out after the step it reached:
 * - `'timedOut'` — it did the next step's action after its last reached step, but only outside the
 *   window (or beyond the step's `maxGapMs`);
 * - `'excluded'` — an exclusion event ended the attempt (first-entry rule; with PostHog rules excluded
 *   units are removed from the funnel and listed separately);
 * - `'strictBroken'` — strict order: it did the next step's action within the window, but another event
 *   came in between;
 * - `'neverDidNextStep'` — it never did the next step's action after its last reached step.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export type FunnelDropReason = 'timedOut' | 'excluded' | 'strictBroken' | 'neverDidNextStep';

/**
 * The per-unit result of a funnel query: the lower-level contract under {@link eventFunnel}, used for
 * breakdowns, trends, time to convert and correlation. Every array is indexed by the log's unit index
 * `u` (`0 … unitCount-1`, the order of {@link ActionLog.unitKeys}); matrices are row-major
 * `u * stepCount + k`.
 *
 * Reading it:
 * - `deepest[u]`: 0-based index of the deepest step the unit's counted attempt reached; `-1` when the
 *   unit never did step 1 or was removed by an exclusion (then `excluded[u] = 1`). In unordered funnels
 *   it is "number of steps completed − 1".
 * - `reached[u*stepCount+k]`: 1 when the unit counts at step k. Without optional steps this is
 *   `deepest[u] >= k`; an optional step counts only the units whose path includes it.
 * - `stepTime[u*stepCount+k]`: epoch ms of the event used for step k on the counted attempt (`NaN` when
 *   not reached, or an optional step skipped). In unordered funnels column k holds the time of the
 *   (k+1)-th step completed (ascending), and `stepOf` says which step it was.
 * - `entryTime[u]`: time of the counted attempt's step-1 event (`NaN` if none).
 * - `lastEntryTime[u]`: time of the unit's latest step-1 event (`NaN` if none); in unordered funnels,
 *   where any step may open the window, of its latest event matching any step.
 * - `inProgress[u]`: 1 when `now` was given, the unit has not reached the last step, and a window that
 *   could still complete is open at `now` (`lastEntryTime` + window ≥ now; first-entry rule: its entry + window).
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelUnitResults {
  /** The rules that produced these results. */
  readonly rules: FunnelRules;
  /** The number of steps. */
  readonly stepCount: number;
  /** The number of units (the log's `unitCount`). */
  readonly unitCount: number;
  /** Deepest step index reached per unit (`-1`: none or excluded). */
  readonly deepest: Int8Array;
  /** 1 when the unit was removed by an exclusion (PostHog rules, ordered/strict). */
  readonly excluded: Uint8Array;
  /** 1 when the unit counts at step k (`u * stepCount + k`). */
  readonly reached: Uint8Array;
  /** Time of the step-k event on the counted attempt (`u * stepCount + k`), `NaN` when not reached. */
  readonly stepTime: Float64Array;
  /** Unordered funnels: which step (0-based) was completed at position k (`u * stepCount + k`), else `-1`. Ordered: `k` or `-1`. */
  readonly stepOf: Int8Array;
  /** Time of the counted attempt's step-1 event, `NaN` if none. */
  readonly entryTime: Float64Array;
  /** Time of the unit's latest step-1 event (unordered: latest event matching any step), `NaN` if none. */
  readonly lastEntryTime: Float64Array;
  /** 1 when the unit's window is still open at `now` and it has not converted. */
  readonly inProgress: Uint8Array;
}
