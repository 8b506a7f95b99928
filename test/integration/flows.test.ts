import { readFile } from 'node:fs/promises';
import * as cheerio from 'cheerio';
import ICAL from 'ical.js';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { mailingProgress } from '../../functions/mailing/operations.js';
import { setClockOffset } from '../../functions/store/store.js';
import type { AcceptedMail } from '../../local/ses.js';
import { eventually, useLocalStack } from './support/local-stack.js';
import { headerLine } from './support/mail.js';
import { fixture, freshId, sendAndWait, storeOf } from './support/pipeline.js';
import { seedRegistrations } from './support/seed.js';

const cid = 'dushanbe-2022';

/** The calendar parts of a parsed mail, each parsed by ical.js (an independent parser). */
function calendars(parsed: Awaited<ReturnType<typeof simpleParser>>) {
  return parsed.attachments
    .filter((a) => a.contentType.startsWith('text/calendar'))
    .map((a) => new ICAL.Component(ICAL.parse(a.content.toString('utf8'))));
}

describe('mail that follows from events and the clock', () => {
  const stack = useLocalStack({ environment: { SEND_RATE_PER_INVOCATION: '1000' } });
  const store = () => storeOf(stack.current);
  const mailFor = (mailingId: string) =>
    eventually(
      async () => {
        const found = stack.current.accepted.filter(
          (m) => m.tags.mailing === mailingId.replace(/[^A-Za-z0-9_-]/g, '_'),
        );
        return found.length > 0 ? found : undefined;
      },
      { what: `mail of ${mailingId}` },
    );
  const parse = async (mail: AcceptedMail) => simpleParser(await readFile(mail.emlPath));
  const tick = async (iso: string) => {
    await setClockOffset(store(), Date.parse(iso) - Date.now());
    // Imported once the stack has set the environment, as the runner does.
    const { handler } = await import('../../functions/clock.js');
    await handler();
  };

  beforeAll(async () => {
    await sendAndWait(stack.current, fixture('conference.upserted'));
    await sendAndWait(stack.current, fixture('agenda.changed'));
  });

  it('confirms a registration in the delegate’s language, with calendar entries for the conference and their sessions', async () => {
    const event = fixture('registration.created');
    await sendAndWait(stack.current, event);
    const [mail] = await mailFor(`confirmation-${cid}-reg-0001`);
    if (!mail) throw new Error('no confirmation');
    expect(mail.destinations).toEqual(['f.karimov@example.org']);
    const parsed = await parse(mail);
    expect(headerLine(parsed, 'list-unsubscribe')).toBeUndefined();
    const $ = cheerio.load(String(parsed.html));
    expect($('html').attr('lang')).toBe('ru');
    expect(parsed.subject).toMatch(/[А-Яа-яЁё]/);
    const [calendar] = calendars(parsed);
    expect(calendar?.getFirstPropertyValue('method')).toBe('PUBLISH');
    const uids = (calendar?.getAllSubcomponents('vevent') ?? []).map((e) =>
      String(e.getFirstPropertyValue('uid')),
    );
    const sessions = (event.data.sessions as string[]).map((sid) => `session-${cid}-${sid}@mail.example.org`);
    expect(uids).toEqual(expect.arrayContaining([`conference-${cid}@mail.example.org`, ...sessions]));
    const opening = calendar
      ?.getAllSubcomponents('vevent')
      .find((e) => e.getFirstPropertyValue('uid') === `session-${cid}-opening-plenary@mail.example.org`);
    // 09:30 in Dushanbe (UTC+5) is 04:30 UTC.
    if (!opening) throw new Error('no calendar entry for the opening plenary');
    expect((opening.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe(
      '2022-10-18T04:30:00.000Z',
    );
  });

  it('sends a cancellation that withdraws the calendar entries', async () => {
    await sendAndWait(stack.current, fixture('registration.cancelled'));
    const [mail] = await mailFor(`cancellation-${cid}-reg-0001`);
    if (!mail) throw new Error('no cancellation');
    const parsed = await parse(mail);
    const methods = calendars(parsed).map((c) => c.getFirstPropertyValue('method'));
    expect(methods).toContain('CANCEL');
  });

  it('sends the day-before reminder to registrants only, and an hour-before reminder to a session’s registrants only', async () => {
    const people = await seedRegistrations(store(), cid, 6, {
      prefix: 'remind',
      sessions: (i) => (i < 2 ? ['opening-plenary', 'panel-small-arms'] : ['opening-plenary']),
    });
    await sendAndWait(stack.current, { ...fixture('press-contact.upserted'), id: freshId() });
    await tick('2022-10-17T10:00:00+05:00');
    const conferenceMailing = `reminder-${cid}-conference-P1D`;
    await eventually(async () => {
      const p = await mailingProgress(store(), conferenceMailing);
      return p && p.total > 0 && p.counts.queued === 0 ? p : undefined;
    });
    const toAll = (await mailFor(conferenceMailing)).flatMap((m) => m.destinations);
    expect(toAll).toEqual(expect.arrayContaining(people.map((p) => p.email)));
    const press = String(fixture('press-contact.upserted').data.email).toLowerCase();
    expect(toAll.map((a) => a.toLowerCase())).not.toContain(press);
    // A second tick in the same window plans nothing new.
    await tick('2022-10-17T10:05:00+05:00');
    expect((await mailingProgress(store(), conferenceMailing))?.total).toBe(toAll.length);

    await tick('2022-10-19T08:45:00+05:00');
    const sessionMailing = `reminder-${cid}-panel-small-arms-PT1H`;
    const toSession = (await mailFor(sessionMailing)).flatMap((m) => m.destinations);
    await eventually(async () =>
      (await mailingProgress(store(), sessionMailing))?.counts.queued === 0 ? true : undefined,
    );
    const all = stack.current.accepted
      .filter((m) => m.tags.mailing === sessionMailing)
      .flatMap((m) => m.destinations);
    expect(all.filter((a) => a.startsWith('remind-')).sort()).toEqual(
      people
        .slice(0, 2)
        .map((p) => p.email)
        .sort(),
    );
    expect(toSession.length).toBeGreaterThan(0);
    const parsed = await parse((await mailFor(sessionMailing))[0] as AcceptedMail);
    expect(headerLine(parsed, 'list-unsubscribe-post')).toBe(
      'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    );
    expect(headerLine(parsed, 'list-unsubscribe')).toMatch(
      /^List-Unsubscribe: <http:\/\/127\.0\.0\.1:\d+\/\?token=|^List-Unsubscribe: <http:\/\/127\.0\.0\.1:\d+\//,
    );
  });

  it('holds a mailing with a future sendAt until the clock reaches it', async () => {
    await seedRegistrations(store(), cid, 3, { prefix: 'later' });
    const request = fixture('mailing.requested');
    request.id = freshId();
    request.data = {
      conferenceId: cid,
      mailingId: 'later-announcement',
      kind: 'announcement',
      audience: { contactIds: ['later-reg-0', 'later-reg-1', 'later-reg-2'] },
      content: { subject: { en: 'Shuttle times' }, body: { en: 'Buses leave **every 20 minutes**.' } },
      sendAt: '2030-01-01T09:00:00+05:00',
      requestedBy: 'organizer@example.org',
    };
    await sendAndWait(stack.current, request);
    expect((await mailingProgress(store(), 'later-announcement'))?.state).toBe('scheduled');
    await tick('2030-01-01T08:00:00+05:00');
    expect((await mailingProgress(store(), 'later-announcement'))?.state).toBe('scheduled');
    await tick('2030-01-01T09:01:00+05:00');
    const sent = (await mailFor('later-announcement')).flatMap((m) => m.destinations);
    await eventually(async () =>
      stack.current.accepted.filter((m) => m.tags.mailing === 'later-announcement').length === 3
        ? true
        : undefined,
    );
    expect(sent.length).toBeGreaterThan(0);
    await setClockOffset(store(), 0);
  });
});
