/**
 * Deal analytics: load a CRM export (one row per deal, like Maven's sales_pipeline.csv), then read
 * conversion in each counting mode, the pipeline's health, time in stage and the waterfall.
 * Run after `npm run build` with `npx tsx examples/deal-analytics.ts` (CI runs it through vitest).
 */
import { conversion, defineFunnel, loadDealsCsv, pipelineHealth, pipelineWaterfall, timeInStage } from 'funnelwise';

const csv = `opportunity_id,sales_agent,deal_stage,engage_date,close_date,close_value
A1,Moses,Won,2017-01-02,2017-02-03,1054
A2,Moses,Lost,2017-01-05,2017-01-20,0
A3,Darcel,Engaging,2017-01-09,,
A4,Darcel,Won,2017-01-10,2017-03-01,4514
A5,Darcel,Prospecting,,,
A6,Moses,Engagin,2017-01-11,,
`;

export function main(): { problems: string[]; reached: number[]; visited: number[]; winRate: number | null; winRateByAgent: Array<[string | null, number, number, number | null]>; waterfallEnd: number } {
  const funnel = defineFunnel({
    id: 'maven',
    name: 'Maven CRM',
    stages: [
      { id: 'prospecting', name: 'Prospecting', probability: 0.1 },
      { id: 'engaging', name: 'Engaging', probability: 0.5 },
      { id: 'won', name: 'Won', category: 'won' },
      { id: 'lost', name: 'Lost', category: 'lost' },
    ],
  });
  const { table, problems } = loadDealsCsv(csv, {
    funnel,
    shape: 'deal',
    currency: 'USD',
    undatedAt: '2017-12-31',
    columns: { id: 'opportunity_id', stage: 'deal_stage', stageDates: { engaging: 'engage_date' }, closedAt: 'close_date', amount: 'close_value', attributes: ['sales_agent'] },
  });
  // the typo "Engagin" is reported, not dropped silently
  const reached = conversion(table, { basis: 'reached' });
  const visited = conversion(table, { basis: 'visited' });
  const byAgent = conversion(table, { groupBy: 'sales_agent' });
  const health = pipelineHealth(table);
  // every health figure per sales agent; deals without an agent would form the group `null`
  const healthByAgent = pipelineHealth(table, { groupBy: 'sales_agent' });
  const stays = timeInStage(table, { now: '2017-04-01' });
  const waterfall = pipelineWaterfall(table, '2017-01-01', '2017-03-31');
  console.log(byAgent.groups.map((g) => `${g.key}: ${g.stages.map((s) => `${s.stageId} ${s.entered}`).join(', ')}`).join('\n'));
  console.log(`win rate ${health.winRate}, average deal ${health.averageDealSize[0]?.amount} USD; Engaging median ${stays.total.stages[1]?.completed.median} days`);
  return {
    problems: problems.map((p) => `row ${p.row}, ${p.column}: ${p.value} (${p.code})`),
    reached: reached.total.stages.map((s) => s.entered),
    visited: visited.total.stages.map((s) => s.entered),
    winRate: health.winRate,
    winRateByAgent: healthByAgent.groups.map((g): [string | null, number, number, number | null] => [g.key, g.won, g.lost, g.winRate]),
    waterfallEnd: waterfall.total.count.end,
  };
}
