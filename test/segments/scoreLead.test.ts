import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type LeadScoring, parseFunnel, scoreLead } from '../../src/index.js';
import { actionsAndShuffleArb } from '../arbitraries/actions.js';
import { errorOf } from '../support/errorOf.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-04-01T00:00:00Z');
const ago = (days: number): string => new Date(NOW - days * DAY).toISOString();


const model: LeadScoring = {
  thresholds: { mql: 20, sql: 50 },
  rules: [
    { id: 'demo', points: 20, action: 'demo.requested', where: [], halfLifeDays: 7 },
    { id: 'visit', points: 2, action: 'page.viewed', where: [{ field: 'page', op: 'eq', value: '/pricing' }], maxTimes: 2 },
    { id: 'big', points: 15, where: [], attribute: { field: 'employees', op: 'gte', value: 200 } },
    { id: 'student', points: -10, where: [], attribute: { field: 'role', op: 'eq', value: 'student' } },
  ],
};

describe('scoreLead (hand-computed)', () => {
  it('decays 20 points with a 7-day half-life to 5 at 14 days', () => {
    const r = scoreLead(model, { actions: [{ id: 'a1', type: 'demo.requested', at: ago(14) }] }, { now: NOW });
    expect(r.items).toEqual([{ ruleId: 'demo', actionId: 'a1', actionType: 'demo.requested', rawPoints: 20, ageDays: 14, halfLifeDays: 7, decay: 0.25, points: 5 }]);
    expect(r.score).toBe(5);
    expect(r.stage).toBe('none');
    expect(r.now).toBe('2026-04-01T00:00:00.000Z');
  });
  it('caps an action rule at maxTimes (the latest ones), filters on properties, adds attributes once', () => {
    const r = scoreLead(
      model,
      {
        attributes: { employees: 250, role: 'student' },
        actions: [
          { id: 'p1', type: 'page.viewed', at: ago(3), properties: { page: '/pricing' } },
          { id: 'p2', type: 'page.viewed', at: ago(2), properties: { page: '/pricing' } },
          { id: 'p3', type: 'page.viewed', at: ago(1), properties: { page: '/pricing' } },
          { id: 'p4', type: 'page.viewed', at: ago(1), properties: { page: '/blog' } },
          { id: 'd1', type: 'demo.requested', at: ago(0) },
        ],
      },
      { now: NOW },
    );
    expect(r.items.map((i) => [i.ruleId, i.actionId, i.points])).toEqual([
      ['demo', 'd1', 20],
      ['visit', 'p2', 2],
      ['visit', 'p3', 2],
      ['big', null, 15],
      ['student', null, -10],
    ]);
    expect(r.score).toBe(29);
    expect(r.stage).toBe('mql');
  });
  it('reaches SQL at the threshold, and uses the model half-life unless the rule overrides it', () => {
    const m: LeadScoring = { halfLifeDays: 10, thresholds: { mql: 10, sql: 40 }, rules: [{ id: 'x', points: 80, action: 'x.done', where: [] }] };
    const r = scoreLead(m, { actions: [{ id: 'a', type: 'x.done', at: ago(10) }] }, { now: NOW });
    expect(r.score).toBe(40);
    expect(r.stage).toBe('sql');
    expect(r.items[0]?.halfLifeDays).toBe(10);
  });
  it('ignores actions after now', () => {
    const r = scoreLead(model, { actions: [{ id: 'a', type: 'demo.requested', at: ago(-1) }] }, { now: NOW });
    expect(r.score).toBe(0);
    expect(r.items).toEqual([]);
    expect(r.ignoredLaterActions).toBe(1);
  });
  it('works with a parsed funnel scoring model', () => {
    const f = parseFunnel({
      id: 'f', name: 'F', stages: [{ id: 'a', name: 'A', actions: ['request.submitted'] }, { id: 'w', name: 'W', category: 'won', actions: ['invoice.paid'] }],
      scoring: { thresholds: { mql: 1, sql: 2 }, rules: [{ id: 'r', points: 1, action: 'request.submitted' }] },
    });
    expect(scoreLead(f.scoring, { actions: [{ id: 'a', type: 'request.submitted', at: ago(1) }] }, { now: NOW }).stage).toBe('mql');
  });
  it('rejects a bad model, a bad now and a bad action', () => {
    expect(errorOf(() => scoreLead({ rules: [], thresholds: { mql: 50, sql: 10 } }, { actions: [] }, { now: NOW })).path).toEqual(['model', 'thresholds', 'sql']);
    expect(errorOf(() => scoreLead(model, { actions: [] }, { now: 'tomorrow' })).code).toBe('INVALID_DATE');
    expect(errorOf(() => scoreLead(model, { actions: [{ id: '', type: 'x', at: 0 }] }, { now: NOW })).path).toEqual(['actions', 0, 'id']);
  });
});

