/**
 * Worked examples from the anchors' documented semantics (PostHog's funnel engine and tests, Mixpanel's
 * first-entry rule, ClickHouse's windowFunnel docs), laws, and bad input. Expected values are worked
 * out by hand from the rules in docs/event-funnels.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionLog, evaluateFunnelUnits, eventFunnel } from '../../src/index.js';
import { caught } from '../support/caught.js';
import type { FunnelQuery } from '../../src/index.js';
import { queryArb, rowsArb } from '../arbitraries/actionLog.js';

const S = 1000;

/** One unit's events as `action@seconds` tokens, e.g. `'a@0 b@5'`. */
function log1(spec: string, extraActions: string[] = []) {
  const toks = spec.split(/\s+/).filter(Boolean);
  const action = toks.map((t) => t.split('@')[0] as string);
  const time = toks.map((t) => Number(t.split('@')[1]) * S);
  const unit = toks.map(() => 'u');
  for (const a of extraActions) {
    action.push(a);
    time.push(0);
    unit.push('other');
  }
  return ActionLog.fromColumns({ unit, time, action });
}

function one(spec: string, q: FunnelQuery, extra: string[] = []) {
  const log = log1(spec, extra);
  const r = evaluateFunnelUnits(log, q);
  const u = log.unitKeys.indexOf('u');
  const n = q.steps.length;
  return {
    deepest: r.deepest[u],
    excluded: r.excluded[u] === 1,
    times: Array.from(r.stepTime.subarray(u * n, u * n + n), (t) => (Number.isNaN(t) ? null : t / S)),
  };
}


describe('PostHog ordered rules', () => {
  it('latest start wins: a newer step 1 replaces an older start that has not progressed', () => {
    // a@0 is too old for b@11 (window 5 s); a@10 starts a new attempt that converts
    expect(one('a@0 a@10 b@11', { steps: ['a', 'b'], windowMs: 5 * S })).toEqual({ deepest: 1, excluded: false, times: [10, 11] });
    // and time to convert is measured from the latest step 1 leading to the conversion, even inside the window
    expect(one('a@0 a@3 b@4', { steps: ['a', 'b'], windowMs: 60 * S })).toEqual({ deepest: 1, excluded: false, times: [3, 4] });
  });

  it('a step keeps its first occurrence in a path; times come from the first complete conversion', () => {
    expect(one('a@0 b@1 b@2 c@3 c@9', { steps: ['a', 'b', 'c'], windowMs: 60 * S })).toEqual({ deepest: 2, excluded: false, times: [0, 1, 3] });
  });

  it('deepest step reached by any attempt counts', () => {
    // attempt 1 reaches b, attempt 2 (after the window) only a: deepest is b with attempt 1's times
    expect(one('a@0 b@1 a@100', { steps: ['a', 'b', 'c'], windowMs: 10 * S }, ['c'])).toEqual({ deepest: 1, excluded: false, times: [0, 1, null] });
  });

  it('the window is inclusive and measured from step 1 to every later step', () => {
    expect(one('a@0 b@5 c@10', { steps: ['a', 'b', 'c'], windowMs: 10 * S }).deepest).toBe(2);
    expect(one('a@0 b@5 c@11', { steps: ['a', 'b', 'c'], windowMs: 10 * S }).deepest).toBe(1);
  });

  it('one event fills at most one step: signup → signup needs two signups', () => {
    expect(one('s@0', { steps: ['s', 's'], windowMs: 10 * S }).deepest).toBe(0);
    expect(one('s@0 s@1', { steps: ['s', 's'], windowMs: 10 * S }).deepest).toBe(1);
    // same with identical timestamps (PostHog #25048)
    expect(one('s@0 s@0', { steps: ['s', 's'], windowMs: 10 * S }).deepest).toBe(1);
  });

  it('same timestamp: different steps at one instant are taken in step order and convert', () => {
    expect(one('signup@5 visit@5', { steps: ['visit', 'signup'], windowMs: 10 * S })).toEqual({ deepest: 1, excluded: false, times: [5, 5] });
  });

  it('"any action" steps', () => {
    expect(one('a@0 z@1', { steps: ['a', { anyAction: true }], windowMs: 10 * S }).deepest).toBe(1);
    // one event cannot fill both steps
    expect(one('a@0', { steps: ['a', { anyAction: true }], windowMs: 10 * S }, ['z']).deepest).toBe(0);
  });

  it('per-step max gap', () => {
    const q = { steps: ['a', { action: 'b', maxGapMs: 2 * S }], windowMs: 60 * S };
    expect(one('a@0 b@2', q).deepest).toBe(1);
    expect(one('a@0 b@3', q).deepest).toBe(0);
  });

  it('optional steps: the next required step attaches to the closest earlier reached step', () => {
    const q = { steps: ['a', { action: 'b', optional: true }, 'c'], windowMs: 60 * S };
    expect(one('a@0 c@1', q, ['b'])).toEqual({ deepest: 2, excluded: false, times: [0, null, 1] });
    expect(one('a@0 b@1 c@2', q)).toEqual({ deepest: 2, excluded: false, times: [0, 1, 2] });
    const log = ActionLog.fromColumns({ unit: [1, 1, 2, 2, 2, 3], time: [0, 1, 0, 1, 2, 0], action: ['a', 'c', 'a', 'b', 'c', 'a'] });
    // optional step counts only units whose path includes it; counts need not decrease
    expect(eventFunnel(log, q).steps.map((s) => s.count)).toEqual([3, 1, 2]);
  });
});

