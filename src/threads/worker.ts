/**
 * The worker thread of `funnelwise/threads` (built to `dist/threadsWorker.js`): it waits for pass
 * requests on its port, runs the fused pass over its unit range in chunks (bumping the progress counter
 * after each, the main thread's liveness check), posts its partial figures back (their buffers
 * transferred, not copied) and then raises the done flag the main thread waits on with `Atomics.wait`.
 * It caches the logs it has seen by id, so repeated funnels on one log send only the query. @internal
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PassSink } from '../funnels/fusedPass.js';
import { newPassSink, passClickhouse, passPosthog } from '../funnels/fusedPass.js';
import type { LogColumns, PassReply, PassRequest, WorkerBoot } from './protocol.js';
import { DEAD, DONE, PROGRESS, unitAtEvent } from './protocol.js';

/** Events per chunk between two progress bumps (a few milliseconds of work). */
const CHUNK_EVENTS = 1 << 18;

const boot = workerData as WorkerBoot;
const control = boot.control;
const port = boot.port;
const logs = new Map<number, LogColumns>();

function run(req: PassRequest): { reply: PassReply; transfer: ArrayBuffer[] } {
  for (const id of req.evict) logs.delete(id);
  if (req.columns !== null) logs.set(req.logId, req.columns);
  const cols = logs.get(req.logId);
  if (cols === undefined) return { reply: { seq: req.seq, ok: false, message: `log ${req.logId} is not cached in the worker` }, transfer: [] };
  const q = { n: req.n, window: req.window, now: req.now };
  const g: PassSink = newPassSink(req.n, req.u1 - req.u0, req.u0);
  const pass = req.clickhouse ? passClickhouse : passPosthog;
  let u = req.u0;
  while (u < req.u1) {
    const next = Math.max(u + 1, unitAtEvent(cols.offsets, u, req.u1, (cols.offsets[u] as number) + CHUNK_EVENTS));
    pass(cols, q, req.codeStep, g, u, next);
    Atomics.add(control, PROGRESS, 1);
    u = next;
  }
  const gaps = g.gaps.map((buf, k) => buf.subarray(0, g.gapCount[k] as number));
  const reply: PassReply = { seq: req.seq, ok: true, hist: g.hist, dropped: g.dropped, inProg: g.inProg, gaps, gapCount: g.gapCount, gapSum: g.gapSum };
  return { reply, transfer: g.gaps.map((b) => b.buffer as ArrayBuffer).filter((b) => b.byteLength > 0) };
}

port.on('message', (req: PassRequest) => {
  let out: { reply: PassReply; transfer: ArrayBuffer[] };
  try {
    out = run(req);
  } catch (e) {
    out = { reply: { seq: req.seq, ok: false, message: e instanceof Error ? e.message : String(e) }, transfer: [] };
  }
  port.postMessage(out.reply, out.transfer);
  Atomics.store(control, DONE, req.seq);
  Atomics.notify(control, DONE);
});

process.on('exit', () => {
  Atomics.store(control, DEAD, 1);
  Atomics.notify(control, DONE);
});

parentPort?.postMessage('ready');
