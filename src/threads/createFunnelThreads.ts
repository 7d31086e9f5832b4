import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { fail, FunnelError } from '../errors/FunnelError.js';
import type { ActionLog } from '../io/actionLog.js';
import type { CompiledQuery } from '../funnels/compileQuery.js';
import type { EventFunnelOptions, EventFunnelReport, FusedScan } from '../funnels/eventFunnel.js';
import { runEventFunnel } from '../funnels/eventFunnel.js';
import type { FunnelSummary } from '../funnels/funnelSummary.js';
import { fusedCodeSteps, scanFunnelSummary, summaryOfSink } from '../funnels/funnelSummary.js';
import type { PassSink } from '../funnels/fusedPass.js';
import { mergePassSinks } from '../funnels/fusedPass.js';
import type { PassReply, PassRequest, WorkerBoot } from './protocol.js';
import { CONTROL_LENGTH, DEAD, DONE, PROGRESS, runChunks, unitAtEvent } from './protocol.js';
import { shareLog } from './shareLog.js';

/**
 * Options of {@link createFunnelThreads}.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelThreadsOptions {
  /**
   * Threads that compute a funnel, the calling thread included (so `threads − 1` workers are started):
   * an integer from 1 to 64. Default 2. More threads than cores only adds overhead.
   */
  readonly threads?: number | undefined;
  /**
   * Fewest events per thread: a log of `E` events uses at most `floor(E ÷ minEventsPerThread)` threads
   * (at least 1), so small logs are not split where the hand-off costs more than it saves. A
   * non-negative integer; default 100,000 (about a millisecond of pass per thread).
   */
  readonly minEventsPerThread?: number | undefined;
  /**
   * How long a worker may go without progress before the call gives up (ms): a positive number,
   * default 10,000. A worker reports progress every 262,144 events of its part, so a live worker
   * reports every few milliseconds; a worker that exited or hangs makes the call throw instead of
   * waiting forever.
   */
  readonly stallTimeoutMs?: number | undefined;
}

/**
 * A handle on worker threads that compute event funnels in parallel (from `funnelwise/threads`,
 * Node only). Made by {@link createFunnelThreads}; close it with `close()` when done.
 *
 * @category Event funnels
 * @since 0.1.0
 */
export interface FunnelThreads {
  /** Threads a funnel may use, the calling thread included (as requested). */
  readonly threads: number;
  /**
   * `eventFunnel`, computed by up to `threads` threads: the same report (deep-equal, every
   * figure bit for bit), plus `rules.threads` — how many threads computed it (1 for the query shapes
   * that run single-threaded, see the event-funnel guide). Synchronous: the calling thread computes
   * its part, then blocks (`Atomics.wait`) until the workers have computed theirs.
   *
   * @throws `FunnelError` as `eventFunnel`; `INVALID_INPUT` on a closed handle; `ABORTED`
   * when a worker exited or made no progress for `stallTimeoutMs` (the handle is then closed).
   */
  eventFunnel(log: ActionLog, options: EventFunnelOptions): EventFunnelReport;
  /** Stops the workers (idempotent); later calls of `eventFunnel` throw. */
  close(): Promise<void>;
}

/** The most threads a handle may use. */
const MAX_THREADS = 64;
/** Logs whose columns each worker keeps referenced (least recently used first out). */
const WORKER_LOG_CACHE = 2;
/** Chunks per thread a call cuts the log into (threads that get less CPU take fewer of them). */
const CHUNKS_PER_THREAD = 8;
/** How long one `Atomics.wait` lasts before the liveness check (ms). */
const WAIT_SLICE_MS = 50;

/** One worker as the main thread sees it. */
interface WorkerSlot {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly control: Int32Array;
  /** Log ids the worker has cached, least recently used first. */
  readonly logs: number[];
  seq: number;
}

/**
 * The built worker next to this module: `dist/threadsWorker.js`, an ES module which the CommonJS build
 * starts too (tsup turns `import.meta.url` into the file's URL from `__filename` there).
 */