describe('PostHog exclusions', () => {
  const q = { steps: ['a', 'b'], windowMs: 60 * S, exclusions: [{ action: 'x', from: 0, to: 1 }] };
  it('an exclusion on the counted path removes the unit from the whole funnel, including step 1', () => {
    expect(one('a@0 x@1 b@2', q)).toEqual({ deepest: -1, excluded: true, times: [null, null] });
    const log = ActionLog.fromColumns({ unit: [1, 1, 1, 2, 2], time: [0, 1, 2, 0, 1], action: ['a', 'x', 'b', 'a', 'b'] });
    const f = eventFunnel(log, { ...q, units: true });
    expect(f.steps.map((s) => s.count)).toEqual([1, 1]);
    expect(f.excluded).toBe(1);
    expect(f.excludedUnits).toEqual([1]);
  });
  it('an exclusion after the conversion or outside the range does not exclude', () => {
    expect(one('a@0 b@1 x@2', q).deepest).toBe(1);
    expect(one('x@0 a@1 b@2', q).deepest).toBe(1);
  });
  it('an exclusion sharing a timestamp with a step event is ignored', () => {
    expect(one('a@0 x@1 b@1', q)).toEqual({ deepest: 1, excluded: false, times: [0, 1] });
  });
  it('a spoiled attempt that got further than a clean one removes the unit; one that got no further does not', () => {
    const q3 = { steps: ['a', 'b', 'c'], windowMs: 5 * S, exclusions: [{ action: 'x', from: 0, to: 2 }] };
    expect(one('a@0 a@10 x@11 b@12', q3, ['c']).excluded).toBe(true);
    expect(one('a@0 b@1 a@10 x@11', q3, ['c'])).toEqual({ deepest: 1, excluded: false, times: [0, 1, null] });
  });
});

describe('PostHog exclusion details (funnel-semantics.md §2.2, hand-worked)', () => {
  const q = { steps: ['a', 'b', 'c'], windowMs: 10 * S, exclusions: [{ action: 'x', from: 0, to: 1 }] };
  it('an exclusion after step 1 on the deepest path removes the unit even if it never did step 2', () => {
    expect(one('a@0 x@1', q, ['b', 'c'])).toEqual({ deepest: -1, excluded: true, times: [null, null, null] });
  });
  it('a later untainted path of the same depth replaces a tainted one', () => {
    // a@0 is tainted by x@1; a@100 starts a clean depth-1 path that replaces it as the deepest result
    expect(one('a@0 x@1 a@100', q, ['b', 'c'])).toEqual({ deepest: 0, excluded: false, times: [100, null, null] });
    expect(one('a@0 x@1 b@2 a@100 b@101', q, ['c'])).toEqual({ deepest: 1, excluded: false, times: [100, 101, null] });
    // …but a clean path that gets no further than the tainted deepest one does not: the unit is removed
    expect(one('a@0 x@1 b@2 a@100', q, ['c']).excluded).toBe(true);
  });
  it('the recorded deepest result is tainted only by an exclusion inside its own window', () => {
    const q2 = { steps: ['a', 'b', 'c'], windowMs: 10 * S, exclusions: [{ action: 'x', from: 0, to: 2 }] };
    // deepest = (a@0, b@1); x@52 taints the newer depth-1 path a@50 but is 52 s after the deepest path's start;
    // b@53 from the tainted a@50 reaches the same depth but is never stored and cannot replace a clean result
    expect(one('a@0 b@1 a@50 x@52 b@53', q2, ['c'])).toEqual({ deepest: 1, excluded: false, times: [0, 1, null] });
  });
});

