/**
 * funnelwise — sales funnels and pipelines as data.
 *
 * @packageDocumentation
 * @module funnelwise
 */
export * from './errors/index.js';
export * from './model/index.js';
export * from './io/index.js';
export * from './triggers/index.js';
export * from './machine/index.js';
export * from './segments/index.js';
export * from './funnels/index.js';
export * from './metrics/index.js';
export * from './dropoff/index.js';
export * from './forecast/index.js';
export * from './charts/index.js';
export * from './synthetic/index.js';
