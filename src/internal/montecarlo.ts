/**
 * Seeded Monte-Carlo of S = Σ_i X_i·a_i (X_i ~ Bernoulli(p_i), independent given the p's; the p's
 * optionally drawn per simulation per cell of deals sharing one estimate) plus a compound Poisson
 * term (K ~ Poisson(μ) extra wins, each with an amount drawn uniformly from an empirical list).
 * Typed arrays, no allocation in the inner loop; the PRNG is the stream of `createRng(seed)` (sfc32)
 * with its step inlined, and u < p is tested as the integer draw t < p·2³² (the same comparison,
 * without a division). Draws happen in a fixed order, so the same seed gives the same totals on every
 * platform. @internal
 */
import { FunnelError } from '../errors/FunnelError.js';
import { uncappedChance } from './periodMultiplier.js';
import { createRng, rngState } from './prng.js';

/**
 * Input of {@link simulateRevenue}: the deals grouped into cells (deals of one cell share one win
 * probability), the cells' point estimates and, for `uncertainty: 'parameters'`, their standard errors.
 * @internal
 */
export interface SimulationInput {
  /** Deal amounts, ordered by cell: cell c holds deals cellStart[c] .. cellStart[c + 1] − 1. */
  readonly amounts: Float64Array;
  /** Cell boundaries (length cells + 1). */
  readonly cellStart: Int32Array;
  /** Point estimate of each cell's win probability. */
  readonly cellProb: Float64Array;
  /**
   * Parameter draws: simulation k uses replicate k mod `replicates`, whose probabilities for the
   * listed cells are `p[r · cells.length + j]` (the other cells keep their point estimate). Omitted =
   * all fixed.
   */
  readonly cellDraws?: { readonly cells: Int32Array; readonly replicates: number; readonly p: Float64Array };
  readonly simulations: number;
  readonly seed: number;
  /** Poisson mean of extra wins per simulation (0 = none). */
  readonly extraMean?: number;
  /** Coefficient of variation of the extra mean across simulations (0 = fixed); > 0 draws the mean per simulation from a Gamma with that mean and CV. */
  readonly extraCv?: number;
  /** Amounts to draw the extra wins from (uniformly). */
  readonly extraAmounts?: Float64Array;
  /**
   * Standard deviation τ of the period multiplier (0 or omitted = none): each simulation draws
   * θ ~ Gamma(1/τ², scale τ²) (mean 1; from a stream of its own, rescaled so the run's θ average 1) and uses min(1, θ·q(p)) for every cell
   * (q(p) the uncapped chance with E[min(1, θq)] = p, so each cell keeps its expectation)
   * and θ·μ for the extra mean, so all deals of the simulated period move together.
   */
  readonly periodSd?: number;
  readonly onProgress?: (done: number, total: number) => void;
  readonly signal?: { readonly aborted: boolean } | undefined;
}

/** A standard normal draw (Box–Muller, one of the pair). @internal */
function normal(rng: () => number): number {
  const u1 = Math.max(rng(), 1e-300);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * rng());
}

