import { describe, expectTypeOf, it } from 'vitest';
import {
  assignSegment,
  generateB2BDataset,
  leadScorer,
  pathSignature,
  scoreLead,
  type CustomerAction,
  type Deal,
  type LeadScore,
  type LeadStage,
  type SegmentAssignment,
  type SegmentRule,
} from '../../src/index.js';

describe('segment and scoring types', () => {
  it('narrows segment rules by kind', () => {
    const r = { kind: 'actionWithin', action: 'callback.requested', days: 1 } as SegmentRule;
    if (r.kind === 'actionWithin') expectTypeOf(r.days).toEqualTypeOf<number>();
    // @ts-expect-error: an unknown kind is not a rule
    const bad: SegmentRule = { kind: 'firstActions', action: 'x' };
    void bad;
  });
  it('accepts a deal, validated actions, or plain objects as the subject', () => {
    const ds = generateB2BDataset({ deals: 1 });
    expectTypeOf(assignSegment(ds.segments, {} as Deal)).toEqualTypeOf<SegmentAssignment>();
    expectTypeOf(assignSegment(ds.segments, { actions: [] as CustomerAction[] }).segmentId).toEqualTypeOf<string | null>();
    expectTypeOf(pathSignature([{ id: 'a', type: 't', at: 0 }]).key).toEqualTypeOf<string>();
  });
  it('requires now for scoring, and gives the machine a scoreOf', () => {
    const model = generateB2BDataset({ deals: 1 }).funnel.scoring!;
    expectTypeOf(scoreLead(model, { actions: [] }, { now: 0 })).toEqualTypeOf<LeadScore>();
    expectTypeOf(scoreLead(model, { actions: [] }, { now: 0 }).stage).toEqualTypeOf<LeadStage>();
    // @ts-expect-error: now is required
    scoreLead(model, { actions: [] }, {});
    expectTypeOf(leadScorer(model)).toEqualTypeOf<(deal: Deal, action: CustomerAction) => number>();
  });
});