describe('strict order: same-timestamp groups', () => {
  it('strict clearing is skipped when events of one timestamp match different steps (§2.2)', () => {
    const q: FunnelQuery = { steps: ['a', 'b', 'c'], windowMs: 10 * S, order: 'strict' };
    // n@1 shares b@1's timestamp: the group is processed as (event, step) pairs, without strict clearing
    expect(one('a@0 b@1 n@1 c@2', q).deepest).toBe(2);
    expect(one('a@0 b@1 n@2 c@3', q).deepest).toBe(1);
    // two non-matching events at one instant (identical step sets) are processed one by one: they break it
    expect(one('a@0 n@1 n@1 b@2', q, ['c']).deepest).toBe(0);
  });
});

describe('strict order', () => {
  it('any event in between breaks the chain, except ignored actions', () => {
    const q: FunnelQuery = { steps: ['a', 'b'], windowMs: 60 * S, order: 'strict' };
    expect(one('a@0 n@1 b@2', q).deepest).toBe(0);
    expect(one('a@0 n@1 b@2', { ...q, order: 'ordered' }).deepest).toBe(1);
    expect(one('a@0 n@1 b@2', { ...q, strictIgnore: ['n'] }).deepest).toBe(1);
    // a repeat of the current step does not break it
    expect(one('a@0 a@1 b@2', q).deepest).toBe(1);
    const log = log1('a@0 n@1 b@2');
    const f = eventFunnel(log, { ...q, units: true });
    expect(f.steps[1]?.units?.dropped).toEqual([{ unit: 'u', why: 'strictBroken' }]);
  });
});

