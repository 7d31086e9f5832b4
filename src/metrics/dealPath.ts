import { DEAL_LOST, type DealTable } from '../io/dealTable.js';

/**
 * The conversion path of a funnel and how to place a deal on it. Internal to metrics/ (not exported
 * from the package): conversion, health and the docs share one definition of "how far a deal got".
 * @internal
 */
export interface DealPath {
  /** Path position → stage index (every stage whose category is not `lost`, in funnel order). */
  readonly stages: Int32Array;
  /** Stage index → path position, -1 for lost stages. */
  readonly position: Int32Array;
  /** Stage index → 1 for an open stage. */
  readonly openStage: Uint8Array;
}

/** The path of a table's funnel. @internal */
export function dealPath(table: DealTable): DealPath {
  const stages = table.funnel.stages;
  const position = new Int32Array(stages.length).fill(-1);
  const openStage = new Uint8Array(stages.length);
  const path: number[] = [];
  stages.forEach((s, i) => {
    if (s.category !== 'lost') {
      position[i] = path.length;
      path.push(i);
    }
    if (s.category === 'open') openStage[i] = 1;
  });
  return { stages: Int32Array.from(path), position, openStage };
}

/**
 * A deal's terminal position on the path: for an open or won deal, the furthest path stage in its
 * history or its current stage (whichever is further); for a lost deal, its lost-at stage (or, when
 * unknown, the furthest open stage of its history); -1 when it cannot be placed. O(its history rows).
 * @internal
 */
export function terminalOf(table: DealTable, i: number, position: Int32Array, openStage: Uint8Array): number {
  const lo = table.histStart[i] as number;
  const hi = table.histStart[i + 1] as number;
  const histTo = table.histTo;
  if (table.status[i] === DEAL_LOST) {
    const la = table.lostAtStage[i] as number;
    let t = la >= 0 ? (position[la] as number) : -1;
    if (t < 0) {
      for (let k = lo; k < hi; k++) {
        const to = histTo[k] as number;
        if (openStage[to] === 1 && (position[to] as number) > t) t = position[to] as number;
      }
    }
    return t;
  }
  let t = position[table.stage[i] as number] as number;
  for (let k = lo; k < hi; k++) {
    const p = position[histTo[k] as number] as number;
    if (p > t) t = p;
  }
  return t;
}
