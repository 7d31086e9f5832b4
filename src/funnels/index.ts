export { eventFunnel } from './eventFunnel.js';
export type { EventFunnelOptions, EventFunnelReport, EventFunnelStep, EventFunnelStepUnits, FunnelDroppedUnit } from './eventFunnel.js';
export { evaluateFunnelUnits } from './evaluateFunnelUnits.js';
export type { FunnelDropReason, FunnelUnitResults } from './funnelUnitResults.js';
export type {
  ClickHouseFunnelMode,
  FunnelAttempt,
  FunnelExclusion,
  FunnelOrder,
  FunnelPropertyFilter,
  FunnelQuery,
  FunnelRules,
  FunnelStep,
  FunnelStepInput,
} from './funnelQuery.js';
// analyses on top of the engine (breakdowns, time to convert, trends, correlation, significance)
export { funnelBreakdown } from './funnelBreakdown.js';
export type { BreakdownAttribution, FunnelBreakdownBucket, FunnelBreakdownOptions, FunnelBreakdownReport } from './funnelBreakdown.js';
export { timeToConvert } from './timeToConvert.js';
export type { TimeToConvertBin, TimeToConvertOptions, TimeToConvertReport } from './timeToConvert.js';
export { funnelTrends } from './funnelTrends.js';
export type { FunnelTrendBucketing, FunnelTrendPeriod, FunnelTrendRow, FunnelTrendsOptions, FunnelTrendsReport, FunnelTrendUnits } from './funnelTrends.js';
export { funnelCorrelation } from './funnelCorrelation.js';
export type { CorrelationEventProperties, CorrelationUnitProperties, FunnelCorrelationOptions, FunnelCorrelationReport, FunnelCorrelationRow } from './funnelCorrelation.js';
export { segmentSignificance } from './segmentSignificance.js';
export type { ConversionCounts, SegmentSignificance, SegmentSignificanceOptions } from './segmentSignificance.js';
