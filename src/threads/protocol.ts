/**
 * The messages between the threaded handle ({@link createFunnelThreads}) and its worker threads, and the
 * layout of each worker's control block, and the unit search both sides cut ranges with. Internal to
 * `funnelwise/threads`. @internal
 */

/** Control block (an `Int32Array` over a `SharedArrayBuffer`): the last finished request's number. @internal */
export const DONE = 0;
/** Control block: a counter the worker bumps after each chunk of its range (the main thread's liveness check). @internal */
export const PROGRESS = 1;
/** Control block: set to 1 by a worker that is exiting. @internal */
export const DEAD = 2;
/** Length of the control block. @internal */
export const CONTROL_LENGTH = 3;

/** What a worker receives once, in `workerData`. @internal */
export interface WorkerBoot {
  readonly control: Int32Array;
  readonly port: import('node:worker_threads').MessagePort;
}

/** A log's grouped columns on shared memory, named by an id the worker caches them under. @internal */
export interface LogColumns {
  readonly offsets: Int32Array;
  readonly time: Float64Array;
  readonly action: Uint16Array;
}

/** One fused pass over units `[u0, u1)`. @internal */
export interface PassRequest {
  readonly seq: number;
  readonly logId: number;
  /** The columns, when this worker has not seen (or has dropped) the log. */
  readonly columns: LogColumns | null;
  /** Log ids the worker drops from its cache first. */
  readonly evict: ReadonlyArray<number>;
  readonly clickhouse: boolean;
  readonly n: number;
  readonly window: number;
  readonly now: number | null;
  readonly codeStep: Int8Array;
  readonly u0: number;
  readonly u1: number;
}

/** A worker's partial figures (its `PassSink`), or its error. @internal */
export type PassReply =
  | {
      readonly seq: number;
      readonly ok: true;
      readonly hist: Float64Array;
      readonly dropped: Float64Array;
      readonly inProg: Float64Array;
      readonly gaps: Float64Array[];
      readonly gapCount: Int32Array;
      readonly gapSum: Float64Array;
    }
  | { readonly seq: number; readonly ok: false; readonly message: string };

/** First unit in `[from, to)` whose events start at or after event `target` (`to` when none): binary search on the offsets. @internal */
export function unitAtEvent(offsets: Int32Array, from: number, to: number, target: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((offsets[mid] as number) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
