export type { AbortSignalLike, InsufficientHistory, IntervalMethod, ProbabilityEstimate } from './shared.js';
export {
  stageWinProbabilities,
  type OdooStageEstimate,
  type PathAwareStageEstimate,
  type StageWinProbabilitiesOptions,
  type StageWinProbabilitiesReport,
  type StageWinProbability,
  type StageWinProbabilityGroup,
} from './stageWinProbabilities.js';
export {
  weightedPipeline,
  type StageProbabilitySource,
  type WeightedPipelineCell,
  type WeightedPipelineOptions,
  type WeightedPipelineReport,
  type WeightedPipelineRow,
} from './weightedPipeline.js';
export {
  markovForecast,
  type MarkovForecastOptions,
  type MarkovForecastReport,
  type MarkovDealTiming,
  type MarkovImprovement,
  type MarkovNewDeals,
  type MarkovPeriod,
  type MarkovStage,
  type MarkovStageTiming,
  type MarkovStayBand,
  type MarkovTransition,
} from './markovForecast.js';
export {
  timeToClose,
  type ProbabilityWithInterval,
  type TimeToCloseHorizon,
  type TimeToCloseOptions,
  type TimeToCloseQuantile,
  type TimeToCloseReport,
} from './timeToClose.js';
export { forecastRevenue, type ForecastRevenueOptions, type ForecastRevenueReport, type ForecastUncertainty } from './forecastRevenue.js';
export type { PastPeriod, PeriodEffectMethod, PeriodVariation } from './periodVariation.js';
export { exactRevenueDistribution, type ExactRevenueDistributionOptions, type ExactRevenueDistributionReport } from './exactRevenueDistribution.js';
export { reverseFunnel, type ReverseFunnelOptions, type ReverseFunnelReport, type ReverseFunnelStep } from './reverseFunnel.js';
export { targetGap, type GapCandidate, type TargetGapOptions, type TargetGapReport } from './targetGap.js';
export { calibration, type CalibrationOptions, type CalibrationReport, type CalibrationRow } from './calibration.js';
export { backtest, type ReliabilityBin, type BacktestAccuracy, type BacktestForecast, type BacktestForecaster, type BacktestOptions, type BacktestOrigin, type BacktestProbabilityAccuracy, type BacktestReport } from './backtest.js';
