/**
 * Small random action logs for the event-funnel analyses: a few units, actions a/b/c (funnel steps)
 * and x/y (other actions), coarse times so ties happen, and an optional `channel` property.
 */
import fc from 'fast-check';

/** One row of a small random action log. */
export interface SmallRow {
  readonly unit: number;
  readonly time: number;
  readonly action: string;
  readonly channel: string | null;
}

/** A row: unit 0..7, time 0..30 (ms × 60,000 in tests that want minutes), action, channel. */
export const smallRowArb: fc.Arbitrary<SmallRow> = fc.record({
  unit: fc.integer({ min: 0, max: 7 }),
  time: fc.integer({ min: 0, max: 30 }),
  action: fc.constantFrom('a', 'b', 'c', 'x', 'y'),
  channel: fc.constantFrom('p', 'q', 'r', null),
});

/** A log of 1..60 rows that contains every action at least once (so step names always resolve). */
export const smallLogArb: fc.Arbitrary<SmallRow[]> = fc.array(smallRowArb, { minLength: 1, maxLength: 60 }).map((rows) => [
  ...rows,
  { unit: 99, time: 0, action: 'a', channel: null },
  { unit: 99, time: 1, action: 'b', channel: null },
  { unit: 99, time: 2, action: 'c', channel: null },
  { unit: 99, time: 3, action: 'x', channel: null },
  { unit: 99, time: 4, action: 'y', channel: null },
]);

/** Columns of an action log from rows (times scaled by `scale` ms). */
export function columnsOf(rows: readonly SmallRow[], scale = 1): { unit: number[]; time: number[]; action: string[]; properties: { channel: Array<string | null> } } {
  return {
    unit: rows.map((r) => r.unit),
    time: rows.map((r) => r.time * scale),
    action: rows.map((r) => r.action),
    properties: { channel: rows.map((r) => r.channel) },
  };
}
