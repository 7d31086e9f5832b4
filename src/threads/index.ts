export { createFunnelThreads } from './createFunnelThreads.js';
export type { FunnelThreads, FunnelThreadsOptions } from './createFunnelThreads.js';
