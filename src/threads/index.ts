/**
 * funnelwise/threads — event funnels computed by several threads (Node only): {@link createFunnelThreads}.
 * A separate entry, so the main entry `funnelwise` stays free of Node APIs.
 *
 * @packageDocumentation
 * @module funnelwise/threads
 */
export { createFunnelThreads } from './createFunnelThreads.js';
export type { FunnelThreads, FunnelThreadsOptions } from './createFunnelThreads.js';
