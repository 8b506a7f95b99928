import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as cheerio from 'cheerio';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { testSend } from '../../functions/api/mailings.js';
import { validateIntakeEvent } from '../../functions/events/schemas.js';
import { applyEvent } from '../../functions/intake/apply.js';
import { UnprocessableEventError } from '../../functions/lib/errors.js';
import { prepareText } from '../../functions/mailing/prepared-text.js';
import { coversContent } from '../../functions/render/prepared.js';
import type { SenderMetric } from '../../functions/sending/lease.js';
import { sendOne } from '../../functions/sending/send.js';
import { getDelivery, getMailing, getPreparedText } from '../../functions/store/store.js';
import { localApiDeps } from '../../local/console.js';
import { hookedDb } from './support/hooked-db.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { acceptedMail } from './support/mail.js';
import {
  acceptedFor,
  fixture,
  intakeDepsOf,
  mailingRequest,
  sendAndWait,
  storeOf,
} from './support/pipeline.js';
import { seedDelivery, seedMailing, seedRegistrations } from './support/seed.js';
import { senderDeps } from './support/sender.js';

const cid = 'dushanbe-2022';

/**
 * Issue 15 (the sender bundle): organizer Markdown is rendered once, at intake, and the sender
 * fills from the text stored beside the mailing. Read from the outside: the mail each language got.
 */
