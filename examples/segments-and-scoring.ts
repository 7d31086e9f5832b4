/**
 * Segments and lead scoring on the synthetic B2B dataset: group each lead's actions, assign it to a
 * segment by its path (with the reason), and score it as of the day its deal was created.
 * Run after `npm run build` (CI runs it through vitest against the built package).
 */
import { assignSegment, generateB2BDataset, pathSignature, scoreLead, type CustomerAction } from 'funnelwise';

export function main(): { segments: Record<string, number>; topPaths: string[]; sqlShare: number; example: string } {
  const ds = generateB2BDataset({ seed: 1, deals: 500 });
  const byLead = new Map<string, CustomerAction[]>();
  for (const a of ds.actions) byLead.set(a.leadId ?? '', [...(byLead.get(a.leadId ?? '') ?? []), a]);

  const segments: Record<string, number> = {};
  const paths = new Map<string, number>();
  let sql = 0;
  let example = '';
  for (const deal of ds.deals) {
    const actions = byLead.get(deal.leadId) ?? [];
    const r = assignSegment(ds.segments, { actions }, { defaultSegmentId: ds.defaultSegmentId });
    segments[r.segmentId ?? 'none'] = (segments[r.segmentId ?? 'none'] ?? 0) + 1;
    if (example === '' && r.by === 'rule') example = `${deal.leadId} → ${r.segmentId}: ${r.explanation?.because}`;
    // the path up to the request, without noise
    const key = pathSignature(actions.filter((a) => a.at <= deal.createdAt), { ignore: ['email.opened'] }).key;
    paths.set(key, (paths.get(key) ?? 0) + 1);
    if (scoreLead(ds.funnel.scoring!, { attributes: deal.attributes, actions }, { now: deal.createdAt }).stage === 'sql') sql++;
  }
  const topPaths = [...paths].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3).map(([k, n]) => `${n} × ${k}`);
  return { segments, topPaths, sqlShare: sql / ds.deals.length, example };
}

if (process.argv[1]?.endsWith('segments-and-scoring.ts')) console.log(main());
