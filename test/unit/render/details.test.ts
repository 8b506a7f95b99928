/**
 * What a minister's office notices first: subjects in an inbox list, places in the reader's
 * language, the header line in Arabic, struck-through old values, fonts and times. Every check
 * reads the parsed HTML (cheerio) or the rendered subject and text.
 */
import * as cheerio from 'cheerio';
import { describe, expect, it } from 'vitest';
import { SAMPLE_CONFERENCE, type Sample, sampleRecipient, samplesFor } from '../../../demo/samples.js';
import { MAX_SUBJECT_LENGTH, withoutKindPrefix } from '../../../functions/render/subject.js';
import type { MediaAdvisoryData, Person } from '../../../functions/render/types.js';
import { renderApi } from './built.js';

const { render, LANGUAGES, MAIL_KINDS } = renderApi;

function sample<K extends Sample['kind']>(kind: K, recipient: Person, variant?: string): Sample<K> {
  const found = samplesFor(recipient).find(
    (s) => s.kind === kind && (variant === undefined || s.variant === variant),
  );
  if (found === undefined) throw new Error(`no ${kind} sample`);
  return found as Sample<K>;
}

describe('subjects', () => {
  it('never doubles the media-advisory label, whoever wrote it', () => {
    const labels = { en: 'Media advisory', ru: 'Информация для СМИ', ar: 'مذكرة إعلامية' } as const;
    const written = {
      en: 'Media advisory: Media advisory: Opening of the conference',
      ru: 'Информация для СМИ: Открытие конференции',
      ar: 'MEDIA ADVISORY – مذكرة إعلامية: افتتاح المؤتمر',
    };
    for (const language of ['en', 'ru', 'ar'] as const) {
      const base = sample('media-advisory', sampleRecipient(language)).data;
      const data: MediaAdvisoryData = { ...base, subject: { ...written } };
      const mail = render('media-advisory', language, data);
      const lower = mail.subject.toLowerCase();
      expect(lower.split(labels[language].toLowerCase()).length - 1, mail.subject).toBe(1);
      if (language !== 'en') expect(mail.subject).not.toMatch(/media advisory/i);
    }
    expect(withoutKindPrefix('media-advisory', 'Media advisory:')).toBe('Media advisory:');
    expect(withoutKindPrefix('announcement', 'Media advisory: X')).toBe('Media advisory: X');
  });

  // The official name runs to 150 characters; without a short name the subject must still fit.
  const longConference = {
    ...SAMPLE_CONFERENCE,
    shortName: undefined,
    name: {
      en: `International High-Level Conference on ${'Border Security '.repeat(8)}`,
      ru: `Международная конференция высокого уровня по ${'безопасности границ '.repeat(8)}`,
      ar: `المؤتمر الدولي رفيع المستوى بشأن ${'أمن الحدود '.repeat(10)}`,
    },
  };
  const cases = LANGUAGES.flatMap((language) =>
    samplesFor(sampleRecipient(language)).map((s) => [`${s.kind} (${s.variant})`, language, s] as const),
  );

  it('covers every kind', () => {
    expect(new Set(cases.map(([, , s]) => s.kind))).toEqual(new Set(MAIL_KINDS));
  });

  it.each(cases)('%s in %s: visible length bounded, with or without a short name', (_, language, s) => {
    for (const conference of [s.data.conference, longConference]) {
      const mail = render(s.kind, language, { ...s.data, conference } as never);
      expect([...mail.subject].length, mail.subject).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
      expect(mail.subject).not.toMatch(/[\r\n]/);
    }
    // The short name, not the official one, is what the subject shows.
    const mail = render(s.kind, language, s.data as never);
    const official = SAMPLE_CONFERENCE.name[language] ?? SAMPLE_CONFERENCE.name.en;
    expect(mail.subject).not.toContain(official);
  });

  it.each(LANGUAGES)('%s: the key fact comes first', (language) => {
    const recipient = sampleRecipient(language);
    const reminder = render('reminder', language, sample('reminder', recipient, 'conference').data);
    const dates = cheerio.load(reminder.html)('.band span[dir="auto"]').eq(1).text();
    expect(reminder.subject.startsWith(dates), reminder.subject).toBe(true);
    const session = render('reminder', language, sample('reminder', recipient, 'session').data);
    expect(session.subject, session.subject).toMatch(/^\d{1,2} /);
    const change = sample('agenda-change', recipient).data;
    const agenda = render('agenda-change', language, change);
    const first = [...change.changes].sort(
      (a, b) => Date.parse(a.after.start) - Date.parse(b.after.start),
    )[0];
    const title = first?.after.title[language] ?? first?.after.title.en ?? '';
    expect(agenda.subject.startsWith(title), agenda.subject).toBe(true);
  });
});

