import { expectTypeOf, test } from 'vitest';
import { markovForecast, stageWinProbabilities, timeToClose, type DealTable, type InsufficientHistory, type MarkovForecastReport, type MarkovPeriod, type Money, type ProbabilityEstimate, type TimeToCloseReport } from '../../src/index.js';

declare const table: DealTable;

test('results are discriminated unions on ok', () => {
  const t = timeToClose(table);
  if (t.ok) expectTypeOf(t).toEqualTypeOf<TimeToCloseReport>();
  else expectTypeOf(t).toEqualTypeOf<InsufficientHistory>();
  const m = markovForecast(table);
  if (m.ok) expectTypeOf(m).toEqualTypeOf<MarkovForecastReport>();
  else expectTypeOf(m.reason).toEqualTypeOf<'insufficientHistory' | 'notAbsorbing'>();
  const e = stageWinProbabilities(table).stages[0]?.odoo.estimate;
  if (e?.ok === true) expectTypeOf(e).toEqualTypeOf<ProbabilityEstimate>();
  if (m.ok) expectTypeOf(m.expectedAmount).toEqualTypeOf<readonly Money[]>();
  if (m.ok) expectTypeOf(m.period).toEqualTypeOf<MarkovPeriod | null>();
  // @ts-expect-error the stay mode is a closed set
  markovForecast(table, { stay: 'weibull' });
});
