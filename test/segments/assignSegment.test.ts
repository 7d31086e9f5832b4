import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type SegmentInput, type SegmentRule, assignSegment, parseDeal, parseSegments } from '../../src/index.js';
import { actionsAndShuffleArb } from '../arbitraries/actions.js';
import { errorOf } from '../support/errorOf.js';

const H = 3_600_000;
const T0 = Date.parse('2026-03-01T09:00:00Z');
const at = (hours: number): string => new Date(T0 + hours * H).toISOString();

const segments = parseSegments([
  { id: 'hot', name: 'Callback within a day', funnelId: 'fast', priority: 2, rule: { kind: 'actionWithin', action: 'callback.requested', days: 1 } },
  { id: 'researcher', name: 'Browsed for weeks', funnelId: 'considered', priority: 1, rule: { kind: 'activity', action: 'page.viewed', minActions: 3, moreThanDays: 14 } },
  { id: 'enterprise', name: 'Enterprise', funnelId: 'considered', priority: 1, rule: { kind: 'attributes', where: [{ field: 'company.size', op: 'gte', value: 1000 }] } },
  { id: 'standard', name: 'Everyone else', funnelId: 'considered', rule: { kind: 'all', rules: [] } },
]);


/** Evaluates one rule alone: a one-segment list with no default. */
function holds(rule: SegmentRule, actions: { id: string; type: string; at: string; properties?: Record<string, unknown> }[], attributes: Record<string, unknown> = {}): boolean {
  return assignSegment([{ id: 's', name: 'S', funnelId: 'f', rule }], { attributes, actions }).segmentId === 's';
}

describe('segment rules (hand-derived)', () => {
  const visitThenCallback = [
    { id: 'a1', type: 'page.viewed', at: at(0) },
    { id: 'a2', type: 'callback.requested', at: at(23) },
  ];
  it('actionWithin: a callback 23 h after the first visit is within 1 day; 25 h is not', () => {
    expect(holds({ kind: 'actionWithin', action: 'callback.requested', days: 1 }, visitThenCallback)).toBe(true);
    expect(holds({ kind: 'actionWithin', action: 'callback.requested', days: 1 }, [visitThenCallback[0]!, { id: 'a2', type: 'callback.requested', at: at(25) }])).toBe(false);
  });
  it('actionWithin: exactly at the limit counts; `after` measures from the first action of that type', () => {
    const xs = [
      { id: 'a0', type: 'email.opened', at: at(-100) },
      { id: 'a1', type: 'page.viewed', at: at(0) },
      { id: 'a2', type: 'callback.requested', at: at(24) },
    ];
    expect(holds({ kind: 'actionWithin', action: 'callback.requested', days: 1 }, xs)).toBe(false);
    expect(holds({ kind: 'actionWithin', action: 'callback.requested', days: 1, after: 'page.viewed' }, xs)).toBe(true);
  });
  it('actionWithin: where reads the action properties', () => {
    const xs = [{ id: 'a1', type: 'callback.requested', at: at(1), properties: { channel: 'phone' } }];
    expect(holds({ kind: 'actionWithin', action: 'callback.requested', days: 1, where: [{ field: 'channel', op: 'eq', value: 'phone' }] }, xs)).toBe(true);
    expect(holds({ kind: 'actionWithin', action: 'callback.requested', days: 1, where: [{ field: 'channel', op: 'eq', value: 'chat' }] }, xs)).toBe(false);
  });
  it('activity: at least N actions over MORE than D days', () => {
    const views = (spanDays: number) => [0, 1, 2].map((i) => ({ id: `v${i}`, type: 'page.viewed', at: at((i * spanDays * 24) / 2) }));
    expect(holds({ kind: 'activity', action: 'page.viewed', minActions: 3, moreThanDays: 14 }, views(15))).toBe(true);
    expect(holds({ kind: 'activity', action: 'page.viewed', minActions: 3, moreThanDays: 14 }, views(14))).toBe(false);
    expect(holds({ kind: 'activity', action: 'page.viewed', minActions: 4, moreThanDays: 14 }, views(30))).toBe(false);
  });
  it('activity with `before` counts only actions before the first action of that type', () => {
    const xs = [
      { id: 'v1', type: 'page.viewed', at: at(0) },
      { id: 'v2', type: 'page.viewed', at: at(24) },
      { id: 'r', type: 'request.submitted', at: at(48) },
      { id: 'v3', type: 'page.viewed', at: at(20 * 24) },
    ];
    expect(holds({ kind: 'activity', action: 'page.viewed', minActions: 3, moreThanDays: 14 }, xs)).toBe(true);
    expect(holds({ kind: 'activity', action: 'page.viewed', minActions: 3, moreThanDays: 14, before: 'request.submitted' }, xs)).toBe(false);
    expect(holds({ kind: 'activity', action: 'page.viewed', minActions: 3, moreThanDays: 14, before: 'invoice.paid' }, xs)).toBe(true);
  });
  it('firstAction, pathStartsWith, pathContains (in order, gaps allowed)', () => {
    const xs = [
      { id: '1', type: 'page.viewed', at: at(0) },
      { id: '2', type: 'request.submitted', at: at(1) },
      { id: '3', type: 'page.viewed', at: at(2) },
      { id: '4', type: 'call.answered', at: at(3) },
    ];
    expect(holds({ kind: 'firstAction', action: 'page.viewed' }, xs)).toBe(true);
    expect(holds({ kind: 'firstAction', action: ['request.submitted', 'call.answered'] }, xs)).toBe(false);
    expect(holds({ kind: 'firstAction', action: 'page.viewed' }, [])).toBe(false);
    expect(holds({ kind: 'pathStartsWith', path: ['page.viewed', 'request.submitted'] }, xs)).toBe(true);
    expect(holds({ kind: 'pathStartsWith', path: ['request.submitted'] }, xs)).toBe(false);
    expect(holds({ kind: 'pathContains', path: ['page.viewed', 'call.answered'] }, xs)).toBe(true);
    expect(holds({ kind: 'pathContains', path: ['call.answered', 'request.submitted'] }, xs)).toBe(false);
  });
  it('actionCount and the combinators', () => {
    const xs = [1, 2, 3].map((i) => ({ id: `e${i}`, type: 'email.opened', at: at(i) }));
    expect(holds({ kind: 'actionCount', action: 'email.opened', min: 3 }, xs)).toBe(true);
    expect(holds({ kind: 'actionCount', action: 'email.opened', max: 2 }, xs)).toBe(false);
    expect(holds({ kind: 'not', rule: { kind: 'actionCount', action: 'email.opened', max: 2 } }, xs)).toBe(true);
    expect(holds({ kind: 'any', rules: [] }, xs)).toBe(false);
    expect(holds({ kind: 'all', rules: [] }, xs)).toBe(true);
    expect(holds({ kind: 'any', rules: [{ kind: 'firstAction', action: 'x' }, { kind: 'actionCount', min: 1 }] }, xs)).toBe(true);
  });
  it('attributes: dotted paths, own properties only', () => {
    expect(holds({ kind: 'attributes', where: [{ field: 'company.size', op: 'gt', value: 10 }] }, [], { company: { size: 50 } })).toBe(true);
    expect(holds({ kind: 'attributes', where: [{ field: 'company.size', op: 'gt', value: 10 }] }, [], { company: { size: '50' } })).toBe(false);
    expect(holds({ kind: 'attributes', where: [{ field: 'toString', op: 'exists' }] }, [], {})).toBe(false);
  });
});