describe('places in the reader language', () => {
  it.each(['ru', 'ar'])('%s: city, venue, rooms and speakers never fall back to English', (language) => {
    for (const s of samplesFor(sampleRecipient(language))) {
      const mail = render(s.kind, language, s.data as never);
      const body = cheerio.load(mail.html)('body').text();
      for (const english of [
        'Dushanbe',
        'State Conference Centre',
        'Plenary Hall',
        'Emomali Rahmon',
        'Hall B',
      ]) {
        expect(body, `${s.kind}: ${english}`).not.toContain(english);
        expect(mail.text, `${s.kind} text: ${english}`).not.toContain(english);
      }
    }
    const invitation = render('invitation', language, sample('invitation', sampleRecipient(language)).data);
    const city = SAMPLE_CONFERENCE.city as Record<string, string>;
    expect(cheerio.load(invitation.html)('body').text()).toContain(city[language]);
  });

  it.each(LANGUAGES)('%s: the header isolates "city · dates" so bidi cannot reorder them', (language) => {
    const $ = cheerio.load(
      render('invitation', language, sample('invitation', sampleRecipient(language)).data).html,
    );
    const spans = $('.band span[dir="auto"]');
    const city = SAMPLE_CONFERENCE.city as Record<string, string>;
    expect(spans.eq(0).text()).toBe(city[language]);
    expect(spans.eq(0).parent().text()).toBe(`${spans.eq(0).text()} · ${spans.eq(1).text()}`);
  });
});

describe('rendering details', () => {
  it.each(LANGUAGES)('%s: struck-through old values are styled inline', (language) => {
    const $ = cheerio.load(
      render('agenda-change', language, sample('agenda-change', sampleRecipient(language)).data).html,
    );
    const old = $('span[style*="line-through"]');
    expect(old.length).toBeGreaterThanOrEqual(2);
    expect($('.old').length).toBe(0);
  });

  it.each(LANGUAGES)('%s: no logical CSS properties, physical ones by direction', (language) => {
    for (const s of samplesFor(sampleRecipient(language))) {
      const html = render(s.kind, language, s.data as never).html;
      expect(html, s.kind).not.toMatch(/(?:margin|padding|border)-inline|inset-inline/);
    }
    const announcement = render(
      'announcement',
      language,
      sample('announcement', sampleRecipient(language)).data,
    ).html;
    const side = language === 'ar' ? 'right' : 'left';
    expect(cheerio.load(announcement)('style').text()).toContain(`border-${side}: 3px solid`);
  });

  it('Arabic text has a face on every major platform', () => {
    const html = render('invitation', 'ar', sample('invitation', sampleRecipient('ar')).data).html;
    const $ = cheerio.load(html);
    const stacks = $('[style*="font-family"]')
      .toArray()
      .map((el) => $(el).attr('style') ?? '');
    expect(stacks.length).toBeGreaterThan(0);
    for (const face of ['Segoe UI', 'Geeza Pro', 'Noto Sans Arabic', 'Tahoma']) {
      expect(
        stacks.every((style) => style.includes(face)),
        face,
      ).toBe(true);
    }
  });

  it.each(LANGUAGES)('%s: one time format (two-digit 24-hour clock)', (language) => {
    for (const s of samplesFor(sampleRecipient(language))) {
      const text = render(s.kind, language, s.data as never).text;
      const times = text.match(/(?<![\d:])\d{1,2}:\d{2}(?![\d:])/g) ?? [];
      for (const time of times) expect(time, `${s.kind}: ${time}`).toMatch(/^\d{2}:\d{2}$/);
      expect(text).not.toMatch(/\d{2}:\d{2}\s?(?:AM|PM|ص|م)(?![\p{L}])/u);
    }
  });

  it.each([
    ['en', 'Europe/Dublin', '(Dublin, UTC+1)'],
    ['en', 'Europe/London', '(London, UTC+1)'],
    ['ru', 'Europe/Dublin', '(UTC+1)'],
    ['ar', 'Europe/London', '(UTC+1)'],
  ])('%s, recipient in %s: the zone is named %s', (language, timeZone, label) => {
    const recipient = { ...sampleRecipient(language), timeZone };
    const text = render('invitation', language, sample('invitation', recipient).data).text;
    expect(text).toContain(label);
    expect(text).not.toMatch(/Ireland|Irish|United Kingdom|Великобритан|Ирланд|أيرلندا|المملكة المتحدة/);
  });

  it.each(LANGUAGES)('%s: organizer Markdown reads as plain text', (language) => {
    const text = render(
      'media-advisory',
      language,
      sample('media-advisory', sampleRecipient(language)).data,
    ).text;
    expect(text).not.toMatch(/\*\*|\]\(|__/);
    expect(text).toMatch(/ <https:\/\/conference\.example\.org\/dushanbe-2022\/media>/);
  });
});
