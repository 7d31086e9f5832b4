import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import { fromMinor } from '../internal/money.js';
import { createRng } from '../internal/prng.js';
import { parseFunnel } from '../io/parse.js';
import { currencyMinorUnits, type CustomerAction, type Funnel, type Money, type Segment } from '../model/index.js';
import { parseSegments } from '../segments/parseSegments.js';
import { isoOf } from './isoOf.js';
import {
  B2B_SEGMENTS,
  b2bFunnelInput,
  DECLINE_SHARE,
  LOST_REASONS_BY_STEP,
  POST_SALE_ACTIONS,
  PROFILE_PARAMS,
  PROFILES,
  STEP_ACTIONS,
  type Profile,
} from './b2bFunnels.js';

const DAY = 86_400_000;

/**
 * Options of {@link generateB2BDataset}. Every field is optional; the defaults give a realistic
 * half-year of a B2B sales team.
 *
 * @category Synthetic
 * @since 0.1.0
 */
export interface B2BDatasetOptions {
  /** The PRNG seed (an integer); equal seeds give equal datasets. Default 1. */
  readonly seed?: number | undefined;
  /**
   * How many deals (one lead each), created uniformly over `days` from `start` (browsing may begin
   * before `start`). Deals that would be created after `now` are left out. Default 3000.
   */
  readonly deals?: number | undefined;
  /** When the first lead arrives (ISO string, `Date` or epoch ms). Default `2026-01-05T00:00:00Z`. */
  readonly start?: string | number | Date | undefined;
  /** Over how many days leads arrive (uniformly). Default 180. */
  readonly days?: number | undefined;
  /** The as-of time: actions after it have not happened yet. Default `start + days`. */
  readonly now?: string | number | Date | undefined;
  /** The deals' currency (ISO 4217). Default `EUR`. */
  readonly currency?: string | undefined;
  /** The share of leads per behaviour profile (normalised). Default `{ hot: 0.4, researcher: 0.4, standard: 0.2 }`. */
  readonly mix?: Readonly<Partial<Record<'hot' | 'researcher' | 'standard', number>>> | undefined;
  /** Add noise actions (`page.viewed`, `email.opened`) during deals. Default `true`. */
  readonly noise?: boolean | undefined;
  /** The share of deal actions that arrive late (after later actions) in the stream. Default 0.02. */
  readonly lateShare?: number | undefined;
  /** Add post-sale stages (delivery, onboarding, feedback) after the close. Default `true`. */
  readonly postSale?: boolean | undefined;
}

/**
 * The ground truth of one synthetic deal, as the generator decided it (before any truncation at `now`
 * except for `outcome`, which is as of `now`).
 *
 * @category Synthetic
 * @since 0.1.0
 */
export interface SyntheticDeal {
  /** The deal id (`d000001`). */
  readonly dealId: string;
  /** The lead id (`l000001`; one deal per lead). */
  readonly leadId: string;
  /** The behaviour profile the lead was drawn from (= the segment it should be assigned to). */
  readonly profile: 'hot' | 'researcher' | 'standard';
  /** The funnel of that profile's segment. */
  readonly funnelId: string;
  /** When the deal was created (the request or callback request). */
  readonly createdAt: string;
  /** The deal size. */
  readonly amount: Money;
  /** Lead attributes (channel, employees, industry, country). */
  readonly attributes: Readonly<Record<string, string | number>>;
  /** As of `now`: `won` (paid), `lost` (declined, or went silent for good), or still `open`. */
  readonly outcome: 'open' | 'won' | 'lost';
  /** The last core customer action the deal reached by `now` (`request.submitted` … `invoice.paid`). */
  readonly reached: string;
  /** Why it was lost (the generator's reason; `null` unless lost). */
  readonly lostReason: string | null;
  /** Whether the loss was said (`offer.declined`) rather than silent. */
  readonly declined: boolean;
  /** When it was won (paid) or lost (the decline, or the last action before the silence); `null` while open. */
  readonly closedAt: string | null;
}

/**
 * A synthetic B2B dataset: funnels, segments, a stream of customer actions and the ground truth.
 *
 * @category Synthetic
 * @since 0.1.0
 */
export interface B2BDataset {
  /** The options in force (defaults filled in). */
  readonly options: {
    readonly seed: number;
    readonly deals: number;
    readonly start: string;
    readonly days: number;
    readonly now: string;
    readonly currency: string;
    readonly mix: Readonly<Record<'hot' | 'researcher' | 'standard', number>>;
    readonly noise: boolean;
    readonly lateShare: number;
    readonly postSale: boolean;
  };
  /** The as-of time (= `options.now`). */
  readonly now: string;
  /** The general funnel `b2b` (the default segment's); every funnel has the same stage ids. */
  readonly funnel: Funnel;
  /** All funnels: `b2b`, `b2b-fast` (hot), `b2b-considered` (researcher). */
  readonly funnels: ReadonlyArray<Funnel>;
  /** The segment definitions: `hot`, `researcher`, `standard`. */
  readonly segments: ReadonlyArray<Segment>;
  /** The default segment id (`standard`). */
  readonly defaultSegmentId: string;
  /** The customer actions in arrival order (mostly time order; `lateShare` of them arrive late). */
  readonly actions: ReadonlyArray<CustomerAction>;
  /** The ground truth per deal, in deal-id order. */
  readonly deals: ReadonlyArray<SyntheticDeal>;
}

