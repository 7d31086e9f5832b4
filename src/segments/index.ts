export * from './discoverSegments.js';