function defaultWorkerUrl(): URL {
  return new URL('./threadsWorker.js', import.meta.url);
}

function checkOptions(options: FunnelThreadsOptions | undefined): { threads: number; minEvents: number; stallMs: number } {
  if (options !== undefined && (options === null || typeof options !== 'object')) fail('INVALID_OPTION', 'an options object', options, ['options']);
  const threads = options?.threads === undefined ? 2 : options.threads;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    fail('INVALID_OPTION', `an integer from 1 to ${MAX_THREADS}`, threads, ['options', 'threads']);
  }
  const minEvents = options?.minEventsPerThread === undefined ? 100_000 : options.minEventsPerThread;
  if (typeof minEvents !== 'number' || !Number.isInteger(minEvents) || minEvents < 0) fail('INVALID_OPTION', 'a non-negative integer', minEvents, ['options', 'minEventsPerThread']);
  const stallMs = options?.stallTimeoutMs === undefined ? 10_000 : options.stallTimeoutMs;
  if (typeof stallMs !== 'number' || !(stallMs > 0) || !Number.isFinite(stallMs)) fail('INVALID_OPTION', 'a positive number of milliseconds', stallMs, ['options', 'stallTimeoutMs']);
  return { threads, minEvents, stallMs };
}

/** Starts one worker and resolves once it has loaded (or rejects with why it could not). */
function startWorker(url: URL, index: number, claim: Int32Array): Promise<WorkerSlot> {
  const control = new Int32Array(new SharedArrayBuffer(CONTROL_LENGTH * 4));
  const { port1, port2 } = new MessageChannel();
  const boot: WorkerBoot = { control, claim, port: port2 };
  const worker = new Worker(url, { workerData: boot, transferList: [port2] });
  return new Promise((resolve, reject) => {
    const onError = (e: unknown): void => {
      worker.removeAllListeners();
      port1.close();
      void worker.terminate();
      reject(new FunnelError('ABORTED', `funnelwise: worker thread ${index + 1} could not start: ${e instanceof Error ? e.message : String(e)}`, { path: ['threads'] }));
    };
    worker.once('error', onError);
    worker.once('exit', (code) => onError(new Error(`it exited with code ${code}`)));
    worker.once('message', () => {
      worker.removeAllListeners();
      // Errors after start-up surface in the calls (liveness check); keep the process free to exit.
      worker.on('error', () => {});
      worker.unref();
      port1.unref();
      resolve({ worker, port: port1, control, logs: [], seq: 0 });
    });
  });
}

