/**
 * The Maven CRM funnel (Prospecting → Engaging → Won / Lost) and the loader options for its
 * `sales_pipeline.csv` (one row per deal), shared by the tests that read that export shape.
 */
import { defineFunnel, type LoadDealsCsvOptions } from '../../src/index.js';

export const mavenFunnel = defineFunnel({
  id: 'maven',
  name: 'Maven CRM',
  stages: [
    { id: 'prospecting', name: 'Prospecting', probability: 0.1 },
    { id: 'engaging', name: 'Engaging', probability: 0.5 },
    { id: 'won', name: 'Won', category: 'won' },
    { id: 'lost', name: 'Lost', category: 'lost' },
  ],
});

export const mavenCsvOptions: LoadDealsCsvOptions = {
  funnel: mavenFunnel,
  shape: 'deal',
  currency: 'USD',
  undatedAt: '2017-12-31',
  columns: {
    id: 'opportunity_id',
    stage: 'deal_stage',
    stageDates: { engaging: 'engage_date' },
    closedAt: 'close_date',
    amount: 'close_value',
    attributes: ['sales_agent', 'product', 'account'],
  },
};
