import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  dropOffChart,
  forecastFanChart,
  funnelChart,
  renderChart,
  segmentComparisonChart,
  stuckDealsChart,
  survivalChart,
  timeInStageChart,
  toVegaLite,
  trendChart,
  type ChartInput,
} from '../../src/charts/index.js';
import { isFunnelError } from '../../src/errors/index.js';
import { ALL, dropOffSample, fanSample, funnelSample, incidenceSample, segmentSample, stuckSample, survivalSample, timeInStageSample, trendSample } from './samples.js';


/** A small well-formedness check: every opened tag is closed in order, attributes are quoted. */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, close, name, , self] = m;
    if (self === '/') continue;
    if (close === '/') {
      if (stack.pop() !== name) return false;
    } else stack.push(name as string);
  }
  const stripped = svg.replace(/<(\/?)([a-zA-Z]+)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/g, '');
  return stack.length === 0 && !/[<>]/.test(stripped);
}

function thrown(fn: () => unknown): { code: string; path: ReadonlyArray<string | number> } {
  try {
    fn();
  } catch (e) {
    if (isFunnelError(e)) return { code: e.code, path: e.path };
    throw e;
  }
  throw new Error('did not throw');
}

describe('every chart', () => {
  for (const input of ALL) {
    const name = `${input.chart}${input.chart === 'survival' ? ` (${input.data.mode})` : ''}`;
    it(`${name}: accessible, well-formed, deterministic SVG`, () => {
      const svg = renderChart(input);
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg).toContain('role="img"');
      expect(svg).toMatch(/<title id="[^"]+-title">[^<]+<\/title><desc id="[^"]+-desc">[^<]{20,}<\/desc>/);
      expect(wellFormed(svg)).toBe(true);
      expect(svg).not.toMatch(/NaN|undefined|Infinity/);
      expect(renderChart(input)).toBe(svg);
    });
    it(`${name}: sized by the caller`, () => {
      const svg = renderChart(input, { width: 500, height: 420 });
      expect(svg).toContain('width="500" height="420" viewBox="0 0 500 420"');
    });
    it(`${name}: Vega-Lite v5 spec is plain JSON with inline data`, () => {
      const spec = toVegaLite(input);
      expect(spec['$schema']).toBe('https://vega.github.io/schema/vega-lite/v5.json');
      expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
      expect(Array.isArray((spec['data'] as { values: unknown[] }).values)).toBe(true);
    });
  }
  it('does not mutate its input', () => {
    const frozen = structuredClone(funnelSample);
    const copy = JSON.stringify(frozen);
    funnelChart(Object.freeze(frozen));
    expect(JSON.stringify(frozen)).toBe(copy);
  });
});

describe('funnelChart', () => {
  it('computes conversion between stages and end to end (50,000 visitors, 1,000 purchases: 2%)', () => {
    const svg = funnelChart({ stages: [{ label: 'Visited', count: 50000 }, { label: 'Requested', count: 4000 }, { label: 'Purchased', count: 1000 }] });
    // 4,000 / 50,000 = 8%; 1,000 / 4,000 = 25%; 1,000 / 50,000 = 2%
    expect(svg).toContain('↓ 8%');
    expect(svg).toContain('↓ 25%');
    expect(svg).toContain('>2%<');
    expect(svg).toContain('▼ 46,000 lost (92%)');
    expect(svg).toContain('End to end, 2% of Visited reached Purchased.');
  });
  it('shows money, top drop reasons and "+N more"', () => {
    const svg = funnelChart(
      {
        stages: [
          { label: 'A', count: 10, amount: { amount: '1200.50', currency: 'EUR' }, topDropReasons: [{ label: 'Price', count: 3 }, { label: 'Silent', count: 2 }, { label: 'Other', count: 1 }] },
          { label: 'B', count: 4 },
        ],
      },
      { maxReasons: 2 },
    );
    expect(svg).toContain('10 · €1,201'); // money ≥ 1,000 is shown without cents
    expect(svg).toContain('Price 3 · Silent 2 · +1 more');
  });
  it('draws given shares as given, and "—" after an empty stage', () => {
    const svg = funnelChart({ stages: [{ label: 'A', count: 0 }, { label: 'B', count: 0 }] });
    expect(svg).toContain('↓ —');
    const given = funnelChart({ stages: [{ label: 'A', count: 10 }, { label: 'B', count: 5, conversionFromPrevious: 0.6 }] });
    expect(given).toContain('↓ 60%');
  });
  it('escapes every text', () => {
    const svg = funnelChart({ title: '<script>alert("x")</script>', stages: [{ label: 'A & B <c>', count: 1 }] });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(svg).toContain('A &amp; B &lt;c&gt;');
  });
  it('formats by locale and accepts injected formatters', () => {
    const de = funnelChart({ stages: [{ label: 'A', count: 12345, amount: { amount: '1234.5', currency: 'EUR' } }, { label: 'B', count: 1000 }] }, { theme: { locale: 'de-DE' } });
    expect(de).toContain('12.345');
    expect(de).toMatch(/1\.235\s€/u);
    const custom = funnelChart({ stages: [{ label: 'A', count: 3 }] }, { theme: { formatNumber: (n) => `#${n}` } });
    expect(custom).toContain('#3');
  });
  it('throws FunnelError naming the field', () => {
    expect(thrown(() => funnelChart({ stages: [] }))).toEqual({ code: 'INVALID_INPUT', path: ['stages'] });
    expect(thrown(() => funnelChart({ stages: [{ label: 'A', count: 1 }, { label: 'B', count: -1 }] }))).toEqual({ code: 'INVALID_INPUT', path: ['stages', 1, 'count'] });
    expect(thrown(() => funnelChart({ stages: [{ label: 'A', count: Number.NaN }] }))).toEqual({ code: 'INVALID_INPUT', path: ['stages', 0, 'count'] });
    expect(thrown(() => funnelChart({ stages: [{ label: 'A', count: 1, amount: { amount: '1,2', currency: 'EUR' } }] }))).toEqual({ code: 'INVALID_AMOUNT', path: ['stages', 0, 'amount', 'amount'] });
    expect(thrown(() => funnelChart({ stages: [{ label: 'A', count: 1 }] }, { width: 10 }))).toEqual({ code: 'INVALID_OPTION', path: ['options', 'width'] });
    expect(thrown(() => funnelChart({ stages: [{ label: 'A', count: 1 }] }, { idPrefix: '"><x' }))).toEqual({ code: 'INVALID_OPTION', path: ['options', 'idPrefix'] });
  });
  fcTest.prop([fc.array(fc.record({ label: fc.string({ maxLength: 30 }), count: fc.nat(1_000_000) }), { minLength: 1, maxLength: 9 })], { numRuns: 60 })(
    'any valid funnel renders well-formed SVG with its labels escaped',
    (stages) => {
      const svg = funnelChart({ stages });
      expect(wellFormed(svg)).toBe(true);
      expect(svg).not.toMatch(/NaN|Infinity/);
    },
  );
});

