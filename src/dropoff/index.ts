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