describe('unordered (any order)', () => {
  it('counts k of N steps completed within one window', () => {
    const q: FunnelQuery = { steps: ['a', 'b', 'c'], windowMs: 5 * S, order: 'unordered' };
    expect(one('b@0 a@1', q, ['c'])).toEqual({ deepest: 1, excluded: false, times: [0, 1, null] });
    expect(one('c@0 a@10 b@11', q).deepest).toBe(1);
    expect(one('c@0 b@3 a@5', q).deepest).toBe(2);
  });
  it('times are the sorted first events of each step in the best window; a sliding window keeps the best count (§2.3)', () => {
    const q: FunnelQuery = { steps: ['a', 'b', 'c'], windowMs: 10 * S, order: 'unordered' };
    const log = log1('b@0 c@1 a@2');
    const r = evaluateFunnelUnits(log, q);
    expect(Array.from(r.stepTime.subarray(0, 3))).toEqual([0, 1 * S, 2 * S]);
    expect(Array.from(r.stepOf.subarray(0, 3))).toEqual([1, 2, 0]);
    // a@0 b@1 complete 2 steps; c@20 pushes them out of the window; a@21 makes 2 again, not more: best stays (a@0, b@1)
    expect(one('a@0 b@1 c@20 a@21', q)).toEqual({ deepest: 1, excluded: false, times: [0, 1, null] });
  });
  it('an event matching several steps goes to the step whose latest queued event is oldest (§2.3)', () => {
    // steps a, (a | b): a@0 → step 0 (both empty, lowest step); a@1 → step 1 (empty = oldest) → 2 of 2
    expect(one('a@0 a@1', { steps: ['a', { action: ['a', 'b'] }], order: 'unordered', windowMs: 10 * S }, ['b']).deepest).toBe(1);
  });
  it('the window slides before the choice: events that fell out of the window do not steer a multi-step event (§2.3)', () => {
    // steps (a | c), (b | c); window 1 h. At 12:00 the 09:00 `a` is 3 h old, outside the window, so both
    // queues are empty: `c` goes to the lowest step, (a | c); `b` at 12:30 fills (b | c) → 2 of 2, times 12:00, 12:30
    const H = 3600;
    const q: FunnelQuery = { steps: [{ action: ['a', 'c'] }, { action: ['b', 'c'] }], order: 'unordered', windowMs: H * S };
    expect(one(`a@${9 * H} c@${12 * H} b@${12.5 * H}`, q)).toEqual({ deepest: 1, excluded: false, times: [12 * H, 12.5 * H] });
    // steps (a | b), a; window 3 h. At 20:00 the 09:00 `a` has left the window: both queues are empty, so the
    // 20:00 `a` goes to the lowest step, (a | b); `b` at 21:00 matches (a | b) only → still 1 of 2 (PostHog's
    // greedy rule, not the best possible assignment)
    const q2: FunnelQuery = { steps: [{ action: ['a', 'b'] }, 'a'], order: 'unordered', windowMs: 3 * H * S };
    expect(one(`a@${9 * H} a@${20 * H} b@${21 * H}`, q2)).toEqual({ deepest: 0, excluded: false, times: [9 * H, null] });
  });
  it('in progress at now: any step may open the window, so a unit that only did step 2 is in progress too', () => {
    // u did only b@0, v only a@0; window 10 s, now 1 s: both windows are open (PostHog #33605: not dropped)
    const log = ActionLog.fromColumns({ unit: ['u', 'v', 'w'], time: [0, 0, 0], action: ['b', 'a', 'b'] });
    const f = eventFunnel(log, { steps: ['a', 'b'], order: 'unordered', windowMs: 10 * S, now: 1 * S, units: true });
    expect(f.steps[1]?.units?.inProgress).toEqual(['u', 'v', 'w']);
    expect(f.steps[1]?.dropped).toBe(0);
    // 11 s: every window has closed (0 + 10 s < 11 s)
    const later = eventFunnel(log, { steps: ['a', 'b'], order: 'unordered', windowMs: 10 * S, now: 11 * S });
    expect([later.steps[1]?.inProgress, later.steps[1]?.dropped]).toEqual([0, 3]);
  });
  it('an exclusion resets progress but does not remove the unit', () => {
    const q: FunnelQuery = { steps: ['a', 'b', 'c'], windowMs: 60 * S, order: 'unordered', exclusions: [{ action: 'x', from: 0, to: 2 }] };
    expect(one('a@0 b@1 x@2 c@3', q)).toEqual({ deepest: 1, excluded: false, times: [0, 1, null] });
  });
  it('exclusions must span the whole funnel', () => {
    const log = log1('a@0 b@1 c@2 x@3');
    expect(caught(() => evaluateFunnelUnits(log, { steps: ['a', 'b', 'c'], order: 'unordered', exclusions: [{ action: 'x', from: 0, to: 1 }] })).path).toEqual(['query', 'exclusions', 0]);
  });
});

describe('first-entry rule (Mixpanel uniques)', () => {
  const q: FunnelQuery = { steps: ['a', 'b'], windowMs: 5 * S, attempt: 'firstEntry' };
  it('only the first step-1 event starts an attempt; a later step 1 does not reset the window', () => {
    expect(one('a@0 a@10 b@11', q)).toEqual({ deepest: 0, excluded: false, times: [0, null] });
    const f = eventFunnel(log1('a@0 a@10 b@11'), { ...q, units: true });
    expect(f.steps[1]?.units?.dropped).toEqual([{ unit: 'u', why: 'timedOut' }]);
  });
  it('an exclusion ends the attempt; the unit keeps its steps and drops with why "excluded"', () => {
    const qe = { ...q, steps: ['a', 'b', 'c'], windowMs: 60 * S, exclusions: [{ action: 'x', from: 1, to: 2 }] };
    expect(one('a@0 b@1 x@2 c@3', qe)).toEqual({ deepest: 1, excluded: false, times: [0, 1, null] });
    const f = eventFunnel(log1('a@0 b@1 x@2 c@3'), { ...qe, units: true });
    expect(f.steps.map((s) => s.count)).toEqual([1, 1, 0]);
    expect(f.steps[2]?.units?.dropped).toEqual([{ unit: 'u', why: 'excluded' }]);
  });
});

