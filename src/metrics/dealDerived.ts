import type { DealTable } from '../io/dealTable.js';
import { dealPath, terminalOf } from './dealPath.js';

/**
 * Per-table derived columns, computed on first use and cached in WeakMaps keyed by the table (tables
 * are read-only, so a derived column never goes stale; the public {@link DealTable} stays a plain
 * object and the cache dies with the table). Internal to metrics/.
 * @internal
 */

const TERMINAL = new WeakMap<DealTable, Int32Array>();

/**
 * Each deal's terminal position on the path ({@link terminalOf}: furthest path stage reached, or the
 * lost-at stage; -1 when it cannot be placed): the table's {@link DealTable.furthestStage} (derived at
 * build) mapped to path positions. One pass over the deals, once per table.
 * @internal
 */
export function terminalPositions(table: DealTable): Int32Array {
  let out = TERMINAL.get(table);
  if (out === undefined) {
    const { position } = dealPath(table);
    const furthest = table.furthestStage;
    out = new Int32Array(table.size);
    for (let i = 0; i < table.size; i++) {
      const s = furthest[i] as number;
      out[i] = s < 0 ? -1 : (position[s] as number);
    }
    TERMINAL.set(table, out);
  }
  return out;
}

