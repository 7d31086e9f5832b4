import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compareConversion, DealTable, defineFunnel, isFunnelError } from '../../src/index.js';
import { tableOf, type DealSpec } from './fixtures.js';

const funnel = defineFunnel({
  id: 'f',
  name: 'F',
  stages: [
    { id: 'request', name: 'Request' },
    { id: 'answered', name: 'Answered' },
    { id: 'won', name: 'Won', category: 'won' },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
});
/** A table with `lostReq` lost at request, `openReq` open at request, `lostAns` lost at answered, `openAns` open at answered, `won` won. */
function make(c: { lostReq?: number; openReq?: number; lostAns?: number; openAns?: number; won?: number }, tag = ''): DealTable {
  const stage: string[] = [];
  const lostAt: (string | null)[] = [];
  const push = (n: number | undefined, s: string, l: string | null): void => {
    for (let k = 0; k < (n ?? 0); k++) {
      stage.push(s);
      lostAt.push(l);
    }
  };
  push(c.lostReq, 'lost', 'request');
  push(c.openReq, 'request', null);
  push(c.lostAns, 'lost', 'answered');
  push(c.openAns, 'answered', null);
  push(c.won, 'won', null);
  return DealTable.fromColumns({ dealIds: stage.map((_, i) => `${tag}${i}`), createdAt: new Float64Array(stage.length), stage, lostAtStage: lostAt }, funnel);
}

describe('compareConversion — two tables', () => {
  // A: 100 requests → 60 answered (40 lost at request) → 45 won (10 lost, 5 open at answered)
  // B: 100 requests → 50 answered (45 lost, 5 open at request) → 30 won (20 lost at answered)
  const A = make({ lostReq: 40, lostAns: 10, openAns: 5, won: 45 });
  const B = make({ lostReq: 45, openReq: 5, lostAns: 20, won: 30 });
  const c = compareConversion(A, B, { labels: { a: 'May', b: 'April' } });
  it('gives both rates and the difference at each open stage', () => {
    const [req, ans] = c.stages;
    expect(req).toMatchObject({ stageId: 'request', a: { entered: 100, advanced: 60, trials: 100, successes: 60, rate: 0.6 }, b: { entered: 100, advanced: 50, open: 5, rate: 0.5 } });
    expect(req?.difference).toBeCloseTo(0.1, 12);
    expect(ans).toMatchObject({ a: { entered: 60, advanced: 45, open: 5, lost: 10, rate: 0.75 }, b: { entered: 50, advanced: 30, rate: 0.6 } });
    expect(c.rules).toMatchObject({ a: 'May', b: 'April', basis: 'reached', rate: 'conversion', test: 'auto', minExpected: 5, adjustment: 'holm', groupBy: null });
  });
  it('p-values: z-test when every expected count ≥ 5, matching SciPy', () => {
    const [req, ans] = c.stages;
    // request: 60/100 vs 50/100 → χ² (no correction) p = 0.15521848968468005 (SciPy); pooled 0.55, min expected 45
    expect(req?.test).toBe('z');
    expect(req?.minExpected).toBeCloseTo(45, 12);
    expect(req?.pValue).toBeCloseTo(0.15521848968468005, 12);
    // answered: 45/60 vs 30/50 → p = 0.09260069782067575 (SciPy chi2_contingency, correction=False)
    expect(ans?.pValue).toBeCloseTo(0.09260069782067575, 12);
    // Holm over 2 stages: sorted p = (0.0926, 0.1573) → (2·0.0926, max(0.1852, 0.1573)) = (0.1852, 0.1852)
    expect(ans?.adjustedPValue).toBeCloseTo(2 * (ans?.pValue ?? 0), 12);
    expect(req?.adjustedPValue).toBeCloseTo(2 * (ans?.pValue ?? 0), 12);
  });
  it('end to end: won ÷ entered at the first stage', () => {
    expect(c.endToEnd).toMatchObject({ stageId: '(end-to-end)', a: { successes: 45, trials: 100, rate: 0.45 }, b: { successes: 30, trials: 100, rate: 0.3 } });
    // the hand-worked z-test: 45/100 vs 30/100 → p = 0.028459736916310638
    expect(c.endToEnd.pValue).toBeCloseTo(0.028459736916310638, 12);
  });
  it("rate 'decided' leaves the open deals out", () => {
    const d = compareConversion(A, B, { rate: 'decided' });
    expect(d.stages[0]?.b).toMatchObject({ trials: 95, successes: 50 });
    expect(d.stages[1]?.a).toMatchObject({ trials: 55, successes: 45 });
    // end to end decided = win rate: A 45/(45+50) , B 30/(30+65)
    expect(d.endToEnd.a).toMatchObject({ successes: 45, trials: 95 });
    expect(d.endToEnd.b).toMatchObject({ successes: 30, trials: 95 });
  });
  it('forced tests', () => {
    expect(compareConversion(A, B, { test: 'fisher' }).stages[0]?.test).toBe('fisher');
    const z = compareConversion(make({ lostReq: 1, won: 3 }), make({ lostReq: 3, won: 1 }), { test: 'z' }).stages[0];
    expect(z).toMatchObject({ test: 'z', sufficient: false, testReason: 'z-test requested' });
  });
});

describe('compareConversion — small samples and empty sides', () => {
  it('falls back to Fisher with the minimum-sample flag (lady tasting tea)', () => {
    const s = compareConversion(make({ lostReq: 1, won: 3 }), make({ lostReq: 3, won: 1 })).stages[0];
    expect(s).toMatchObject({ test: 'fisher', sufficient: false, minExpected: 2 });
    expect(s?.pValue).toBeCloseTo(34 / 70, 12);
    expect(s?.testReason).toBe('an expected count below 5 (smallest 2): exact test');
  });
  it('no deals on one side: no test, null rates', () => {
    const s = compareConversion(make({ won: 3 }), make({})).stages[0];
    expect(s).toMatchObject({ pValue: null, test: null, difference: null, sufficient: false, testReason: 'no deals in group B' });
    expect(s?.b.rate).toBeNull();
  });
});

describe('compareConversion — two groups of one table', () => {
  const specs: DealSpec[] = [
    ...Array.from({ length: 6 }, (): DealSpec => ({ moves: [['request', 1], ['answered', 2]], segment: 'smb' })),
    ...Array.from({ length: 4 }, (): DealSpec => ({ moves: [['request', 1], ['lost', 2]], segment: 'smb' })),
    ...Array.from({ length: 2 }, (): DealSpec => ({ moves: [['request', 1], ['answered', 2]], segment: 'ent' })),
    ...Array.from({ length: 8 }, (): DealSpec => ({ moves: [['request', 1], ['lost', 2]], segment: 'ent' })),
  ];
  const t = tableOf(specs);
  it('splits by groupBy and compares the keys', () => {
    const c = compareConversion(t, { groupBy: 'segment', a: 'smb', b: 'ent' });
    expect(c.stages[0]).toMatchObject({ a: { successes: 6, trials: 10 }, b: { successes: 2, trials: 10 }, test: 'fisher' });
    // SciPy fisher_exact([[6, 4], [2, 8]]) = 0.16980233388902116
    expect(c.stages[0]?.pValue).toBeCloseTo(0.16980233388902116, 10);
    expect(c.rules).toMatchObject({ a: 'smb', b: 'ent', groupBy: 'segment' });
  });
  it('a key no deal has gives an empty side', () => {
    const c = compareConversion(t, { groupBy: 'segment', a: 'smb', b: 'nobody' });
    expect(c.stages[0]?.b.entered).toBe(0);
    expect(c.stages[0]?.pValue).toBeNull();
  });
  it('rejects misuse', () => {
    for (const [f, re] of [
      [() => compareConversion(t, { groupBy: 'segment', a: 1 as never, b: 'ent' }), /options\.a/],
      [() => compareConversion(t, t, { basis: 'current' as never }), /options\.basis/],
      [() => compareConversion(t, t, { rate: 'x' as never }), /options\.rate/],
      [() => compareConversion(t, t, { minExpected: -1 }), /options\.minExpected/],
      [() => compareConversion({} as never, t), /DealTable/],
      [() => compareConversion(t, make({})), /same stages/],
    ] as const) {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(isFunnelError(e)).toBe(true);
        expect((e as Error).message).toMatch(re);
      }
    }
  });
});

