/**
 * Mail fit for ministers, end to end: the real intake, sender and MIME on the embedded stack, read
 * back with mailparser, cheerio and ical.js. The events are the contract fixtures: a Russian
 * "H.E. Mr." registrant, and an Arabic one with a structured title and gender, at a conference
 * whose city, venue, rooms and speakers are localized and which has a short name.
 */
import { readFile } from 'node:fs/promises';
import * as cheerio from 'cheerio';
import ICAL from 'ical.js';
import { type ParsedMail, simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually, useLocalStack } from './support/local-stack.js';
import { fixture, freshId, sendAndWait } from './support/pipeline.js';

const cid = 'dushanbe-2022';
const conference = fixture('conference.upserted').data as {
  name: Record<string, string>;
  shortName: Record<string, string>;
  city: Record<string, string>;
  venue: Record<string, string>;
};

function calendars(parsed: ParsedMail): ICAL.Component[] {
  return parsed.attachments
    .filter((a) => a.contentType.startsWith('text/calendar'))
    .map((a) => new ICAL.Component(ICAL.parse(a.content.toString('utf8'))));
}

const sequences = (calendar: ICAL.Component | undefined) =>
  new Map(
    (calendar?.getAllSubcomponents('vevent') ?? []).map(
      (e) => [String(e.getFirstPropertyValue('uid')), Number(e.getFirstPropertyValue('sequence'))] as const,
    ),
  );

describe('protocol-correct mail on the embedded stack', () => {
  const stack = useLocalStack({ environment: { SEND_RATE_PER_INVOCATION: '1000' } });
  const mailOf = async (mailingId: string): Promise<ParsedMail> => {
    const found = await eventually(
      async () =>
        stack.current.accepted.find((m) => m.tags.mailing === mailingId.replace(/[^A-Za-z0-9_-]/g, '_')),
      { what: `mail of ${mailingId}` },
    );
    return simpleParser(await readFile(found.emlPath));
  };

  beforeAll(async () => {
    await sendAndWait(stack.current, fixture('conference.upserted'));
    await sendAndWait(stack.current, fixture('agenda.changed'));
  });

  it('a Russian confirmation: short name as sender, salutation by rank, places and calendar in Russian', async () => {
    await sendAndWait(stack.current, fixture('registration.created'));
    const parsed = await mailOf(`confirmation-${cid}-reg-0001`);
    expect(parsed.from?.value[0]?.name).toBe(conference.shortName.ru);
    expect(parsed.subject).toContain(conference.shortName.ru);
    expect(parsed.subject).not.toContain(conference.name.ru);
    const $ = cheerio.load(String(parsed.html));
    expect($('.salutation').text()).toBe('Ваше Превосходительство!');
    expect($('.reference').text()).toBe('Его Превосходительство г-н Farrukh Karimov');
    const body = $('body').text();
    expect(body).toContain(conference.city.ru);
    expect(body).toContain('Пленарный зал');
    expect(body).not.toMatch(/Dushanbe|Plenary hall|H\.E\./);
    expect(parsed.text).not.toMatch(/Dushanbe|Plenary hall/);

    const [calendar] = calendars(parsed);
    const events = calendar?.getAllSubcomponents('vevent') ?? [];
    const opening = events.find((e) => String(e.getFirstPropertyValue('uid')).includes('opening-plenary'));
    expect(opening?.getFirstPropertyValue('location')).toBe(
      `Пленарный зал, ${conference.venue.ru}, ${conference.city.ru}`,
    );
    expect(String(opening?.getFirstPropertyValue('summary'))).toMatch(/^Открытие конференции/);
  });

  it('its cancellation withdraws every entry at a SEQUENCE above the one the confirmation sent', async () => {
    const published = sequences(calendars(await mailOf(`confirmation-${cid}-reg-0001`))[0]);
    await sendAndWait(stack.current, fixture('registration.cancelled'));
    const parsed = await mailOf(`cancellation-${cid}-reg-0001`);
    const cancel = calendars(parsed).find((c) => c.getFirstPropertyValue('method') === 'CANCEL');
    const withdrawn = sequences(cancel);
    expect(withdrawn.size).toBeGreaterThan(0);
    for (const [uid, sequence] of withdrawn) {
      expect(published.has(uid), uid).toBe(true);
      expect(sequence, uid).toBeGreaterThan(published.get(uid) ?? Number.POSITIVE_INFINITY);
    }
  });

  it('an Arabic minister with a structured title and gender: «معالي الدكتورة … المحترمة»', async () => {
    const event = fixture('registration.created');
    event.id = freshId('reg');
    event.data.registrationId = 'reg-ar-minister';
    event.data.person = {
      email: 'minister.ar@example.org',
      givenName: 'Maryam',
      familyName: 'Al-Mansouri',
      honorific: 'H.E. Dr.',
      gender: 'female',
      title: { office: 'minister' },
      language: 'ar',
      timeZone: 'Asia/Riyadh',
    };
    await sendAndWait(stack.current, event);
    const parsed = await mailOf(`confirmation-${cid}-reg-ar-minister`);
    expect(parsed.from?.value[0]?.name).toBe(conference.shortName.ar);
    const $ = cheerio.load(String(parsed.html));
    expect($('html').attr('dir')).toBe('rtl');
    expect($('.salutation').text()).toBe('معالي الدكتورة Maryam Al-Mansouri المحترمة،');
    const header = $('.band span[dir="auto"]').first();
    expect(header.text()).toBe(conference.city.ar);
    expect($('body').text()).not.toContain('Dushanbe');
  });
});
