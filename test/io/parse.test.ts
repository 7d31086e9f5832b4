import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type FunnelInput, defineFunnel, isFunnelError, parseCustomerAction, parseDeal, parseFunnel, safeParseDeal, safeParseFunnel, FunnelError } from '../../src/index.js';
import { funnelInputArb, hostileValueArb } from '../arbitraries/funnel.js';

const base: FunnelInput & { stages: [FunnelInput['stages'][number], FunnelInput['stages'][number]] } = {
  id: 'b2b',
  name: 'B2B',
  stages: [
    { id: 'request', name: 'Request', actions: ['request.submitted'] },
    { id: 'paid', name: 'Paid', category: 'won', actions: ['invoice.paid'] },
  ],
};

function errorOf(fn: () => unknown): FunnelError {
  try {
    fn();
  } catch (e) {
    if (isFunnelError(e)) return e;
    throw e;
  }
  throw new Error('expected a FunnelError');
}

describe('parseFunnel', () => {
  it('applies defaults and freezes', () => {
    const f = parseFunnel(base);
    expect(f.policy).toEqual({ allowSkip: true, allowBackward: false, allowReopen: true, unknownActions: 'ignore', requiredOnAutomaticMoves: 'enforce', lateActions: 'apply' });
    expect(f.stages[0]?.category).toBe('open');
    expect(Object.isFrozen(f.stages[0])).toBe(true);
  });
  it('rejects duplicate stage ids, naming the path', () => {
    const e = errorOf(() => parseFunnel({ ...base, stages: [...base.stages, { id: 'request', name: 'Again' }] }));
    expect(e.code).toBe('INVALID_FUNNEL');
    expect(e.path).toEqual(['stages', 2, 'id']);
    expect(e.received).toBe('"request"');
    expect(e.message).toMatch(/unique stage id/);
  });
  it('rejects a trigger naming an unknown stage', () => {
    const e = errorOf(() => parseFunnel({ ...base, triggers: [{ id: 't', action: 'x.happened', to: 'nowhere' }] }));
    expect(e.code).toBe('UNKNOWN_STAGE');
    expect(e.path).toEqual(['triggers', 0, 'to']);
    expect(e.message).toContain('"nowhere"');
  });
  it('rejects probability 1.5 with expected and received', () => {
    const e = errorOf(() => parseFunnel({ ...base, stages: [{ id: 'a', name: 'A', probability: 1.5 }, base.stages[1]] }));
    expect(e.path).toEqual(['stages', 0, 'probability']);
    expect(e.received).toBe('1.5');
    expect(e.expected).toMatch(/≤ 1/);
  });
  it('requires a won stage', () => {
    const e = errorOf(() => parseFunnel({ ...base, stages: [base.stages[0]] }));
    expect(e.code).toBe('INVALID_FUNNEL');
    expect(e.message).toMatch(/won/);
  });
  it('rejects unknown keys (typos) in hand-written config', () => {
    const e = errorOf(() => parseFunnel({ ...base, stagess: [] }));
    expect(e.message).toMatch(/stagess/);
  });
  it('rejects an action type completing two stages', () => {
    const e = errorOf(() => parseFunnel({ ...base, stages: [base.stages[0], { ...base.stages[1], actions: ['request.submitted'] }] }));
    expect(e.path).toEqual(['stages', 1, 'actions', 0]);
  });
  it('safeParseFunnel never throws and returns the same error', () => {
    const r = safeParseFunnel(42);
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.code).toBe('INVALID_FUNNEL');
  });
  it('defineFunnel accepts typed input', () => {
    expect(defineFunnel(base).id).toBe('b2b');
  });
  it('a throwing getter becomes INVALID_INPUT, not a crash', () => {
    const evil = { ...base, get name(): string { throw new Error('boom'); } };
    const e = errorOf(() => parseFunnel(evil));
    expect(e.code).toBe('INVALID_INPUT');
  });
});

