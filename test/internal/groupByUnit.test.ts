import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { groupEvents, groupInt32Events } from '../../src/internal/groupByUnit.js';
import { createRng } from '../../src/internal/prng.js';

/** Naive reference: rows grouped by key (ascending), each unit's rows stable-sorted by time. */
function reference(keys: ArrayLike<number>, time: ArrayLike<number>, action: ArrayLike<number>) {
  const rows = Array.from({ length: keys.length }, (_, i) => ({ k: keys[i] as number, t: time[i] as number, a: action[i] as number, i }));
  rows.sort((x, y) => x.k - y.k || x.t - y.t || x.i - y.i);
  const unitKeys: number[] = [];
  const offsets: number[] = [];
  rows.forEach((r, p) => {
    if (p === 0 || r.k !== rows[p - 1]!.k) {
      unitKeys.push(r.k);
      offsets.push(p);
    }
  });
  offsets.push(rows.length);
  return { unitKeys, offsets, time: rows.map((r) => r.t), action: rows.map((r) => r.a), order: rows.map((r) => r.i) };
}

/** Groups through the library's key form: `Int32Array` offsets from the minimum (signed) or unsigned ids read with the sign flip. */
function grouped(keys: ArrayLike<number>, time: ArrayLike<number>, action: ArrayLike<number>, needOrder: boolean, unsigned = false, actionLimit = 65536) {
  const n = keys.length;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    min = Math.min(min, keys[i] as number);
    max = Math.max(max, keys[i] as number);
  }
  if (n === 0) [min, max] = [0, -1];
  // unsigned: the ids themselves as a Uint32Array, read through an Int32Array view with the sign flip
  const ids = unsigned ? new Int32Array(Uint32Array.from(keys).buffer) : Int32Array.from(keys, (k) => (k - min) | 0);
  const flip = unsigned ? -2147483648 : 0;
  const kmin = unsigned ? (n === 0 ? 0 : min - 2147483648) : 0;
  const codes = actionLimit <= 256 ? Uint8Array.from(action) : Uint16Array.from(action);
  const g = groupEvents(ids, n, kmin, max - min + 1, flip, Float64Array.from(time), codes, needOrder, actionLimit);
  if (g === null) throw new Error('rejected');
  return {
    unitKeys: Array.from(g.keyIndex, (k) => k + min),
    offsets: Array.from(g.offsets),
    time: Array.from(g.time),
    action: Array.from(g.action),
    order: g.order === null ? null : Array.from(g.order),
  };
}

/** A log like the benchmark's: mostly time-ordered rows with late arrivals, ties and duplicates. */
function syntheticLog(seed: number, n: number, units: number, spread: number) {
  const rng = createRng(seed);
  const keys = new Array<number>(n);
  const time = new Array<number>(n);
  const action = new Array<number>(n);
  let t = 0;
  for (let i = 0; i < n; i++) {
    t += Math.floor(rng() * 3); // ties when 0
    keys[i] = Math.floor(rng() * units) * spread - 1000;
    time[i] = rng() < 0.05 ? t - Math.floor(rng() * 500) : t; // late arrivals
    action[i] = Math.floor(rng() * 7);
  }
  for (let i = 0; i < n; i += 97) if (i + 1 < n) [keys[i + 1], time[i + 1], action[i + 1]] = [keys[i] as number, time[i] as number, action[i] as number]; // exact duplicates
  return { keys, time, action };
}