const countsArb = fc.record({
  lostReq: fc.integer({ min: 0, max: 40 }),
  openReq: fc.integer({ min: 0, max: 10 }),
  lostAns: fc.integer({ min: 0, max: 40 }),
  openAns: fc.integer({ min: 0, max: 10 }),
  won: fc.integer({ min: 0, max: 40 }),
});

describe('compareConversion — laws', () => {
  fcTest.prop([countsArb, countsArb, fc.constantFrom('conversion' as const, 'decided' as const)], { numRuns: 60 })(
    'p-values in [0, 1], symmetric in a and b, rates in [0, 1]',
    (x, y, rate) => {
      const ab = compareConversion(make(x), make(y), { rate });
      const ba = compareConversion(make(y), make(x), { rate });
      [...ab.stages, ab.endToEnd].forEach((r, k) => {
        const s = k < ab.stages.length ? ba.stages[k] : ba.endToEnd;
        for (const p of [r.pValue, r.adjustedPValue]) {
          if (p !== null) {
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(1);
          }
        }
        expect(s?.pValue === null ? null : Math.round((s?.pValue ?? 0) * 1e9)).toBe(r.pValue === null ? null : Math.round(r.pValue * 1e9));
        if (r.difference !== null) expect(s?.difference).toBeCloseTo(-r.difference, 12);
        for (const side of [r.a, r.b]) if (side.rate !== null) expect(side.rate).toBeLessThanOrEqual(1);
        expect(r.test === null || r.test === (r.sufficient ? 'z' : 'fisher')).toBe(true);
      });
    },
  );
});
