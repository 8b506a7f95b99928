import * as cheerio from 'cheerio';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HOSTILE_RECIPIENT,
  HOSTILE_TITLED_RECIPIENT,
  minimalSamplesFor,
  SAMPLE_CONFERENCE,
  type Sample,
  sampleRecipient,
  samplesFor,
} from '../../../demo/samples.js';
import type { AnnouncementData, InvitationData, MailKind } from '../../../functions/render/index.js';
import { renderApi } from './built.js';

const { render, LANGUAGES, MAIL_KINDS, BULK_KINDS, isBulkKind, resolveLanguage, RenderError } = renderApi;

function renderSample(sample: Sample, language: string) {
  return render(sample.kind, language, sample.data as never);
}

function invitation(overrides: Partial<InvitationData> = {}): InvitationData {
  const sample = samplesFor(sampleRecipient('en')).find(
    (s) => s.kind === 'invitation',
  ) as Sample<'invitation'>;
  return { ...sample.data, ...overrides };
}

/** The text of the element holding the salutation (the first text block after the header). */
function salutationText($: cheerio.CheerioAPI, expected: string): string | undefined {
  return $('span[dir="auto"]')
    .toArray()
    .map((el) => $(el).text())
    .find((text) => text === expected);
}

describe('render: every kind × language', () => {
  const cases = LANGUAGES.flatMap((language) =>
    [...samplesFor(sampleRecipient(language)), ...minimalSamplesFor(sampleRecipient(language))].map(
      (sample) => [`${sample.kind} (${sample.variant}) in ${language}`, sample, language] as const,
    ),
  );

  it('covers every kind in every catalog language', () => {
    // Prepare / Act
    const kinds = new Set(cases.map(([, sample]) => sample.kind));
    // Assess
    expect([...kinds].sort()).toEqual([...MAIL_KINDS].sort());
    expect(LANGUAGES).toEqual(expect.arrayContaining(['en', 'ru', 'ar']));
  });

  it.each(cases)('%s: html, text and subject are well formed', (_, sample, language) => {
    const mail = renderSample(sample, language);
    const $ = cheerio.load(mail.html);
    const dir = language === 'ar' ? 'rtl' : 'ltr';

    expect(mail.language).toBe(language);
    expect(mail.dir).toBe(dir);
    expect($('html').attr('lang')).toBe(language);
    expect($('html').attr('dir')).toBe(dir);
    expect($('body').attr('lang')).toBe(language);
    expect($('body').attr('dir')).toBe(dir);
    // MJML's content wrapper (role=article) carries them too, for clients that drop <html>/<body>.
    expect($('div[role="article"]').attr('lang')).toBe(language);
    expect($('div[role="article"]').attr('dir')).toBe(dir);
    expect($('title').text()).toBe(mail.subject);

    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.subject.length).toBeGreaterThan(0);
    // No markup left in the text part (link targets are shown as <https://…>, which is fine).
    expect(mail.text).not.toMatch(/<\/?(?:div|span|table|tr|td|p|a|br|strong|b|ul|li|html|body)\b/i);
    expect(mail.text).not.toMatch(/\{\{|\}\}|qqhbs/);
    expect(mail.html).not.toMatch(/\{\{|\}\}|\[\[/);
    for (const el of $('a[href]').toArray()) {
      expect($(el).attr('href')).toMatch(/^(https?:\/\/|mailto:)/);
    }
    // No web fonts or remote images: nothing in the mail is fetched when it is opened.
    expect($('link[rel="stylesheet"], img[src^="http"]').length).toBe(0);
  });

  it.each(cases)('%s: unsubscribe link only on bulk mail', (_, sample, language) => {
    const mail = renderSample(sample, language);
    const $ = cheerio.load(mail.html);
    const unsubscribe = $('a[href^="https://unsubscribe.example.org/"]');
    if (isBulkKind(sample.kind)) {
      expect(unsubscribe.length).toBe(1);
      expect(mail.text).toContain('https://unsubscribe.example.org/u/v1.sample-token');
    } else {
      expect(unsubscribe.length).toBe(0);
      expect(mail.text).not.toContain('unsubscribe.example.org');
    }
  });
});

describe('render: language', () => {
  it('resolves BCP 47 tags to a catalog and falls back to English', () => {
    expect(resolveLanguage('ru-RU')).toBe('ru');
    expect(resolveLanguage('AR')).toBe('ar');
    expect(resolveLanguage('ar_EG')).toBe('ar');
    expect(resolveLanguage('fr-CA')).toBe('en');
    expect(resolveLanguage(undefined)).toBe('en');
    expect(resolveLanguage('')).toBe('en');
  });

  it('renders an unknown language in English', () => {
    const mail = render('invitation', 'tg-TJ', invitation());
    expect(mail.language).toBe('en');
    expect(cheerio.load(mail.html)('html').attr('lang')).toBe('en');
    expect(mail.subject.startsWith('Invitation: ')).toBe(true);
  });

  it('shows venue time with its zone, and the recipient time when it differs', () => {
    const ru = render('invitation', 'ru', invitation({ recipient: sampleRecipient('ru') }));
    // The ru sample recipient lives in Dushanbe: one time only.
    expect(ru.text).toContain('18 октября 2022 г., 09:00–10:30 (Душанбе, UTC+5)');
    expect(ru.text).not.toContain('по вашему времени');

    const en = render('invitation', 'en', invitation());
    expect(en.text).toContain('18 October 2022, 09:00–10:30 (Dushanbe, UTC+5)');
    expect(en.text).toMatch(/18 October 2022, 06:00–07:30 your time \([^)]*UTC\+2\)/);
  });

  it('translates known honorifics and keeps name order per catalog', () => {
    const person = { email: 'x@example.org', givenName: 'Aziz', familyName: 'Karimov', honorific: 'H.E.' };
    const salutations = Object.fromEntries(
      LANGUAGES.map((language) => {
        const mail = render('invitation', language, invitation({ recipient: person }));
        return [language, mail.text];
      }),
    );
    expect(salutations.en).toContain('Excellency,');
    expect(salutations.ru).toContain('Ваше Превосходительство!');
    // Gender unknown: the invariant style noun and no gendered «المحترم/ة».
    expect(salutations.ar).toContain('سعادة Aziz Karimov،');

    const mr = render('invitation', 'ru', invitation({ recipient: { ...person, honorific: 'Mr.' } }));
    expect(mr.text).toContain('Уважаемый господин Karimov!');
    const unknown = render('invitation', 'en', invitation({ recipient: { ...person, honorific: 'Sheikh' } }));
    expect(unknown.text).toContain('Dear Sheikh Karimov,');
  });
});

