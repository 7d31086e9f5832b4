export { generateB2BDataset } from './generateB2BDataset.js';
export type { B2BDataset, B2BDatasetOptions, SyntheticDeal } from './generateB2BDataset.js';
export { replayB2BDataset } from './replayB2BDataset.js';
export type { ReplayB2BDatasetOptions, ReplayedB2BDataset, ReplayedLead } from './replayB2BDataset.js';
