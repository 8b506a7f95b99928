import * as cheerio from 'cheerio';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readAnswer } from '../../../functions/rsvp/endpoint.js';
import { donePage, formPage, invalidPage } from '../../../functions/rsvp/page.js';

const PAGE_LANGUAGES = ['en', 'ru', 'ar'];

const conference = {
  name: 'High-Level Conference',
  city: 'Dushanbe',
  start: '2022-10-18',
  end: '2022-10-19',
};
const form = (body: string, type = 'application/x-www-form-urlencoded') =>
  readAnswer({ headers: { 'content-type': type }, body: Buffer.from(body) }, true);

describe('RSVP pages', () => {
  it.each(PAGE_LANGUAGES)('shows the form in %s with three choices and the representative fields', (lang) => {
    const $ = cheerio.load(
      formPage(lang, { conference, state: 'invited', mayDesignate: true, formAction: '?token=t' }),
    );
    expect($('html').attr('lang')).toBe(lang);
    expect($('html').attr('dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
    expect($('form[method="post"]').attr('action')).toBe('?token=t');
    expect(
      $('input[name="answer"]')
        .map((_, e) => $(e).attr('value'))
        .get(),
    ).toEqual(['accept', 'decline', 'delegate']);
    for (const name of ['name', 'email', 'honorific', 'language'])
      expect($(`[name="${name}"]`)).toHaveLength(1);
    // Every field has a label (the browser test runs axe on top of this).
    for (const id of ['rep-name', 'rep-email', 'rep-honorific', 'rep-language'])
      expect($(`label[for="${id}"]`)).toHaveLength(1);
    expect($('script')).toHaveLength(0);
  });

  it('offers two choices when the invitee may not designate anyone', () => {
    const $ = cheerio.load(
      formPage('en', { conference, state: 'invited', mayDesignate: false, formAction: '?' }),
    );
    expect($('input[name="answer"]')).toHaveLength(2);
    expect($('[name="email"]')).toHaveLength(0);
  });

  it('escapes hostile conference names and form actions wherever they appear', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (name, action) => {
        const html = formPage('ar', {
          conference: {
            ...conference,
            name: `<script>${name}</script>`,
            city: `"><img src=x onerror=alert(1)>${name}`,
          },
          state: 'accepted',
          mayDesignate: true,
          formAction: action,
        });
        const $ = cheerio.load(html);
        expect($('script')).toHaveLength(0);
        expect($('img')).toHaveLength(0);
        expect($('form').attr('action')).toBe(action);
        expect($('main').text()).toContain(`<script>${name}</script>`);
      }),
      { numRuns: 50 },
    );
  });

  it('after accepting, links on to the registration page given, and shows the answer', () => {
    const $ = cheerio.load(
      donePage('ru', {
        conference,
        state: 'accepted',
        registrationUrl: 'https://c.example.org/?invitee=i1',
        changeUrl: '?token=t',
      }),
    );
    expect($('a.button').attr('href')).toBe('https://c.example.org/?invitee=i1');
    expect($('[role="status"]').text()).not.toBe('');
  });

  it('says the same thing for every bad link, in each language', () => {
    for (const lang of PAGE_LANGUAGES) {
      const $ = cheerio.load(invalidPage(lang));
      expect($('h1').text()).not.toBe('');
      expect($('form')).toHaveLength(0);
    }
  });
});

describe('RSVP form data', () => {
  it('reads the three answers, url-encoded or multipart', async () => {
    expect(await form('answer=accept')).toEqual({ answer: 'accept' });
    expect(await form('answer=DECLINE')).toEqual({ answer: 'decline' });
    const boundary = 'b0undary';
    const multipart = `--${boundary}\r\nContent-Disposition: form-data; name="answer"\r\n\r\naccept\r\n--${boundary}--\r\n`;
    expect(await form(multipart, `multipart/form-data; boundary=${boundary}`)).toEqual({ answer: 'accept' });
  });

  it('reads a designation with a cleaned name and a normalized address', async () => {
    expect(
      await form(
        new URLSearchParams({
          answer: 'delegate',
          name: 'Deputy\r\nMinister',
          email: 'Deputy@Example.NET',
          honorific: 'Dr.',
          language: 'ar',
        }).toString(),
      ),
    ).toEqual({
      answer: 'delegate',
      representative: {
        name: 'Deputy Minister',
        email: 'Deputy@example.net',
        honorific: 'Dr.',
        language: 'ar',
      },
    });
  });

  it('refuses what is not the expected form', async () => {
    expect(await form('')).toBeUndefined();
    expect(await form('answer=maybe')).toBeUndefined();
    expect(await form('answer=delegate&name=X')).toBeUndefined();
    expect(await form('answer=delegate&name=X&email=not-an-address')).toBeUndefined();
    expect(await form('{"answer":"accept"}', 'application/json')).toBeUndefined();
    expect(await form(`answer=accept&pad=${'x'.repeat(20_000)}`)).toBeUndefined();
    expect(
      await readAnswer(
        {
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: Buffer.from('answer=delegate&name=X&email=x@example.org'),
        },
        false,
      ),
    ).toBeUndefined();
  });
});