/**
 * Starts worker threads that compute event funnels in parallel, and returns a handle whose
 * `eventFunnel(log, options)` returns exactly what `eventFunnel` returns — computed by up to
 * `threads` threads. Node only: import it from `funnelwise/threads` (the main entry stays free of
 * Node APIs).
 *
 * How: the log's units are cut into chunks (8 per thread) holding about equal numbers of events (cut
 * on unit boundaries, from the log's offsets). The calling thread posts each worker the query and the
 * cuts, then every thread — the calling one included — takes chunks from a shared counter
 * (`Atomics.add`) until none is left, so a thread that gets less CPU (a busy machine) simply takes fewer.
 * The calling thread then waits (`Atomics.wait` on a shared flag) for the workers' chunk figures, which
 * it reads synchronously (`receiveMessageOnPort`; their buffers are transferred, not copied) and merges
 * in chunk order: counts added, step times concatenated in unit order and summed in that order, medians
 * by the same exact selection — so every figure equals the
 * single-threaded one bit for bit. The workers read the log's columns from shared memory: an
 * `ActionLog` built in Node keeps them on a `SharedArrayBuffer`, so nothing is copied (a log whose
 * columns are not shared is copied once, and the copy is cached for as long as the log lives); each
 * worker keeps the columns of the last two logs it saw, so repeated funnels on one log send only the
 * query.
 *
 * Parallel: the query shapes of eventFunnel's fused pass — ordered, one action per step, no property
 * filters, optional steps, per-step gaps or exclusions, PostHog rules or ClickHouse's default
 * semantics, no unit lists. Every other query runs single-threaded, as `eventFunnel` (the
 * report's `rules.threads` is then 1), as do logs too small to split (`minEventsPerThread`).
 *
 * Cost: starting takes tens of milliseconds (each worker loads its own copy of the pass code); each
 * worker holds a few MB plus the step times of its chunks while it computes; the handle keeps the
 * buffers it merges step times into (8 bytes per step time) until `close()`. A funnel pays one message
 * round trip per worker (well under a millisecond) and the merge (one copy of the step times).
 *
 * @param options - Threads (default 2), the smallest part worth a thread, and the stall timeout.
 * @returns A promise of the handle, once every worker has loaded.
 * @throws `FunnelError` `INVALID_OPTION` naming the bad option (e.g. `['options', 'threads']`);
 * `ABORTED` (rejected) when a worker cannot start.
 * @category Event funnels
 * @since 0.1.0
 * @example
 * ```ts
 * const log = ActionLog.fromColumns({
 *   unit: [1, 1, 1, 2, 2, 3, 3, 3],
 *   time: [0, 1000, 2000, 0, 5000, 0, 10, 20],
 *   action: ['visit', 'signup', 'paid', 'visit', 'paid', 'visit', 'signup', 'paid'],
 * });
 * const pool = await createFunnelThreads({ threads: 2, minEventsPerThread: 1 });
 * const query = { steps: ['visit', 'signup', 'paid'], windowMs: 10_000 };
 * const f = pool.eventFunnel(log, query);
 * f.steps.map((s) => s.count) // => [3, 2, 2]
 * f.rules.threads // => 2
 * f.steps[2].meanMsFromPrevious === eventFunnel(log, query).steps[2].meanMsFromPrevious // => true
 * await pool.close();
 * ```
 */
export function createFunnelThreads(options?: FunnelThreadsOptions): Promise<FunnelThreads> {
  return createFunnelThreadsAt(defaultWorkerUrl(), options);
}

