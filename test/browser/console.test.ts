/**
 * The organizer console end to end in Debian's Chromium, on the embedded stack with the demo
 * conference: sign in with the one-time link, compose an announcement in three languages, check
 * the real rendered preview (each language, desktop and phone width, right-to-left Arabic, plain
 * text), dry run, test send, confirm (typing the count of a large audience), watch it complete,
 * find one recipient's delivery and its mail in the outbox. Then the same at 375 px. axe-core
 * checks every page; screenshots of each page at both widths go to test-results/console/.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { simpleParser } from 'mailparser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConsole } from '../../console/build.js';
import { DEMO_CONFERENCE_ID } from '../../demo/data.js';
import { DEMO_INVITEES } from '../../demo/invitees.js';
import { loadDemo } from '../../demo/load.js';
import { handleApi } from '../../functions/api/routes.js';
import { inviteeIdFor } from '../../functions/events/email.js';
import { applyEvents } from '../../functions/events/producer.js';
import { mailingProgress } from '../../functions/mailing/operations.js';
import { getInvitee, recordAnswer } from '../../functions/store/invitees.js';
import { type ConsoleServer, localApiDeps, startConsoleServer } from '../../local/console.js';
import { inProcessProducer } from '../../local/default-stack.js';
import { type LocalStack, startLocalStack } from '../../local/stack.js';
import { buildTemplates, isBuildFresh } from '../../templates/build.js';
import { launchChromium } from './chromium.js';

/** Where the screenshots go (README, "Console"). */
const CONSOLE_SCREENSHOTS = path.resolve('test-results', 'console');
/** Runs in the browser; this project's TypeScript has no DOM library. */
type InPage = { getComputedStyle(el: unknown): { direction: string }; innerWidth: number };
const directionOf = (el: unknown) => (globalThis as unknown as InPage).getComputedStyle(el).direction;
const widthOf = (el: unknown) =>
  (el as { getBoundingClientRect(): { width: number } }).getBoundingClientRect().width;

const AXE = readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');

let browser: Browser;
let stack: LocalStack;
let server: ConsoleServer;
let dir: string;

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  if (!(await isBuildFresh())) await buildTemplates();
  await buildConsole();
  await mkdir(CONSOLE_SCREENSHOTS, { recursive: true });
  dir = await mkdtemp(path.join(tmpdir(), 'communique-console-'));
  stack = await startLocalStack({
    emlDir: path.join(dir, 'outbox'),
    failedVisibilitySeconds: 1,
    scheduleEverySeconds: 3600,
  });
  const producer = inProcessProducer(stack);
  await loadDemo((events, what) => applyEvents(producer, events, what));
  server = await startConsoleServer({
    deps: localApiDeps(stack),
    identity: {
      user: 'e2e-organizer',
      email: 'organizer@example.org',
      groups: ['organizers'],
    },
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stack?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A signed-in tab at a width, which fails the test on any CSP violation or off-loopback request. */
async function signedIn(width: number): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    // A 4xx is the API explaining a half-typed draft (shown on the page); anything else is a fault.
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(server.url) || url.startsWith('about:') || url.startsWith('data:'))
      return route.continue();
    problems.push(`remote request ${url}`);
    return route.abort();
  });
  await page.goto(server.signInUrl());
  await page.locator('header .who').waitFor();
  return { context, page, problems };
}

