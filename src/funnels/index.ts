export { segmentSignificance } from './segmentSignificance.js';
export type { ConversionCounts, SegmentSignificance, SegmentSignificanceOptions } from './segmentSignificance.js';
