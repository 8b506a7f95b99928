/**
 * Opens every preview page in headless Chromium at 600 px (desktop mail pane) and 375 px (phone)
 * and checks what a reader would notice: nothing wider than the screen, right-to-left layout for
 * Arabic, and no remote resource fetched when the mail is opened. Screenshots are saved to
 * test-results/screenshots/ for a person to look at.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../functions/render/index.js';
import { MAIL_KINDS } from '../../functions/render/kinds.js';
import { buildTemplates, isBuildFresh } from '../../templates/build.js';
import { launchChromium } from './chromium.js';

const SCREENSHOTS = path.resolve('test-results', 'screenshots');
const WIDTHS = [600, 375] as const;

if (!(await isBuildFresh())) await buildTemplates();
const { PREVIEW_DIR, writePreview } = await import('../../templates/preview.js');
const pages = await writePreview(PREVIEW_DIR);

/** What the page reports about its own layout (computed in the browser by {@link MEASURE}). */
interface Layout {
  readonly viewport: number;
  readonly scrollWidth: number;
  readonly bodyScrollWidth: number;
  readonly outside: string[];
  readonly htmlDir: string;
  readonly articleDir: string | null;
  readonly textDirs: string[];
  readonly textAligns: string[];
  readonly lang: string;
}

// Runs inside the page. A string, because this project's TypeScript has no DOM library.
const MEASURE = `(() => {
  const article = document.querySelector('div[role="article"]');
  // mj-text blocks (the templates give them the class "text"); MJML's column wrappers carry a fixed
  // text-align:left that only applies to their (block) tables, so they are left out.
  const texts = [...document.querySelectorAll('td.text > div')].filter((el) => el.textContent.trim().length > 0);
  // Any element sticking out past the viewport on either side (RTL overflow goes left).
  const outside = [...document.querySelectorAll('body *')]
    .map((el) => ({ el, box: el.getBoundingClientRect() }))
    .filter(({ box }) => box.width > 0 && (box.right > window.innerWidth + 1 || box.left < -1))
    .map(({ el }) => (el.tagName.toLowerCase() + '.' + el.className).slice(0, 60));
  return {
    viewport: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    bodyScrollWidth: document.body.scrollWidth,
    outside: outside.slice(0, 5),
    htmlDir: getComputedStyle(document.documentElement).direction,
    articleDir: article === null ? null : getComputedStyle(article).direction,
    textDirs: [...new Set(texts.map((el) => getComputedStyle(el).direction))],
    textAligns: [...new Set(texts.map((el) => getComputedStyle(el).textAlign))],
    lang: document.documentElement.lang,
  };
})()`;

// Left edges of the header's city and dates, as laid out.
const HEADER_ORDER = `(() => {
  const spans = document.querySelectorAll('.band span[dir="auto"]');
  if (spans.length < 2) return null;
  return { city: spans[0].getBoundingClientRect().left, dates: spans[1].getBoundingClientRect().left };
})()`;

let browser: Browser;

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('preview gallery in Chromium', () => {
  it('has every kind in every language', () => {
    const combos = new Set(pages.map((p) => `${p.kind}/${p.language}`));
    expect(combos.size).toBe(MAIL_KINDS.length * LANGUAGES.length);
  });

  it('shows the golden table of forms of address exactly as rendered', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
    });
    const tab = await context.newPage();
    try {
      await tab.goto(pathToFileURL(path.join(PREVIEW_DIR, 'address.html')).href, { waitUntil: 'load' });
      await tab.screenshot({ path: path.join(SCREENSHOTS, 'address-golden.png'), fullPage: true });
      expect(await tab.locator('td.ok').count()).toBeGreaterThanOrEqual(45);
      expect(await tab.locator('td.diff').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  const cases = pages.flatMap((page) =>
    WIDTHS.map((width) => [`${page.html} at ${width}px`, page, width] as const),
  );

  it.each(cases)('%s', async (_, page, width) => {
    const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
    const tab = await context.newPage();
    const remote: string[] = [];
    await tab.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      remote.push(url);
      return route.abort();
    });
    try {
      await tab.goto(pathToFileURL(path.join(PREVIEW_DIR, page.html)).href, { waitUntil: 'load' });
      const layout = (await tab.evaluate(MEASURE)) as Layout;
      await tab.screenshot({
        path: path.join(SCREENSHOTS, `${page.html.replace(/\.html$/, '')}-${width}.png`),
        fullPage: true,
      });

      // The header's "city · dates": each part isolated, so the city stays first in reading order
      // (rightmost in Arabic) instead of being pulled into the dates by the bidi algorithm.
      const band = (await tab.evaluate(HEADER_ORDER)) as { city: number; dates: number } | null;
      expect(band).not.toBeNull();
      if (band !== null) {
        if (page.language === 'ar') expect(band.city).toBeGreaterThan(band.dates);
        else expect(band.city).toBeLessThan(band.dates);
      }

      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.viewport);
      expect(layout.bodyScrollWidth).toBeLessThanOrEqual(layout.viewport);
      expect(layout.outside).toEqual([]);
      expect(layout.lang).toBe(page.language);
      expect(remote).toEqual([]);
      if (page.language === 'ar') {
        expect(layout.htmlDir).toBe('rtl');
        expect(layout.articleDir).toBe('rtl');
        expect(layout.textDirs).toEqual(['rtl']);
        // Paragraphs start on the right; centred buttons and the like are allowed.
        expect(layout.textAligns).not.toContain('left');
      } else {
        expect(layout.htmlDir).toBe('ltr');
        expect(layout.textDirs).toEqual(['ltr']);
        expect(layout.textAligns).not.toContain('right');
      }
    } finally {
      await context.close();
    }
  });
});
