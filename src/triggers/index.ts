export { evaluatePredicate } from './evaluatePredicate.js';
export { matchesPredicates } from './matchesPredicates.js';
export { matchAction } from './matchAction.js';
export type { MatchOptions, TriggerMatch } from './matchAction.js';
export { evaluateSilence } from './evaluateSilence.js';
export type { SilenceDue } from './evaluateSilence.js';