const CHANNELS = ['web', 'ads', 'referral', 'event'] as const;
const INDUSTRIES = ['manufacturing', 'retail', 'software', 'logistics', 'finance'] as const;
const COUNTRIES = ['DE', 'FR', 'PL', 'BG', 'ES', 'IT'] as const;
const PAGES = ['/', '/pricing', '/product', '/cases', '/blog'] as const;
const CAMPAIGNS = ['newsletter', 'nurture', 'webinar'] as const;
const ASSETS = ['whitepaper', 'case-study', 'price-list'] as const;
/** How a researcher first meets the company: [action type, weight]. */
const FIRST_TOUCH: ReadonlyArray<readonly [string, number]> = [['page.viewed', 0.6], ['email.opened', 0.25], ['content.downloaded', 0.15]];

function instant(v: string | number | Date, path: string): number {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v);
  if (!Number.isFinite(ms)) fail('INVALID_OPTION', 'an instant (ISO string with Z or offset, Date or epoch ms)', v, ['options', path]);
  return ms;
}

function check(ok: boolean, expected: string, received: unknown, path: string): void {
  if (!ok) fail('INVALID_OPTION', expected, received, ['options', path]);
}

/**
 * Generates a seeded, realistic synthetic B2B sales dataset: leads that walk a funnel of customer
 * actions in three behaviour profiles, with drop-offs at every stage, lost reasons, log-normal deal
 * sizes, noise actions, late arrivals and deals still open at `now`.
 *
 * The funnel: `request.submitted` or `callback.requested` → `call.answered` → `requirements.described`
 * → `proposal.received` → `objections.cleared` → `invoice.accepted` → `invoice.paid` (won), then
 * optionally `delivery.confirmed`, `onboarding.completed`, `feedback.given` (post-sale). A deal that
 * drops off either says so (`offer.declined` with a `reason` property, which a trigger moves to lost)
 * or goes silent (a silence rule loses it as `no-response`).
 *
 * The profiles (and segments): **hot** — asked for a callback within a day of the first visit, fast
 * cycle, higher conversion, smaller deals; **researcher** — browsed for weeks before the request,
 * longer cycle, lower conversion, bigger deals; **standard** — a request after a short look. Browsing
 * before the request carries only a `leadId`; every action from the request on carries the `dealId`
 * and the `leadId` (one deal per lead). See `docs/synthetic.md` for every rate and gap.
 *
 * Deterministic: equal options give an equal dataset (no clock, no `Math.random`). Cost: linear in
 * `deals`; about 20 actions per deal; a few thousand deals take a few tens of milliseconds.
 *
 * @param options - {@link B2BDatasetOptions}
 * @returns the funnels, segments, actions and ground truth, deeply frozen
 * @throws FunnelError `INVALID_OPTION` for an option out of range
 * @category Synthetic
 * @since 0.1.0
 * @example
 * ```ts
 * const ds = generateB2BDataset({ seed: 7, deals: 50 });
 * ds.deals.length // => 50
 * ds.segments.map((s) => s.id) // => ['hot', 'researcher', 'standard']
 * generateB2BDataset({ seed: 7, deals: 50 }).actions.length === ds.actions.length // => true
 * ```
 */