describe('first-entry rule: why a unit dropped when the per-step gap has passed', () => {
  const why = (spec: string, q: FunnelQuery) => eventFunnel(log1(spec), { ...q, units: true }).steps[1]?.units?.dropped;
  const steps = ['a', { action: 'b', maxGapMs: 2 * S }];
  it('the attempt timed out when the gap passed; a later event cannot break or exclude it any more', () => {
    // b@5 is 5 s after a@0 (> 2 s): timed out — not a strict break by b itself or by n@6
    expect(why('a@0 b@5 n@6', { steps, windowMs: 60 * S, attempt: 'firstEntry', order: 'strict' })).toEqual([{ unit: 'u', why: 'timedOut' }]);
    // x@5 comes after the gap closed (at 2 s): the unit timed out, it was not excluded
    expect(why('a@0 x@5 b@6', { steps, windowMs: 60 * S, attempt: 'firstEntry', exclusions: [{ action: 'x', from: 0, to: 1 }] })).toEqual([{ unit: 'u', why: 'timedOut' }]);
    // inside the gap the same events do break / exclude
    expect(why('a@0 n@1 b@2', { steps, windowMs: 60 * S, attempt: 'firstEntry', order: 'strict' })).toEqual([{ unit: 'u', why: 'strictBroken' }]);
    expect(why('a@0 x@1 b@2', { steps, windowMs: 60 * S, attempt: 'firstEntry', exclusions: [{ action: 'x', from: 0, to: 1 }] })).toEqual([{ unit: 'u', why: 'excluded' }]);
  });
});

describe('ClickHouse windowFunnel compatibility', () => {
  const steps = ['a', 'b', 'c', 'd'];
  it('default semantics: longest chain within the window from its first event', () => {
    expect(one('a@0 b@1 c@2 b@3 d@4', { steps, windowMs: 60 * S, clickhouse: true }).deepest).toBe(3);
    expect(one('a@0 b@1 c@2 d@70', { steps, windowMs: 60 * S, clickhouse: true }).deepest).toBe(2);
  });
  it('strict_deduplication: "a b c b d" gives level 3 (ClickHouse docs)', () => {
    expect(one('a@0 b@1 c@2 b@3 d@4', { steps, windowMs: 60 * S, clickhouse: ['strict_deduplication'] }).deepest).toBe(2);
  });
  it('strict_order: an event in between stops the walk; repeats such as "a a b b c c" are fine', () => {
    expect(one('a@0 b@1 z@2 c@3', { steps: ['a', 'b', 'c'], windowMs: 60 * S, clickhouse: ['strict_order'] }).deepest).toBe(1);
    expect(one('a@0 a@1 b@2 b@3 c@4 c@5', { steps: ['a', 'b', 'c'], windowMs: 60 * S, clickhouse: ['strict_order'] }).deepest).toBe(2);
  });
  it('pitfall: [begin, view, begin, pay] under strict_order returns 1', () => {
    expect(one('begin@0 view@1 begin@2 pay@3', { steps: ['begin', 'view', 'begin', 'pay'], windowMs: 60 * S, clickhouse: ['strict_order'] }).deepest).toBe(0);
  });
  it('strict_increase: equal timestamps cannot chain', () => {
    expect(one('a@0 b@0', { steps: ['a', 'b'], windowMs: 60 * S, clickhouse: true }).deepest).toBe(1);
    expect(one('a@0 b@0', { steps: ['a', 'b'], windowMs: 60 * S, clickhouse: ['strict_increase'] }).deepest).toBe(0);
  });
});

