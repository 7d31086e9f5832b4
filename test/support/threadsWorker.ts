/**
 * The worker thread of `funnelwise/threads` built from the source (src/threads/worker.ts → one ES module
 * in a temporary folder, with tsup, as the package build does), so the threaded path is tested for real
 * before `npm run build`. Built once per test process. The post-build phase (test/examples/threads.test.ts)
 * tests the built package's own worker, from both its ESM and CommonJS entries.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'tsup';
import type { FunnelThreads, FunnelThreadsOptions } from '../../src/threads/createFunnelThreads.js';
import { createFunnelThreadsAt } from '../../src/threads/createFunnelThreads.js';

let built: Promise<URL> | null = null;

/** The URL of the worker built from the source. */
export function sourceWorkerUrl(): Promise<URL> {
  built ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'funnelwise-threads-'));
    await build({
      config: false,
      entry: { threadsWorker: join(__dirname, '..', '..', 'src', 'threads', 'worker.ts') },
      format: ['esm'],
      outDir,
      outExtension: () => ({ js: '.mjs' }),
      platform: 'node',
      target: 'es2022',
      silent: true,
      dts: false,
      sourcemap: false,
      clean: false,
    });
    return pathToFileURL(join(outDir, 'threadsWorker.mjs'));
  })();
  return built;
}

/** `createFunnelThreads` from the source, with the worker built from the source. */
export async function createSourceFunnelThreads(options?: FunnelThreadsOptions): Promise<FunnelThreads> {
  return createFunnelThreadsAt(await sourceWorkerUrl(), options);
}
