import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { discoverSegments, isFunnelError, type PathSubject } from '../../src/index.js';

const day = (d: number): number => Date.UTC(2026, 2, 1) + (d - 1) * 86_400_000;
let seq = 0;
function lead(types: string[], status: 'won' | 'lost' | 'open' = 'open', closeDay?: number, createdDay = 1): PathSubject {
  const id = `L${seq++}`;
  return {
    id,
    status,
    createdAt: day(createdDay),
    closedAt: closeDay === undefined ? null : day(closeDay),
    actions: types.map((type, i) => ({ id: `${id}-${i}`, type, at: day(createdDay + i) })),
  };
}

describe('discoverSegments — worked example (kettles)', () => {
  // Quick buyers: visit → order (won in 1–3 days). Researchers: visit → review → compare → order (won in 20/30 days).
  const quick = ['site.visited', 'order.placed'];
  const research = ['site.visited', 'review.read', 'comparison.made', 'order.placed'];
  const data = [
    lead(quick, 'won', 2),
    lead(quick, 'won', 4),
    lead(quick, 'won', 3),
    lead(quick, 'lost', 9),
    lead(research, 'won', 21),
    lead(research, 'won', 31),
    lead(research, 'open'),
    lead(['site.visited'], 'open'),
  ];
  const r = discoverSegments(data);
  it('counts each path and sorts by count', () => {
    expect(r.total).toBe(8);
    expect(r.segments.map((s) => [s.key, s.count])).toEqual([
      ['site.visited>order.placed', 4],
      ['site.visited>review.read>comparison.made>order.placed', 3],
      ['site.visited', 1],
    ]);
    expect(r.other).toBeNull();
  });
  it('reports conversion, win rate and median time to close by hand', () => {
    const [q, s, v] = r.segments;
    // quick: 3 won of 4 = 0.75; closed 4 → win rate 0.75; won cycles 1, 3, 2 days → median 2
    expect(q).toMatchObject({ won: 3, lost: 1, open: 0, conversion: 0.75, winRate: 0.75, medianDaysToClose: 2, share: 0.5 });
    // research: 2 won of 3 = 2/3; closed 2 → win rate 1; won cycles 20, 30 → median 25
    expect(s?.conversion).toBeCloseTo(2 / 3, 12);
    expect(s).toMatchObject({ winRate: 1, medianDaysToClose: 25 });
    // visited only: open, nothing closed
    expect(v).toMatchObject({ conversion: 0, winRate: null, medianDaysToClose: null });
  });
  it("timeToClose: 'closed' includes the lost deal", () => {
    const q = discoverSegments(data, { timeToClose: 'closed' }).segments[0];
    // 1, 3, 2, 8 → median 2.5
    expect(q?.medianDaysToClose).toBe(2.5);
  });
  it('folds rare paths by count or share, keeping totals', () => {
    const byCount = discoverSegments(data, { minCount: 2 });
    expect(byCount.segments.map((s) => s.key)).toEqual(['site.visited>order.placed', 'site.visited>review.read>comparison.made>order.placed']);
    expect(byCount.other).toMatchObject({ key: '(other)', count: 1, paths: 1, open: 1 });
    const byShare = discoverSegments(data, { minShare: 0.4 });
    expect(byShare.segments.map((s) => s.count)).toEqual([4]);
    expect(byShare.other).toMatchObject({ count: 4, won: 2, open: 2, paths: 2, medianDaysToClose: 25 });
  });
  it('depth merges paths that begin alike; ignore drops noise', () => {
    const d1 = discoverSegments(data, { depth: 1 });
    expect(d1.segments.map((s) => [s.key, s.count])).toEqual([['site.visited', 8]]);
    const ig = discoverSegments(data, { ignore: ['review.read', 'comparison.made'] });
    expect(ig.segments[0]).toMatchObject({ key: 'site.visited>order.placed', count: 7 });
  });
});

