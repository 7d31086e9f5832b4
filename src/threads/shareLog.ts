/**
 * The log's grouped columns as worker threads can read them: on a `SharedArrayBuffer`. Columns already
 * on shared memory (an `ActionLog` built in Node allocates them there) are used as they are — no copy;
 * others are copied once into shared memory and the copy is kept for as long as the log lives (a
 * `WeakMap` keyed by the log). Each log gets an id the workers cache its columns under. @internal
 */
import type { ActionLog } from '../io/actionLog.js';
import type { LogColumns } from './protocol.js';

/** A log's columns on shared memory, its id, and whether they had to be copied. @internal */
export interface SharedLog extends LogColumns {
  readonly id: number;
  readonly copied: boolean;
}

const shared = new WeakMap<ActionLog, SharedLog>();
let nextId = 1;

function isShared(a: ArrayBufferView): boolean {
  return a.buffer instanceof SharedArrayBuffer;
}

function copyToShared<T extends Int32Array | Float64Array | Uint16Array>(a: T, make: (buf: SharedArrayBuffer, length: number) => T): T {
  if (isShared(a)) return a;
  const out = make(new SharedArrayBuffer(a.length * a.BYTES_PER_ELEMENT), a.length);
  out.set(a as never);
  return out;
}

/** The log's columns on shared memory (zero-copy when they already are; else one cached copy). @internal */
export function shareLog(log: ActionLog): SharedLog {
  const hit = shared.get(log);
  if (hit !== undefined) return hit;
  const copied = !isShared(log.offsets) || !isShared(log.time) || !isShared(log.action);
  const s: SharedLog = {
    id: nextId++,
    copied,
    offsets: copyToShared(log.offsets, (b, n) => new Int32Array(b, 0, n)),
    time: copyToShared(log.time, (b, n) => new Float64Array(b, 0, n)),
    action: copyToShared(log.action, (b, n) => new Uint16Array(b, 0, n)),
  };
  shared.set(log, s);
  return s;
}
