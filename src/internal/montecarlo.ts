/**
 * Seeded Monte-Carlo of S = Σ_i X_i·a_i (X_i ~ Bernoulli(p_i), independent given the p's; the p's
 * optionally drawn per simulation per cell of deals sharing one estimate) plus a compound Poisson
 * term (K ~ Poisson(μ) extra wins, each with an amount drawn uniformly from an empirical list).
 * Typed arrays, no allocation in the inner loop. The deal outcomes are bit-sliced: 32 simulations run
 * at once, one per bit of the sfc32 output words, each deal-and-simulation comparing a uniform 32-bit
 * number with the integer threshold ⌈p·2³²⌉ bit by bit (about 6 PRNG outputs per deal for 32
 * simulations). Draws happen in a fixed order, so the same seed gives the same totals on every
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
   * θ ~ Gamma(1/τ², scale τ²) (mean 1; from a stream of its own, rescaled so the run's θ average 1)
   * and uses min(1, θ·q(p)) for every cell (q(p) the uncapped chance with E[min(1, θq)] = p, so each
   * cell keeps its expectation) and θ·μ for the extra mean, so all deals of the simulated period
   * move together.
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

/**
 * The period multipliers θ_s of a run, in simulation order: Gamma(1/τ², scale τ²) draws from a
 * stream of their own, divided by their mean over the run so they average exactly 1 (the stream is
 * read twice — once for the mean, once for the values — instead of keeping S numbers). Call
 * `next()` once per simulation, in order; a fresh sequence gives the same values. @internal
 */
export function periodMultipliers(tau: number, simulations: number, seed: number): () => () => number {
  const shape = 1 / (tau * tau);
  const periodSeed = (seed ^ 0x27d4eb2f) >>> 0;
  const rng0 = createRng(periodSeed);
  let sum = 0;
  for (let s = 0; s < simulations; s++) sum += Math.max(1e-300, gammaDraw(shape, rng0));
  const norm = sum > 0 ? sum / simulations : 1;
  return () => {
    const rng = createRng(periodSeed);
    return () => Math.max(1e-300, gammaDraw(shape, rng)) / norm;
  };
}

/** 2³² as a number. */
const TWO32 = 4294967296;

/**
 * The integer threshold of a win probability: T = ⌈p·2³²⌉, so that a uniform 32-bit draw U wins
 * when U < T, with P(U < T) = T/2³² ∈ [p, p + 2⁻³²) — exactly p when p·2³² is an integer (p = 0
 * never wins, p = 1 always). @internal
 */
export function winThreshold(p: number): number {
  if (!(p > 0)) return 0;
  if (p >= 1) return TWO32;
  return Math.min(TWO32, Math.ceil(p * TWO32));
}

/** Simulations per bit-sliced pass: one per bit of a 32-bit word. */
const LANES = 32;

/**
 * The bit-sliced form of one cell's thresholds for the 32 simulations of a pass (lane j = simulation
 * 32g + j): `words[32·cell + k]` holds bit 31 − k of every lane's threshold T_j (bit j of the word),
 * `undecided[cell]` the lanes with 0 < T_j < 2³² (those that need draws), `always[cell]` the lanes with
 * T_j = 2³² (certain wins), and `last[cell]` the deepest bit level k holding a 1 in some lane's
 * threshold (−1 when none): below it every threshold is 0, so a lane still equal there has U ≥ T.
 */
function setLanes(words: Int32Array, undecided: Int32Array, always: Int32Array, last: Int32Array, cell: number, thresholds: Float64Array, live: number): void {
  const base = cell * LANES;
  words.fill(0, base, base + LANES);
  let und = 0;
  let alw = 0;
  let deepest = -1;
  for (let j = 0; j < LANES; j++) {
    const bit = 1 << j;
    if ((live & bit) === 0) continue;
    const T = thresholds[j] as number;
    if (T >= TWO32) {
      alw |= bit;
      continue;
    }
    if (T <= 0) continue;
    und |= bit;
    const u = T >>> 0;
    // the level of the lowest 1 bit: bit 31 − k set ⇔ level k
    const lowest = Math.clz32(u & -u);
    if (lowest > deepest) deepest = lowest;
    for (let k = 0; k <= lowest; k++) if (((u >>> (31 - k)) & 1) === 1) words[base + k] = (words[base + k] as number) | bit;
  }
  undecided[cell] = und;
  always[cell] = alw;
  last[cell] = deepest;
}

