import { describe, expect, it } from 'vitest';
import { applyAction, applySilence, evaluateSilence } from '../../src/index.js';
import { act, errorOf, funnelWith, newDeal, ok } from './fixtures.js';

const f = funnelWith({
  silence: [
    { id: 'quiet', afterDays: 7, then: { type: 'flag' }, effects: [{ type: 'email.reminder' }] },
    { id: 'gone', afterDays: 30, then: { type: 'lose', reason: 'no-response' } },
    { id: 'nudge', afterDays: 3, stages: ['described'], then: { type: 'move', to: 'answered' } },
  ],
  policy: { allowBackward: false },
});

describe('evaluateSilence', () => {
  it('idle from the later of the last action and the last transition; ordered by due time', () => {
    const d = ok(applyAction(f, newDeal(f), act('a1', 'email.opened', '2026-03-05')));
    expect(evaluateSilence(f, d, '2026-03-11T23:59:59Z')).toEqual([]);
    const due = evaluateSilence(f, d, '2026-04-10');
    expect(due.map((x) => [x.ruleId, x.dueAt])).toEqual([
      ['quiet', '2026-03-12T00:00:00.000Z'],
      ['gone', '2026-04-04T00:00:00.000Z'],
    ]);
    expect(due[0]?.idleDays).toBe(36);
  });
  it('stage filter; only open deals', () => {
    const d = ok(applyAction(f, newDeal(f), act('a1', 'requirements.described', '2026-03-02')));
    expect(evaluateSilence(f, d, '2026-03-06').map((x) => x.ruleId)).toEqual(['nudge']);
    const won = ok(applyAction(f, d, act('a2', 'invoice.paid', '2026-03-03')));
    expect(evaluateSilence(f, won, '2027-01-01')).toEqual([]);
  });
  it('bad now → INVALID_DATE', () => {
    expect(errorOf(() => evaluateSilence(f, newDeal(f), 'soon')).path).toEqual(['now']);
  });
});

describe('applySilence', () => {
  it('flag then lose, each stamped at its due time, with effects', () => {
    const r = applySilence(f, newDeal(f), '2026-04-15');
    expect(r.outcome).toBe('moved');
    expect(r.deal.stalled).toBeNull();
    expect(r.transitions).toEqual([{ from: 'request', to: 'lost', at: '2026-03-31T00:00:00.000Z', status: 'lost', cause: { type: 'timeout', ruleId: 'gone' }, lostReason: 'no-response' }]);
    expect([r.deal.lostAtStageId, r.deal.closedAt]).toEqual(['request', '2026-03-31T00:00:00.000Z']);
    expect(r.effects.map((e) => [e.type, e.at, e.origin])).toEqual([['email.reminder', '2026-03-08T00:00:00.000Z', { kind: 'silence', ruleId: 'quiet' }]]);
  });
  it('flag only; not again while stalled; unchanged when nothing is due', () => {
    const r = applySilence(f, newDeal(f), '2026-03-10');
    expect([r.outcome, r.deal.stalled]).toEqual(['flagged', { since: '2026-03-08T00:00:00.000Z', ruleId: 'quiet' }]);
    const again = applySilence(f, r.deal, '2026-03-12');
    expect([again.outcome, again.deal === r.deal]).toEqual(['unchanged', true]);
  });
  it('a move rule bypasses the backward policy, then the new stage silence continues from the move', () => {
    const d = ok(applyAction(f, newDeal(f), act('a1', 'requirements.described', '2026-03-02')));
    const r = applySilence(f, d, '2026-03-06');
    expect(r.transitions).toEqual([{ from: 'described', to: 'answered', at: '2026-03-05T00:00:00.000Z', status: 'open', cause: { type: 'timeout', ruleId: 'nudge' } }]);
    const later = applySilence(f, d, '2026-03-13');
    expect(later.deal.stalled).toEqual({ since: '2026-03-12T00:00:00.000Z', ruleId: 'quiet' });
  });
  it('the same answer whether evaluated once or day by day', () => {
    let step = newDeal(f);
    for (let day = 2; day <= 45; day++) step = applySilence(f, step, Date.UTC(2026, 2, day)).deal;
    const once = applySilence(f, newDeal(f), Date.UTC(2026, 2, 45)).deal;
    expect(step).toEqual(once);
  });
});
