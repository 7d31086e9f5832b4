import type { FunnelInput, LeadScoring, SegmentInput } from '../model/index.js';

/** The customer actions that complete the core stages, in order (after the request). @internal */
export const STEP_ACTIONS = ['call.answered', 'requirements.described', 'proposal.received', 'objections.cleared', 'invoice.accepted', 'invoice.paid'] as const;

/** Post-sale actions (won stages after the close). @internal */
export const POST_SALE_ACTIONS = ['delivery.confirmed', 'onboarding.completed', 'feedback.given'] as const;

/** The three behaviour profiles of the generator, which are also the segments' ids. @internal */
export const PROFILES = ['hot', 'researcher', 'standard'] as const;
/** A behaviour profile. @internal */
export type Profile = (typeof PROFILES)[number];

/** Per profile: the funnel it points at, the pass rate and the median gap (days) of each step. @internal */
export const PROFILE_PARAMS: Record<Profile, { funnelId: string; pass: readonly number[]; gapDays: readonly number[]; medianAmount: number }> = {
  hot: { funnelId: 'b2b-fast', pass: [0.9, 0.85, 0.85, 0.7, 0.85, 0.95], gapDays: [0.1, 1, 3, 4, 3, 7], medianAmount: 6000 },
  researcher: { funnelId: 'b2b-considered', pass: [0.75, 0.7, 0.75, 0.55, 0.75, 0.9], gapDays: [1, 5, 10, 14, 7, 14], medianAmount: 18000 },
  standard: { funnelId: 'b2b', pass: [0.8, 0.75, 0.75, 0.6, 0.8, 0.92], gapDays: [0.5, 3, 6, 8, 5, 10], medianAmount: 9000 },
};

/** Lost reasons when step k's action does not happen: [reason, weight] pairs. @internal */
export const LOST_REASONS_BY_STEP: ReadonlyArray<ReadonlyArray<readonly [string, number]>> = [
  [['unreachable', 1]],
  [['no-requirements', 0.6], ['no-budget', 0.4]],
  [['no-budget', 0.4], ['timing', 0.4], ['competitor', 0.2]],
  [['price', 0.5], ['competitor', 0.35], ['timing', 0.15]],
  [['price', 0.4], ['competitor', 0.3], ['no-budget', 0.3]],
  [['no-budget', 0.6], ['timing', 0.4]],
];

/** The chance that a customer who drops off at step k says so (an `offer.declined` action) rather than going silent. @internal */
export const DECLINE_SHARE = [0, 0.2, 0.3, 0.6, 0.6, 0.3] as const;

const LOST_REASONS = [
  { id: 'unreachable', name: 'Never reached by phone' },
  { id: 'no-requirements', name: 'Never described the task' },
  { id: 'no-budget', name: 'No budget' },
  { id: 'timing', name: 'Not now' },
  { id: 'competitor', name: 'Chose a competitor' },
  { id: 'price', name: 'Too expensive' },
  { id: 'no-response', name: 'Went silent' },
];

const SCORING: LeadScoring = {
  halfLifeDays: 30,
  thresholds: { mql: 15, sql: 30 },
  rules: [
    { id: 'visit', points: 1, action: 'page.viewed', where: [], maxTimes: 10 },
    { id: 'pricing', points: 3, action: 'page.viewed', where: [{ field: 'page', op: 'eq', value: '/pricing' }], maxTimes: 3 },
    { id: 'download', points: 5, action: 'content.downloaded', where: [], maxTimes: 3 },
    { id: 'callback', points: 20, action: 'callback.requested', where: [], halfLifeDays: 7 },
    { id: 'request', points: 15, action: 'request.submitted', where: [] },
    { id: 'email', points: 0.5, action: 'email.opened', where: [], maxTimes: 10 },
    { id: 'big-company', points: 10, where: [], attribute: { field: 'employees', op: 'gte', value: 200 } },
  ],
};

/** The product of the pass rates from step k on: the chance a deal at stage k is eventually won. */
function winProbability(pass: readonly number[], atStage: number): number {
  let p = 1;
  for (let k = atStage; k < pass.length; k++) p *= pass[k] as number;
  return Math.round(p * 100) / 100;
}

/** One funnel definition (same stage ids for every profile; probabilities and silence differ). @internal */
export function b2bFunnelInput(profile: Profile, currency: string, postSale: boolean, silenceDays: number): FunnelInput {
  const { funnelId, pass } = PROFILE_PARAMS[profile];
  const names: Record<Profile, string> = { hot: 'B2B — fast (callback within a day)', researcher: 'B2B — considered purchase', standard: 'B2B' };
  return {
    id: funnelId,
    name: names[profile],
    currency,
    stages: [
      { id: 'request', name: 'Left a request', actions: ['request.submitted', 'callback.requested'], probability: winProbability(pass, 0), stallAfterDays: 2 },
      { id: 'answered', name: 'Picked up the callback', actions: ['call.answered'], probability: winProbability(pass, 1), stallAfterDays: 7 },
      { id: 'described', name: 'Described the task', actions: ['requirements.described'], probability: winProbability(pass, 2), stallAfterDays: 14 },
      { id: 'proposal', name: 'Received the proposal', actions: ['proposal.received'], probability: winProbability(pass, 3), stallAfterDays: 21, forecastCategory: 'pipeline' },
      { id: 'objections', name: 'Objections cleared', actions: ['objections.cleared'], probability: winProbability(pass, 4), stallAfterDays: 21, forecastCategory: 'bestCase' },
      { id: 'invoice', name: 'Accepted the invoice', actions: ['invoice.accepted'], probability: winProbability(pass, 5), stallAfterDays: 14, forecastCategory: 'commit' },
      { id: 'paid', name: 'Paid', category: 'won', actions: ['invoice.paid'], forecastCategory: 'closed' },
      ...(postSale
        ? [
            { id: 'delivered', name: 'Confirmed delivery', category: 'won' as const, actions: ['delivery.confirmed'] },
            { id: 'onboarded', name: 'Completed onboarding', category: 'won' as const, actions: ['onboarding.completed'] },
            { id: 'feedback', name: 'Gave feedback', category: 'won' as const, actions: ['feedback.given'] },
          ]
        : []),
      { id: 'lost', name: 'Lost', category: 'lost' },
    ],
    triggers: [{ id: 'declined', action: 'offer.declined', to: 'lost', from: 'anyEarlier' }],
    silence: [{ id: 'silent', afterDays: silenceDays, then: { type: 'lose', reason: 'no-response' } }],
    lostReasons: LOST_REASONS,
    scoring: SCORING,
  };
}

/** The segment definitions: hot and researcher by path, standard as the default. @internal */
export const B2B_SEGMENTS: ReadonlyArray<SegmentInput> = [
  {
    id: 'hot',
    name: 'Asked for a callback within a day of the first visit',
    funnelId: 'b2b-fast',
    priority: 2,
    rule: { kind: 'actionWithin', action: 'callback.requested', days: 1 },
  },
  {
    id: 'researcher',
    name: 'Browsed for weeks before the request',
    funnelId: 'b2b-considered',
    priority: 1,
    rule: { kind: 'activity', action: ['page.viewed', 'content.downloaded'], minActions: 4, moreThanDays: 14, before: ['request.submitted', 'callback.requested'] },
  },
  {
    id: 'standard',
    name: 'Everyone else',
    funnelId: 'b2b',
    priority: 0,
    rule: { kind: 'pathContains', path: ['request.submitted'] },
  },
];