describe('render: untrusted data', () => {
  it.each(LANGUAGES)('escapes a hostile recipient in %s', (language) => {
    for (const recipient of [HOSTILE_RECIPIENT, HOSTILE_TITLED_RECIPIENT]) {
      for (const sample of samplesFor(recipient)) {
        const mail = renderSample(sample, language);
        const $ = cheerio.load(mail.html);
        // Markup in names stays text: no element was injected…
        expect($('script, img, b').length).toBe(0);
        // …and the text is there, literally, template syntax included (never evaluated).
        const body = $('body').text();
        // A media advisory addresses the press, not a person: it has no salutation.
        if (sample.kind === 'media-advisory') continue;
        expect(body).toContain("O'Brien-عبدالله (UN) <img src=x onerror=alert(2)> Bcc: victim@example.net");
        expect(body).toContain('W'.repeat(500));
        expect(mail.text).toContain('<img src=x onerror=alert(2)>');
        expect(mail.subject).not.toMatch(/[\r\n]/);
        if (recipient === HOSTILE_RECIPIENT) {
          expect(body).toContain('<script>alert(1)</script>{{constructor}} Ω 👩🏽‍💼');
        } else {
          // Not a recognised title: never shown in its place, escaped or not.
          expect(body).not.toContain('<b>Sir</b>');
          expect(body).not.toContain('{{#each');
        }
      }
    }
  });

  it('puts the whole salutation in one isolated text node', () => {
    const mail = render('invitation', 'en', invitation({ recipient: HOSTILE_RECIPIENT }));
    const $ = cheerio.load(mail.html);
    const expected = `Dear <script>alert(1)</script>{{constructor}} Ω 👩🏽‍💼 O'Brien-عبدالله (UN) <img src=x onerror=alert(2)> Bcc: victim@example.net ${'W'.repeat(500)},`;
    expect(salutationText($, expected)).toBe(expected);
  });

  it('never lets arbitrary names create elements or break the salutation (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.string({ unit: 'binary', maxLength: 60 }),
        (given, family) => {
          const recipient = { email: 'p@example.org', givenName: given, familyName: family };
          const mail = render('announcement', 'en', {
            conference: SAMPLE_CONFERENCE,
            recipient,
            unsubscribeUrl: 'https://unsubscribe.example.org/u/x',
            subject: { en: 'Hello' },
            body: { en: 'Body' },
          } satisfies AnnouncementData);
          const $ = cheerio.load(mail.html);
          const salutation = $('span[dir="auto"]').filter((_, el) => $(el).text().startsWith('Dear'));
          expect(salutation.length).toBe(1);
          expect(salutation.children().length).toBe(0);
          expect($('script, img, iframe, b').length).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('renders organizer Markdown without raw HTML, images or unsafe links', () => {
    const body = [
      'Intro <script>alert(1)</script> and <img src=x onerror=alert(2)> and <b>bold?</b>',
      '',
      '[js](javascript:alert(3)) [data](data:text/html,<script>alert(4)</script>) [vb](vbscript:x) [rel](/relative)',
      '',
      '[site](https://example.org/page) [mail](mailto:press@example.org) <https://example.org/auto> ![pic](https://example.org/p.png)',
      '',
      'bare www.example.org stays text',
    ].join('\n');
    const mail = render('announcement', 'en', {
      conference: SAMPLE_CONFERENCE,
      recipient: sampleRecipient('en'),
      unsubscribeUrl: 'https://unsubscribe.example.org/u/x',
      subject: { en: 'Markdown' },
      body: { en: body },
    });
    const $ = cheerio.load(mail.html);
    const md = $('.md');
    expect(md.length).toBeGreaterThan(0);
    expect(md.find('script, img, iframe, b').length).toBe(0);
    const hrefs = md
      .find('a')
      .toArray()
      .map((a) => $(a).attr('href'));
    // An image becomes a plain link to it: never an <img> the client would fetch.
    expect(hrefs).toEqual([
      'https://example.org/page',
      'mailto:press@example.org',
      'https://example.org/auto',
      'https://example.org/p.png',
    ]);
    // The neutralised pieces are still readable as text.
    expect(md.text()).toContain('<script>alert(1)</script>');
    expect(md.text()).toContain('[js](javascript:alert(3))');
    expect(md.text()).toContain('bare www.example.org stays text');
    // The text part has the Markdown as readable text: links as "text <url>", no markup.
    expect(mail.text).toContain('site <https://example.org/page>');
    expect(mail.text).not.toContain('[site]');
  });

  it('refuses bulk mail without an http(s) unsubscribe URL', () => {
    expect(() => render('invitation', 'en', invitation({ unsubscribeUrl: 'javascript:alert(1)' }))).toThrow(
      RenderError,
    );
    expect(() => render('invitation', 'en', invitation({ unsubscribeUrl: '' }))).toThrow(RenderError);
  });

  it('drops optional links that are not http(s)', () => {
    const mail = render('invitation', 'en', {
      ...invitation(),
      conference: { ...SAMPLE_CONFERENCE, website: 'javascript:alert(1)' },
    });
    const $ = cheerio.load(mail.html);
    expect($('a[href^="javascript"]').length).toBe(0);
    expect(mail.text).not.toContain('javascript:');
  });

  it('ignores an unsubscribe URL smuggled into transactional data', () => {
    const sample = samplesFor(sampleRecipient('en')).find(
      (s) => s.kind === 'confirmation',
    ) as Sample<'confirmation'>;
    const data = { ...sample.data, unsubscribeUrl: 'https://unsubscribe.example.org/u/x' };
    const mail = render('confirmation', 'en', data);
    expect(cheerio.load(mail.html)('a[href*="unsubscribe"]').length).toBe(0);
  });

  it('keeps BULK_KINDS and the unsubscribe rule in step', () => {
    // Pinned for the kinds that exist today; a new kind declares its own (test/unit/kinds/registry.test.ts).
    const bulk: MailKind[] = ['invitation', 'reminder', 'media-advisory', 'announcement'];
    const transactional: MailKind[] = [
      'agenda-change',
      'cancellation',
      'confirmation',
      'representative-note',
      'rsvp-confirmation',
    ];
    expect(BULK_KINDS).toEqual(expect.arrayContaining(bulk));
    for (const kind of bulk) expect(isBulkKind(kind), kind).toBe(true);
    for (const kind of transactional) {
      expect(isBulkKind(kind), kind).toBe(false);
      expect(BULK_KINDS).not.toContain(kind);
    }
    expect(MAIL_KINDS).toEqual(expect.arrayContaining([...bulk, ...transactional]));
  });
});
