/**
 * A view of an action log restricted to some events (same units, same unit indexes, events kept in
 * their sorted order). Used by the "all events" breakdown, which runs the funnel once per value on
 * the events carrying that value. Cost O(events + properties × kept events). @internal
 */
import type { ActionLog, ActionPropertyColumn } from '../io/actionLog.js';

/** The log with only the events at sorted positions p where `keep[p] === 1`. @internal */
export function subLog(log: ActionLog, keep: Uint8Array): ActionLog {
  let m = 0;
  for (let p = 0; p < log.eventCount; p++) m += keep[p] === 1 ? 1 : 0;
  const offsets = new Int32Array(log.unitCount + 1);
  const time = new Float64Array(m);
  const action = new Uint16Array(m);
  const positions = new Int32Array(m);
  let q = 0;
  for (let u = 0; u < log.unitCount; u++) {
    offsets[u] = q;
    for (let p = log.offsets[u] as number, end = log.offsets[u + 1] as number; p < end; p++) {
      if (keep[p] !== 1) continue;
      time[q] = log.time[p] as number;
      action[q] = log.action[p] as number;
      positions[q] = p;
      q++;
    }
  }
  offsets[log.unitCount] = q;
  const properties: Record<string, ActionPropertyColumn> = {};
  for (const [name, col] of Object.entries(log.properties)) {
    const codes = new Int32Array(m);
    for (let i = 0; i < m; i++) codes[i] = col.codes[positions[i] as number] as number;
    properties[name] = Object.freeze({ codes, values: col.values });
  }
  return Object.freeze({ ...log, eventCount: m, offsets, time, action, properties: Object.freeze(properties) });
}
