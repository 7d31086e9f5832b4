export { conversion } from './conversion.js';
export type { ConversionBasis, ConversionCohort, ConversionGroup, ConversionMoney, ConversionOptions, ConversionReport, ConversionRules, ConversionStage, Period } from './conversion.js';
export { pipelineAt } from './pipelineAt.js';
export type { PipelineAtOptions, PipelineAtReport, PipelineGroup, PipelineStage } from './pipelineAt.js';
export { pipelineWaterfall } from './pipelineWaterfall.js';
export type { PipelineWaterfallReport, WaterfallFlows, WaterfallStage } from './pipelineWaterfall.js';
