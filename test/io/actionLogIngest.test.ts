/**
 * The ingest path of ActionLog (two-level radix grouping, fused checks, the one-pass row reader)
 * against a naive reference: rows grouped with a Map, units in key order (integer ids) or first
 * appearance (strings), each unit's rows stable-sorted by time with Array.prototype.sort.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActionLog } from '../../src/index.js';
import { caught } from '../support/caught.js';

interface Row {
  readonly u: number | string;
  readonly t: number;
  readonly a: string;
  readonly p: string | null;
}

type Layout = Array<[string | number, Array<[number, string, string | null]>]>;

function reference(rows: ReadonlyArray<Row>): Layout {
  const byUnit = new Map<string | number, Array<{ t: number; a: string; p: string | null; i: number }>>();
  rows.forEach((r, i) => {
    const list = byUnit.get(r.u) ?? [];
    list.push({ t: r.t, a: r.a, p: r.p, i });
    byUnit.set(r.u, list);
  });
  const keys = [...byUnit.keys()];
  if (keys.every((k) => typeof k === 'number')) (keys as number[]).sort((x, y) => x - y);
  return keys.map((k) => [k, byUnit.get(k)!.sort((x, y) => x.t - y.t || x.i - y.i).map((e) => [e.t, e.a, e.p] as [number, string, string | null])]);
}

function layout(log: ReturnType<typeof ActionLog.fromColumns>): Layout {
  const plan = log.properties['plan'];
  const out: Layout = [];
  for (let u = 0; u < log.unitCount; u++) {
    const evs: Array<[number, string, string | null]> = [];
    for (let p = log.offsets[u] as number; p < (log.offsets[u + 1] as number); p++) {
      const c = plan === undefined ? -1 : (plan.codes[p] as number);
      evs.push([log.time[p] as number, log.actions[log.action[p] as number] as string, c < 0 ? null : (plan!.values[c] as string)]);
    }
    out.push([log.unitKeys[u] as string | number, evs]);
  }
  return out;
}

// 'axb', 'ayb' and 'azb' share length and end characters: one slot of fromRows's name cache
const names = ['visit', 'signup', 'paid', 'noise', 'axb', 'ayb', 'azb'];
const rowArb = (unit: fc.Arbitrary<number | string>) =>
  fc.record({ u: unit, t: fc.integer({ min: -5, max: 40 }), a: fc.constantFrom(...names), p: fc.constantFrom('pro', 'free', null) });
const numericUnit = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: -3_000_000_000, max: 3_000_000_000 }), fc.integer({ min: 1_000_000, max: 1_000_050 }));
const stringUnit = fc.constantFrom('ann', 'bob', 'cy', 'dee', '', '7');

describe('ActionLog ingest against a naive reference', () => {
  it.each([
    ['integer ids', numericUnit],
    ['string ids', stringUnit],
  ])('%s: fromColumns (arrays and typed arrays) and fromRows give the reference layout; inputs untouched', (_name, unit) => {
    fc.assert(
      fc.property(fc.array(rowArb(unit as fc.Arbitrary<number | string>), { maxLength: 150 }), fc.boolean(), (rows, withProps) => {
        const ref = reference(rows);
        const unitCol = rows.map((r) => r.u);
        const timeCol = rows.map((r) => r.t);
        const actionCol = rows.map((r) => r.a);
        const planCol = rows.map((r) => r.p);
        const properties = withProps ? { plan: planCol } : undefined;
        const expected = withProps ? ref : ref.map(([k, evs]) => [k, evs.map(([t, a]) => [t, a, null])] as Layout[number]);
        expect(layout(ActionLog.fromColumns({ unit: unitCol as number[] | string[], time: timeCol, action: actionCol, properties }))).toEqual(expected);
        const numeric = rows.every((r) => typeof r.u === 'number') && rows.every((r) => Math.abs(r.u as number) < 2 ** 31);
        if (numeric && rows.length > 0) {
          const codes = Uint8Array.from(actionCol, (a) => names.indexOf(a));
          const typed = { unit: Int32Array.from(unitCol as number[]), time: Float64Array.from(timeCol), action: codes, actions: names, properties };
          const before = [Array.from(typed.unit), Array.from(typed.time), Array.from(typed.action)];
          const log = ActionLog.fromColumns(typed);
          expect(layout({ ...log, actions: log.actions })).toEqual(expected);
          expect([Array.from(typed.unit), Array.from(typed.time), Array.from(typed.action)]).toEqual(before);
        }
        const accessors = { unit: (r: Row) => r.u, time: (r: Row) => (r.t % 2 === 0 ? new Date(r.t) : r.t), action: (r: Row) => r.a, ...(withProps ? { properties: { plan: (r: Row) => r.p } } : {}) };
        expect(layout(ActionLog.fromRows(rows, accessors))).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('unsigned 32-bit ids (Uint32Array, above 2^31) and every kind of action code column give the reference layout', () => {
    const uid = fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 2 ** 31 - 3, max: 2 ** 31 + 3 }), fc.integer({ min: 2 ** 32 - 5, max: 2 ** 32 - 1 }));
    fc.assert(
      fc.property(fc.array(rowArb(uid), { maxLength: 120 }), (rows) => {
        const expected = reference(rows).map(([k, evs]) => [k, evs.map(([t, a]) => [t, a, null])] as Layout[number]);
        const codes = rows.map((r) => names.indexOf(r.a));
        const unit = Uint32Array.from(rows, (r) => r.u as number);
        const time = Float64Array.from(rows, (r) => r.t);
        for (const action of [Uint8Array.from(codes), Uint16Array.from(codes), Int32Array.from(codes), codes]) {
          expect(layout(ActionLog.fromColumns({ unit, time, action, actions: names }))).toEqual(expected);
        }
        expect(layout(ActionLog.fromColumns({ unit: Array.from(unit), time: rows.map((r) => r.t), action: codes, actions: names }))).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('more than 256 distinct actions (2-byte codes on every path), ids past 32 bits appearing mid-way in rows', () => {
    const many = Array.from({ length: 300 }, (_, i) => `action.${i}`);
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const rows: Row[] = [];
    for (let i = 0; i < 5000; i++) {
      const big = i > 2500 && rnd() < 0.1;
      rows.push({ u: big ? 2 ** 40 + Math.floor(rnd() * 50) : Math.floor(rnd() * 400) * 3, t: Math.floor(i / 4) - (rnd() < 0.02 ? 30 : 0), a: many[Math.floor(rnd() * 300)] as string, p: null });
    }
    const expected = reference(rows);
    expect(layout(ActionLog.fromRows(rows, { unit: (r) => r.u, time: (r) => r.t, action: (r) => r.a }))).toEqual(expected);
    const small = rows.filter((r) => (r.u as number) < 2 ** 31);
    const codes = Uint16Array.from(small, (r) => many.indexOf(r.a));
    expect(layout(ActionLog.fromColumns({ unit: Int32Array.from(small, (r) => r.u as number), time: Float64Array.from(small, (r) => r.t), action: codes, actions: many }))).toEqual(reference(small));
  });

  it('a benchmark-like log (mostly time-ordered, late arrivals, ties, sparse ids) at 50k rows', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const n = 50_000;
    const rows: Row[] = [];
    for (let i = 0; i < n; i++) {
      const t = Math.floor(i / 3) - (rnd() < 0.01 ? Math.floor(rnd() * 2000) : 0);
      rows.push({ u: Math.floor(rnd() * 10_000) * 7 + 3, t, a: names[Math.floor(rnd() * 4)] as string, p: null });
    }
    const log = ActionLog.fromColumns({ unit: Int32Array.from(rows, (r) => r.u as number), time: Float64Array.from(rows, (r) => r.t), action: Uint8Array.from(rows, (r) => names.indexOf(r.a)), actions: names });
    expect(layout(log)).toEqual(reference(rows));
    expect(layout(ActionLog.fromRows(rows, { unit: (r) => r.u, time: (r) => r.t, action: (r) => r.a }))).toEqual(reference(rows));
  });
});

describe('ActionLog ingest: the first bad value is reported, in column order (time, action, unit)', () => {
  const times = Float64Array.from([1, 2, 3, 4]);
  it('typed columns: checks fused into the grouping pass report the same row as a plain check', () => {
    expect(caught(() => ActionLog.fromColumns({ unit: Int32Array.from([1, 2, 1, 2]), time: Float64Array.from([1, 2, Infinity, NaN]), action: Uint8Array.from([0, 0, 0, 0]), actions: ['a'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'time', 2] });
    expect(caught(() => ActionLog.fromColumns({ unit: Int32Array.from([1, 2, 1, 2]), time: times, action: Uint8Array.from([0, 1, 2, 0]), actions: ['a', 'b'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'action', 2] });
    expect(caught(() => ActionLog.fromColumns({ unit: Int32Array.from([1, 2, 1, 2]), time: times, action: Int32Array.from([0, -1, 0, 0]), actions: ['a'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'action', 1] });
    expect(caught(() => ActionLog.fromColumns({ unit: Int32Array.from([1, 2, 1, 2]), time: times, action: [0, 0.5, 0, 0], actions: ['a'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'action', 1] });
  });
  it('a bad time wins over a bad action code or unit in an earlier row', () => {
    expect(caught(() => ActionLog.fromColumns({ unit: Int32Array.from([1, 2]), time: Float64Array.from([1, NaN]), action: Uint8Array.from([5, 0]), actions: ['a'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'time', 1] });
    expect(caught(() => ActionLog.fromColumns({ unit: [1.5, 2], time: Float64Array.from([1, NaN]), action: ['a', 'b'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'time', 1] });
    expect(caught(() => ActionLog.fromColumns({ unit: ['a', 2 as unknown as string], time: Float64Array.from([1, NaN]), action: ['a', 'b'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'time', 1] });
    expect(caught(() => ActionLog.fromColumns({ unit: [1.5, 2], time: Float64Array.from([1, 2]), action: [0, 3], actions: ['a'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'action', 1] });
    expect(caught(() => ActionLog.fromColumns({ unit: [1, 2], time: Float64Array.from([1, NaN]), action: ['a', 7 as unknown as string] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'time', 1] });
  });
  it('a missing first action name is reported', () => {
    expect(caught(() => ActionLog.fromColumns({ unit: [1, 2], time: [1, 2], action: [undefined as unknown as string, 'a'] }))).toEqual({ code: 'INVALID_COLUMN', path: ['columns', 'action', 0] });
    expect(caught(() => ActionLog.fromRows([{}, {}], { unit: () => 1, time: () => 1, action: () => undefined as unknown as string }))).toEqual({ code: 'INVALID_INPUT', path: ['rows', 0, 'action'] });
  });
  it('rows: mixed unit kinds name the first integer id; fields are checked row by row', () => {
    expect(caught(() => ActionLog.fromRows([{ u: 'a' }, { u: 5 }, { u: 'b' }], { unit: (r) => r.u, time: () => 1, action: () => 'x' }))).toEqual({ code: 'INVALID_INPUT', path: ['rows', 1, 'unit'] });
    expect(caught(() => ActionLog.fromRows([{ u: 1 }, { u: 2.5 }], { unit: (r) => r.u, time: () => 1, action: () => 'x' }))).toEqual({ code: 'INVALID_INPUT', path: ['rows', 1, 'unit'] });
    expect(caught(() => ActionLog.fromRows([{ a: 'x' }, { a: 3 }], { unit: () => 1, time: () => 1, action: (r) => r.a as unknown as string }))).toEqual({ code: 'INVALID_INPUT', path: ['rows', 1, 'action'] });
  });
});