export function generateB2BDataset(options?: B2BDatasetOptions): B2BDataset {
  const seed = options?.seed ?? 1;
  const n = options?.deals ?? 3000;
  const startMs = instant(options?.start ?? '2026-01-05T00:00:00Z', 'start');
  const days = options?.days ?? 180;
  const currency = options?.currency ?? 'EUR';
  const noise = options?.noise ?? true;
  const lateShare = options?.lateShare ?? 0.02;
  const postSale = options?.postSale ?? true;
  check(Number.isSafeInteger(seed), 'an integer seed', seed, 'seed');
  check(Number.isSafeInteger(n) && n >= 0 && n <= 1_000_000, 'a whole number of deals in [0, 1000000]', n, 'deals');
  check(typeof days === 'number' && Number.isFinite(days) && days > 0, 'a positive number of days', days, 'days');
  check(typeof lateShare === 'number' && lateShare >= 0 && lateShare <= 1, 'a share in [0, 1]', lateShare, 'lateShare');
  const scale = currencyMinorUnits(currency);
  if (scale === undefined) fail('UNKNOWN_CURRENCY', 'an ISO 4217 currency code such as "EUR"', currency, ['options', 'currency']);
  const nowMs = options?.now === undefined ? startMs + days * DAY : instant(options.now, 'now');
  const rawMix = { hot: 0.4, researcher: 0.4, standard: 0.2, ...options?.mix };
  const mixTotal = PROFILES.reduce((s, p) => s + rawMix[p], 0);
  for (const p of PROFILES) check(Number.isFinite(rawMix[p]) && rawMix[p] >= 0, 'a non-negative share', rawMix[p], `mix.${p}`);
  check(mixTotal > 0, 'shares with a positive sum', mixTotal, 'mix');
  const mix = { hot: rawMix.hot / mixTotal, researcher: rawMix.researcher / mixTotal, standard: rawMix.standard / mixTotal };

  const funnels = PROFILES.map((p) => parseFunnel(b2bFunnelInput(p, currency, postSale, p === 'hot' ? 21 : p === 'researcher' ? 45 : 30)));
  const funnel = funnels[2] as Funnel;
  const segments = parseSegments(B2B_SEGMENTS, { funnels });

  const rng = createRng(seed);
  const uniform = (a: number, b: number): number => a + (b - a) * rng();
  const normal = (): number => {
    const u = 1 - rng();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  };
  const logNormal = (median: number, sigma: number): number => median * Math.exp(sigma * normal());
  const pick = <T>(xs: ReadonlyArray<T>): T => xs[Math.floor(rng() * xs.length)] as T;
  const weighted = (pairs: ReadonlyArray<readonly [string, number]>): string => {
    let r = rng() * pairs.reduce((s, [, w]) => s + w, 0);
    for (const [v, w] of pairs) if ((r -= w) < 0) return v;
    return (pairs[pairs.length - 1] as readonly [string, number])[0];
  };

  // Actions are built final and frozen as they are emitted; `arrival` holds when each reaches the stream.
  const made: CustomerAction[] = [];
  const arrival: number[] = [];
  const truth: SyntheticDeal[] = [];
  const emit = (type: string, ms: number, leadId: string, dealId: string | undefined, properties?: Record<string, unknown>): void => {
    if (ms > nowMs) return;
    const late = dealId !== undefined && rng() < lateShare;
    const a: { id: string; type: string; at: string; dealId?: string; leadId: string; properties?: Record<string, unknown> } = {
      id: `a${String(made.length + 1).padStart(7, '0')}`,
      type,
      at: isoOf(Math.floor(ms)),
      leadId,
    };
    if (dealId !== undefined) a.dealId = dealId;
    if (properties !== undefined) a.properties = Object.freeze(properties);
    made.push(Object.freeze(a));
    arrival.push(late ? ms + uniform(0.5, 5) * DAY : ms);
  };

  for (let i = 1; i <= n; i++) {
    const num = String(i).padStart(6, '0');
    const leadId = `l${num}`;
    const dealId = `d${num}`;
    const r = rng();
    const profile: Profile = r < mix.hot ? 'hot' : r < mix.hot + mix.researcher ? 'researcher' : 'standard';
    const params = PROFILE_PARAMS[profile];
    const created = startMs + rng() * days * DAY;
    const employees = Math.max(2, Math.round(logNormal(profile === 'researcher' ? 250 : 60, 1.1)));
    const attributes = { channel: pick(CHANNELS), employees, industry: pick(INDUSTRIES), country: pick(COUNTRIES) };
    const minor = Math.max(50, Math.round(logNormal(params.medianAmount, 0.7) / 10)) * 10 * 10 ** scale;
    const amount: Money = { amount: fromMinor(minor, scale), currency };
    const money = Object.freeze({ amount: amount.amount, currency });

    // Before the deal: the lead browses (lead actions only); the deal is created by the request.
    if (profile === 'hot') {
      const first = created - uniform(0.02, 0.9) * DAY;
      const views = Math.floor(rng() * 3);
      for (let v = 0; v < views; v++) emit('page.viewed', first + v * uniform(1, 20) * 60_000, leadId, undefined, { page: pick(PAGES) });
      emit('callback.requested', created, leadId, dealId, { channel: attributes.channel, employees });
    } else if (profile === 'researcher') {
      const span = Math.min(90, Math.max(15, logNormal(30, 0.5))) * DAY;
      const first = created - uniform(0.01, 1) * DAY - span;
      const views = 4 + Math.floor(rng() * 10);
      const drawn = weighted(FIRST_TOUCH);
      const touch = !noise && drawn === 'email.opened' ? 'page.viewed' : drawn;
      if (touch !== 'page.viewed') emit(touch, first, leadId, undefined, touch === 'email.opened' ? { campaign: pick(CAMPAIGNS) } : { asset: pick(ASSETS) });
      emit('page.viewed', touch === 'page.viewed' ? first : first + uniform(0.01, 0.5) * DAY, leadId, undefined, { page: pick(PAGES) });
      emit('page.viewed', first + span, leadId, undefined, { page: '/pricing' });
      for (let v = 2; v < views; v++) emit('page.viewed', first + rng() * span, leadId, undefined, { page: pick(PAGES) });
      const downloads = 1 + Math.floor(rng() * 2);
      for (let v = 0; v < downloads; v++) emit('content.downloaded', first + rng() * span, leadId, undefined, { asset: pick(ASSETS) });
      if (noise) for (let v = Math.floor(rng() * 4); v > 0; v--) emit('email.opened', first + rng() * span, leadId, undefined, { campaign: pick(CAMPAIGNS) });
      emit('request.submitted', created, leadId, dealId, { channel: attributes.channel, employees });
    } else {
      const views = Math.floor(rng() * 4);
      const span = uniform(0, 10) * DAY;
      for (let v = 0; v < views; v++) emit('page.viewed', created - (v === 0 ? span : rng() * span) - 0.01 * DAY, leadId, undefined, { page: pick(PAGES) });
      emit('request.submitted', created, leadId, dealId, { channel: attributes.channel, employees });
    }
    if (created > nowMs) continue;

    // The deal walks the core steps until it drops off or pays.
    let t = created;
    let reached = profile === 'hot' ? 'callback.requested' : 'request.submitted';
    let outcome: SyntheticDeal['outcome'] = 'open';
    let lostReason: string | null = null;
    let declined = false;
    let closedAt: number | null = null;
    for (let k = 0; k < STEP_ACTIONS.length; k++) {
      const gap = Math.max(0.01, logNormal(params.gapDays[k] as number, 0.6)) * DAY;
      if (rng() >= (params.pass[k] as number)) {
        lostReason = weighted(LOST_REASONS_BY_STEP[k] as ReadonlyArray<readonly [string, number]>);
        declined = rng() < (DECLINE_SHARE[k] as number);
        if (declined) {
          emit('offer.declined', t + gap, leadId, dealId, { reason: lostReason });
          if (t + gap <= nowMs) (outcome = 'lost'), (closedAt = t + gap);
        } else if (t + gap <= nowMs) (outcome = 'lost'), (closedAt = t);
        break;
      }
      t += gap;
      if (t > nowMs) break;
      const type = STEP_ACTIONS[k] as string;
      const props = type === 'proposal.received' || type === 'invoice.accepted' || type === 'invoice.paid' ? money : undefined;
      emit(type, t, leadId, dealId, props);
      reached = type;
      if (type === 'invoice.paid') (outcome = 'won'), (closedAt = t);
    }
    if (outcome !== 'won') lostReason = outcome === 'lost' ? lostReason : null;
    if (outcome !== 'lost') declined = false;
    if (outcome === 'won' && postSale) {
      let p = t;
      const rates = [0.97, 0.9, 0.6];
      const gaps = [10, 7, 14];
      for (let k = 0; k < POST_SALE_ACTIONS.length && rng() < (rates[k] as number); k++) {
        p += Math.max(0.5, logNormal(gaps[k] as number, 0.5)) * DAY;
        emit(POST_SALE_ACTIONS[k] as string, p, leadId, dealId);
      }
    }
    if (noise) {
      const end = Math.min(nowMs, closedAt ?? t + 30 * DAY);
      const life = Math.max(0, end - created);
      for (let v = Math.floor((life / DAY / 10) * rng() * 2); v > 0; v--) emit('page.viewed', created + rng() * life, leadId, dealId, { page: pick(PAGES) });
      for (let v = Math.floor((life / DAY / 7) * rng() * 2); v > 0; v--) emit('email.opened', created + rng() * life, leadId, dealId, { campaign: pick(CAMPAIGNS) });
    }
    truth.push({
      dealId,
      leadId,
      profile,
      funnelId: params.funnelId,
      createdAt: new Date(created).toISOString(),
      amount,
      attributes,
      outcome,
      reached,
      lostReason,
      declined,
      closedAt: closedAt === null ? null : new Date(closedAt).toISOString(),
    });
  }

  // Arrival order; equal arrival times keep generation order, which is action-id order.
  const order = Array.from(made, (_, i) => i).sort((x, y) => (arrival[x] as number) - (arrival[y] as number) || x - y);
  const actions = order.map((i) => made[i] as CustomerAction);
  return deepFreeze({
    options: { seed, deals: n, start: new Date(startMs).toISOString(), days, now: new Date(nowMs).toISOString(), currency, mix, noise, lateShare, postSale },
    now: new Date(nowMs).toISOString(),
    funnel,
    funnels,
    segments,
    defaultSegmentId: 'standard',
    actions,
    deals: truth,
  });
}