describe('groupEvents (two-level radix grouping) against a naive reference', () => {
  it('random small logs: any key range, ties, duplicates, out-of-order rows, with and without the row order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ k: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: -2_000_000_000, max: 2_000_000_000 })), t: fc.integer({ min: 0, max: 20 }), a: fc.integer({ min: 0, max: 3 }) }), { maxLength: 120 }),
        fc.boolean(),
        (rows, needOrder) => {
          const keys = rows.map((r) => r.k);
          const time = rows.map((r) => r.t);
          const action = rows.map((r) => r.a);
          const ref = reference(keys, time, action);
          const unsignedKeys = keys.map((k) => k + 2_000_000_000); // 0 … 4·10^9: unsigned 32-bit ids
          const unsignedRef = reference(unsignedKeys, time, action);
          // the same rows already sorted by key (time order within a unit untouched): the grouped-input path
          const byKey = ref.order.map((i) => rows[i]!).sort((x, y) => x.k - y.k);
          const sortedRef = reference(byKey.map((r) => r.k), byKey.map((r) => r.t), byKey.map((r) => r.a));
          for (const [got, want] of [
            [grouped(keys, time, action, needOrder), ref],
            [grouped(keys, time, action, needOrder, false, 4), ref],
            [grouped(unsignedKeys, time, action, needOrder, true), unsignedRef],
            [grouped(byKey.map((r) => r.k), byKey.map((r) => r.t), byKey.map((r) => r.a), needOrder), sortedRef],
          ] as const) {
            expect(got.unitKeys).toEqual(want.unitKeys);
            expect(got.offsets).toEqual(want.offsets);
            expect(got.time).toEqual(want.time);
            expect(got.action).toEqual(want.action);
            if (needOrder) expect(got.order).toEqual(want.order);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ['dense ids, many buckets', 1, 60_000, 5_000],
    ['sparse ids (×7), several local passes', 2, 50_000, 7],
    ['very sparse ids (32-bit range)', 3, 40_000, 200_003],
    ['few long units (merge sort of disordered units)', 4, 30_000, 1],
    ['about one event per unit (the unit table grows)', 5, 40_000, 3],
  ])('%s', (_name, seed, n, spread) => {
    const units = spread === 1 ? 12 : seed === 5 ? 4 * n : Math.floor(n / 10);
    const { keys, time, action } = syntheticLog(seed, n, units, spread === 1 ? 1 : spread);
    const ref = reference(keys, time, action);
    for (const needOrder of [false, true]) {
      const got = grouped(keys, time, action, needOrder);
      expect(got.unitKeys).toEqual(ref.unitKeys);
      expect(got.offsets).toEqual(ref.offsets);
      expect(got.time).toEqual(ref.time);
      expect(got.action).toEqual(ref.action);
      if (needOrder) expect(got.order).toEqual(ref.order);
      // the same log handed over already grouped by key (the late arrivals still out of time order)
      const byKey = Array.from(keys, (k, i) => i).sort((x, y) => (keys[x] as number) - (keys[y] as number) || x - y);
      const sk = byKey.map((i) => keys[i] as number);
      const st = byKey.map((i) => time[i] as number);
      const sa = byKey.map((i) => action[i] as number);
      const sortedRef = reference(sk, st, sa);
      const got2 = grouped(sk, st, sa, needOrder);
      expect(got2.offsets).toEqual(sortedRef.offsets);
      expect(got2.time).toEqual(sortedRef.time);
      expect(got2.action).toEqual(sortedRef.action);
      if (needOrder) expect(got2.order).toEqual(sortedRef.order);
    }
  });

  it.each([
    ['the first bucket', 0],
    ['a middle bucket', 2],
    ['the last bucket', 3],
  ])('one bucket holding most events (%s): each bucket moves from its scattered range to its final one without overlap', (_name, big) => {
    // 50k events → 4 buckets of the key range [0, 131072) (low keys of 15 bits: the narrow path); 85 % of
    // the events fall in one bucket, so the scattered ranges sit as far after the final ones as that
    // bucket is long; times mostly ascending with late arrivals, so most units need no re-sort
    const rng = createRng(10 + big);
    const n = 50_000;
    const keys: number[] = [];
    const time: number[] = [];
    const action: number[] = [];
    let t = 0;
    for (let i = 0; i < n; i++) {
      const b = rng() < 0.85 ? big : Math.floor(rng() * 4);
      keys.push(b * 32_768 + Math.floor(rng() * 3000) * 10 + (i === 0 ? 0 : 1));
      t += Math.floor(rng() * 3);
      time.push(rng() < 0.02 ? t - Math.floor(rng() * 400) : t);
      action.push(Math.floor(rng() * 9));
    }
    keys[1] = 131_071; // the full range, whatever the draw
    const ref = reference(keys, time, action);
    const got = grouped(keys, time, action, false);
    expect(got.time.length).toBe(n);
    expect(got.action.length).toBe(n);
    expect(got.unitKeys).toEqual(ref.unitKeys);
    expect(got.offsets).toEqual(ref.offsets);
    expect(got.time).toEqual(ref.time);
    expect(got.action).toEqual(ref.action);
  });

  it('a log past 2^22 events (the larger buckets of big logs) gives the layout it was built from', () => {
    // 2^22 + 1000 events, unit u (id 7u + 3) holds events r = 0, 1, … at times 10r + u % 5 (distinct within a
    // unit, so the expected layout is unique); rows arrive round-robin over the units, and one row in 97
    // swaps with its unit's next event (those units arrive out of time order)
    const n = (1 << 22) + 1000;
    const units = 524_288;
    const ids = new Int32Array(n);
    const time = new Float64Array(n);
    const action = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      const u = j % units;
      const r = Math.floor(j / units);
      ids[j] = 7 * u + 3;
      time[j] = 10 * r + (u % 5);
      action[j] = (u + 3 * r) % 11;
    }
    for (let j = 0; j + units < n; j++) {
      if ((Math.imul(j, 0x9e3779b1) >>> 0) % 97 !== 0) continue;
      const k = j + units;
      [time[j], time[k]] = [time[k] as number, time[j] as number];
      [action[j], action[k]] = [action[k] as number, action[j] as number];
    }
    const min = 3;
    const offsetsFromMin = Int32Array.from(ids, (v) => v - min);
    const g = groupEvents(offsetsFromMin, n, 0, 7 * (units - 1) + 1, 0, time, action, false, 11);
    if (g === null) throw new Error('rejected');
    expect(g.unitCount).toBe(units);
    expect(g.time.length).toBe(n);
    let bad = 0;
    let p = 0;
    for (let u = 0; u < units; u++) {
      const count = Math.floor((n - 1 - u) / units) + 1;
      if (g.keyIndex[u] !== 7 * u || g.offsets[u] !== p) bad++;
      for (let r = 0; r < count; r++, p++) if (g.time[p] !== 10 * r + (u % 5) || g.action[p] !== (u + 3 * r) % 11) bad++;
    }
    expect(g.offsets[units]).toBe(n);
    expect(bad).toBe(0);
  });
});

