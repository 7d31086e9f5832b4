/**
 * The open pipeline's hot loops over the open deals' contiguous columns (`DealTable.openCell`,
 * `DealTable.openAmountMinor`): amounts and deal counts per (group, currency slot, stage)
 * bucket. Shared by the weighted pipeline and the open pipeline at a date. @internal
 */
/**
 * Sums the open deals' amounts per (x, currency slot, stage) bucket, the hot loop of the weighted
 * pipeline and of the open pipeline now: per open
 * deal, its amount and a 1 are added to the bucket `x × K + openCell[j]` of lane `j mod 4`, where x is
 * the deal's segment index + 1 when `bySegment`, else 0, and `K` = (currencies + 1) × stages
 * (`DealTable.openCell`: the deals without an amount fall in currency slot 0, whose sums are never
 * read as money). No test per deal; four lanes (`lane` apart in `sum`/`count`) so consecutive deals of
 * one cell do not wait on each other's add (3× faster than one lane on 70,000 open deals). Top-level,
 * without closures, objects or per-deal allocations, so V8 keeps one optimised loop. @internal
 */
export function sumByCell(openCell: Int32Array, openAmount: Float64Array, bySegment: boolean, openSegment: Int32Array, K: number, lane: number, sum: Float64Array, count: Float64Array): void {
  const n = openCell.length;
  const n4 = n - (n & 3);
  const l2 = 2 * lane;
  const l3 = 3 * lane;
  if (!bySegment) {
    for (let j = 0; j < n4; j += 4) {
      const b0 = openCell[j] as number;
      const b1 = (openCell[j + 1] as number) + lane;
      const b2 = (openCell[j + 2] as number) + l2;
      const b3 = (openCell[j + 3] as number) + l3;
      sum[b0] = (sum[b0] as number) + (openAmount[j] as number);
      count[b0] = (count[b0] as number) + 1;
      sum[b1] = (sum[b1] as number) + (openAmount[j + 1] as number);
      count[b1] = (count[b1] as number) + 1;
      sum[b2] = (sum[b2] as number) + (openAmount[j + 2] as number);
      count[b2] = (count[b2] as number) + 1;
      sum[b3] = (sum[b3] as number) + (openAmount[j + 3] as number);
      count[b3] = (count[b3] as number) + 1;
    }
  } else {
    for (let j = 0; j < n4; j += 4) {
      const b0 = ((openSegment[j] as number) + 1) * K + (openCell[j] as number);
      const b1 = ((openSegment[j + 1] as number) + 1) * K + (openCell[j + 1] as number) + lane;
      const b2 = ((openSegment[j + 2] as number) + 1) * K + (openCell[j + 2] as number) + l2;
      const b3 = ((openSegment[j + 3] as number) + 1) * K + (openCell[j + 3] as number) + l3;
      sum[b0] = (sum[b0] as number) + (openAmount[j] as number);
      count[b0] = (count[b0] as number) + 1;
      sum[b1] = (sum[b1] as number) + (openAmount[j + 1] as number);
      count[b1] = (count[b1] as number) + 1;
      sum[b2] = (sum[b2] as number) + (openAmount[j + 2] as number);
      count[b2] = (count[b2] as number) + 1;
      sum[b3] = (sum[b3] as number) + (openAmount[j + 3] as number);
      count[b3] = (count[b3] as number) + 1;
    }
  }
  for (let j = n4; j < n; j++) {
    const b = (bySegment ? ((openSegment[j] as number) + 1) * K : 0) + (openCell[j] as number);
    sum[b] = (sum[b] as number) + (openAmount[j] as number);
    count[b] = (count[b] as number) + 1;
  }
}

/**
 * {@link sumByCell} for an as-of time before the table's last event: one lane, and the open deals
 * created after `now` are skipped. @internal
 */
export function sumByCellAsOf(open: Int32Array, createdAt: Float64Array, now: number, openCell: Int32Array, openAmount: Float64Array, bySegment: boolean, openSegment: Int32Array, K: number, sum: Float64Array, count: Float64Array): void {
  for (let j = 0; j < open.length; j++) {
    if ((createdAt[open[j] as number] as number) > now) continue;
    const b = (bySegment ? ((openSegment[j] as number) + 1) * K : 0) + (openCell[j] as number);
    sum[b] = (sum[b] as number) + (openAmount[j] as number);
    count[b] = (count[b] as number) + 1;
  }
}


/**
 * {@link sumByCell} over the grouped layout (`DealTable.openAmountByCell`, `DealTable.openCellStart`):
 * per group, its deal count is the length of its run and its amount the sum of the run (two running
 * sums), added to the bucket `x × K + cell` when `bySegment` (x = segment index + 1), else to `cell`.
 * The runs of currency slot 0 (deals without an amount) are counted, not summed. No scattered adds:
 * one sequential pass over the amounts. `KL` is the layout's cells per segment ((table currencies +
 * 1) × stages), `K` the caller's bucket stride (at least `KL`). @internal
 */
export function sumGrouped(start: Int32Array, amounts: Float64Array, bySegment: boolean, KL: number, K: number, S: number, sum: Float64Array, count: Float64Array): void {
  const G = start.length - 1;
  for (let g = 0; g < G; g++) {
    const a = start[g] as number;
    const b = start[g + 1] as number;
    if (a === b) continue;
    const x = Math.floor(g / KL);
    const c = g - x * KL;
    const o = bySegment ? x * K + c : c;
    count[o] = (count[o] as number) + (b - a);
    if (c < S) continue;
    let s0 = 0;
    let s1 = 0;
    let i = a;
    for (; i + 1 < b; i += 2) {
      s0 += amounts[i] as number;
      s1 += amounts[i + 1] as number;
    }
    if (i < b) s0 += amounts[i] as number;
    sum[o] = (sum[o] as number) + s0 + s1;
  }
}