describe('report', () => {
  const log = ActionLog.fromColumns({
    unit: ['a', 'a', 'a', 'b', 'b', 'c', 'd', 'd'],
    time: [0, 60, 120, 0, 30, 0, 0, 4000].map((t) => t * S),
    action: ['visit', 'signup', 'paid', 'visit', 'signup', 'visit', 'visit', 'signup'],
  });
  const q = { steps: ['visit', 'signup', 'paid'], windowMs: 3600 * S };
  it('counts, rates, drop-off, mean and median times, units with why', () => {
    const f = eventFunnel(log, { ...q, units: true });
    expect(f.steps.map((s) => s.count)).toEqual([4, 2, 1]);
    expect(f.steps.map((s) => s.fromPrevious)).toEqual([null, 0.5, 0.5]);
    expect(f.steps.map((s) => s.fromStart)).toEqual([1, 0.5, 0.25]);
    expect(f.steps.map((s) => s.dropped)).toEqual([0, 2, 1]);
    expect(f.steps[1]?.meanMsFromPrevious).toBe(45 * S);
    expect(f.steps[1]?.medianMsFromPrevious).toBe(45 * S);
    expect(f.steps[2]?.meanMsFromPrevious).toBe(60 * S);
    expect(f.steps[1]?.units?.converted).toEqual(['a', 'b']);
    expect(f.steps[1]?.units?.dropped).toEqual([
      { unit: 'c', why: 'neverDidNextStep' },
      { unit: 'd', why: 'timedOut' },
    ]);
    expect(f.conversion).toBe(0.25);
    expect(f.rules).toMatchObject({ windowMs: 3600 * S, order: 'ordered', attempt: 'posthog', now: null });
    expect(Object.isFrozen(f.steps[0])).toBe(true);
  });
  it('units whose window is still open at now are in progress, not dropped', () => {
    const f = eventFunnel(log, { ...q, now: 1800 * S, units: true });
    // c (entered at 0, window open until 3600 s) and b (reached signup) are in progress
    expect(f.steps[1]?.inProgress).toBe(2);
    expect(f.steps[1]?.dropped).toBe(0);
    expect(f.steps[2]?.inProgress).toBe(1);
    expect(f.steps[2]?.units?.inProgress).toEqual(['b']);
    expect(f.inProgress).toBe(3);
  });
  it('an empty log gives null rates, never NaN', () => {
    const empty = ActionLog.fromColumns({ unit: [], time: [], action: [], actions: ['visit'] });
    const f = eventFunnel(empty, { steps: ['visit'] });
    expect(f.steps[0]).toMatchObject({ count: 0, fromStart: null, meanMsFromPrevious: null, medianMsFromPrevious: null });
    expect(f.conversion).toBeNull();
  });
  it('property filters on steps', () => {
    const l = ActionLog.fromColumns({ unit: [1, 1, 2, 2], time: [0, 1, 0, 1], action: ['v', 's', 'v', 's'], properties: { plan: ['pro', 'pro', 'free', null] } });
    expect(eventFunnel(l, { steps: [{ action: 'v', where: { plan: 'pro' } }, 's'] }).steps.map((s) => s.count)).toEqual([1, 1]);
    expect(eventFunnel(l, { steps: ['v', { action: 's', where: { plan: [null, 'x'] } }] }).steps.map((s) => s.count)).toEqual([2, 1]);
  });
});

describe('laws', () => {
  it('ordered counts never increase along the steps (no optional steps)', () => {
    fc.assert(
      fc.property(rowsArb, queryArb('ordered'), (rows, q0) => {
        const q = { ...q0, steps: q0.steps.map((s) => (typeof s === 'string' ? s : { ...s, optional: false })) };
        const log = ActionLog.fromColumns({ unit: rows.map((r) => String(r.unit)), time: rows.map((r) => r.time), action: rows.map((r) => r.action), properties: { p: rows.map((r) => r.props.p) } });
        const c = eventFunnel(log, q).steps.map((s) => s.count);
        for (let k = 1; k < c.length; k++) expect(c[k]).toBeLessThanOrEqual(c[k - 1] as number);
      }),
      { numRuns: 300 },
    );
  });
  it('results do not depend on the input row order, and the same log gives the same result', () => {
    const kinds = ['ordered', 'strict', 'unordered', 'firstEntry', 'clickhouse'] as const;
    fc.assert(
      fc.property(rowsArb, fc.constantFrom(...kinds).chain((k) => queryArb(k)), fc.integer(), (rows, q, seed) => {
        const shuffled = [...rows];
        let s = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j] as (typeof rows)[number], shuffled[i] as (typeof rows)[number]];
        }
        const build = (rs: typeof rows) => ActionLog.fromColumns({ unit: rs.map((r) => String(r.unit)), time: rs.map((r) => r.time), action: rs.map((r) => r.action), properties: { p: rs.map((r) => r.props.p) } });
        const count = (rs: typeof rows) => {
          const f = eventFunnel(build(rs), { ...q, units: true });
          return f.steps.map((st) => ({ count: st.count, mean: st.meanMsFromPrevious, median: st.medianMsFromPrevious, converted: [...(st.units?.converted ?? [])].sort() }));
        };
        expect(count(shuffled)).toEqual(count(rows));
        expect(count(rows)).toEqual(count(rows));
      }),
      { numRuns: 400 },
    );
  });
  it('does not mutate its inputs', () => {
    const unit = [2, 1, 2];
    const time = [5, 3, 1];
    const action = ['b', 'a', 'a'];
    const log = ActionLog.fromColumns({ unit, time, action });
    eventFunnel(log, { steps: ['a', 'b'] });
    expect([unit, time, action]).toEqual([[2, 1, 2], [5, 3, 1], ['b', 'a', 'a']]);
  });
});