/**
 * One bit-sliced pass over every open deal for 32 simulations at once. Lane j of a deal wins when its
 * uniform 32-bit number U_j is below the lane's threshold T_j; U_j is read bit by bit, most
 * significant first, bit k of every lane from one sfc32 output (bit j for lane j): at level k a lane
 * still equal so far is decided — a win if its bit is 0 where T_j has a 1, a loss if it is 1 where
 * T_j has a 0 — and the draws stop once every lane is decided (about log₂ 32 + 1.3 ≈ 6 outputs per
 * deal and 32 simulations, instead of 32) or no threshold has a 1 bit left (the undecided lanes then
 * have U ≥ T). Each lane's U is a uniform 32-bit number, so P(win) = T_j/2³² exactly, and the lanes
 * and deals use disjoint bits of the stream. The winning lanes' amounts are added by bytes of the win
 * word: `acc[256·b + byte]` sums the amounts whose lanes 8b..8b+7 won in that pattern, so lane j's
 * total is the sum of the `acc[256·(j >> 3) + v]` with bit j & 7 of v set (4 adds per deal and pass
 * instead of one per simulation). A function of its own, called once per pass, so V8 optimises it
 * early. The sfc32 state is read from `st` and written back.
 */
function simulatePass(st: Uint32Array, words: Int32Array, undecided: Int32Array, always: Int32Array, last: Int32Array, amounts: Float64Array, cellStart: Int32Array, cells: number, acc: Float64Array): void {
  let a = (st[0] as number) | 0;
  let b = (st[1] as number) | 0;
  let c = (st[2] as number) | 0;
  let d = (st[3] as number) | 0;
  acc.fill(0);
  for (let cell = 0; cell < cells; cell++) {
    const base = cell * LANES;
    const deepest = last[cell] as number;
    const alw = (always[cell] as number) | 0;
    const und0 = (undecided[cell] as number) | 0;
    const end = cellStart[cell + 1] as number;
    if (und0 === 0 && alw === 0) continue; // no lane can win: no draws, nothing to add
    for (let i = cellStart[cell] as number; i < end; i++) {
      let won = alw;
      let und = und0;
      let k = 0;
      while (und !== 0 && k <= deepest) {
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        const tk = (words[base + k] as number) | 0;
        won |= und & ~t & tk;
        und &= ~(t ^ tk);
        k++;
      }
      const x = amounts[i] as number;
      acc[won & 255] = (acc[won & 255] as number) + x;
      acc[256 + ((won >>> 8) & 255)] = (acc[256 + ((won >>> 8) & 255)] as number) + x;
      acc[512 + ((won >>> 16) & 255)] = (acc[512 + ((won >>> 16) & 255)] as number) + x;
      acc[768 + (won >>> 24)] = (acc[768 + (won >>> 24)] as number) + x;
    }
  }
  st[0] = a;
  st[1] = b;
  st[2] = c;
  st[3] = d;
}

/**
 * Totals of each simulation (unsorted, in simulation order). The simulations run in passes of 32
 * (bit-sliced, see {@link simulatePass}) on the sfc32 stream of `createRng(seed)`. With parameter
 * draws, simulation s takes replicate s mod R for every uncertain cell (all deals of a cell share the
 * draw, so their outcomes are correlated through it). The compound Poisson term is drawn afterwards
 * per simulation, in order, from a second seeded stream (its Gamma-distributed mean from a third).
 * Same seed, same totals on every platform.
 * @internal
 */
