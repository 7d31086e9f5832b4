/**
 * The worker thread of `funnelwise/threads` (built to `dist/threadsWorker.js`): it waits for pass
 * requests on its port, takes chunks of the log's units from the handle's shared counter until none is
 * left (bumping its progress counter after each, the main thread's liveness check), posts their
 * figures back (their buffers transferred, not copied) and then raises the done flag the main thread
 * waits on with `Atomics.wait`. It caches the logs it has seen by id, so repeated funnels on one log
 * send only the query. @internal
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ChunkFigures, LogColumns, PassReply, PassRequest, WorkerBoot } from './protocol.js';
import { DEAD, DONE, PROGRESS, runChunks } from './protocol.js';

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
  const done = runChunks(cols, q, req.clickhouse, req.times, req.codeStep, req.cuts, boot.claim, () => Atomics.add(control, PROGRESS, 1));
  const transfer: ArrayBuffer[] = [];
  const chunks: ChunkFigures[] = done.map(({ c, sink: g }) => {
    for (const b of g.gaps) if (b.byteLength > 0) transfer.push(b.buffer as ArrayBuffer);
    return { c, hist: g.hist, dropped: g.dropped, inProg: g.inProg, gaps: g.gaps.map((b, k) => b.subarray(0, g.gapCount[k] as number)), gapCount: g.gapCount, gapSum: g.gapSum };
  });
  return { reply: { seq: req.seq, ok: true, chunks }, transfer };
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