describe('times: false', () => {
  // u: a@0 b@60 c@180 (two gaps); v: a@0 b@30; w: a@0; x: a@10 c@20 (skips b)
  const log = ActionLog.fromColumns({
    unit: ['u', 'u', 'u', 'v', 'v', 'w', 'x', 'x'],
    time: [0, 60, 180, 0, 30, 0, 10, 20],
    action: ['a', 'b', 'c', 'a', 'b', 'a', 'a', 'c'],
  });
  const steps = ['a', 'b', 'c'];
  it('leaves every count as it is and the times null (fused pass, both rule sets)', () => {
    for (const clickhouse of [false, true]) {
      const full = eventFunnel(log, { steps, windowMs: 1000, clickhouse });
      const counts = eventFunnel(log, { steps, windowMs: 1000, clickhouse, times: false });
      expect(full.steps.map((s) => s.count)).toEqual([4, 2, 1]);
      expect(full.steps.map((s) => s.medianMsFromPrevious)).toEqual([null, 45, 120]);
      expect(counts.steps.map((s) => [s.count, s.dropped, s.meanMsFromPrevious, s.medianMsFromPrevious])).toEqual([
        [4, 0, null, null],
        [2, 2, null, null],
        [1, 1, null, null],
      ]);
      expect({ ...counts, steps: null }).toEqual({ ...full, steps: null });
    }
  });
  it('keeps each rule set\'s window test: PostHog t − f ≤ w, ClickHouse t ≤ f + w (they round differently)', () => {
    // 0.30000000000000004 − 0.1 = 0.20000000000000004 > 0.2, but 0.1 + 0.2 = 0.30000000000000004:
    // b is inside the window by ClickHouse's test and outside by PostHog's. Unit 2 has b twice at that
    // instant (a same-timestamp group, redone by the exact walk); unit 1 once (the fast loop).
    const b = 0.30000000000000004;
    const frac = ActionLog.fromColumns({ unit: [1, 1, 2, 2, 2], time: [0.1, b, 0.1, b, b], action: ['a', 'b', 'a', 'b', 'b'] });
    for (const times of [true, false]) {
      expect(eventFunnel(frac, { steps: ['a', 'b'], windowMs: 0.2, times }).steps.map((s) => s.count)).toEqual([2, 0]);
      expect(eventFunnel(frac, { steps: ['a', 'b'], windowMs: 0.2, times, clickhouse: true }).steps.map((s) => s.count)).toEqual([2, 2]);
      // each unit alone (fast loop / exact walk)
      for (const unit of [1, 2]) {
        const one = ActionLog.fromColumns({ unit: unit === 1 ? [1, 1] : [2, 2, 2], time: unit === 1 ? [0.1, b] : [0.1, b, b], action: unit === 1 ? ['a', 'b'] : ['a', 'b', 'b'] });
        expect(eventFunnel(one, { steps: ['a', 'b'], windowMs: 0.2, times }).steps.map((s) => s.count)).toEqual([1, 0]);
        expect(eventFunnel(one, { steps: ['a', 'b'], windowMs: 0.2, times, clickhouse: true }).steps.map((s) => s.count)).toEqual([1, 1]);
      }
    }
  });
  it('the same on the engine path (an exclusion) and with unit lists', () => {
    const q = { steps, windowMs: 1000, exclusions: [{ action: 'c', from: 0, to: 1 }] };
    const full = eventFunnel(log, { ...q, units: true });
    const counts = eventFunnel(log, { ...q, units: true, times: false });
    expect(counts.steps.map((s) => s.count)).toEqual(full.steps.map((s) => s.count));
    expect(counts.steps.map((s) => s.units)).toEqual(full.steps.map((s) => s.units));
    expect(counts.steps.every((s) => s.meanMsFromPrevious === null && s.medianMsFromPrevious === null)).toBe(true);
    expect(full.steps[1]?.meanMsFromPrevious).toBe(45);
  });
});