describe('scoreLead (laws)', () => {
  const laws: LeadScoring = {
    halfLifeDays: 5,
    thresholds: { mql: 5, sql: 15 },
    rules: [
      { id: 'v', points: 1, action: 'page.viewed', where: [], maxTimes: 4 },
      { id: 'r', points: 10, action: ['request.submitted', 'callback.requested'], where: [{ field: 'value', op: 'gte', value: 50 }], halfLifeDays: 30 },
      { id: 'c', points: 3, action: 'call.answered', where: [] },
    ],
  };
  const now = '2026-04-15T00:00:00Z';
  test.prop([actionsAndShuffleArb], { numRuns: 150 })('score = the sum of the explained points; independent of order', ([xs, ys]) => {
    const a = scoreLead(laws, { actions: xs }, { now });
    let sum = 0;
    for (const it of a.items) {
      expect(it.points).toBeCloseTo(it.rawPoints * it.decay, 12);
      expect(it.decay).toBeGreaterThan(0);
      expect(it.decay).toBeLessThanOrEqual(1);
      sum += it.points;
    }
    expect(a.score).toBe(sum);
    expect(scoreLead(laws, { actions: ys }, { now })).toEqual(a);
  });
  test.prop([actionsAndShuffleArb, fc.integer({ min: 0, max: 60 })], { numRuns: 100 })('later now never raises a decayed positive score', ([xs], extra) => {
    const a = scoreLead(laws, { actions: xs }, { now: '2026-06-01T00:00:00Z' });
    const b = scoreLead(laws, { actions: xs }, { now: new Date(Date.parse('2026-06-01T00:00:00Z') + extra * DAY) });
    expect(b.score).toBeLessThanOrEqual(a.score + 1e-9);
  });
});

describe('leadScorer as a trigger condition', () => {
  it('lets a minScore trigger move a deal only once the lead is hot enough', async () => {
    const { parseFunnel, replay, leadScorer } = await import('../../src/index.js');
    const funnel = parseFunnel({
      id: 'f', name: 'F',
      stages: [
        { id: 'request', name: 'Request', actions: ['request.submitted'] },
        { id: 'qualified', name: 'Sales-qualified' },
        { id: 'paid', name: 'Paid', category: 'won', actions: ['invoice.paid'] },
      ],
      triggers: [{ id: 'sql', action: 'page.viewed', minScore: 30, to: 'qualified' }],
      scoring: { thresholds: { mql: 10, sql: 30 }, rules: [{ id: 'r', points: 10, action: ['request.submitted', 'page.viewed'] }] },
    });
    const actions = [
      { id: 'a1', type: 'request.submitted', at: '2026-03-01', dealId: 'd1' },
      { id: 'a2', type: 'page.viewed', at: '2026-03-02', dealId: 'd1' },
      { id: 'a3', type: 'page.viewed', at: '2026-03-03', dealId: 'd1' },
    ];
    // a2: score 10 + 10 = 20 < 30 → no move; a3: 30 → qualified, caused by a3.
    const r = replay(funnel, actions, { scoreOf: leadScorer(funnel.scoring!) });
    const deal = r.deals[0]!;
    expect(deal.stageId).toBe('qualified');
    const move = deal.history.find((t) => t.to === 'qualified');
    expect(move?.cause).toMatchObject({ type: 'action', actionId: 'a3', ruleId: 'sql' });
  });
});

describe('docs/concepts.md worked example', () => {
  it('scores 5 + 6 + 10 = 21 → MQL', () => {
    const m: LeadScoring = {
      thresholds: { mql: 15, sql: 30 },
      rules: [
        { id: 'demo', points: 20, action: 'demo.requested', where: [], halfLifeDays: 7 },
        { id: 'pricing', points: 3, action: 'page.viewed', where: [{ field: 'page', op: 'eq', value: '/pricing' }], maxTimes: 2 },
        { id: 'big', points: 10, where: [], attribute: { field: 'employees', op: 'gte', value: 200 } },
      ],
    };
    const pricing = (id: string, d: string) => ({ id, type: 'page.viewed', at: `2026-03-${d}T00:00:00Z`, properties: { page: '/pricing' } });
    const r = scoreLead(m, { attributes: { employees: 500 }, actions: [{ id: 'd', type: 'demo.requested', at: '2026-03-01' }, pricing('p1', '10'), pricing('p2', '13'), pricing('p3', '14')] }, { now: '2026-03-15' });
    expect(r.items.map((i) => [i.ruleId, i.actionId, i.decay, i.points])).toEqual([
      ['demo', 'd', 0.25, 5],
      ['pricing', 'p2', 1, 3],
      ['pricing', 'p3', 1, 3],
      ['big', null, 1, 10],
    ]);
    expect([r.score, r.stage]).toEqual([21, 'mql']);
  });
});

describe('scoreLead model validation', () => {
  it('re-validates a model that is not deeply frozen (a later change is seen)', () => {
    const m = { thresholds: { mql: 1, sql: 2 }, rules: [{ id: 'r', points: 1, action: 'x' }] };
    const shallow = Object.freeze(m);
    const actions = [{ id: 'a', type: 'x', at: '2026-03-01' }];
    expect(scoreLead(shallow, { actions }, { now: '2026-03-02' }).score).toBe(1);
    (m.rules[0] as { points: number }).points = 3;
    expect(scoreLead(shallow, { actions }, { now: '2026-03-02' }).score).toBe(3);
  });
});
