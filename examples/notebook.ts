/**
 * The notebook (docs/notebooks.md) as a script: each `// %%` block is one cell. No Jupyter or Deno
 * kernel installs in this project's CI, so the cells run here, against the built package, instead.
 * Data: a small inline CSV in the Maven CRM `sales_pipeline.csv` shape.
 * Run after `npm run build` with `npx tsx examples/notebook.ts` (CI runs it through vitest).
 */
import { conversion, defineFunnel, dropOff, funnelChart, funnelDataFromConversion, loadDealsCsv, pipelineHealth, timeToClose, toVegaLite } from 'funnelwise';

export function main(): {
  deals: number;
  reached: number[];
  winRate: number | null;
  engagingLossRate: number | null;
  wonWithin30Days: number | null;
  naiveWonWithin30Days: number;
  vegaLite: string;
  svg: string;
} {
  // %% 1. Load a CRM export (Maven CRM shape: one row per deal)
  const csv = `opportunity_id,sales_agent,deal_stage,engage_date,close_date,close_value
N01,Moses,Won,2017-01-03,2017-01-20,1000
N02,Moses,Won,2017-01-05,2017-02-10,500
N03,Ann,Lost,2017-01-06,2017-01-30,0
N04,Ann,Won,2017-01-10,2017-03-01,1500
N05,Moses,Lost,2017-01-12,2017-02-20,0
N06,Ann,Engaging,2017-02-01,,
N07,Moses,Won,2017-02-03,2017-02-25,800
N08,Ann,Lost,2017-02-05,2017-03-10,0
N09,Moses,Engaging,2017-02-15,,
N10,Ann,Prospecting,,,
N11,Moses,Won,2017-02-20,2017-04-01,1200
N12,Ann,Prospecting,,,
`;
  const funnel = defineFunnel({
    id: 'maven',
    name: 'Maven CRM pipeline',
    stages: [
      { id: 'prospecting', name: 'Prospecting' },
      { id: 'engaging', name: 'Engaging' },
      { id: 'won', name: 'Won', category: 'won' },
      { id: 'lost', name: 'Lost', category: 'lost' },
    ],
  });
  const now = '2017-04-30';
  const { table, problems } = loadDealsCsv(csv, {
    funnel,
    shape: 'deal',
    currency: 'USD',
    undatedAt: now, // Prospecting rows carry no date: they are as old as the export
    columns: { id: 'opportunity_id', stage: 'deal_stage', stageDates: { engaging: 'engage_date' }, closedAt: 'close_date', amount: 'close_value', attributes: ['sales_agent'] },
  });
  if (problems.length > 0) throw new Error(`unexpected problems: ${problems.map((p) => p.code).join(', ')}`);

  // %% 2. Conversion: deals that reached each stage (a won deal reached every stage before it)
  const conv = conversion(table, { money: true });
  const reached = conv.total.stages.filter((s) => s.category !== 'lost').map((s) => s.entered);
  const health = pipelineHealth(table, { now }); // win rate = won ÷ (won + lost)

  // %% 3. Drop-off: where deals are lost, and why (Maven records no reason: all "unknown")
  const drop = dropOff(table);
  const engaging = drop.total.stages.find((s) => s.stageId === 'engaging');

  // %% 4. Time to close: open deals count as censored, not as failures (minSample lowered for 12 rows)
  const ttc = timeToClose(table, { now, horizons: [30], minSample: 5 });
  const wonWithin30Days = ttc.ok ? (ttc.horizons[0]?.won.estimate ?? null) : null;
  // the naive answer (closed deals only) overstates it: 2 of 8 closed deals were won within 30 days
  const naiveWonWithin30Days = 2 / 8;

  // %% 5. A chart: an SVG string for the page, and the same chart as a Vega-Lite spec for notebook front-ends
  const data = funnelDataFromConversion(conv, { title: funnel.name });
  const svg = funnelChart(data, { width: 640 });
  const vegaLite = JSON.stringify(toVegaLite({ chart: 'funnel', data }));

  return {
    deals: table.size,
    reached,
    winRate: health.winRate,
    engagingLossRate: engaging?.lossRate ?? null,
    wonWithin30Days,
    naiveWonWithin30Days,
    vegaLite,
    svg,
  };
}