/** A Gamma(shape, 1) draw: Marsaglia & Tsang (2000); shape < 1 by Gamma(shape + 1)·U^(1/shape). @internal */
export function gammaDraw(shape: number, rng: () => number): number {
  if (shape < 1) return gammaDraw(shape + 1, rng) * Math.pow(Math.max(rng(), 1e-300), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(rng);
    const v0 = 1 + c * x;
    if (v0 <= 0) continue;
    const v = v0 * v0 * v0;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(Math.max(u, 1e-300)) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * A Beta draw with mean p and standard deviation sd (moment matched: Beta(pν, (1 − p)ν) with
 * ν = p(1 − p)/sd² − 1, at least 10⁻³). p itself when p ∈ {0, 1} or sd = 0. @internal
 */
export function betaDraw(p: number, sd: number, rng: () => number): number {
  if (!(p > 0 && p < 1 && sd > 0)) return p;
  const nu = Math.max(1e-3, (p * (1 - p)) / (sd * sd) - 1);
  const x = gammaDraw(p * nu, rng);
  const y = gammaDraw((1 - p) * nu, rng);
  return x + y > 0 ? x / (x + y) : p;
}

function poisson(mu: number, rng: () => number): number {
  if (mu <= 0) return 0;
  if (mu > 500) {
    // normal approximation (Box–Muller) for large means, rounded and floored at 0
    const u1 = Math.max(rng(), 1e-300);
    const u2 = rng();
    const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    return Math.max(0, Math.round(mu + Math.sqrt(mu) * z));
  }
  // inversion by sequential search
  const u = rng();
  let k = 0;
  let p = Math.exp(-mu);
  let c = p;
  while (u > c && k < 10_000) {
    k++;
    p *= mu / k;
    c += p;
  }
  return k;
}

/** One sfc32 step on a state array (the same step as createRng). @internal */
function stepState(st: Uint32Array): number {
  const a = st[0] as number;
  const b = st[1] as number;
  let c = st[2] as number;
  const d = st[3] as number;
  const t = (((a + b) >>> 0) + d) >>> 0;
  st[3] = (d + 1) >>> 0;
  st[0] = b ^ (b >>> 9);
  st[1] = (c + (c << 3)) >>> 0;
  c = (c << 21) | (c >>> 11);
  st[2] = (c + t) >>> 0;
  return t / 4294967296;
}

/**
 * One simulation over every open deal: the sfc32 state is read from `st`, stepped once per deal and
 * written back. A function of its own (called once per simulation) rather than a loop inside
 * {@link simulateRevenue}, so V8 optimises it after a few calls instead of waiting for on-stack
 * replacement of one long-running loop (about 2× faster on a first call).
 */
function simulateOnce(st: Uint32Array, thr: Float64Array, amounts: Float64Array, cellStart: Int32Array, cells: number): number {
  let a = (st[0] as number) | 0;
  let b = (st[1] as number) | 0;
  let c = (st[2] as number) | 0;
  let d = (st[3] as number) | 0;
  let total = 0;
  for (let cell = 0; cell < cells; cell++) {
    const th = thr[cell] as number;
    const end = cellStart[cell + 1] as number;
    for (let i = cellStart[cell] as number; i < end; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      total += (amounts[i] as number) * +((t ^ -2147483648) < th);
    }
  }
  st[0] = a;
  st[1] = b;
  st[2] = c;
  st[3] = d;
  return total;
}

/**
 * Totals of each simulation (unsorted, in simulation order). With parameter draws, each simulation
 * first sets every uncertain cell's probability from its replicate (and draws the extra mean from a
 * second seeded stream), so all deals of a cell share the draw and their outcomes are correlated
 * through it; then one sfc32 draw per deal, compared as an integer with the cell's threshold
 * p·2³² − 2³¹.
 * @internal
 */
export function simulateRevenue(input: SimulationInput): Float64Array {
  const { amounts, cellStart, cellProb, simulations, seed } = input;
  const cells = cellProb.length;
  const draws = input.cellDraws;
  const ucells = draws === undefined ? 0 : draws.cells.length;
  // u < p ⇔ t < p·2³² for the unsigned draw t; with t kept as a signed int32, flip the sign bit and
  // compare with p·2³² − 2³¹ (all sfc32 arithmetic stays in int32, which V8 keeps in registers)
  const thr = new Float64Array(cells);
  for (let c = 0; c < cells; c++) thr[c] = (cellProb[c] as number) * 4294967296 - 2147483648;
  const extraCv = input.extraCv ?? 0;
  const tau = input.periodSd ?? 0;
  const periodShape = tau > 0 ? 1 / (tau * tau) : 0;
  // the cells' chances on the uncapped scale q(p) (E[min(1, θq)] = p, see periodMultiplier.ts) in
  // the current simulation; the parameter replicates are mapped once, not per simulation
  const uncapped = tau > 0 ? uncappedChance(periodShape) : null;
  const base = uncapped !== null ? cellProb.map(uncapped) : cellProb;
  const drawsQ = uncapped !== null && draws !== undefined ? draws.p.map(uncapped) : null;
  // θ comes from a stream of its own, read twice: the first pass gives the mean of the S draws, the
  // second divides each draw by it, so the multipliers average exactly 1 over the run and add no
  // Monte-Carlo noise to the mean (no array of S values is kept)
  const periodSeed = (seed ^ 0x27d4eb2f) >>> 0;
  let periodRng = createRng(periodSeed);
  let periodNorm = 1;
  if (tau > 0) {
    let sum = 0;
    for (let s = 0; s < simulations; s++) sum += gammaDraw(periodShape, periodRng);
    periodNorm = sum > 0 ? sum / simulations : 1;
    periodRng = createRng(periodSeed);
  }
  const paramRng = createRng((seed ^ 0x5f3759df) >>> 0);
  const st = rngState(seed);
  const rng = (): number => stepState(st);
  const out = new Float64Array(simulations);
  const mu0 = input.extraMean ?? 0;
  const extra = input.extraAmounts;
  const m = extra === undefined ? 0 : extra.length;
  const batch = 64;
  for (let s0 = 0; s0 < simulations; s0 += batch) {
    if (input.signal?.aborted === true) throw new FunnelError('ABORTED', 'funnelwise: the simulation was aborted through its AbortSignal', { path: ['options', 'signal'] });
    const s1 = Math.min(simulations, s0 + batch);
    for (let s = s0; s < s1; s++) {
      if (draws !== undefined && ucells > 0) {
        const row = (s % draws.replicates) * ucells;
        if (drawsQ !== null) for (let j = 0; j < ucells; j++) base[draws.cells[j] as number] = drawsQ[row + j] as number;
        else for (let j = 0; j < ucells; j++) thr[draws.cells[j] as number] = (draws.p[row + j] as number) * 4294967296 - 2147483648;
      }
      let theta = 1;
      if (tau > 0) {
        // one multiplier per simulated period, applied per cell (outside the per-deal loop)
        theta = Math.max(1e-300, gammaDraw(periodShape, periodRng)) / periodNorm;
        for (let c = 0; c < cells; c++) thr[c] = Math.min(1, theta * (base[c] as number)) * 4294967296 - 2147483648;
      }
      let mu = mu0 * theta;
      if (mu0 > 0 && extraCv > 0) {
        const shape = 1 / (extraCv * extraCv);
        mu = (mu * gammaDraw(shape, paramRng)) / shape;
      }
      let total = simulateOnce(st, thr, amounts, cellStart, cells);
      if (mu > 0 && m > 0 && extra !== undefined) {
        const k = poisson(mu, rng);
        for (let j = 0; j < k; j++) total += extra[Math.min(m - 1, Math.floor(rng() * m))] as number;
      }
      out[s] = total;
    }
    input.onProgress?.(s1, simulations);
  }
  return out;
}
