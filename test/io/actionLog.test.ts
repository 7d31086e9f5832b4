import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionLog } from '../../src/index.js';
import { caught } from '../support/caught.js';


/** The layout as plain data: per unit key, the (time, action) pairs in order. */
function layout(log: ReturnType<typeof ActionLog.fromColumns>): Record<string, Array<[number, string]>> {
  const out: Record<string, Array<[number, string]>> = {};
  for (let u = 0; u < log.unitCount; u++) {
    const evs: Array<[number, string]> = [];
    for (let p = log.offsets[u] as number; p < (log.offsets[u + 1] as number); p++) evs.push([log.time[p] as number, log.actions[log.action[p] as number] as string]);
    out[String(log.unitKeys[u])] = evs;
  }
  return out;
}

describe('ActionLog.fromColumns', () => {
  it('groups by unit and sorts by time within each unit, ties in input order', () => {
    const log = ActionLog.fromColumns({ unit: [3, 1, 3, 3, 1], time: [9, 5, 1, 1, 2], action: ['c', 'a', 'b', 'a', 'b'] });
    expect(log.unitKeys).toEqual([1, 3]);
    expect(Array.from(log.offsets)).toEqual([0, 2, 5]);
    expect(layout(log)).toEqual({ 1: [[2, 'b'], [5, 'a']], 3: [[1, 'b'], [1, 'a'], [9, 'c']] });
  });

  it('sparse integer ids (radix path), typed arrays, action codes with a dictionary', () => {
    const unit = Int32Array.from([2_000_000_000, -5, 7, -5]);
    const log = ActionLog.fromColumns({ unit, time: Float64Array.from([4, 3, 2, 1]), action: Uint8Array.from([0, 1, 1, 0]), actions: ['x', 'y'] });
    expect(log.unitKeys).toEqual([-5, 7, 2_000_000_000]);
    expect(layout(log)).toEqual({ '-5': [[1, 'x'], [3, 'y']], 7: [[2, 'y']], 2000000000: [[4, 'x']] });
  });

  it('any row order gives the same layout (long units use the merge sort)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ u: fc.integer({ min: 0, max: 3 }), t: fc.integer({ min: 0, max: 1000 }), a: fc.constantFrom('p', 'q') }), { maxLength: 200 }),
        (rows) => {
          const build = (rs: typeof rows) => ActionLog.fromColumns({ unit: rs.map((r) => r.u), time: rs.map((r) => r.t), action: rs.map((r) => r.a), actions: undefined });
          const sortedTimes = (l: ReturnType<typeof build>) => Object.fromEntries(Object.entries(layout(l)).map(([k, v]) => [k, v.map((x) => x[0])]));
          const a = build(rows);
          const b = build([...rows].reverse());
          expect(sortedTimes(a)).toEqual(sortedTimes(b));
          for (const evs of Object.values(layout(a))) for (let i = 1; i < evs.length; i++) expect(evs[i]![0]).toBeGreaterThanOrEqual(evs[i - 1]![0]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('string units in order of first appearance; property columns interned', () => {
    const log = ActionLog.fromColumns({ unit: ['z', 'a', 'z'], time: [2, 1, 1], action: ['v', 'v', 's'], properties: { plan: ['pro', null, 'free'] } });
    expect(log.unitKeys).toEqual(['z', 'a']);
    const plan = log.properties['plan']!;
    expect(Array.from(plan.codes, (c) => (c < 0 ? null : plan.values[c]))).toEqual(['free', 'pro', null]);
  });

  it('bad input names the column and row', () => {
    expect(caught(() => ActionLog.fromColumns({ unit: [1, 2], time: [1, NaN], action: ['a', 'b'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'time', 1] });
    expect(caught(() => ActionLog.fromColumns({ unit: [1, 2], time: [1], action: ['a', 'b'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'time'] });
    expect(caught(() => ActionLog.fromColumns({ unit: [1, 2], time: [1, 2], action: ['a'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'action'] });
    // mismatched lengths: the message names the first row only one column has
    expect(() => ActionLog.fromColumns({ unit: [1, 2], time: [1], action: ['a', 'b'] })).toThrow(/row 1 is missing from this column.*columns\.time/);
    expect(() => ActionLog.fromColumns({ unit: [1], time: [1], action: ['a', 'b'] })).toThrow(/row 1 is beyond the unit column.*columns\.action/);
    expect(() => ActionLog.fromColumns({ unit: [1, 2], time: [1, 2], action: ['a', 'b'], properties: { p: ['x'] } })).toThrow(/row 1 is missing from this column.*columns\.properties\.p/);
    expect(caught(() => ActionLog.fromColumns({ unit: [1, 2.5], time: [1, 2], action: ['a', 'b'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'unit', 1] });
    expect(caught(() => ActionLog.fromColumns({ unit: [1, 2], time: [1, 2], action: [0, 2], actions: ['a', 'b'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'action', 1] });
    expect(caught(() => ActionLog.fromColumns({ unit: [1, 2], time: [1, 2], action: [0, 1] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'actions'] });
    expect(caught(() => ActionLog.fromColumns({ unit: [1], time: [1], action: ['a'], properties: { p: [] } }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'properties', 'p'] });
    expect(caught(() => ActionLog.fromColumns({ unit: ['a', 1 as unknown as string], time: [1, 2], action: ['a', 'b'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'unit', 1] });
  });
});

describe('ActionLog.fromRows', () => {
  it('reads rows through accessors (Dates or epoch ms)', () => {
    const rows = [
      { who: 'ann', at: new Date(2000), what: 'b', plan: 'pro' },
      { who: 'ann', at: new Date(1000), what: 'a', plan: 'pro' },
    ];
    const log = ActionLog.fromRows(rows, { unit: (r) => r.who, time: (r) => r.at, action: (r) => r.what, properties: { plan: (r) => r.plan } });
    expect(layout(log)).toEqual({ ann: [[1000, 'a'], [2000, 'b']] });
    expect(log.properties['plan']?.values).toEqual(['pro']);
  });
  it('bad rows name the row and field', () => {
    const rows = [{ t: 1 }, { t: Number.NaN }];
    expect(caught(() => ActionLog.fromRows(rows, { unit: () => 1, time: (r) => r.t, action: () => 'a' }))).toEqual({ code: 'INVALID_INPUT', path: ['rows', 1, 'time'] });
    expect(caught(() => ActionLog.fromRows([{}], { unit: () => 1, time: () => new Date('x'), action: () => 'a' }))).toEqual({ code: 'INVALID_INPUT', path: ['rows', 0, 'time'] });
  });
});
