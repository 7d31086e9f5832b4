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
