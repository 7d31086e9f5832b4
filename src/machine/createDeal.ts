import { z } from 'zod';
import { fail, type FunnelErrorCode } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import { IdSchema, SafeRecordSchema } from '../model/common.js';
import type { Deal, TransitionCause } from '../model/deal.js';
import type { Funnel } from '../model/funnel.js';
import { MoneySchema, type Money } from '../model/money.js';
import { TimestampSchema, type TimestampInput } from '../model/time.js';
import { compileFunnel, stageIndexOf, type CompiledFunnel } from '../triggers/compileFunnel.js';
import { missingRequired, pushEffects, rejection } from './engine.js';
import type { MachineEffect, MachineResult } from './MachineResult.js';

/**
 * What it takes to open a deal: an id, when it was created, and optionally the stage (default: the
 * funnel's first creation stage), segment, amount, attributes and who created it.
 *
 * @category Machine
 * @since 0.1.0
 */
export interface CreateDealInput {
  /** The deal id. */
  readonly id: string;
  /** When the deal was created. */
  readonly createdAt: TimestampInput;
  /** The creation stage; default: the first of `policy.creationStages` (or the first open stage). */
  readonly stageId?: string;
  /** The segment the deal belongs to. */
  readonly segmentId?: string | null;
  /** The deal amount. */
  readonly amount?: Money | null;
  /** Free attributes (checked against stages' `requires`). */
  readonly attributes?: Readonly<Record<string, unknown>>;
  /** Who created it (recorded in the creation transition's cause). */
  readonly actor?: string;
}

const InputSchema = z.strictObject({
  id: IdSchema,
  createdAt: TimestampSchema,
  stageId: IdSchema.optional(),
  segmentId: IdSchema.nullable().optional(),
  amount: MoneySchema.nullable().optional(),
  attributes: SafeRecordSchema.optional(),
  actor: z.string().optional(),
});

function codeFor(issue: z.core.$ZodIssue): FunnelErrorCode {
  const c = (issue as { params?: { funnelCode?: unknown } }).params?.funnelCode;
  if (c === 'INVALID_DATE' || c === 'UNKNOWN_CURRENCY' || c === 'INVALID_AMOUNT') return c;
  if (issue.path[0] === 'createdAt') return 'INVALID_DATE';
  if (issue.path[0] === 'amount') return 'INVALID_AMOUNT';
  return 'INVALID_INPUT';
}

/** The fields of a new open deal (mutable, not yet frozen) with no history. @internal */
export function blankDeal(
  c: CompiledFunnel,
  id: string,
  createdAt: string,
  stage: number,
  extra: { segmentId?: string | null | undefined; amount?: Money | null | undefined; attributes?: Readonly<Record<string, unknown>> | undefined },
): Deal {
  return {
    id,
    funnelId: c.funnel.id,
    segmentId: extra.segmentId ?? null,
    amount: extra.amount === undefined || extra.amount === null ? null : { amount: extra.amount.amount, currency: extra.amount.currency },
    createdAt,
    stageId: (c.stages[stage] as { id: string }).id,
    status: 'open',
    lostAtStageId: null,
    lostReason: null,
    closedAt: null,
    attributes: extra.attributes === undefined ? {} : { ...extra.attributes },
    history: [],
    actions: [],
    stalled: null,
    triggerCounts: {},
  };
}

/** Appends the creation transition and the creation stage's onEnter effects. @internal */
export function startDeal(c: CompiledFunnel, deal: Deal, stage: number, cause: TransitionCause, effects: MachineEffect[] | null): void {
  const s = c.stages[stage] as Funnel['stages'][number];
  deal.history.push({ from: null, to: s.id, at: deal.createdAt, status: 'open', cause });
  if (effects !== null) pushEffects(effects, s.onEnter, deal.id, deal.createdAt, { kind: 'onEnter', stageId: s.id });
}

/**
 * Opens a deal in a funnel. The creation policy (HubSpot's "limit deal creation to certain stages")
 * decides where: `stageId` must be one of `policy.creationStages` (default: the funnel's first open
 * stage) and the stage's `requires` attributes must be present. The history starts with a transition
 * from `null` into the creation stage (cause: the `create` command); the stage's `onEnter` effects
 * are returned.
 *
 * @param funnel - the parsed funnel
 * @param input - id, creation time, and optionally stage, segment, amount, attributes, actor
 * @returns `{ ok: true, deal, transitions, effects }`, or `{ ok: false, reason }` with
 *   `NOT_A_CREATION_STAGE` or `MISSING_REQUIRED`
 * @throws FunnelError for malformed input (INVALID_INPUT, INVALID_DATE, INVALID_AMOUNT,
 *   UNKNOWN_CURRENCY) and UNKNOWN_STAGE for a stage the funnel does not have (path `stageId`)
 * @category Machine
 * @since 0.1.0
 * @example
 * ```ts
 * const funnel = defineFunnel({ id: 'b2b', name: 'B2B', stages: [
 *   { id: 'request', name: 'Request', actions: ['request.submitted'] },
 *   { id: 'proposal', name: 'Proposal', actions: ['proposal.received'] },
 *   { id: 'paid', name: 'Paid', category: 'won', actions: ['invoice.paid'] },
 * ] });
 * const r = createDeal(funnel, { id: 'd1', createdAt: '2026-03-01', amount: { amount: '1200.50', currency: 'EUR' } });
 * r.ok && r.deal.stageId // => 'request'
 * r.ok && r.deal.history.length // => 1
 * createDeal(funnel, { id: 'd2', createdAt: '2026-03-01', stageId: 'proposal' }).ok // => false
 * ```
 */
export function createDeal(funnel: Funnel, input: CreateDealInput): MachineResult {
  const c = compileFunnel(funnel);
  const parsed = InputSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    fail(codeFor(issue), issue.message, (issue as { input?: unknown }).input, issue.path.map((k) => (typeof k === 'number' ? k : String(k))));
  }
  const d = parsed.data;
  const stage = d.stageId === undefined ? (c.creation[0] as number) : stageIndexOf(c, d.stageId, ['stageId']);
  const stageId = (c.stages[stage] as { id: string }).id;
  if (!c.creationSet.has(stage)) {
    const allowed = c.creation.map((i) => (c.stages[i] as { id: string }).id).join(', ');
    return rejection({ reason: 'NOT_A_CREATION_STAGE', message: `deals may be created only in ${allowed}`, stageId });
  }
  const deal = blankDeal(c, d.id, d.createdAt, stage, d);
  const requires = (c.stages[stage] as { requires: string[] }).requires;
  const missing = missingRequired(requires, deal.attributes);
  if (missing !== null) return rejection({ reason: 'MISSING_REQUIRED', message: `stage "${stageId}" requires the deal attribute(s) ${missing.join(', ')}`, stageId, missing });
  const effects: MachineEffect[] = [];
  const cause: TransitionCause = d.actor === undefined ? { type: 'command', command: 'create' } : { type: 'command', command: 'create', actor: d.actor };
  startDeal(c, deal, stage, cause, effects);
  deepFreeze(deal);
  return deepFreeze({ ok: true, deal, transitions: deal.history.slice(), effects, outcome: 'created', late: false });
}
