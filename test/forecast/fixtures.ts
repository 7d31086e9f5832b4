import { DealTable, defineFunnel, type Funnel } from '../../src/index.js';

export const DAY = 86_400_000;

/** lead → offer → won/lost, with configured probabilities. */
export const funnel = defineFunnel({
  id: 'f',
  name: 'F',
  currency: 'EUR',
  stages: [
    { id: 'lead', name: 'Lead', probability: 0.1 },
    { id: 'offer', name: 'Offer', probability: 0.5 },
    { id: 'won', name: 'Won', category: 'won' },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
});

export interface Row {
  id: string;
  /** path of stage ids after creation, e.g. ['lead', 'offer', 'won'] */
  path: readonly string[];
  /** day of each step (same length as path) */
  at: number[];
  amount?: string;
  segment?: string;
  attributes?: Record<string, unknown>;
}

/** Builds a table from explicit paths (on `f`, default the lead → offer funnel); status and lost-at derive from the history. */
export function tableOf(rows: Row[], f: Funnel = funnel): DealTable {
  const deal: number[] = [];
  const from: (string | null)[] = [];
  const to: string[] = [];
  const at: number[] = [];
  rows.forEach((r, i) => {
    r.path.forEach((s, k) => {
      deal.push(i);
      from.push(k === 0 ? null : (r.path[k - 1] as string));
      to.push(s);
      at.push((r.at[k] as number) * DAY);
    });
  });
  return DealTable.fromColumns(
    {
      dealIds: rows.map((r) => r.id),
      createdAt: rows.map((r) => (r.at[0] as number) * DAY),
      stage: rows.map((r) => r.path[r.path.length - 1] as string),
      amount: rows.map((r) => r.amount ?? null),
      currency: 'EUR',
      segment: rows.map((r) => r.segment ?? null),
      attributes: rows.map((r) => r.attributes ?? {}),
      history: { deal, from, to, at },
    },
    f,
  );
}
