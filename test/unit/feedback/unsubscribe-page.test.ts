import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../functions/lib/text.js';
import { catalogLanguageOf, LANGUAGE_CODES } from '../../../functions/render/languages.js';
import { handleUnsubscribe, isOneClickBody } from '../../../functions/unsubscribe/endpoint.js';
import { confirmPage, donePage, invalidPage } from '../../../functions/unsubscribe/page.js';
import { signUnsubscribeToken, type UnsubscribeKeys } from '../../../functions/unsubscribe/token.js';

const hostile = {
  conference: '<script>alert(1)</script> & "Co"',
  email: "o'brien+<b>@example.org",
  formAction: '?token=a"><img src=x onerror=alert(1)>&lang=en',
};

describe('unsubscribe pages', () => {
  it.each(LANGUAGE_CODES)(
    'render the %s confirm page with a POST form carrying the one-click field',
    (lang) => {
      const $ = cheerio.load(
        confirmPage(lang, {
          conference: 'Dushanbe 2022',
          email: 'a@example.org',
          formAction: '?token=t&lang=en',
        }),
      );
      expect($('html').attr('lang')).toBe(lang);
      expect($('html').attr('dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
      const form = $('form');
      expect(form.attr('method')).toBe('post');
      expect(form.attr('action')).toBe('?token=t&lang=en');
      expect(form.find('input[name="List-Unsubscribe"]').attr('value')).toBe('One-Click');
      expect(form.find('button[type="submit"]').text().trim()).not.toBe('');
      expect($('p').text()).toContain('Dushanbe 2022');
      expect($('p').text()).toContain('a@example.org');
    },
  );

  it('keep every interpolated value as text: no element, attribute or script comes from input', () => {
    for (const lang of LANGUAGE_CODES) {
      for (const html of [confirmPage(lang, hostile), donePage(lang, hostile)]) {
        const $ = cheerio.load(html);
        expect($('script, img, b').length).toBe(0);
        expect($('body').text()).toContain(hostile.conference);
        expect($('body').text()).toContain(hostile.email);
        if ($('form').length > 0) expect($('form').attr('action')).toBe(hostile.formAction);
      }
    }
  });

  it('lay an address out left to right inside Arabic text', () => {
    const $ = cheerio.load(donePage('ar', { conference: 'Dushanbe 2022', email: 'a@example.org' }));
    expect($('bdi[dir="ltr"]').text()).toBe('a@example.org');
  });

  it('say the same thing on every invalid page of a language', () => {
    const $ = cheerio.load(invalidPage('ru'));
    expect($('h1').text()).toBe('Ссылка для отписки недействительна');
    expect(invalidPage('en')).toBe(invalidPage('en'));
  });

  it('escape all five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('choose a page language from a tag, and nothing for languages without a page', () => {
    expect(catalogLanguageOf('ru-RU')).toBe('ru');
    expect(catalogLanguageOf('AR')).toBe('ar');
    expect(catalogLanguageOf('tg')).toBeUndefined();
    expect(catalogLanguageOf(undefined)).toBeUndefined();
  });
});

describe('the one-click body', () => {
  const form = (body: string, contentType?: string) => ({
    headers: contentType ? { 'content-type': contentType } : {},
    body: Buffer.from(body),
  });

  it('is accepted url-encoded, as most mailbox providers send it', async () => {
    expect(
      await isOneClickBody(form('List-Unsubscribe=One-Click', 'application/x-www-form-urlencoded')),
    ).toBe(true);
    expect(await isOneClickBody(form('List-Unsubscribe=One-Click'))).toBe(true);
  });

  it('is accepted as multipart/form-data, which RFC 8058 recommends', async () => {
    const body =
      '--b0undary\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b0undary--\r\n';
    expect(await isOneClickBody(form(body, 'multipart/form-data; boundary=b0undary'))).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['another field', 'unsubscribe=yes'],
    ['another value', 'List-Unsubscribe=Maybe'],
    ['JSON', '{"List-Unsubscribe":"One-Click"}'],
  ])('is refused when %s', async (_what, body) => {
    expect(await isOneClickBody(form(body, 'application/x-www-form-urlencoded'))).toBe(false);
  });

  it('is refused when multipart data is broken', async () => {
    expect(await isOneClickBody(form('--x\r\ngarbage', 'multipart/form-data; boundary=b0undary'))).toBe(
      false,
    );
  });
});

describe('handleUnsubscribe with a bad token', () => {
  const keys: UnsubscribeKeys = { current: 'k1', keys: { k1: randomBytes(32).toString('base64') } };
  // A bad token must be answered before anything is read or written.
  const untouchable = {
    db: {
      send: () => {
        throw new Error('the table was touched');
      },
    } as unknown as DynamoDBDocumentClient,
    table: 'none',
    now: () => new Date(),
    retentionDays: 1,
    keys,
  };
  const genuine = signUnsubscribeToken(keys, {
    conferenceId: 'dushanbe-2022',
    contactKey: 'f.karimov@example.org',
    scope: 'bulk',
  });

  it('answers 400 with one page, whatever was wrong, for GET and POST alike', async () => {
    const bodies = new Set<string>();
    for (const token of [
      undefined,
      '',
      'garbage',
      `${genuine}x`,
      genuine.slice(0, -2),
      genuine.replace(/^k1/, 'k2'),
    ]) {
      for (const method of ['GET', 'POST']) {
        const response = await handleUnsubscribe(untouchable, {
          method,
          query: { token },
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: Buffer.from('List-Unsubscribe=One-Click'),
          requestId: 'test',
        });
        expect(response.statusCode).toBe(400);
        expect(response.headers.location).toBeUndefined();
        bodies.add(response.body);
      }
    }
    expect(bodies.size).toBe(1);
  });

  it('answers 405 to other methods', async () => {
    const response = await handleUnsubscribe(untouchable, {
      method: 'DELETE',
      query: { token: genuine },
      headers: {},
      requestId: 'test',
    });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, POST');
  });
});
