export { ActionTypeSchema, EffectSchema, IdSchema, PredicateSchema, SafeRecordSchema, ScalarSchema } from './common.js';
export type { Effect, Predicate, Scalar } from './common.js';
export { currencyMinorUnits, isCurrencyCode } from './currency.js';
export * from './money.js';
export * from './time.js';
export * from './funnel.js';
export * from './action.js';
export * from './deal.js';
export { funnelJsonSchema } from './jsonSchema.js';
