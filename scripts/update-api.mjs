// Rewrites test/api/<folder>.txt from the source barrels after an intended API change.
import { execSync } from 'node:child_process';
execSync('npx vitest run test/meta/exports.test.ts', { stdio: 'inherit', env: { ...process.env, FUNNELWISE_UPDATE_API: '1' } });