/** axe-core in the page: no serious or critical violation. */
async function expectAccessible(page: Page, name: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))`,
  )) as string[];
  expect(violations, `axe on ${name}`).toEqual([]);
}

async function shoot(page: Page, name: string, width: number): Promise<void> {
  await page.screenshot({ path: path.join(CONSOLE_SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
}

/** No horizontal scrolling of the page itself. */
async function expectFits(page: Page): Promise<void> {
  const { scroll, viewport } = (await page.evaluate(
    '({ scroll: document.documentElement.scrollWidth, viewport: window.innerWidth })',
  )) as { scroll: number; viewport: number };
  expect(scroll).toBeLessThanOrEqual(viewport);
}

/**
 * Column names and state badges keep their words whole (a column is never narrower than its
 * longest word: "Язык", not "Яз" over "ык"); a break at a space or a hyphen is fine.
 */
async function expectWholeWords(page: Page): Promise<void> {
  const broken = (await page.evaluate(`(() => {
    const out = [];
    for (const el of document.querySelectorAll('th, .badge')) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.data.matchAll(/[^\\s\\-]+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          if (new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1) out.push(m[0]);
        }
      }
    }
    return out;
  })()`)) as string[];
  expect(broken).toEqual([]);
}

const BODY = {
  en: 'Ministers **meet** in Dushanbe on 18 October.',
  ru: 'Министры **встречаются** в Душанбе 18 октября.',
  ar: 'يجتمع **الوزراء** في دوشانبي في 18 أكتوبر.',
};
const SUBJECT = { en: 'Opening session moved', ru: 'Открытие перенесено', ar: 'تغيير موعد الافتتاح' };

async function compose(page: Page, audienceLanguage?: 'ar'): Promise<void> {
  await page.goto(`${server.url}/#/new`);
  await page.getByRole('heading', { name: 'New mailing' }).waitFor();
  await page.getByLabel('Kind').selectOption('announcement');
  if (audienceLanguage) await page.locator(`input[name="languages"][value="${audienceLanguage}"]`).check();
  for (const lang of ['en', 'ru', 'ar'] as const) {
    await page.locator(`input[name="subject-${lang}"]`).fill(SUBJECT[lang]);
    await page.locator(`textarea[name="body-${lang}"]`).fill(BODY[lang]);
  }
}

/** Checks the preview of one language: the real mail in the frame, its direction, its text part. */
async function checkPreview(page: Page, lang: 'en' | 'ru' | 'ar'): Promise<void> {
  await page.locator(`input[name="preview-lang"][value="${lang}"]`).check();
  const frame = page.frameLocator('.preview iframe.frame');
  await expect
    .poll(() => frame.locator('body').textContent(), { timeout: 60_000 })
    .toContain(BODY[lang].replace(/\*\*/g, '').split(' ')[0]);
  // Markdown became markup: the bold word is a <strong> in the real rendered mail.
  expect(await frame.locator('strong').count()).toBeGreaterThan(0);
  const dir = await frame.locator('html').evaluate(directionOf);
  expect(dir).toBe(lang === 'ar' ? 'rtl' : 'ltr');
  await expect.poll(() => page.locator('.preview .subject bdi').textContent()).toBe(SUBJECT[lang]);
  // Phone width, then back; the plain-text part.
  await page.getByLabel('Phone').check();
  expect(await page.locator('.preview iframe.frame').evaluate(widthOf)).toBeLessThanOrEqual(375);
  await page.getByLabel('Desktop').check();
  await page.getByLabel('Plain text').check();
  await expect
    .poll(() => page.locator('.preview pre[data-part="text"]').textContent())
    .toContain(BODY[lang].replace(/\*\*/g, '').split(' ').slice(-1)[0] ?? '');
  await page.getByLabel('HTML', { exact: true }).check();
}

async function waitComplete(page: Page): Promise<void> {
  await page.getByText('Complete.').waitFor({ timeout: 180_000 });
}

/** The .eml the local SES kept for an address and subject, parsed. */
async function mailInOutbox(address: string, subject: string) {
  for (const m of stack.accepted) {
    if (!m.destinations.map((d) => d.toLowerCase()).includes(address.toLowerCase())) continue;
    const parsed = await simpleParser(await readFile(m.emlPath));
    if (parsed.subject === subject) return parsed;
  }
  return undefined;
}