export function simulateRevenue(input: SimulationInput): Float64Array {
  const { amounts, cellStart, cellProb, simulations, seed } = input;
  const cells = cellProb.length;
  const draws = input.cellDraws;
  const ucells = draws === undefined ? 0 : draws.cells.length;
  const fixedT = new Float64Array(cells);
  for (let c = 0; c < cells; c++) fixedT[c] = winThreshold(cellProb[c] as number);
  const words = new Int32Array(cells * LANES);
  const undecided = new Int32Array(cells);
  const always = new Int32Array(cells);
  const last = new Int32Array(cells);
  const laneT = new Float64Array(LANES);
  const acc = new Float64Array(4 * 256);
  const st = rngState(seed);
  const out = new Float64Array(simulations);
  // the period effect: one θ per simulation; every cell's lanes get min(1, θ·q) with q the uncapped
  // chance of its probability (replicates mapped once, not per simulation)
  const tau = input.periodSd ?? 0;
  const thetas = tau > 0 ? periodMultipliers(tau, simulations, seed) : null;
  const nextTheta = thetas === null ? null : thetas();
  const uncapped = tau > 0 ? uncappedChance(1 / (tau * tau)) : null;
  const fixedQ = uncapped === null ? null : cellProb.map(uncapped);
  const drawsQ = uncapped !== null && draws !== undefined ? draws.p.map(uncapped) : null;
  const uncertainOf = new Int32Array(cells).fill(-1);
  if (draws !== undefined) for (let j = 0; j < ucells; j++) uncertainOf[draws.cells[j] as number] = j;
  const laneTheta = new Float64Array(LANES);
  const batch = 64; // progress and abort checks every two passes
  let liveBefore = 0; // no lanes: forces the first setup
  for (let s0 = 0; s0 < simulations; s0 += batch) {
    if (input.signal?.aborted === true) throw new FunnelError('ABORTED', 'funnelwise: the simulation was aborted through its AbortSignal', { path: ['options', 'signal'] });
    const s1 = Math.min(simulations, s0 + batch);
    for (let g = s0; g < s1; g += LANES) {
      const n = Math.min(LANES, s1 - g);
      const live = n === LANES ? -1 : (1 << n) - 1;
      if (nextTheta !== null && fixedQ !== null) {
        // every cell's thresholds differ by lane: θ of the lane's simulation × the cell's uncapped chance
        for (let lane = 0; lane < n; lane++) laneTheta[lane] = nextTheta();
        for (let c = 0; c < cells; c++) {
          const j = uncertainOf[c] as number;
          for (let lane = 0; lane < n; lane++) {
            const q = j >= 0 && drawsQ !== null && draws !== undefined ? (drawsQ[((g + lane) % draws.replicates) * ucells + j] as number) : (fixedQ[c] as number);
            laneT[lane] = winThreshold(Math.min(1, (laneTheta[lane] as number) * q));
          }
          setLanes(words, undecided, always, last, c, laneT, live);
        }
      } else if (live !== liveBefore) {
        // the fixed cells' lanes (all alike) change only with the number of live lanes
        for (let c = 0; c < cells; c++) {
          laneT.fill(fixedT[c] as number);
          setLanes(words, undecided, always, last, c, laneT, live);
        }
        liveBefore = live;
      }
      if (nextTheta === null && draws !== undefined && ucells > 0) {
        for (let j = 0; j < ucells; j++) {
          for (let lane = 0; lane < n; lane++) laneT[lane] = winThreshold(draws.p[((g + lane) % draws.replicates) * ucells + j] as number);
          setLanes(words, undecided, always, last, draws.cells[j] as number, laneT, live);
        }
      }
      simulatePass(st, words, undecided, always, last, amounts, cellStart, cells, acc);
      for (let lane = 0; lane < n; lane++) {
        const off = (lane >> 3) * 256;
        const bit = 1 << (lane & 7);
        let total = 0;
        for (let v = bit; v < 256; v++) if ((v & bit) !== 0) total += acc[off + v] as number;
        out[g + lane] = total;
      }
    }
    input.onProgress?.(s1, simulations);
  }
  addExtra(out, input, thetas);
  return out;
}

/** Adds the compound Poisson term (new deals) to each simulation's total, in simulation order (its mean × the simulation's period multiplier θ, when any). */
function addExtra(out: Float64Array, input: SimulationInput, thetas: (() => () => number) | null): void {
  const mu0 = input.extraMean ?? 0;
  const extra = input.extraAmounts;
  const m = extra === undefined ? 0 : extra.length;
  if (!(mu0 > 0) || m === 0 || extra === undefined) return;
  const extraCv = input.extraCv ?? 0;
  const paramRng = createRng((input.seed ^ 0x5f3759df) >>> 0);
  const rng = createRng((input.seed ^ 0x6a09e667) >>> 0);
  // the same θ sequence as the deals' (the period moves the new deals' wins too)
  const theta = thetas === null ? null : thetas();
  for (let s = 0; s < out.length; s++) {
    let mu = theta === null ? mu0 : mu0 * theta();
    if (extraCv > 0) {
      const shape = 1 / (extraCv * extraCv);
      mu = (mu * gammaDraw(shape, paramRng)) / shape;
    }
    const k = poisson(mu, rng);
    let total = out[s] as number;
    for (let j = 0; j < k; j++) total += extra[Math.min(m - 1, Math.floor(rng() * m))] as number;
    out[s] = total;
  }
}
