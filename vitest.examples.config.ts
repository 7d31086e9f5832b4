import { defineConfig } from 'vitest/config';

// Runs examples/ against the BUILT package (imports resolve `funnelwise` through package.json `exports` to dist/).
export default defineConfig({
  test: {
    include: ['test/examples/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: 'test-results/examples.json' }]],
    testTimeout: 120_000,
  },
});
