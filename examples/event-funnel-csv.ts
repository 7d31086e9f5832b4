/**
 * Event funnel from a CSV action log: 24 B2B leads, their customer actions and the channel they came
 * from (examples/data/b2b-actions.csv). Builds the ActionLog once, then the funnel, a breakdown by
 * channel, time to convert, weekly trends with leads still in progress, and what converters did
 * differently. Run after `npm run build` with `npx tsx examples/event-funnel-csv.ts`.
 */
import { readFileSync } from 'node:fs';
import { ActionLog, eventFunnel, funnelBreakdown, funnelCorrelation, funnelTrends, timeToConvert } from 'funnelwise';

const DAY = 86_400_000;

export function main(): {
  counts: number[];
  byChannel: Array<[string, number, number]>;
  medianDaysToPay: number | null;
  weeks: Array<[string, number, number, number, number]>;
  correlated: string[];
} {
  const text = readFileSync(new URL('./data/b2b-actions.csv', import.meta.url), 'utf8');
  const rows = text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [lead, at, action, channel] = line.split(',');
      return { lead: lead ?? '', at: Date.parse(at ?? ''), action: action ?? '', channel: channel === '' || channel === undefined ? null : channel };
    });
  const log = ActionLog.fromRows(rows, {
    unit: (r) => r.lead,
    time: (r) => r.at,
    action: (r) => r.action,
    properties: { channel: (r) => r.channel },
  });

  const query = {
    steps: ['request.submitted', 'call.answered', 'proposal.received', 'invoice.paid'],
    windowMs: 14 * DAY,
    now: Date.parse('2026-03-20T00:00:00Z'),
  };
  const funnel = eventFunnel(log, query);
  const breakdown = funnelBreakdown(log, query, { property: 'channel' }); // first touch: the request's channel
  const ttc = timeToConvert(log, query);
  const trends = funnelTrends(log, query, { period: 'week' });
  const correlation = funnelCorrelation(log, query, { minUnits: 0 });

  return {
    counts: funnel.steps.map((s) => s.count),
    byChannel: breakdown.buckets.map((b) => [b.value, b.steps[0]?.count ?? 0, b.steps[3]?.count ?? 0]),
    medianDaysToPay: ttc.medianMs === null ? null : Math.round((ttc.medianMs / DAY) * 10) / 10,
    weeks: trends.periods.map((p) => [p.period, p.entered, p.converted, p.inProgress, p.dropped]),
    correlated: [...correlation.success, ...correlation.failure].map((c) => `${c.key}: odds ratio ${c.oddsRatio.toFixed(2)} (${c.correlation})`),
  };
}

if (process.argv[1]?.endsWith('event-funnel-csv.ts')) console.log(JSON.stringify(main(), null, 2));
