import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as cheerio from 'cheerio';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { getMailing, listRejections } from '../../functions/store/store.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { acceptedFor, fixture, mailingRequest, sendAndWait, sendEvent, storeOf } from './support/pipeline.js';
import { seedRegistrations } from './support/seed.js';

const cid = 'dushanbe-2022';

/**
 * Issue 15 (the sender bundle): organizer Markdown is rendered once, at intake, and the sender
 * fills from what the mailing row carries. Read from the outside: the mail each language got.
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
    const row = await getMailing(store(), 'prepared-announcement');
    expect(row?.preparedText).toBeInstanceOf(Uint8Array);
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

  it('rejects, with its reason, a body too large to store with its rendering', async () => {
    // Random text hardly compresses: three languages of it, and their HTML and text, exceed the row.
    const noise = () => randomBytes(60_000).toString('base64');
    const request = mailingRequest(
      'prepared-too-large',
      { roles: ['delegate'] },
      {
        kind: 'announcement',
        content: { subject: { en: 'Large' }, body: { en: noise(), ru: noise(), ar: noise() } },
      },
    );
    await sendEvent(stack.current, request);
    const rejection = await eventually(
      async () => (await listRejections(store(), 1000)).find((r) => r.eventId === request.id),
      { what: 'the rejection of the large mailing' },
    );
    expect(rejection.code).toBe('content_too_large');
    expect(rejection.reason).toMatch(/^data\.content: .* KB, more than a mailing can hold/);
    expect(await getMailing(store(), 'prepared-too-large')).toBeUndefined();
  });
});
