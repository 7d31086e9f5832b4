import { fail } from '../errors/FunnelError.js';
import { deepFreeze } from '../internal/freeze.js';
import { replay, type ReplayResult } from '../machine/index.js';
import type { CustomerAction, Deal } from '../model/index.js';
import { assignSegment } from '../segments/assignSegment.js';
import { leadScorer } from '../segments/leadScorer.js';
import type { B2BDataset } from './generateB2BDataset.js';

/**
 * One lead of a replayed dataset: its deal (if it made a request by `now`), the segment it was
 * assigned to and why.
 *
 * @category Synthetic
 * @since 0.1.0
 */
export interface ReplayedLead {
  /** The lead id. */
  readonly leadId: string;
  /** Its deal's id, or `null` when it only browsed. */
  readonly dealId: string | null;
  /** The assigned segment. */
  readonly segmentId: string;
  /** That segment's funnel. */
  readonly funnelId: string;
  /** `rule` when a segment rule matched, `default` otherwise. */
  readonly by: 'rule' | 'default';
  /** The matching rule's explanation (empty for the default). */
  readonly because: string;
  /** The lead's path signature (every action type, in first-occurrence order). */
  readonly path: string;
}

/**
 * A synthetic dataset replayed through the deal state machine.
 *
 * @category Synthetic
 * @since 0.1.0
 */
export interface ReplayedB2BDataset {
  /** Every deal from every funnel, sorted by id, each with its `segmentId`. */
  readonly deals: ReadonlyArray<Deal>;
  /** Every lead, sorted by id. */
  readonly leads: ReadonlyArray<ReplayedLead>;
  /** The replay of each funnel's stream (counts, rejected actions, rules). */
  readonly replays: ReadonlyArray<{ readonly funnelId: string; readonly result: ReplayResult }>;
}

/**
 * Options for {@link replayB2BDataset}.
 * @category Synthetic
 * @since 0.1.0
 */
export interface ReplayB2BDatasetOptions {
  /**
   * `'segments'` (default): each lead's deal goes through its assigned segment's funnel. `'general'`:
   * every deal goes through the dataset's one general funnel (`dataset.funnel`), with the generator's
   * own profile as its segment — one pipeline for deal analytics, forecasts and backtests.
   */
  readonly through?: 'segments' | 'general';
}

/**
 * Turns a synthetic dataset into deal histories, as a CRM would: groups the actions by lead, assigns
 * each lead to a segment by its path ({@link assignSegment}, default segment when no rule holds),
 * sends the lead's deal actions to that segment's funnel (each new deal gets its segment, and the
 * generator's amount and lead attributes), and replays each funnel's stream through
 * the deal state machine ({@link replay}) with silence rules evaluated at the dataset's `now` and
 * lead scores for `minScore` triggers ({@link leadScorer}). This is what `npm run demo` does.
 *
 * With `through: 'general'` every deal is replayed through the general funnel instead, its segment
 * being the profile the generator drew it from (the leads are still assigned as above).
 *
 * Cost: linear in the number of actions (plus sorting); a few thousand deals take tens of ms.
 *
 * @param dataset - from {@link generateB2BDataset}
 * @param options - {@link ReplayB2BDatasetOptions}: which funnel(s) to replay through
 * @returns the deals, the leads' segments and the replays
 * @throws FunnelError `INVALID_OPTION` for an unknown `through`
 * @category Synthetic
 * @since 0.1.0
 * @example
 * ```ts
 * const r = replayB2BDataset(generateB2BDataset({ seed: 3, deals: 40 }));
 * r.deals.length // => 40
 * r.deals.every((d) => d.segmentId !== null) // => true
 * const g = replayB2BDataset(generateB2BDataset({ seed: 3, deals: 40 }), { through: 'general' });
 * g.replays.map((x) => x.funnelId) // => ['b2b']
 * ```
 */
export function replayB2BDataset(dataset: B2BDataset, options?: ReplayB2BDatasetOptions): ReplayedB2BDataset {
  const through = options?.through ?? 'segments';
  if (through !== 'segments' && through !== 'general') fail('INVALID_OPTION', "'segments' or 'general'", through, ['options', 'through']);
  const byLead = new Map<string, CustomerAction[]>();
  for (const a of dataset.actions) {
    const key = a.leadId ?? (a.dealId as string);
    const list = byLead.get(key);
    if (list === undefined) byLead.set(key, [a]);
    else list.push(a);
  }
  const leads: ReplayedLead[] = [];
  const segmentOfLead = new Map<string, ReplayedLead>();
  for (const [leadId, actions] of byLead) {
    const r = assignSegment(dataset.segments, { actions }, { defaultSegmentId: dataset.defaultSegmentId });
    const dealId = actions.find((a) => a.dealId !== undefined)?.dealId ?? null;
    const lead: ReplayedLead = {
      leadId,
      dealId,
      segmentId: r.segmentId as string,
      funnelId: r.funnelId as string,
      by: r.by === 'rule' ? 'rule' : 'default',
      because: r.explanation?.because ?? '',
      path: r.path.key,
    };
    leads.push(lead);
    segmentOfLead.set(leadId, lead);
  }
  leads.sort((a, b) => (a.leadId < b.leadId ? -1 : a.leadId > b.leadId ? 1 : 0));

  const truth = new Map(dataset.deals.map((d) => [d.dealId, d]));
  const streams = new Map<string, CustomerAction[]>(dataset.funnels.map((f) => [f.id, []]));
  const segmentOfDeal = new Map<string, string>();
  if (through === 'general') {
    streams.clear();
    streams.set(dataset.funnel.id, []);
    for (const d of dataset.deals) segmentOfDeal.set(d.dealId, d.profile);
  }
  for (const a of dataset.actions) {
    if (a.dealId === undefined) continue; // browsing before the request: the deal does not exist yet
    if (through === 'general') {
      streams.get(dataset.funnel.id)?.push(a);
      continue;
    }
    const lead = segmentOfLead.get(a.leadId ?? a.dealId);
    if (lead === undefined) continue;
    segmentOfDeal.set(a.dealId, lead.segmentId);
    streams.get(lead.funnelId)?.push(a);
  }
  const funnels = through === 'general' ? [dataset.funnel] : dataset.funnels;
  const replays = funnels.map((f) => ({
    funnelId: f.id,
    result: replay(f, streams.get(f.id) ?? [], {
      now: dataset.now,
      dealDefaults: (dealId: string) => {
        const t = truth.get(dealId);
        return { segmentId: segmentOfDeal.get(dealId) ?? null, amount: t?.amount ?? null, attributes: t?.attributes ?? {} };
      },
      ...(f.scoring === undefined ? {} : { scoreOf: leadScorer(f.scoring) }),
    }),
  }));
  const deals = replays.flatMap((r) => [...r.result.deals]).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return deepFreeze({ deals, leads, replays });
}
