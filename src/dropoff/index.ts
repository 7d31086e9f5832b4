export { compareConversion } from './compareConversion.js';
export type {
  CompareConversionOptions,
  CompareGroupsOptions,
  CompareRate,
  ConversionComparison,
  ConversionSide,
  StageComparison,
} from './compareConversion.js';
export { dropOff } from './dropOff.js';
export type {
  DropOffBottleneck,
  DropOffChange,
  DropOffCompare,
  DropOffGroup,
  DropOffOptions,
  DropOffReason,
  DropOffReasonKind,
  DropOffReport,
  DropOffStage,
  DropOffStageChange,
  LossRateBasis,
} from './dropOff.js';
export { findStalledDeals } from './findStalledDeals.js';
export type {
  FindStalledDealsOptions,
  LastActivityOf,
  StallThreshold,
  StallThresholdSource,
  StalledDeal,
  StalledDealsReport,
  StalledStageSummary,
} from './findStalledDeals.js';
export type { RateTest, SignificanceTest } from './testRates.js';