describe('the other charts', () => {
  it('segmentComparisonChart marks significant differences with ★ and direction', () => {
    const svg = segmentComparisonChart(segmentSample);
    // Outbound step into the callback stage: 240/380 = 63.2% vs Inbound 450/520 = 86.5% → lower
    expect(svg).toContain('63.2%');
    expect(svg).toContain('★ ▼');
    expect(svg).toContain('Outbound at Picked up the callback (lower, p = 0.0010)');
    expect(thrown(() => segmentComparisonChart({ stages: ['a', 'b'], segments: [{ label: 'x', counts: [1] }] }))).toEqual({ code: 'INVALID_INPUT', path: ['segments', 0, 'counts'] });
  });
  it('dropOffChart orders reasons by total and shows the share of the stage', () => {
    const svg = dropOffChart(dropOffSample);
    // Callback: 120 + 60 + 30 = 210 of 780 = 26.9%
    expect(svg).toContain('210 · 26.9% of stage');
    expect(svg.indexOf('Never described requirements')).toBeLessThan(svg.indexOf('Too expensive'));
    expect(dropOffChart(dropOffSample, { normalize: true })).toContain('100%');
  });
  it('timeInStageChart and stuckDealsChart print their numbers', () => {
    expect(timeInStageChart(timeInStageSample)).toContain('median 12 days · n 310');
    const stuck = stuckDealsChart(stuckSample);
    expect(stuck).toContain('22 of 61 stuck (&gt; 14 d) · €260K');
    expect(stuck).toContain('none stuck of 9');
    expect(stuck).toContain('60 stuck deals in total');
  });
  it('survivalChart validates shares and time order', () => {
    expect(survivalChart(survivalSample)).toContain('median 25 days');
    expect(thrown(() => survivalChart({ mode: 'survival', series: [{ label: 'x', points: [{ time: 0, value: 1.2 }] }] }))).toEqual({ code: 'INVALID_INPUT', path: ['series', 0, 'points', 0, 'value'] });
    expect(thrown(() => survivalChart({ mode: 'survival', series: [{ label: 'x', points: [{ time: 5, value: 1 }, { time: 1, value: 1 }] }] }))).toEqual({ code: 'INVALID_INPUT', path: ['series', 0, 'points', 1, 'time'] });
  });
  it('forecastFanChart writes the gap to target and backtest coverage', () => {
    const svg = forecastFanChart(fanSample);
    // 330,000 − 305,000 = 25,000 short; actuals 276k, 301k, 251k all inside their P10–P90
    expect(svg).toContain('€25K short of target');
    expect(svg).toContain('inside the P10–P90 band in 3 of 3 periods');
    expect(thrown(() => forecastFanChart({ points: [{ label: 'x', p10: 5, p50: 4, p90: 6 }] }))).toEqual({ code: 'INVALID_INPUT', path: ['points', 0] });
  });
  it('trendChart hatches in-progress periods and dashes the line into them', () => {
    const svg = trendChart(trendSample);
    expect(svg).toContain('in progress');
    expect(svg).toContain('stroke-dasharray="3 4"');
    expect(svg).toContain('2026-06 4% (in progress)');
  });
  it('renderChart and toVegaLite reject an unknown chart', () => {
    expect(thrown(() => renderChart({ chart: 'pie' } as unknown as ChartInput)).code).toBe('INVALID_INPUT');
    expect(thrown(() => toVegaLite({ chart: 'pie' } as unknown as ChartInput)).path).toEqual(['chart']);
  });
});