describe('assignSegment', () => {
  it('takes the highest priority first, then the definition order', () => {
    const both = { attributes: { company: { size: 5000 } }, actions: [0, 10, 20].map((d, i) => ({ id: `v${i}`, type: 'page.viewed', at: at(d * 24) })) };
    const r = assignSegment(segments, both);
    expect(r.segmentId).toBe('researcher'); // researcher and enterprise both priority 1; researcher defined first
    expect(r.funnelId).toBe('considered');
    expect(r.checked.map((c) => c.segmentId)).toEqual(['hot', 'researcher']);
    const withCallback = { ...both, actions: [...both.actions, { id: 'c', type: 'callback.requested', at: at(2) }] };
    expect(assignSegment(segments, withCallback).segmentId).toBe('hot');
  });
  it('explains the match', () => {
    const r = assignSegment(segments, { actions: [{ id: 'a1', type: 'page.viewed', at: at(0) }, { id: 'a2', type: 'callback.requested', at: at(6) }] });
    expect(r.by).toBe('rule');
    expect(r.explanation?.because).toBe('callback.requested a2 0.25 day(s) after the first action a1 (≤ 1)');
    expect(r.explanation?.actionIds).toEqual(['a1', 'a2']);
    expect(r.path.key).toBe('page.viewed>callback.requested');
  });
  it('falls back to the configured default, or null', () => {
    const list = segments.filter((s) => s.id !== 'standard');
    expect(assignSegment(list, { actions: [] }, { defaultSegmentId: 'enterprise' })).toMatchObject({ segmentId: 'enterprise', by: 'default', explanation: null });
    expect(assignSegment(list, { actions: [] })).toMatchObject({ segmentId: null, funnelId: null, by: 'none' });
    expect(errorOf(() => assignSegment(segments, { actions: [] }, { defaultSegmentId: 'vip' })).code).toBe('UNKNOWN_SEGMENT');
  });
  it('accepts a deal (its attributes and applied actions) or a deal plus full actions', () => {
    const deal = parseDeal({
      id: 'd1', funnelId: 'considered', createdAt: at(0), stageId: 'request', attributes: { company: { size: 2000 } },
      actions: [{ id: 'a1', type: 'request.submitted', at: at(0) }],
    });
    expect(assignSegment(segments, deal).segmentId).toBe('enterprise');
    expect(assignSegment(segments, { deal, actions: [{ id: 'c', type: 'callback.requested', at: at(1) }] }).segmentId).toBe('hot');
  });
  it('validates definitions that were not parsed', () => {
    const bad = [{ id: 'x', name: 'X', funnelId: 'f', rule: { kind: 'activity', minActions: 0, moreThanDays: 1 } }] as unknown as SegmentInput[];
    const e = errorOf(() => assignSegment(bad, { actions: [] }));
    expect(e.code).toBe('INVALID_INPUT');
    expect(e.path).toEqual([0, 'rule', 'minActions']);
  });
  it('never mutates its inputs and freezes its result', () => {
    const actions = [{ id: 'b', type: 'callback.requested', at: at(2) }, { id: 'a', type: 'page.viewed', at: at(0) }];
    const copy = structuredClone(actions);
    const r = assignSegment(segments, { actions });
    expect(actions).toEqual(copy);
    expect(Object.isFrozen(r) && Object.isFrozen(r.checked)).toBe(true);
  });
  test.prop([actionsAndShuffleArb, fc.integer({ min: 0, max: 2000 })], { numRuns: 150 })(
    'is deterministic and independent of the order of the actions array',
    ([xs, ys], size) => {
      const a = assignSegment(segments, { attributes: { company: { size } }, actions: xs });
      const b = assignSegment(segments, { attributes: { company: { size } }, actions: ys });
      expect(b).toEqual(a);
      expect(assignSegment(segments, { attributes: { company: { size } }, actions: xs })).toEqual(a);
    },
  );
});

