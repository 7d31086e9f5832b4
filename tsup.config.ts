import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    treeshake: true,
    target: 'es2022',
    platform: 'neutral',
    minify: false,
    tsconfig: 'tsconfig.build.json',
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