describe('discoverSegments — signature rules', () => {
  it('uses first occurrence, ignores repeats and the input order, counts an id once, breaks ties by id', () => {
    const s: PathSubject = {
      actions: [
        { id: 'c', type: 'call.answered', at: '2026-03-02T10:00:00Z' },
        { id: 'a', type: 'request.submitted', at: '2026-03-01T09:00:00Z' },
        { id: 'd', type: 'request.submitted', at: '2026-03-03T09:00:00Z' },
        { id: 'b2', type: 'proposal.received', at: '2026-03-04T09:00:00Z' },
        { id: 'b1', type: 'price.asked', at: '2026-03-04T09:00:00Z' },
        { id: 'a', type: 'spam.duplicate', at: '2026-03-05T09:00:00Z' },
      ],
    };
    expect(discoverSegments([s]).segments[0]?.key).toBe('request.submitted>call.answered>price.asked>proposal.received');
  });
  it('a deal without actions has the empty path; createdAt defaults to the first action', () => {
    const r = discoverSegments([
      { actions: [], status: 'lost' },
      { actions: [{ id: 'x', type: 'request.submitted', at: day(3) }], status: 'won', closedAt: day(10) },
    ]);
    expect(r.segments.find((s) => s.key === '')?.count).toBe(1);
    expect(r.segments.find((s) => s.key === 'request.submitted')?.medianDaysToClose).toBe(7);
  });
  it('empty input', () => {
    const r = discoverSegments([]);
    expect(r).toMatchObject({ segments: [], other: null, total: 0 });
  });
  it('rejects malformed rows and options with FunnelErrors naming the place', () => {
    const bad = (f: () => unknown, re: RegExp): void => {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(isFunnelError(e)).toBe(true);
        expect((e as Error).message).toMatch(re);
      }
    };
    bad(() => discoverSegments([{ actions: [{ id: 'a', type: 't', at: 'yesterday' }] }]), /subjects\[0\]\.actions\[0\]\.at/);
    bad(() => discoverSegments([{ actions: [{ id: '', type: 't', at: 1 }] }]), /subjects\[0\]\.actions\[0\]\.id/);
    bad(() => discoverSegments([{ actions: [], status: 'maybe' as 'won' }]), /subjects\[0\]\.status/);
    bad(() => discoverSegments([], { minShare: 2 }), /options\.minShare/);
    bad(() => discoverSegments([], { depth: 0 }), /options\.depth/);
    bad(() => discoverSegments('x' as unknown as PathSubject[]), /subjects/);
  });
  it('does not mutate the input', () => {
    const input = [lead(['b', 'a'], 'won', 5)];
    const copy = structuredClone(input);
    discoverSegments(input);
    expect(input).toEqual(copy);
  });
});

const subjectArb: fc.Arbitrary<PathSubject> = fc
  .record({
    types: fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 5 }),
    status: fc.constantFrom('won' as const, 'lost' as const, 'open' as const),
    close: fc.integer({ min: 0, max: 60 }),
  })
  .map(({ types, status, close }) => lead(types, status, status === 'open' ? undefined : 10 + close));

describe('discoverSegments — laws', () => {
  fcTest.prop([fc.array(subjectArb, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 5 }), fc.double({ min: 0, max: 0.5, noNaN: true })], { numRuns: 100 })(
    'counts are conserved, shares sum to 1, rates in [0, 1], order does not matter',
    (subjects, minCount, minShare) => {
      const r = discoverSegments(subjects, { minCount, minShare });
      const all = [...r.segments, ...(r.other === null ? [] : [r.other])];
      expect(all.reduce((s, x) => s + x.count, 0)).toBe(subjects.length);
      expect(Math.abs(all.reduce((s, x) => s + x.share, 0) - 1)).toBeLessThan(1e-12);
      for (const x of all) {
        expect(x.won + x.lost + x.open).toBe(x.count);
        expect(x.conversion).toBeGreaterThanOrEqual(0);
        expect(x.conversion).toBeLessThanOrEqual(1);
        if (x.winRate !== null) expect(x.winRate).toBeLessThanOrEqual(1);
      }
      for (const x of r.segments) {
        expect(x.count).toBeGreaterThanOrEqual(minCount);
        expect(x.share).toBeGreaterThanOrEqual(minShare);
      }
      const reversed = discoverSegments([...subjects].reverse(), { minCount, minShare });
      expect(reversed).toEqual(r);
    },
  );
});

describe('discoverSegments — from a DealTable with an actions accessor', () => {
  it('reads status and dates from the table and actions from the accessor', async () => {
    const { DealTable, defineFunnel } = await import('../../src/index.js');
    const funnel = defineFunnel({ id: 'f', name: 'F', stages: [{ id: 'lead', name: 'Lead' }, { id: 'won', name: 'Won', category: 'won' }, { id: 'lost', name: 'Lost', category: 'lost' }] });
    const table = DealTable.fromColumns({ dealIds: ['a', 'b', 'c'], createdAt: [day(1), day(1), day(1)], stage: ['won', 'won', 'lost'], closedAt: [day(5), day(9), day(3)] }, funnel);
    const log: Record<string, string[]> = { a: ['visit', 'order'], b: ['visit', 'order'], c: ['visit'] };
    const r = discoverSegments(table, {
      actionsOf: (t, i) => (log[t.dealIds[i] as string] ?? []).map((type, k) => ({ id: `${i}-${k}`, type, at: day(1 + k) })),
    });
    expect(r.segments.map((s) => [s.key, s.count, s.conversion, s.medianDaysToClose])).toEqual([
      ['visit>order', 2, 1, 6],
      ['visit', 1, 0, null],
    ]);
    expect(() => discoverSegments(table)).toThrow(/options\.actionsOf/);
  });
});
