/**
 * Event funnel on two threads (Node only): `funnelwise/threads` starts a worker thread once; its
 * `eventFunnel` then returns exactly what `eventFunnel` returns, with the log's units split between the
 * calling thread and the worker. Run after `npm run build` with `npx tsx examples/event-funnel-threads.ts`
 * (CI runs it through vitest).
 */
import { ActionLog, eventFunnel } from 'funnelwise';
import { createFunnelThreads } from 'funnelwise/threads';

const DAY = 24 * 3600 * 1000;
const STEPS = ['visit', 'signup', 'request', 'proposal', 'paid'];

/** 40,000 visitors, 10 actions each, from a fixed seed (a tiny linear congruential generator). */
function syntheticLog(): ActionLog {
  let s = 7;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  const unit = new Int32Array(400_000);
  const time = new Float64Array(unit.length);
  const action = new Uint8Array(unit.length);
  for (let i = 0; i < unit.length; i++) {
    const u = Math.floor(i / 10);
    const stage = i % 10;
    unit[i] = u;
    time[i] = Date.UTC(2026, 0, 1) + u * 60_000 + stage * rnd() * 2 * DAY;
    action[i] = rnd() < 0.5 ? Math.min(4, Math.floor(stage / 2)) : 5; // 5 = 'page.viewed' (no step)
  }
  return ActionLog.fromColumns({ unit, time, action, actions: [...STEPS, 'page.viewed'] });
}

export async function main(): Promise<{ counts: number[]; threads: number | undefined; sameAsOneThread: boolean }> {
  const log = syntheticLog();
  const pool = await createFunnelThreads({ threads: 2 }); // once: starts one worker thread
  try {
    const query = { steps: STEPS, windowMs: 7 * DAY };
    const report = pool.eventFunnel(log, query); // synchronous; half the units on each thread
    const { threads, ...rules } = report.rules;
    const one = eventFunnel(log, query);
    return {
      counts: report.steps.map((s) => s.count),
      threads, // 2: the log is large enough to split (100,000 events per thread at least, by default)
      sameAsOneThread: JSON.stringify({ ...report, rules }) === JSON.stringify(one),
    };
  } finally {
    await pool.close();
  }
}

if (process.argv[1]?.endsWith('event-funnel-threads.ts')) console.log(await main());
