import { describe, expect, it } from 'vitest';
import { renderReport } from '../../src/charts/index.js';
import { isFunnelError } from '../../src/errors/index.js';
import { reportSample } from './samples.js';

describe('renderReport', () => {
  const html = renderReport(reportSample);
  it('is one self-contained page: no script, no external resource, a CSP forbidding the network', () => {
    expect(html.startsWith('<!doctype html><html lang="en">')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(http|src="http/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html.endsWith('</html>')).toBe(true);
  });
  it('has every section in order, each with its definitions', () => {
    const ids = [...html.matchAll(/<section id="(\w+)">/g)].map((m) => m[1]);
    expect(ids).toEqual(['health', 'funnel', 'dropOff', 'stuck', 'segments', 'trend', 'forecast', 'backtest', 'rules']);
    expect(html.match(/How these numbers are defined/g)?.length).toBe(7);
    expect(html).toContain('Won ÷ (won + lost), over deals closed in the period.');
  });
  it('embeds every chart once with unique ids', () => {
    expect(html.match(/<svg /g)?.length).toBe(9);
    const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
  });
  it('formats metrics and computes the backtest summary', () => {
    expect(html).toContain('15.5%');
    expect(html).toContain('€1,250,000');
    expect(html).toContain('25 d');
    // actuals 301k (inside 235–329k), 251k (inside 230–344k), 371k (outside 228–358k) → 2 of 3
    expect(html).toContain('2 of 3');
    // errors: +6.7%, −12.8%, +26.6% → median |error| 12.8%
    expect(html).toContain('12.8%');
    expect(html).toContain('✗ no');
  });
  it('escapes text and lists paths with shares', () => {
    expect(html).toContain('D-1042 &lt;ACME &amp; Co&gt;');
    expect(html).toContain('Request → Callback → Lost');
    // 210 of 96 + 28 + 210 = 334 deals → 62.9%
    expect(html).toContain('62.9%');
  });
  it('leaves out sections without data, and says why when told', () => {
    const small = renderReport({ funnel: { stages: [{ label: 'A', count: 3 }] }, missing: [{ section: 'forecast', reason: 'fewer than 30 closed deals' }] });
    const ids = [...small.matchAll(/<section id="(\w+)">/g)].map((m) => m[1]);
    expect(ids).toEqual(['funnel', 'forecast']);
    expect(small).toContain('Not available: fewer than 30 closed deals');
  });
  it('is deterministic and throws FunnelError with the path of a bad value', () => {
    expect(renderReport(reportSample)).toBe(html);
    try {
      renderReport({ health: [{ label: 'x', value: Number.NaN, definition: 'd' }] });
      expect.unreachable();
    } catch (e) {
      expect(isFunnelError(e) && e.path).toEqual(['health', 0, 'value']);
    }
  });
});