describe('organizer console in Chromium', () => {
  it('signs in, composes in three languages, previews, dry-runs, test-sends, confirms and follows a mailing (desktop)', {
    timeout: 400_000,
  }, async () => {
    const width = 1280;
    const { context, page, problems } = await signedIn(width);
    try {
      // Overview.
      await page.getByRole('heading', { level: 2, name: /Registrations: 200/ }).waitFor();
      await expectAccessible(page, 'overview');
      await shoot(page, 'overview', width);

      await compose(page);
      await expect
        .poll(() => page.getByTestId('audience-count').textContent(), { timeout: 60_000 })
        .toMatch(/^200 recipient/);
      for (const lang of ['en', 'ru', 'ar'] as const) await checkPreview(page, lang);
      await expectAccessible(page, 'new mailing');
      await shoot(page, 'new-mailing', width);

      await page.getByRole('button', { name: 'Dry run' }).scrollIntoViewIfNeeded();
      await page.getByRole('button', { name: 'Dry run' }).click();
      await page.getByRole('heading', { name: 'Dry run: 200 recipient(s)' }).waitFor({ timeout: 30_000 });
      const mailingId =
        ((await page.locator('.notice.ok').textContent()) ?? '').match(/Dry run (\S+):/)?.[1] ?? '';
      expect(mailingId).toMatch(/^announcement-/);

      await page.locator('input[name="preview-lang"][value="ar"]').check();
      await page.getByRole('button', { name: /Send a test to me/ }).click();
      await page.getByText('Test sent to organizer@example.org').waitFor({ timeout: 30_000 });
      const test = await mailInOutbox('organizer@example.org', SUBJECT.ar);
      expect(test?.html).toContain('dir="rtl"');

      // 200 is a large audience: the confirm button waits for the count to be typed.
      const confirmButton = page.getByRole('button', { name: /Confirm: send to 200/ });
      expect(await confirmButton.isDisabled()).toBe(true);
      await page.getByLabel(/type 200 to confirm/).fill('199');
      expect(await confirmButton.isDisabled()).toBe(true);
      await page.getByLabel(/type 200 to confirm/).fill('200');
      await confirmButton.click();
      await page.waitForURL(`**/#/mailings/${mailingId}`);
      await waitComplete(page);
      // SES delivery events follow the sends; the page keeps reading until they are in.
      await expect
        .poll(() => page.getByTestId('progress-line').textContent(), { timeout: 60_000 })
        .toMatch(/delivered 200/);
      await expectAccessible(page, 'mailing');
      await shoot(page, 'mailing', width);

      // One recipient's delivery, by address search.
      const first = (
        (await page.locator('table.deliveries tbody tr td a').first().textContent()) ?? ''
      ).trim();
      await page.getByLabel('Address starts with').fill(first.slice(0, 8));
      await page.getByLabel('State').selectOption('delivered');
      await page.getByRole('button', { name: 'Find' }).click();
      await page.locator('table.deliveries a', { hasText: first }).first().click();
      await page.getByRole('heading', { name: `Delivery to ${first}` }).waitFor();
      expect(await page.locator('.facts').textContent()).toContain('delivered');
      const frame = page.frameLocator('iframe.frame');
      await expect.poll(() => frame.locator('body').textContent()).toMatch(/Dushanbe|Душанбе|دوشانبي/);
      await expectAccessible(page, 'delivery');
      await shoot(page, 'delivery', width);

      // And the mail itself in the outbox, whole.
      const sent = await Promise.all(Object.values(SUBJECT).map((s) => mailInOutbox(first, s)));
      const mail = sent.find((m) => m !== undefined);
      expect(mail, `mail to ${first} in the outbox`).toBeDefined();
      expect(mail?.headerLines.some((h) => h.key === 'list-unsubscribe')).toBe(true);

      for (const [name, hash] of [
        ['rejections', '#/rejections'],
        ['suppressions', '#/suppressions'],
        ['press', '#/press'],
      ] as const) {
        await page.goto(`${server.url}/${hash}`);
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        await expectAccessible(page, name);
        await shoot(page, name, width);
      }
      expect(problems).toEqual([]);
    } catch (error) {
      await shoot(page, 'failure', width);
      console.error('page problems:', problems);
      throw error;
    } finally {
      await context.close();
    }
  });

  it('does the same at 375 px, with the Arabic preview right to left', { timeout: 400_000 }, async () => {
    const width = 375;
    const { context, page, problems } = await signedIn(width);
    try {
      await page.getByRole('heading', { level: 2, name: /Registrations/ }).waitFor();
      await expectFits(page);
      await shoot(page, 'overview', width);

      await compose(page, 'ar');
      await expect
        .poll(() => page.getByTestId('audience-count').textContent(), { timeout: 60_000 })
        .toMatch(/^\d+ recipient\(s\): ar \d+/);
      const total = Number(
        ((await page.getByTestId('audience-count').textContent()) ?? '').match(/^(\d+)/)?.[1],
      );
      await checkPreview(page, 'ar');
      await expectFits(page);
      await expectAccessible(page, 'new mailing at 375 px');
      await shoot(page, 'new-mailing', width);

      // Scrolled first: the tall preview frame above it moves while the page scrolls.
      await page.getByRole('button', { name: 'Dry run' }).scrollIntoViewIfNeeded();
      await page.getByRole('button', { name: 'Dry run' }).click();
      await page
        .getByRole('heading', { name: `Dry run: ${total} recipient(s)` })
        .waitFor({ timeout: 30_000 });
      const subjectCell = page.locator('.card table tbody td[lang="ar"]');
      expect(await subjectCell.getAttribute('dir')).toBe('rtl');
      if (total > 50) await page.getByLabel(new RegExp(`type ${total} to confirm`)).fill(String(total));
      await page.getByRole('button', { name: new RegExp(`Confirm: send to ${total}`) }).click();
      await page.waitForURL('**/#/mailings/**');
      await waitComplete(page);
      await expectFits(page);
      await expectWholeWords(page);
      await shoot(page, 'mailing', width);

      // The keyboard alone reaches the deliveries and opens one.
      const link = page.locator('table.deliveries tbody a').first();
      await link.focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: /^Delivery to / }).waitFor();
      await expectFits(page);
      await shoot(page, 'delivery', width);

      for (const [name, hash] of [
        ['rejections', '#/rejections'],
        ['suppressions', '#/suppressions'],
        ['press', '#/press'],
      ] as const) {
        await page.goto(`${server.url}/${hash}`);
        await page.locator('main h1').waitFor();
        await page.waitForLoadState('networkidle');
        await expectFits(page);
        await expectWholeWords(page);
        await expectAccessible(page, `${name} at 375 px`);
        await shoot(page, name, width);
      }
      expect(problems).toEqual([]);
    } catch (error) {
      await shoot(page, 'failure', width);
      console.error('page problems:', problems);
      throw error;
    } finally {
      await context.close();
    }
  });

  it('shows invitees and their answers, builds an invitation audience by group and answer, pauses, resumes, cancels and resends with counted confirmations, and a delivery’s history', {
    timeout: 400_000,
  }, async () => {
    const width = 1280;
    const store = localApiDeps(stack).pipeline;
    // One invitee declines, as the RSVP endpoint would record it.
    const omarov = await getInvitee(store, DEMO_CONFERENCE_ID, inviteeIdFor('s.omarov@example.org'));
    expect(omarov).toBeDefined();
    if (omarov) {
      await recordAnswer(store, omarov, {
        state: 'declined',
        at: new Date().toISOString(),
        source: 'rsvp:e2e',
      });
    }
    const { context, page, problems } = await signedIn(width);
    try {
      // Overview: the invitation list with each answer, filtered by answer.
      const heads = DEMO_INVITEES.filter((i) => i.group === 'heads of delegation');
      await page.getByRole('heading', { level: 2, name: `Invitees: ${DEMO_INVITEES.length}` }).waitFor();
      await expect.poll(() => page.locator('table.invitees tbody tr').count()).toBe(DEMO_INVITEES.length);
      await page.locator('select[name="rsvp"]').selectOption('declined');
      await expect.poll(() => page.locator('table.invitees tbody tr').count()).toBe(1);
      const row = page.locator('table.invitees tbody tr').first();
      expect(await row.textContent()).toContain('Omarov');
      expect(await row.locator('.badge').first().textContent()).toBe('declined');
      await row.getByText('step(s)').click();
      await expect.poll(() => row.locator('.history li').count()).toBe(2);
      await expectAccessible(page, 'overview with invitees');
      await shoot(page, 'overview-invitees', width);

      // New invitation: groups and answers, counted live by the API's audience code.
      await page.goto(`${server.url}/#/new`);
      await page.getByRole('heading', { name: 'New mailing' }).waitFor();
      await page.getByLabel('Kind').selectOption('invitation');
      const count = () => page.getByTestId('audience-count').textContent();
      await expect
        .poll(count, { timeout: 60_000 })
        .toMatch(new RegExp(`^${DEMO_INVITEES.length - 1} recipient`));
      await page.locator('input[name="groups"][value="heads of delegation"]').check();
      // The heads of delegation less the one who declined.
      await expect.poll(count, { timeout: 30_000 }).toMatch(new RegExp(`^${heads.length - 1} recipient`));
      await page.locator('input[name="rsvp"][value="declined"]').check();
      await expect.poll(count, { timeout: 30_000 }).toMatch(/^1 recipient\(s\): ru 1/);
      await expectAccessible(page, 'new invitation');
      await shoot(page, 'new-invitation', width);

      // Mailings the page acts on, made through the API the page uses; SES throttles meanwhile.
      const organizer = {
        user: 'e2e-organizer',
        email: 'organizer@example.org',
        groups: ['organizers' as const],
      };
      const api = async (method: 'GET' | 'POST', p: string, body?: unknown) => {
        const res = await handleApi(localApiDeps(stack), {
          method,
          path: p,
          query: {},
          body,
          identity: organizer,
        });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body as { mailingId: string; preview: { total: number } };
      };
      const start = async (subject: string) => {
        const dry = await api('POST', `/api/conferences/${DEMO_CONFERENCE_ID}/mailings`, {
          kind: 'announcement',
          audience: { roles: ['speaker'] },
          content: { subject: { en: subject }, body: { en: 'Body' } },
        });
        expect(dry.preview.total).toBeGreaterThan(0);
        expect(dry.preview.total).toBeLessThanOrEqual(50);
        await api('POST', `/api/mailings/${dry.mailingId}/confirm`);
        return { id: dry.mailingId, total: dry.preview.total };
      };
      const throttle = () =>
        stack.ses.setFault(() => ({
          status: 400,
          code: 'Throttling',
          message: 'Maximum sending rate exceeded.',
        }));
      const progressLine = () => page.getByTestId('progress-line').textContent();
      /** Every delivery queued and every job held on the send queue: the senders saw the pause. */
      const held = async (id: string, total: number) => {
        await expect
          .poll(
            async () => {
              const { Attributes = {} } = await stack.clients.sqs.send(
                new GetQueueAttributesCommand({
                  QueueUrl: stack.outputs.SendQueueUrl,
                  AttributeNames: ['All'],
                }),
              );
              const queued = (await mailingProgress(store, id))?.counts.queued;
              return (
                queued === total &&
                Number(Attributes.ApproximateNumberOfMessages) === 0 &&
                Number(Attributes.ApproximateNumberOfMessagesNotVisible) === 0 &&
                Number(Attributes.ApproximateNumberOfMessagesDelayed) >= total
              );
            },
            { timeout: 60_000 },
          )
          .toBe(true);
      };

      // Pause, then resume: each confirmation names how many deliveries it concerns.
      throttle();
      const paused = await start('Pause and resume');
      await page.goto(`${server.url}/#/mailings/${paused.id}`);
      await expect.poll(progressLine, { timeout: 60_000 }).toMatch(new RegExp(`queued ${paused.total}\\b`));
      await page.getByRole('button', { name: 'Pause mailing' }).click();
      const dialog = page.getByRole('alertdialog');
      // The count is the queued deliveries of the moment (a throttled one may be between tries).
      const pauseText = (await dialog.textContent()) ?? '';
      const named = Number(pauseText.match(/(\d+) queued delivery\(ies\) wait until you resume it/)?.[1]);
      expect(named).toBeGreaterThan(0);
      expect(named).toBeLessThanOrEqual(paused.total);
      await expectAccessible(page, 'pause confirmation');
      await shoot(page, 'mailing-pause-confirm', width);
      await dialog.getByRole('button', { name: /^Yes, pause \(\d+ wait\)$/ }).click();
      await page.getByText('Paused: paused by e2e-organizer').waitFor({ timeout: 30_000 });
      // Held, not sent: once the senders see the pause (their 10 s read cache), nothing is claimed.
      await held(paused.id, paused.total);
      expect(stack.accepted.filter((m) => m.tags.mailing === paused.id)).toHaveLength(0);
      await page.reload();
      await page.getByRole('button', { name: 'Resume mailing' }).click();
      expect(await page.getByRole('alertdialog').textContent()).toContain(
        `${paused.total} queued delivery(ies) go out again`,
      );
      await page.getByRole('button', { name: `Yes, resume (${paused.total} go out)` }).click();
      // SES takes mail again only now: a sender whose cached read still said "sending" could
      // otherwise have sent during the pause (documented: up to 10 s).
      stack.ses.setFault(undefined);
      await waitComplete(page);
      expect(stack.accepted.filter((m) => m.tags.mailing === paused.id)).toHaveLength(paused.total);

      // One delivery's history: each state with its time.
      const first = page.locator('table.deliveries tbody tr td a').first();
      await first.click();
      await page.getByRole('heading', { name: /^Delivery to / }).waitFor();
      const history = page.getByTestId('history');
      await expect
        .poll(async () => (await history.locator('li .badge').allTextContents()).join(' '), {
          timeout: 30_000,
        })
        .toMatch(/^queued sending (.* )?sent delivered$/);
      expect(await history.locator('li time').first().getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
      await expectAccessible(page, 'delivery with history');
      await shoot(page, 'delivery-history', width);

      // Cancel while throttled: the confirmation names the queued deliveries that will not go.
      throttle();
      const cancelled = await start('Cancel me');
      await page.goto(`${server.url}/#/mailings/${cancelled.id}`);
      await expect
        .poll(progressLine, { timeout: 60_000 })
        .toMatch(new RegExp(`queued ${cancelled.total}\\b`));
      await page.getByRole('button', { name: 'Pause mailing' }).click();
      await page.getByRole('button', { name: /^Yes, pause/ }).click();
      await page.getByText('Paused: paused by e2e-organizer').waitFor({ timeout: 30_000 });
      await held(cancelled.id, cancelled.total);
      await page.reload();
      await page.getByRole('button', { name: 'Cancel mailing' }).click();
      expect(await page.getByRole('alertdialog').textContent()).toContain(
        `${cancelled.total} queued delivery(ies) will not go`,
      );
      await page.getByRole('button', { name: `Yes, cancel (${cancelled.total} will not go)` }).click();
      await page.getByText('Cancelled: queued deliveries will not go.').waitFor({ timeout: 30_000 });
      await expect
        .poll(async () => (await mailingProgress(store, cancelled.id))?.counts.cancelled, { timeout: 30_000 })
        .toBe(cancelled.total);
      stack.ses.setFault(undefined);
      expect(stack.accepted.filter((m) => m.tags.mailing === cancelled.id)).toHaveLength(0);

      // Resend failed: SES refuses every mail once; the resend confirmation names how many.
      stack.ses.setFault(() => ({
        status: 400,
        code: 'MessageRejected',
        message: 'Email address is not verified.',
      }));
      const failing = await start('Resend me');
      await page.goto(`${server.url}/#/mailings/${failing.id}`);
      await page.getByRole('button', { name: `Resend ${failing.total} failed` }).click({ timeout: 60_000 });
      stack.ses.setFault(undefined);
      expect(await page.getByRole('alertdialog').textContent()).toContain(
        `Resend ${failing.total} failed delivery(ies)?`,
      );
      await page.getByRole('button', { name: `Yes, resend ${failing.total}` }).click();
      await page.getByText(`Resending ${failing.total} deliveries.`).waitFor({ timeout: 30_000 });
      await expect
        .poll(() => stack.accepted.filter((m) => m.tags.mailing === failing.id).length, { timeout: 90_000 })
        .toBe(failing.total);
      expect(problems).toEqual([]);
    } catch (error) {
      await shoot(page, 'failure', width);
      console.error('page problems:', problems);
      throw error;
    } finally {
      stack.ses.setFault(undefined);
      await context.close();
    }
  });

  it('speaks Russian and Arabic (right to left) when switched, at 1280 and 375 px, axe-clean', {
    timeout: 400_000,
  }, async () => {
    const catalogs = {
      ru: JSON.parse(readFileSync(path.resolve('templates/catalogs/ru.json'), 'utf8')),
      ar: JSON.parse(readFileSync(path.resolve('templates/catalogs/ar.json'), 'utf8')),
    } as const;
    // A mailing to show (a dry run: nothing is sent).
    const created = await handleApi(localApiDeps(stack), {
      method: 'POST',
      path: `/api/conferences/${DEMO_CONFERENCE_ID}/mailings`,
      query: {},
      body: {
        kind: 'announcement',
        audience: { languages: ['ar'] },
        content: { subject: { en: SUBJECT.en, ar: SUBJECT.ar }, body: { en: BODY.en, ar: BODY.ar } },
      },
      identity: { user: 'e2e-organizer', email: 'organizer@example.org', groups: ['organizers'] },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const mailingId = (created.body as { mailingId: string }).mailingId;
    for (const lang of ['ru', 'ar'] as const) {
      const words = catalogs[lang].pages.console as Record<string, string>;
      for (const width of [1280, 375]) {
        const { context, page, problems } = await signedIn(width);
        try {
          await page.locator('select[name="ui-lang"]').selectOption(lang);
          await expect.poll(() => page.locator('html').getAttribute('dir')).toBe(catalogs[lang].meta.dir);
          expect(await page.locator('html').getAttribute('lang')).toBe(lang);
          const nav = await page.locator('header nav').textContent();
          expect(nav).toContain(words['nav-overview']);
          expect(nav).toContain(words['nav-suppressions']);
          await page
            .getByRole('heading', { level: 2, name: words['registrations-total']?.replace('{count}', '200') })
            .waitFor();
          expect(await page.locator('header').evaluate(directionOf)).toBe(catalogs[lang].meta.dir);
          if (width === 375) await expectFits(page);
          await expectWholeWords(page);
          await expectAccessible(page, `overview (${lang}, ${width})`);
          await shoot(page, `overview-${lang}`, width);

          await page.goto(`${server.url}/#/new`);
          await page.getByRole('heading', { level: 1, name: words['nav-new'] }).waitFor();
          // The preview keeps the mail's own language: English mail, left to right, in an Arabic console.
          await page.locator('input[name="subject-en"]').fill('Opening session moved');
          await page.locator('textarea[name="body-en"]').fill(BODY.en);
          await expect
            .poll(() => page.frameLocator('.preview iframe.frame').locator('html').evaluate(directionOf), {
              timeout: 60_000,
            })
            .toBe('ltr');
          if (width === 375) await expectFits(page);
          await expectAccessible(page, `new mailing (${lang}, ${width})`);
          await shoot(page, `new-mailing-${lang}`, width);

          await page.goto(`${server.url}/#/mailings/${mailingId}`);
          await page.getByRole('heading', { level: 1, name: new RegExp(`^${words.mailing}`) }).waitFor();
          await page.getByTestId('progress-line').waitFor();
          if (width === 375) await expectFits(page);
          await expectWholeWords(page);
          await expectAccessible(page, `mailing (${lang}, ${width})`);
          await shoot(page, `mailing-${lang}`, width);

          // The choice is kept for the next visit.
          await page.reload();
          await page.locator('header .who').waitFor();
          expect(await page.locator('select[name="ui-lang"]').inputValue()).toBe(lang);
          expect(problems).toEqual([]);
        } catch (error) {
          await shoot(page, `failure-${lang}`, width);
          console.error('page problems:', problems);
          throw error;
        } finally {
          await context.close();
        }
      }
    }
  });

  it('refuses a spent sign-in link and an unsigned API call', async () => {
    const url = server.signInUrl();
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    const again = await fetch(url, { redirect: 'manual' });
    expect(again.status).toBe(401);
    const api = await fetch(`${server.url}/api/me`);
    expect(api.status).toBe(401);
    expect(first.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});