describe('bad input', () => {
  const log = log1('a@0 b@1');
  it('unknown step actions name the step', () => {
    expect(caught(() => eventFunnel(log, { steps: ['a', 'nope'] }))).toEqual({ code: 'UNKNOWN_ACTION', path: ['query', 'steps', 1, 'action'] });
    expect(caught(() => eventFunnel(log, { steps: ['a', { action: ['b', 'nope'] }] }))).toEqual({ code: 'UNKNOWN_ACTION', path: ['query', 'steps', 1, 'action', 1] });
  });
  it('negative windows, more than 64 steps, bad exclusion ranges, misplaced optional steps', () => {
    expect(caught(() => eventFunnel(log, { steps: ['a'], windowMs: -1 })).path).toEqual(['query', 'windowMs']);
    expect(caught(() => eventFunnel(log, { steps: new Array(65).fill('a') })).path).toEqual(['query', 'steps']);
    expect(evaluateFunnelUnits(log, { steps: new Array(64).fill('a') }).stepCount).toBe(64);
    expect(caught(() => eventFunnel(log, { steps: ['a', 'b'], exclusions: [{ action: 'a', from: 1, to: 1 }] })).path).toEqual(['query', 'exclusions', 0]);
    expect(caught(() => eventFunnel(log, { steps: ['a', { action: 'b', optional: true }] })).path).toEqual(['query', 'steps', 1, 'optional']);
    expect(caught(() => eventFunnel(log, { steps: ['a'], clickhouse: true, order: 'strict' })).path).toEqual(['query', 'order']);
    expect(caught(() => eventFunnel(log, { steps: [] })).code).toBe('INVALID_OPTION');
    expect(caught(() => eventFunnel(log, { steps: ['a'], units: 'yes' as never }))).toEqual({ code: 'INVALID_OPTION', path: ['query', 'units'] });
    expect(caught(() => eventFunnel(log, { steps: ['a'], times: 0 as never }))).toEqual({ code: 'INVALID_OPTION', path: ['query', 'times'] });
    expect(() => eventFunnel(log, { steps: ['a'], times: 'no' as never })).toThrow(/times.*"no"|"no".*times/s);
  });
  it('duplicate rows are accepted and are separate events: an exact duplicate can fill a repeated step', () => {
    // unit 1: a@0 twice, b@1 twice; unit 2: a@0, a@5
    const dup = ActionLog.fromColumns({ unit: [1, 1, 1, 1, 2, 2], time: [0, 0, 1, 1, 0, 5], action: ['a', 'a', 'b', 'b', 'a', 'a'] });
    expect(eventFunnel(dup, { steps: ['a', 'b'] }).steps.map((s) => s.count)).toEqual([2, 1]);
    // a → a: unit 1 through its two rows at 0 (same-timestamp rows with identical steps are taken one by one), unit 2 through a@5
    expect(eventFunnel(dup, { steps: ['a', 'a'] }).steps.map((s) => s.count)).toEqual([2, 2]);
    expect(eventFunnel(dup, { steps: ['a', 'a', 'b'] }).steps.map((s) => s.count)).toEqual([2, 2, 1]);
    expect(eventFunnel(dup, { steps: ['a', 'a'], clickhouse: ['strict_once'] }).steps.map((s) => s.count)).toEqual([2, 2]);
  });
});