describe('parseSegments', () => {
  const ok = { id: 'a', name: 'A', funnelId: 'f', rule: { kind: 'firstAction', action: 'x' } } as const;
  it('rejects duplicate ids, naming the row', () => {
    const e = errorOf(() => parseSegments([ok, { ...ok, name: 'B' }]));
    expect(e.path).toEqual([1, 'id']);
    expect(e.message).toMatch(/unique segment id/);
  });
  it('rejects unknown funnel ids when funnels are given', () => {
    const e = errorOf(() => parseSegments([ok], { funnels: [{ id: 'g' }, 'h'] }));
    expect(e.path).toEqual([0, 'funnelId']);
    expect(e.expected).toBe('one of the funnel ids (g, h)');
    expect(parseSegments([ok], { funnels: ['f'] })).toHaveLength(1);
  });
  it('rejects bad predicates and typos', () => {
    expect(errorOf(() => parseSegments([{ ...ok, rule: { kind: 'attributes', where: [{ field: 'x', op: 'gt', value: 'lots' }] } }])).path.slice(0, 3)).toEqual([0, 'rule', 'where']);
    expect(errorOf(() => parseSegments([{ ...ok, rule: { kind: 'firstAction', actoin: 'x' } }])).code).toBe('INVALID_INPUT');
    expect(errorOf(() => parseSegments('nope')).code).toBe('INVALID_INPUT');
    expect(errorOf(() => parseSegments([{ ...ok, id: '__proto__' }])).path).toEqual([0, 'id']);
  });
});

describe('docs/concepts.md worked example', () => {
  const segs = parseSegments([
    { id: 'hot', name: 'Hot', funnelId: 'fast', priority: 2, rule: { kind: 'actionWithin', action: 'callback.requested', days: 1 } },
    { id: 'researcher', name: 'Researcher', funnelId: 'considered', priority: 1, rule: { kind: 'activity', action: 'page.viewed', minActions: 4, moreThanDays: 14, before: ['request.submitted', 'callback.requested'] } },
    { id: 'standard', name: 'Standard', funnelId: 'b2b', rule: { kind: 'any', rules: [] } },
  ]);
  const views = (n: number, fromDay: number, toDay: number) =>
    Array.from({ length: n }, (_, i) => ({ id: `v${i}`, type: 'page.viewed', at: `2026-03-${String(fromDay + Math.round(((toDay - fromDay) * i) / (n - 1))).padStart(2, '0')}T09:00:00Z` }));
  const seg = (actions: { id: string; type: string; at: string }[]) => assignSegment(segs, { actions }, { defaultSegmentId: 'standard' });
  it('gives the table rows', () => {
    expect(seg([{ id: 'a1', type: 'page.viewed', at: '2026-03-01T09:00:00Z' }, { id: 'a2', type: 'callback.requested', at: '2026-03-01T15:00:00Z' }]).segmentId).toBe('hot');
    expect(seg([...views(6, 1, 20), { id: 'r', type: 'request.submitted', at: '2026-03-21T09:00:00Z' }]).segmentId).toBe('researcher');
    const s3 = seg([...views(2, 1, 1), { id: 'r', type: 'request.submitted', at: '2026-03-02T09:00:00Z' }]);
    expect([s3.segmentId, s3.by]).toEqual(['standard', 'default']);
    expect(seg([...views(6, 1, 20), { id: 'c', type: 'callback.requested', at: '2026-03-21T09:00:00Z' }]).segmentId).toBe('researcher');
  });
});