describe('organizer text prepared at intake', () => {
  const stack = useLocalStack({ environment: { SEND_RATE_PER_INVOCATION: '1000' } });
  const store = () => storeOf(stack.current);

  beforeAll(async () => {
    await sendAndWait(stack.current, fixture('conference.upserted'));
  });

  it('sends each language its own body, as HTML and as text', async () => {
    const recipients = await seedRegistrations(store(), cid, 3, { prefix: 'prepared' });
    const body = {
      en: 'Buses leave **every 20 minutes**; see [the venue page](https://example.org/venue).\n\n- Gate A\n- Gate B',
      ru: 'Автобусы отходят **каждые 20 минут**; см. [страницу места](https://example.org/venue/ru).\n\n- Вход А\n- Вход Б',
      ar: 'تغادر الحافلات **كل 20 دقيقة**؛ انظر [صفحة المكان](https://example.org/venue/ar).\n\n- البوابة أ\n- البوابة ب',
    };
    const request = mailingRequest(
      'prepared-announcement',
      { contactIds: recipients.map((r) => r.registrationId) },
      {
        kind: 'announcement',
        content: { subject: { en: 'Shuttle times', ru: 'Автобусы', ar: 'الحافلات' }, body },
      },
    );
    await sendAndWait(stack.current, request);
    expect(await getPreparedText(store(), 'prepared-announcement')).toBeInstanceOf(Uint8Array);
    const mail = await eventually(
      async () => {
        const found = acceptedFor(stack.current, 'prepared-announcement');
        return found.length === recipients.length ? found : undefined;
      },
      { what: 'the announcement to all three' },
    );
    const expected = {
      en: {
        strong: 'every 20 minutes',
        link: 'https://example.org/venue',
        item: 'Gate B',
        label: 'the venue page',
      },
      ru: {
        strong: 'каждые 20 минут',
        link: 'https://example.org/venue/ru',
        item: 'Вход Б',
        label: 'страницу места',
      },
      ar: {
        strong: 'كل 20 دقيقة',
        link: 'https://example.org/venue/ar',
        item: 'البوابة ب',
        label: 'صفحة المكان',
      },
    } as const;
    const seen = new Set<string>();
    for (const accepted of mail) {
      const parsed = await simpleParser(await readFile(accepted.emlPath));
      const $ = cheerio.load(String(parsed.html));
      const language = $('html').attr('lang') as keyof typeof expected;
      const want = expected[language];
      expect(want, `a language of the three (${language})`).toBeDefined();
      seen.add(language);
      expect(
        $('strong')
          .toArray()
          .map((e) => $(e).text()),
      ).toContain(want.strong);
      expect($(`a[href="${want.link}"]`).text()).toBe(want.label);
      expect(
        $('li')
          .toArray()
          .map((e) => $(e).text().trim()),
      ).toContain(want.item);
      expect(parsed.text).toContain(`${want.label} <${want.link}>`);
      expect(parsed.text).toContain(`- ${want.item}`);
      expect(parsed.text).not.toContain('**');
    }
    expect([...seen].sort()).toEqual(['ar', 'en', 'ru']);
  });

  it('holds a mailing stored without its prepared text (an earlier version) until the clock has prepared it', async () => {
    const mailingId = 'prepared-upgrade';
    await seedMailing(store(), {
      mailingId,
      conferenceId: cid,
      kind: 'announcement',
      content: { subject: { en: 'Before the upgrade' }, body: { en: 'Registration closes **Friday**.' } },
    });
    expect(await getPreparedText(store(), mailingId)).toBeUndefined();
    const contactKey = 'upgrade@example.org';
    await seedDelivery(store(), { mailingId, conferenceId: cid }, contactKey);
    // The sender finds no text: a passing fault, retried; nothing claimed, nothing failed.
    const metrics: SenderMetric[] = [];
    const deps = senderDeps(stack.current, metrics);
    expect(await sendOne(deps, { mailingId, contactKey })).toBe('retry');
    expect(metrics).toContain('Retried');
    expect((await getDelivery(store(), mailingId, contactKey))?.state).toBe('queued');
    expect(acceptedFor(stack.current, mailingId)).toHaveLength(0);
    // The clock prepares it; the job, come back, sends the body.
    const { handler } = await import('../../functions/clock.js');
    await handler();
    expect(await getPreparedText(store(), mailingId)).toBeInstanceOf(Uint8Array);
    expect(
      await sendOne(senderDeps(stack.current, metrics), { mailingId, contactKey, retries: 1, faults: 1 }),
    ).toBe('sent');
    const [mail] = acceptedFor(stack.current, mailingId);
    if (!mail) throw new Error('no mail');
    const parsed = await simpleParser(await readFile(mail.emlPath));
    const $ = cheerio.load(String(parsed.html));
    expect(
      $('strong')
        .toArray()
        .map((e) => $(e).text()),
    ).toContain('Friday');
    expect(acceptedFor(stack.current, mailingId)).toHaveLength(1);
  });

  it('prepares the text of a scheduled mailing stored by an earlier version when an organizer test-sends it', async () => {
    const mailingId = 'prepared-test-send';
    await seedMailing(store(), {
      mailingId,
      conferenceId: cid,
      kind: 'announcement',
      state: 'scheduled',
      content: { subject: { en: 'A test before the upgrade' }, body: { en: 'Doors open at **nine**.' } },
    });
    expect(await getPreparedText(store(), mailingId)).toBeUndefined();
    const api = localApiDeps(stack.current);
    const mailing = await getMailing(store(), mailingId);
    if (!mailing) throw new Error('no mailing');
    const sent = await testSend(
      api,
      mailing,
      {},
      { user: 'o', email: 'organizer@example.org', groups: ['organizers'] },
    );
    expect(sent.to).toBe('organizer@example.org');
    const { parsed, strong } = await acceptedMail(stack.current, sent.sesMessageId);
    expect(parsed.subject).toContain('A test before the upgrade');
    expect(strong).toContain('nine');
    expect(await getPreparedText(store(), mailingId)).toBeInstanceOf(Uint8Array);
  });

  it('matches the prepared text to the row that won when one mailing id is requested twice at once', async () => {
    await sendAndWait(stack.current, fixture('conference.upserted'));
    const eventOf = (body: string) => {
      const parsed = validateIntakeEvent(
        mailingRequest(
          'prepared-race',
          { roles: ['delegate'] },
          { kind: 'announcement', dryRun: true, content: { subject: { en: 'Race' }, body: { en: body } } },
        ),
      );
      if (!parsed.ok) throw new Error('invalid test event');
      return parsed.event;
    };
    const isRowPut = (name: string, input: string) =>
      name === 'PutItemCommand' && input.includes('prepared-race') && input.includes('"META"');
    // B writes its text, then, at its row's put, lets A write its text and reach its own row's put;
    // B's row wins, and A, whose row then fails, must not leave its text behind it.
    let aAtRow!: () => void;
    const aReachedRow = new Promise<void>((resolve) => (aAtRow = resolve));
    let bCreated!: () => void;
    const bDone = new Promise<void>((resolve) => (bCreated = resolve));
    let a: Promise<void> | undefined;
    const dbA = hookedDb(stack.current, async ({ name, input, next }) => {
      if (isRowPut(name, input)) {
        aAtRow();
        await bDone;
      }
      return next();
    });
    const dbB = hookedDb(stack.current, async ({ name, input, next }) => {
      if (!isRowPut(name, input)) return next();
      a = applyEvent(intakeDepsOf(stack.current, dbA), eventOf('First **body**.'));
      await aReachedRow;
      const answer = await next();
      bCreated();
      return answer;
    });
    await applyEvent(intakeDepsOf(stack.current, dbB), eventOf('Second **body**.'));
    await a;
    const row = await getMailing(store(), 'prepared-race');
    expect(row?.content?.body.en).toBe('Second **body**.');
    expect(coversContent(row?.content as never, await getPreparedText(store(), 'prepared-race'))).toBe(true);
  });

  it('refuses a body too large to store with its rendering, and stores nothing', async () => {
    // Random text hardly compresses: three languages of 100,000 characters (the most an event
    // may carry), as HTML and text, exceed an item. The intake records this as the event's rejection.
    const noise = () => randomBytes(75_000).toString('base64');
    const error = await prepareText(store(), 'prepared-too-large', {
      subject: { en: 'Large' },
      body: { en: noise(), ru: noise(), ar: noise() },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnprocessableEventError);
    expect(error).toMatchObject({ code: 'content_too_large' });
    expect(String((error as Error).message)).toMatch(
      /^data\.content: the body rendered comes to \d+ KB packed, more than a mailing can hold/,
    );
    expect(await getPreparedText(store(), 'prepared-too-large')).toBeUndefined();
  });
});
