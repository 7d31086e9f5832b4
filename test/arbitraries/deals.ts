/**
 * Shared fast-check generators for deal tables: a fixed funnel (4 open stages, 2 won stages, 1 lost
 * stage) and raw deals whose histories wander forward, skip and move back. Tests compute their
 * expected values from the raw deals (naive code), never from the table.
 */
import fc from 'fast-check';
import { DealTable, defineFunnel, type DealColumns } from '../../src/index.js';

export const dealFunnel = defineFunnel({
  id: 'p',
  name: 'Pipeline',
  stages: [
    { id: 'lead', name: 'Lead', probability: 0.1 },
    { id: 'meeting', name: 'Meeting', probability: 0.25 },
    { id: 'proposal', name: 'Proposal', probability: 0.5 },
    { id: 'contract', name: 'Contract', probability: 0.8 },
    { id: 'won', name: 'Won', category: 'won' },
    { id: 'onboarded', name: 'Onboarded', category: 'won' },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
  policy: { allowBackward: true },
});

/** Stage indices of the fixture funnel. */
export const OPEN = [0, 1, 2, 3];
export const WON = [4, 5];
export const LOST = 6;

/** A raw deal: visited stage indices (open ones, then possibly a won one), status, times, money. */
export interface RawDeal {
  readonly id: string;
  readonly createdAt: number;
  /** stage indices visited in order (consecutive duplicates allowed: a re-entry) */
  readonly visits: readonly number[];
  /** gaps between visits, ms */
  readonly gaps: readonly number[];
  readonly status: 'open' | 'won' | 'lost';
  readonly amountMinor: number | null;
  readonly currency: 'EUR' | 'JPY';
  readonly owner: 'ann' | 'bob' | 'cy';
}

export const rawDealArb = (id: string): fc.Arbitrary<RawDeal> =>
  fc
    .record({
      createdAt: fc.integer({ min: 0, max: 1_000_000 }),
      visits: fc.array(fc.constantFrom(...OPEN), { minLength: 1, maxLength: 6 }),
      status: fc.constantFrom('open', 'won', 'lost' as const),
      wonStage: fc.constantFrom(...WON),
      gaps: fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 8, maxLength: 8 }),
      amountMinor: fc.option(fc.integer({ min: -1_000, max: 2 ** 40 }), { nil: null }),
      currency: fc.constantFrom('EUR' as const, 'JPY' as const),
      owner: fc.constantFrom('ann' as const, 'bob' as const, 'cy' as const),
    })
    .map((r) => ({
      id,
      createdAt: r.createdAt,
      visits: r.status === 'won' ? [...r.visits, r.wonStage] : r.visits,
      gaps: r.gaps,
      status: r.status,
      amountMinor: r.amountMinor,
      currency: r.currency,
      owner: r.owner,
    }));

export const rawDealsArb: fc.Arbitrary<RawDeal[]> = fc
  .integer({ min: 0, max: 40 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => rawDealArb(`d${i}`))));

/** Times of the history rows of a raw deal: creation, each visit after the first, then the loss. */
export function visitTimes(d: RawDeal): number[] {
  const out = [d.createdAt];
  for (let k = 1; k < d.visits.length + (d.status === 'lost' ? 1 : 0); k++) out.push((out[k - 1] as number) + (d.gaps[k % d.gaps.length] as number));
  return out;
}

/** Builds the columns of a table from raw deals; `order` permutes the deals, `reverseHistory` the history rows. */
export function columnsOf(deals: readonly RawDeal[], reverseHistory = false): DealColumns {
  const hDeal: number[] = [];
  const hFrom: number[] = [];
  const hTo: number[] = [];
  const hAt: number[] = [];
  const hStatus: number[] = [];
  deals.forEach((d, i) => {
    const times = visitTimes(d);
    d.visits.forEach((s, k) => {
      hDeal.push(i);
      hFrom.push(k === 0 ? -1 : (d.visits[k - 1] as number));
      hTo.push(s);
      hAt.push(times[k] as number);
      hStatus.push(d.status === 'won' && k === d.visits.length - 1 ? 1 : 0);
    });
    if (d.status === 'lost') {
      hDeal.push(i);
      hFrom.push(d.visits[d.visits.length - 1] as number);
      hTo.push(LOST);
      hAt.push(times[d.visits.length] as number);
      hStatus.push(2);
    }
  });
  const rev = <T,>(a: T[]): T[] => (reverseHistory ? [...a].reverse() : a);
  return {
    dealIds: deals.map((d) => d.id),
    createdAt: deals.map((d) => d.createdAt),
    stage: deals.map((d) => (d.status === 'lost' ? LOST : (d.visits[d.visits.length - 1] as number))),
    status: deals.map((d) => d.status),
    amount: deals.map((d) => (d.amountMinor === null ? null : d.currency === 'JPY' ? String(d.amountMinor) : minorToEur(d.amountMinor))),
    currency: deals.map((d) => d.currency),
    attributes: deals.map((d) => ({ owner: d.owner })),
    history: { deal: rev(hDeal), from: rev(hFrom), to: rev(hTo), at: rev(hAt), status: rev(hStatus) },
  };
}

function minorToEur(m: number): string {
  const neg = m < 0;
  const s = String(Math.abs(m)).padStart(3, '0');
  return `${neg ? '-' : ''}${s.slice(0, -2)}.${s.slice(-2)}`;
}

export function tableOf(deals: readonly RawDeal[], reverseHistory = false): DealTable {
  return DealTable.fromColumns(columnsOf(deals, reverseHistory), dealFunnel);
}
