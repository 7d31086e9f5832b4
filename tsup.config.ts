import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library (`funnelwise`, browser-safe) and its Node-only subpath `funnelwise/threads`, built
    // together with code splitting, so both entries share one copy of the library's code (one
    // `FunnelError` class, one `ActionLog`) through shared chunks. Only the threads entry imports
    // `node:worker_threads`; test/meta/entries.test.ts keeps the main entry free of Node imports.
    entry: { index: 'src/index.ts', threads: 'src/threads/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    splitting: true,
    sourcemap: true,
    clean: true,
    treeshake: true,
    target: 'es2022',
    platform: 'neutral',
    minify: false,
    tsconfig: 'tsconfig.threads.json',
  },
  {
    // The worker thread of `funnelwise/threads` (ESM; started by both the ESM and the CommonJS build).
    entry: { threadsWorker: 'src/threads/worker.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    treeshake: true,
    target: 'es2022',
    platform: 'node',
    tsconfig: 'tsconfig.threads.json',
  },
  {
    // The command-line tool (`npx funnelwise …`, `npm run demo`): Node only, ESM, not part of the library's API.
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    sourcemap: true,
    clean: false,
    target: 'es2022',
    platform: 'node',
    banner: { js: '#!/usr/bin/env node' },
    tsconfig: 'tsconfig.json',
  },
]);
