/**
 * What the threaded handle ({@link createFunnelThreads}) and its worker threads share: the layout of
 * each worker's control block, the messages, and the chunk loop both sides run. Internal to
 * `funnelwise/threads`. @internal
 */
import type { PassColumns, PassQuery, PassSink } from '../funnels/fusedPass.js';
import { fusedPassFor, newPassSink } from '../funnels/fusedPass.js';

/** Control block (an `Int32Array` over a `SharedArrayBuffer`): the last finished request's number. @internal */
export const DONE = 0;
/** Control block: a counter the worker bumps after each chunk it computed (the main thread's liveness check). @internal */
export const PROGRESS = 1;
/** Control block: set to 1 by a worker that is exiting. @internal */
export const DEAD = 2;
/** Length of the control block. @internal */
export const CONTROL_LENGTH = 3;

/** What a worker receives once, in `workerData`. @internal */
export interface WorkerBoot {
  readonly control: Int32Array;
  /** The handle's chunk counter (`claim[0]` = the next chunk to take), shared by every thread of the handle. */
  readonly claim: Int32Array;
  readonly port: import('node:worker_threads').MessagePort;
}

/** A log's grouped columns on shared memory (a worker caches them under the log's id). @internal */
export type LogColumns = PassColumns;

/** One call: compute chunks of the log's units (`cuts[c] .. cuts[c + 1]`) taken from the shared counter until none is left. @internal */
export interface PassRequest {
  readonly seq: number;
  readonly logId: number;
  /** The columns, when this worker has not seen (or has dropped) the log. */
  readonly columns: LogColumns | null;
  /** Log ids the worker drops from its cache first. */
  readonly evict: ReadonlyArray<number>;
  readonly clickhouse: boolean;
  /** Whether the step times are computed (`eventFunnel`'s `times`). */
  readonly times: boolean;
  readonly n: number;
  readonly window: number;
  readonly now: number | null;
  readonly codeStep: Int8Array;
  readonly cuts: Int32Array;
}

/** The figures of one chunk: a `PassSink` without its range, which the chunk index `c` gives. @internal */
export type ChunkFigures = Omit<PassSink, 'first' | 'units'> & { readonly c: number };

/** A worker's chunks, or its error. @internal */
export type PassReply = { readonly seq: number; readonly ok: true; readonly chunks: ChunkFigures[] } | { readonly seq: number; readonly ok: false; readonly message: string };

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

/** Step times a chunk's buffers start with (they grow to the chunk's projected need). */
const CHUNK_INITIAL_TIMES = 1024;

/**
 * Takes chunks from the shared counter (`Atomics.add`) until none is left and runs the fused pass on
 * each into a sink of its own (step times only with `times`); `done` runs after each chunk. Threads that are descheduled simply take
 * fewer chunks. @internal
 */
export function runChunks(cols: PassColumns, q: PassQuery, clickhouse: boolean, times: boolean, codeStep: Int8Array, cuts: Int32Array, claim: Int32Array, done: () => void): Array<{ c: number; sink: PassSink }> {
  const pass = fusedPassFor(clickhouse, times);
  const K = cuts.length - 1;
  const out: Array<{ c: number; sink: PassSink }> = [];
  for (let c = Atomics.add(claim, 0, 1); c < K; c = Atomics.add(claim, 0, 1)) {
    const u0 = cuts[c] as number;
    const u1 = cuts[c + 1] as number;
    const sink = newPassSink(q.n, u1 - u0, u0, times ? CHUNK_INITIAL_TIMES : 0);
    pass(cols, q, codeStep, sink, u0, u1);
    out.push({ c, sink });
    done();
  }
  return out;
}
