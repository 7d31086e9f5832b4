/**
 * Small hand-built deal tables for the drop-off tests: each deal is a list of moves
 * `[stageId, day, status?]` (day 1 = 2026-03-01 UTC); the first move creates the deal.
 */
import { DealTable, defineFunnel, type Funnel } from '../../src/index.js';

export const DAY = 86_400_000;
export const T0 = Date.UTC(2026, 2, 1);
/** Epoch ms of day d (day 1 = 2026-03-01). */
export const day = (d: number): number => T0 + (d - 1) * DAY;

/** request → answered → described → proposal → paid (won); lost. Customer actions complete each stage. */
export const b2b: Funnel = defineFunnel({
  id: 'b2b',
  name: 'B2B',
  stages: [
    { id: 'request', name: 'Request left', actions: ['request.submitted'], stallAfterDays: 7 },
    { id: 'answered', name: 'Callback answered', actions: ['call.answered'], stallAfterDays: 10 },
    { id: 'described', name: 'Task described', actions: ['requirements.described'] },
    { id: 'proposal', name: 'Proposal received', actions: ['proposal.received'] },
    { id: 'paid', name: 'Invoice paid', category: 'won', actions: ['invoice.paid'] },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
  triggers: [{ id: 'tp', action: 'offer.accepted', to: 'paid' }],
  lostReasons: [{ id: 'price', name: 'Too expensive' }],
});

export type Move = readonly [stage: string, day: number, status?: 'open' | 'won' | 'lost'];
export interface DealSpec {
  readonly id?: string;
  readonly moves: ReadonlyArray<Move>;
  readonly lostReason?: string;
  readonly attributes?: Readonly<Record<string, unknown>>;
  readonly segment?: string;
}

/** Builds a table from move lists; status defaults to the category of the stage moved to. */
export function tableOf(specs: ReadonlyArray<DealSpec>, funnel: Funnel = b2b): DealTable {
  const cat = new Map(funnel.stages.map((s) => [s.id, s.category] as const));
  const deal: number[] = [];
  const from: (string | null)[] = [];
  const to: string[] = [];
  const at: number[] = [];
  const status: ('open' | 'won' | 'lost')[] = [];
  specs.forEach((s, i) => {
    let prev: string | null = null;
    for (const [stage, d, st] of s.moves) {
      deal.push(i);
      from.push(prev);
      to.push(stage);
      at.push(day(d));
      status.push(st ?? (cat.get(stage) as 'open' | 'won' | 'lost'));
      prev = stage;
    }
  });
  const last = specs.map((s) => s.moves[s.moves.length - 1] as Move);
  const lastStatus = last.map(([stage, , st]) => st ?? (cat.get(stage) as 'open' | 'won' | 'lost'));
  return DealTable.fromColumns(
    {
      dealIds: specs.map((s, i) => s.id ?? `d${i}`),
      createdAt: specs.map((s) => day((s.moves[0] as Move)[1])),
      stage: last.map(([stage]) => stage),
      status: lastStatus,
      lostReason: specs.map((s) => s.lostReason ?? null),
      segment: specs.map((s) => s.segment ?? null),
      attributes: specs.map((s) => s.attributes ?? {}),
      history: { deal, from, to, at, status },
    },
    funnel,
  );
}
