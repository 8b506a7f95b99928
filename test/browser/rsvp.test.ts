/**
 * The RSVP pages as an invitee sees them: the real endpoint on the embedded stack, opened in
 * headless Chromium in English, Russian and Arabic at phone width. Checks the direction, that
 * nothing is wider than the screen, axe-core's accessibility rules, and the whole answer — choose,
 * fill in, submit — done with the mouse and keyboard, with the stack's record checked after.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import axe from 'axe-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRsvpToken } from '../../functions/rsvp/token.js';
import { getInvitee } from '../../functions/store/invitees.js';
import { wasProcessed } from '../../functions/store/store.js';
import { parseUnsubscribeKeys } from '../../functions/unsubscribe/token.js';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { buildTemplates, isBuildFresh } from '../../templates/build.js';
import { launchChromium } from './chromium.js';

const SCREENSHOTS = path.resolve('test-results', 'screenshots');
const CID = 'dushanbe-2022';
const LANGUAGES = ['en', 'ru', 'ar'] as const;

if (!(await isBuildFresh())) await buildTemplates();

let browser: Browser;
let stack: LocalStack;
let dir: string;
const links: Record<string, string> = {};

const store = () => ({
  db: DynamoDBDocumentClient.from(stack.clients.dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  }),
  table: stack.outputs.TableName ?? '',
  now: () => new Date(),
  retentionDays: 30,
});

async function sendAndWait(event: Record<string, unknown>): Promise<void> {
  await stack.clients.sqs.send(
    new SendMessageCommand({ QueueUrl: stack.outputs.IntakeQueueUrl, MessageBody: JSON.stringify(event) }),
  );
  for (let i = 0; i < 200 && !(await wasProcessed(store(), String(event.id))); i++) {
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await wasProcessed(store(), String(event.id))).toBe(true);
}

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  dir = await mkdtemp(path.join(tmpdir(), 'communique-rsvp-browser-'));
  stack = await startLocalStack({ emlDir: path.join(dir, 'outbox'), scheduleEverySeconds: 3600 });
  const conference = JSON.parse(readFileSync('test/fixtures/events/conference.upserted.json', 'utf8'));
  await sendAndWait(conference);
  const keys = parseUnsubscribeKeys(stack.environment.UNSUBSCRIBE_KEYS ?? '', 'local');
  for (const language of LANGUAGES) {
    const inviteeId = `browser-${language}`;
    await sendAndWait({
      specversion: '1.0',
      id: randomUUID(),
      source: 'https://tests.example.org',
      type: 'invitee.upserted',
      time: new Date().toISOString(),
      data: {
        conferenceId: CID,
        inviteeId,
        // A hostile name: the page must show it as text.
        person: {
          email: `${inviteeId}@example.org`,
          givenName: '<img src=x onerror=alert(1)>',
          familyName: 'X',
          language,
        },
        group: 'heads of delegation',
      },
    });
    const exp = Math.floor(Date.now() / 1000) + 86_400;
    links[language] =
      `${stack.outputs.RsvpUrl}?token=${signRsvpToken(keys, { conferenceId: CID, inviteeId, exp })}`;
  }
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** axe-core in the page (the page's CSP forbids scripts, so the context bypasses it for the test only). */
async function axeViolations(page: import('playwright-core').Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source });
  const result = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'best-practice'] } })`,
  )) as { violations: { id: string; nodes: unknown[] }[]; passes: { id: string }[] };
  // axe really ran: the form's labels were checked and passed.
  expect(result.passes.map((p) => p.id)).toEqual(expect.arrayContaining(['label', 'html-has-lang']));
  return result.violations.map((v) => `${v.id} (${v.nodes.length})`);
}

describe('RSVP pages in Chromium', () => {
  it.each(LANGUAGES)('%s: laid out in the right direction, fits a phone, passes axe', async (language) => {
    const context = await browser.newContext({ viewport: { width: 375, height: 800 }, bypassCSP: true });
    const page = await context.newPage();
    const response = await page.goto(links[language] as string);
    expect(response?.status()).toBe(200);
    const layout = (await page.evaluate(`({
      dir: getComputedStyle(document.documentElement).direction,
      lang: document.documentElement.lang,
      scrollWidth: document.documentElement.scrollWidth,
      images: document.images.length,
      radios: document.querySelectorAll('input[type=radio]').length,
    })`)) as { dir: string; lang: string; scrollWidth: number; images: number; radios: number };
    expect(layout.lang).toBe(language);
    expect(layout.dir).toBe(language === 'ar' ? 'rtl' : 'ltr');
    expect(layout.scrollWidth).toBeLessThanOrEqual(375);
    expect(layout.images).toBe(0);
    expect(layout.radios).toBe(3);
    await page.screenshot({ path: path.join(SCREENSHOTS, `rsvp-${language}-375.png`), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('records an acceptance made with the mouse, and a designation typed in Arabic', async () => {
    const context = await browser.newContext({ viewport: { width: 600, height: 900 } });
    const page = await context.newPage();
    await page.goto(links.en as string);
    await page.check('input[value="accept"]');
    await page.click('button[type="submit"]');
    await page.waitForSelector('[role="status"]');
    const next = await page.getAttribute('a.button', 'href');
    expect(new URL(next ?? '').searchParams.get('invitee')).toBe('browser-en');
    expect((await getInvitee(store(), CID, 'browser-en'))?.rsvp).toBe('accepted');

    await page.goto(links.ar as string);
    await page.check('input[value="delegate"]');
    await page.fill('#rep-name', 'نائب الوزير');
    await page.fill('#rep-email', 'deputy.ar@example.net');
    await page.fill('#rep-honorific', 'سعادة');
    await page.selectOption('#rep-language', 'ar');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[role="status"]');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'rsvp-ar-done-600.png'), fullPage: true });
    const stored = await getInvitee(store(), CID, 'browser-ar');
    expect(stored?.rsvp).toBe('delegated');
    expect(stored?.representative).toEqual({
      name: 'نائب الوزير',
      email: 'deputy.ar@example.net',
      honorific: 'سعادة',
      language: 'ar',
    });
    await context.close();
  });
});
