/// <reference lib="dom" />
/**
 * Renders every chart in a real browser (headless Chromium driven by playwright-core) and checks that
 * it draws: no console errors, not blank, the expected labels present, no text outside the picture,
 * no network request. Outside CI the test is skipped with a message when no Chromium is installed
 * (`apt-get install chromium`); under CI a missing browser is a failure.
 *
 * `npm run screenshots` runs this same test with FUNNELWISE_SCREENSHOTS=docs/images and writes one PNG
 * per chart there.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { renderChart, renderReport } from '../../src/charts/index.js';
import { ALL, reportSample } from './samples.js';

const CHROMIUM = process.env['FUNNELWISE_CHROMIUM'] ?? '/usr/bin/chromium';
const SHOTS = process.env['FUNNELWISE_SCREENSHOTS'];
const present = existsSync(CHROMIUM);

/** Launches headless Chromium with a fresh profile and no background traffic. */
export async function launchChromium(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'funnelwise-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    deviceScaleFactor: 1,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Standard deviation of the luminance of a PNG, measured in the page (no PNG decoder needed in Node). */
export async function pixelSpread(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    const g = c.getContext('2d') as CanvasRenderingContext2D;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    let s = 0;
    let s2 = 0;
    const n = d.length / 4;
    for (let i = 0; i < d.length; i += 4) {
      const l = 0.2126 * (d[i] as number) + 0.7152 * (d[i + 1] as number) + 0.0722 * (d[i + 2] as number);
      s += l;
      s2 += l * l;
    }
    return Math.sqrt(Math.max(0, s2 / n - (s / n) ** 2));
  }, png.toString('base64'));
}

const EXPECTED: Record<string, string[]> = {
  funnel: ['Left a request on the site', 'Paid', '12.4%', 'Never reached by phone 180'],
  segmentComparison: ['Inbound', 'Outbound', 'Partners', '★'],
  dropOff: ['Never described requirements', 'No reason recorded', '210 · 26.9% of stage'],
  timeInStage: ['median 12 days · n 310'],
  stuckDeals: ['22 of 61 stuck'],
  survival: ['still open', 'closed by then'],
  forecastFan: ['Quota €330K', '€25K short of target'],
  trend: ['in progress', '2026-06'],
};

if (!present && process.env['CI']) {
  describe('charts in a real browser', () => {
    it(`Chromium is installed at ${CHROMIUM}`, () => expect(present).toBe(true));
  });
} else if (!present) {
  describe.skip(`charts in a real browser — skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set FUNNELWISE_CHROMIUM)`, () => {
    it('skipped', () => undefined);
  });
} else {
  describe('charts in a real browser', () => {
    let browser: Awaited<ReturnType<typeof launchChromium>>;
    let page: Page;
    const errors: string[] = [];
    const requests: string[] = [];
    beforeAll(async () => {
      browser = await launchChromium();
      page = await browser.context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.route('**/*', (route) => {
        requests.push(route.request().url());
        return route.abort();
      });
      if (SHOTS !== undefined) mkdirSync(resolve(SHOTS), { recursive: true });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    ALL.forEach((input, k) => {
      const name = input.chart === 'survival' ? (input.data.mode === 'survival' ? 'survival' : 'incidence') : input.chart;
      it(`${name} renders: no console errors, not blank, labels present, text inside the picture`, async () => {
        errors.length = 0;
        const svg = renderChart(input);
        await page.setContent(`<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0;padding:10px;background:#eef1f4">${svg}</body></html>`);
        const box = page.locator('svg').first();
        const size = await box.evaluate((el) => {
          const r = el.getBoundingClientRect();
          return { w: r.width, h: r.height };
        });
        expect(size.w).toBeGreaterThan(300);
        expect(size.h).toBeGreaterThan(150);
        const textContent = (await box.textContent()) ?? '';
        for (const label of EXPECTED[input.chart] ?? []) if (input.chart !== 'survival' || (input.data.mode === 'survival') === (label === 'still open')) expect(textContent).toContain(label);
        // every text element lies inside the picture (1 px tolerance)
        const outside = await box.evaluate((el) => {
          const svgEl = el as unknown as SVGSVGElement;
          const o = svgEl.getBoundingClientRect();
          const bad: string[] = [];
          svgEl.querySelectorAll('text').forEach((t) => {
            const b = t.getBoundingClientRect();
            if (b.left < o.left - 1 || b.top < o.top - 1 || b.right > o.right + 1 || b.bottom > o.bottom + 1) bad.push(`${t.textContent} [${Math.round(b.left - o.left)},${Math.round(b.top - o.top)},${Math.round(b.width)}]`);
          });
          return bad;
        });
        expect(outside).toEqual([]);
        const png = await box.screenshot();
        expect(await pixelSpread(page, png)).toBeGreaterThan(10);
        if (SHOTS !== undefined) writeFileSync(resolve(SHOTS, `${name}.png`), png);
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
        expect(k).toBeGreaterThanOrEqual(0);
      }, 30_000);
    });

    it('the HTML report renders with no console error, no network request, every section visible', async () => {
      errors.length = 0;
      requests.length = 0;
      await page.setViewportSize({ width: 1100, height: 900 });
      await page.setContent(renderReport(reportSample));
      const ids = await page.locator('section').evaluateAll((els) => els.map((e) => e.id));
      expect(ids).toEqual(['health', 'funnel', 'dropOff', 'stuck', 'segments', 'trend', 'forecast', 'backtest', 'rules']);
      expect(await page.locator('svg').count()).toBe(9);
      const visible = await page.locator('svg').evaluateAll((els) => els.every((e) => e.getBoundingClientRect().width > 300));
      expect(visible).toBe(true);
      expect(await page.locator('h1').textContent()).toBe('Pipeline report');
      const png = await page.screenshot({ fullPage: false });
      expect(await pixelSpread(page, png)).toBeGreaterThan(10);
      if (SHOTS !== undefined) writeFileSync(resolve(SHOTS, 'report.png'), png);
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    }, 30_000);
  });
}