/** Groups 32-bit ids with {@link groupInt32Events} (range found by its own pass); unit keys are `keyIndex + origin` (+ 2^31 unsigned). */
function groupedInt32(keys: ArrayLike<number>, time: ArrayLike<number>, action: ArrayLike<number>, needOrder: boolean, unsigned = false) {
  const ids = unsigned ? new Int32Array(Uint32Array.from(keys).buffer) : Int32Array.from(keys);
  const g = groupInt32Events(ids, keys.length, unsigned ? -2147483648 : 0, Float64Array.from(time), Uint16Array.from(action), needOrder);
  if (g === null) throw new Error('rejected');
  return {
    unitKeys: Array.from(g.keyIndex, (k) => k + g.origin + (unsigned ? 2147483648 : 0)),
    offsets: Array.from(g.offsets),
    time: Array.from(g.time),
    action: Array.from(g.action),
    order: g.order === null ? null : Array.from(g.order),
  };
}

describe('groupInt32Events (the id range found in the histogram pass) against a naive reference', () => {
  const expectSame = (got: ReturnType<typeof groupedInt32>, want: ReturnType<typeof reference>, needOrder: boolean) => {
    expect(got.unitKeys).toEqual(want.unitKeys);
    expect(got.offsets).toEqual(want.offsets);
    expect(got.time).toEqual(want.time);
    expect(got.action).toEqual(want.action);
    if (needOrder) expect(got.order).toEqual(want.order);
  };

  it('random small logs, signed and unsigned ids, with and without the row order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ k: fc.oneof(fc.integer({ min: -3, max: 5 }), fc.integer({ min: -2_147_483_648, max: 2_147_483_647 })), t: fc.integer({ min: 0, max: 20 }), a: fc.integer({ min: 0, max: 3 }) }), { maxLength: 120 }),
        fc.boolean(),
        (rows, needOrder) => {
          const keys = rows.map((r) => r.k);
          const time = rows.map((r) => r.t);
          const action = rows.map((r) => r.a);
          expectSame(groupedInt32(keys, time, action, needOrder), reference(keys, time, action), needOrder);
          const unsignedKeys = keys.map((k) => k + 2_147_483_648);
          expectSame(groupedInt32(unsignedKeys, time, action, needOrder, true), reference(unsignedKeys, time, action), needOrder);
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    // name, ids of the log (before the outliers), outliers placed at rows the sample skips
    ['ids inside the sampled spread (the fused histogram is used)', (i: number) => 7 * ((i * 7919) % 5000) + 3, [] as number[]],
    ['an id far above the sample (not sampled): the separate histogram pass', (i: number) => 7 * ((i * 7919) % 5000) + 3, [2_000_000_000]],
    ['an id far below the sample: the separate histogram pass', (i: number) => 7 * ((i * 7919) % 5000) + 3, [-2_000_000_000]],
    ['unsampled ids just past either end of the histogram table (3 sample spreads): the separate pass', (i: number) => 7 * ((i * 7919) % 5000) + 3, [75_000, -40_000]],
    ['ids near the top of the 32-bit range and one at the bottom (no table where an id below the origin could wrap into it)', (i: number) => 2_147_480_000 + ((i * 7919) % 3000), [-2_147_483_648]],
    ['ids near the bottom of the 32-bit range', (i: number) => -2_147_483_648 + ((i * 7919) % 400_000), []],
  ])('%s', (_name, id, outliers) => {
    const rng = createRng(77);
    const n = 50_000;
    const keys = Array.from({ length: n }, (_, i) => id(i));
    outliers.forEach((v, j) => (keys[1 + 2 * j] = v)); // rows 1, 3, …: between the sampled rows (every 48th)
    const time = Array.from({ length: n }, (_, i) => i + (rng() < 0.03 ? -Math.floor(rng() * 300) : 0));
    const action = Array.from({ length: n }, () => Math.floor(rng() * 9));
    const ref = reference(keys, time, action);
    for (const needOrder of [false, true]) expectSame(groupedInt32(keys, time, action, needOrder), ref, needOrder);
    const unsigned = keys.map((k) => k + 2_147_483_648);
    expectSame(groupedInt32(unsigned, time, action, false, true), reference(unsigned, time, action), false);
    // already grouped by id: the ascending check of the same pass
    const byKey = ref.order.slice().sort((x, y) => (keys[x] as number) - (keys[y] as number) || x - y);
    const sk = byKey.map((i) => keys[i] as number);
    const st = byKey.map((i) => time[i] as number);
    const sa = byKey.map((i) => action[i] as number);
    expectSame(groupedInt32(sk, st, sa, false), reference(sk, st, sa), false);
  });

  it('an empty log and a log of one id', () => {
    expectSame(groupedInt32([], [], [], false), reference([], [], []), false);
    expectSame(groupedInt32([9, 9, 9], [3, 1, 2], [0, 1, 2], true), reference([9, 9, 9], [3, 1, 2], [0, 1, 2]), true);
  });
});