describe('money, dates and hostile keys in deals and actions', () => {
  it('amount "12,50" is INVALID_AMOUNT naming amount.amount', () => {
    const e = errorOf(() => parseDeal({ id: 'd', funnelId: 'f', createdAt: '2026-01-01', stageId: 's', amount: { amount: '12,50', currency: 'EUR' } }));
    expect(e.code).toBe('INVALID_AMOUNT');
    expect(e.path).toEqual(['amount', 'amount']);
    expect(e.received).toBe('"12,50"');
  });
  it('too many fraction digits for the currency', () => {
    const e = errorOf(() => parseDeal({ id: 'd', funnelId: 'f', createdAt: '2026-01-01', stageId: 's', amount: { amount: '100.5', currency: 'JPY' } }));
    expect(e.code).toBe('INVALID_AMOUNT');
  });
  it('unknown currency', () => {
    const e = errorOf(() => parseDeal({ id: 'd', funnelId: 'f', createdAt: '2026-01-01', stageId: 's', amount: { amount: '1', currency: 'EURO' } }));
    expect(e.code).toBe('UNKNOWN_CURRENCY');
    expect(e.path).toEqual(['amount', 'currency']);
  });
  it('NaN dates', () => {
    const e = errorOf(() => parseCustomerAction({ id: 'a', type: 'x.y', at: Number.NaN, dealId: 'd' }));
    expect(e.code).toBe('INVALID_DATE');
    expect(e.path).toEqual(['at']);
    const e2 = errorOf(() => parseCustomerAction({ id: 'a', type: 'x.y', at: new Date('nope'), dealId: 'd' }));
    expect(e2.code).toBe('INVALID_DATE');
  });
  it('__proto__ and constructor keys are rejected, at any depth', () => {
    const payload = JSON.parse('{"id":"a","type":"x.y","at":"2026-01-01","dealId":"d","properties":{"nested":{"__proto__":{"polluted":true}}}}');
    const e = errorOf(() => parseCustomerAction(payload));
    expect(e.path).toEqual(['properties', 'nested', '__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(safeParseDeal({ id: 'constructor', funnelId: 'f', createdAt: '2026-01-01', stageId: 's' }).success).toBe(false);
  });
  it('an action needs a deal or a lead', () => {
    expect(() => parseCustomerAction({ id: 'a', type: 'x.y', at: 0 })).toThrow(/dealId or a leadId/);
  });
});

describe('laws', () => {
  test.prop([funnelInputArb])('every generated valid funnel parses, and parsing is idempotent', (input) => {
    const f = parseFunnel(input);
    expect(parseFunnel(JSON.parse(JSON.stringify(f)))).toEqual(f);
  });
  test.prop([hostileValueArb], { numRuns: 4000 })('malformed funnels only ever give a FunnelError', (input) => {
    const r = safeParseFunnel(input);
    if (!r.success) expect(isFunnelError(r.error)).toBe(true);
    try {
      parseFunnel(input);
    } catch (e) {
      expect(isFunnelError(e)).toBe(true);
    }
  });
  test.prop([hostileValueArb], { numRuns: 3000 })('malformed deals only ever give a FunnelError', (input) => {
    try {
      parseDeal(input);
    } catch (e) {
      expect(isFunnelError(e)).toBe(true);
    }
  });
  test.prop([hostileValueArb], { numRuns: 3000 })('malformed actions only ever give a FunnelError', (input) => {
    try {
      parseCustomerAction(input);
    } catch (e) {
      expect(isFunnelError(e)).toBe(true);
    }
  });
  test.prop([fc.record({ amount: fc.oneof(fc.string(), fc.constantFrom('1', '1.00', '-0.5', '12,50', '1e3', '00.1')), currency: fc.constantFrom('EUR', 'JPY', 'KWD', 'eur', 'XXX') })])(
    'money either parses with ≤ minor-unit digits or fails with a money code',
    (amount) => {
      const r = safeParseDeal({ id: 'd', funnelId: 'f', createdAt: '2026-01-01', stageId: 's', amount });
      if (!r.success) expect(['INVALID_AMOUNT', 'UNKNOWN_CURRENCY']).toContain(r.error.code);
    },
  );
});

describe('hostile objects zod cannot describe', () => {
  it('a null-prototype object with a constructor key is a FunnelError, not a TypeError', () => {
    const v = { id: Object.assign(Object.create(null) as object, { constructor: { name: Object.create(null) as object } }) };
    const e = errorOf(() => parseDeal(v));
    expect(e.name).toBe('FunnelError');
    expect(e.path[0]).toBe('id');
  });
});