/** {@link createFunnelThreads} with the worker script at `url` (tests load a build of the source). @internal */
export async function createFunnelThreadsAt(url: URL, options?: FunnelThreadsOptions): Promise<FunnelThreads> {
  const { threads, minEvents, stallMs } = checkOptions(options);
  // the next chunk to take, shared by the calling thread and every worker of the handle
  const claim = new Int32Array(new SharedArrayBuffer(4));
  const started = await Promise.allSettled(Array.from({ length: threads - 1 }, (_, i) => startWorker(url, i, claim)));
  const slots: WorkerSlot[] = [];
  for (const s of started) if (s.status === 'fulfilled') slots.push(s.value);
  const failed = started.find((s) => s.status === 'rejected');
  if (failed !== undefined) {
    await Promise.all(slots.map((s) => s.worker.terminate()));
    throw failed.reason;
  }
  let closed: string | null = null;
  // each step's merged times, reused from call to call (the report is built before the next call)
  const mergeBuffers: Float64Array[] = [];

  const abort = (why: string): never => {
    closed = why;
    for (const s of slots) {
      s.port.close();
      void s.worker.terminate();
    }
    throw new FunnelError('ABORTED', `funnelwise: ${why}; the FunnelThreads handle is closed`, { path: ['threads'] });
  };

  /** Waits for worker `s` to finish request `seq` and returns its reply. */
  const awaitReply = (s: WorkerSlot, index: number): PassReply => {
    const c = s.control;
    let progress = Atomics.load(c, PROGRESS);
    let stalled = 0;
    while (Atomics.load(c, DONE) !== s.seq) {
      if (Atomics.load(c, DEAD) === 1) abort(`worker thread ${index + 1} exited`);
      if (Atomics.wait(c, DONE, s.seq - 1, WAIT_SLICE_MS) !== 'timed-out') continue;
      const p = Atomics.load(c, PROGRESS);
      if (p !== progress) {
        progress = p;
        stalled = 0;
      } else if ((stalled += WAIT_SLICE_MS) >= stallMs) abort(`worker thread ${index + 1} made no progress for ${stallMs} ms`);
    }
    const m = receiveMessageOnPort(s.port);
    if (m === undefined) return abort(`worker thread ${index + 1} finished without a reply`);
    return m.message as PassReply;
  };

  const scan: FusedScan = (log: ActionLog, q: CompiledQuery, times: boolean): { summary: FunnelSummary; threads: number } => {
    const U = log.unitCount;
    const E = log.eventCount;
    const n = q.n;
    const want = Math.max(1, Math.min(threads, U, minEvents === 0 ? threads : Math.floor(E / minEvents)));
    if (want === 1 || typeof SharedArrayBuffer !== 'function') return { summary: scanFunnelSummary(log, q, times), threads: 1 };
    const codeStep = fusedCodeSteps(log, q);
    // chunks of about E ÷ K events, cut on unit boundaries; every thread takes chunks until none is left
    const K = Math.min(U, want * CHUNKS_PER_THREAD);
    const cuts = new Int32Array(K + 1);
    for (let c = 1; c < K; c++) cuts[c] = Math.max(cuts[c - 1] as number, unitAtEvent(log.offsets, 0, U, Math.round((c * E) / K)));
    cuts[K] = U;
    Atomics.store(claim, 0, 0);
    const cols = shareLog(log);
    const clickhouse = q.attempt === 'clickhouse';
    const busy = slots.slice(0, want - 1);
    for (const s of busy) {
      const known = s.logs.indexOf(cols.id);
      const evict: number[] = [];
      if (known >= 0) s.logs.splice(known, 1);
      else while (s.logs.length >= WORKER_LOG_CACHE) evict.push(s.logs.shift() as number);
      s.logs.push(cols.id);
      s.seq++;
      const req: PassRequest = {
        seq: s.seq,
        logId: cols.id,
        columns: known >= 0 ? null : { offsets: cols.offsets, time: cols.time, action: cols.action },
        evict,
        clickhouse,
        times,
        n,
        window: q.window,
        now: q.now,
        codeStep,
        cuts,
      };
      s.port.postMessage(req);
    }
    const parts: Array<PassSink | undefined> = new Array<PassSink | undefined>(K);
    for (const { c, sink } of runChunks(log, q, clickhouse, times, codeStep, cuts, claim, () => {})) parts[c] = sink;
    // every reply is read before any is judged, so no stale reply is left on a port
    const replies = busy.map((s, i) => awaitReply(s, i));
    replies.forEach((reply, i) => {
      if (!reply.ok) throw new Error(`funnelwise: internal error in worker thread ${i + 1}: ${reply.message}`);
      for (const f of reply.chunks) parts[f.c] = { ...f, first: cuts[f.c] as number, units: (cuts[f.c + 1] as number) - (cuts[f.c] as number) };
    });
    const all: PassSink[] = [];
    for (let c = 0; c < K; c++) {
      const p = parts[c];
      if (p === undefined) throw new Error(`funnelwise: internal error: chunk ${c} of ${K} was not computed`);
      all.push(p);
    }
    // the report adds each step's merged times up while it takes their median (same order, same sums)
    return { summary: summaryOfSink(n, mergePassSinks(all, mergeBuffers, false), true), threads: want };
  };

  return Object.freeze({
    threads,
    eventFunnel(log: ActionLog, funnelOptions: EventFunnelOptions): EventFunnelReport {
      if (closed !== null) fail('INVALID_INPUT', `an open FunnelThreads handle (this one is closed: ${closed})`, 'a closed handle', ['threads']);
      return runEventFunnel(log, funnelOptions, scan);
    },
    async close(): Promise<void> {
      if (closed === null) closed = 'close() was called';
      mergeBuffers.length = 0;
      for (const s of slots) s.port.close();
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  });
}
