import ICAL from 'ical.js';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_CONFERENCE, SAMPLE_SESSIONS } from '../../../demo/samples.js';
import {
  buildCalendars,
  type CalendarRequest,
  conferenceUid,
  sessionUid,
} from '../../../functions/render/ical.js';
import type { SessionInfo } from '../../../functions/render/types.js';

const [OPENING, PANEL] = SAMPLE_SESSIONS as [SessionInfo, SessionInfo];
const DOMAIN = 'conference.example.org';

function request(overrides: Partial<CalendarRequest> = {}): CalendarRequest {
  return {
    domain: DOMAIN,
    conference: SAMPLE_CONFERENCE,
    language: 'en',
    agendaVersion: 2,
    sessions: [OPENING, PANEL],
    stamp: new Date('2022-10-01T00:00:00Z'),
    ...overrides,
  };
}

/** Parses with ical.js (an independent implementation) into method + events. */
function parse(content: string) {
  const calendar = new ICAL.Component(ICAL.parse(content));
  const events = calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      sequence: event.sequence,
      start: event.startDate,
      end: event.endDate,
      summary: event.summary,
      status: vevent.getFirstPropertyValue('status'),
      organizer: vevent.getFirstProperty('organizer'),
      attendee: vevent.getFirstProperty('attendee'),
    };
  });
  return { method: calendar.getFirstPropertyValue('method'), events };
}

describe('buildCalendars', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  it('publishes the conference and sessions with stable UIDs and SEQUENCE = agenda version', () => {
    const files = buildCalendars(request());
    expect(files.map((f) => [f.method, f.filename])).toEqual([['PUBLISH', 'calendar.ics']]);
    const { method, events } = parse(files[0]!.content);
    expect(method).toBe('PUBLISH');
    expect(events.map((e) => e.uid)).toEqual([
      'conference-dushanbe-2022@conference.example.org',
      'session-dushanbe-2022-opening@conference.example.org',
      'session-dushanbe-2022-panel-borders@conference.example.org',
    ]);
    expect(events.map((e) => e.sequence)).toEqual([0, 2, 2]);
    expect(events.every((e) => e.status === 'CONFIRMED')).toBe(true);
    // Published information, not a meeting request: no ORGANIZER, no ATTENDEE (see ical.ts).
    expect(events.every((e) => e.organizer === null && e.attendee === null)).toBe(true);
  });

  it('puts 09:00 in Dushanbe at 04:00 UTC, whatever the process time zone', () => {
    for (const tz of ['UTC', 'America/New_York', 'Asia/Tokyo']) {
      process.env.TZ = tz;
      const { events } = parse(buildCalendars(request())[0]!.content);
      const opening = events[1]!;
      expect(opening.start.toJSDate().toISOString()).toBe('2022-10-18T04:00:00.000Z');
      expect(opening.end.toJSDate().toISOString()).toBe('2022-10-18T05:30:00.000Z');
      // The conference is an all-day entry on its own calendar days, end exclusive.
      const conference = events[0]!;
      expect(conference.start.isDate).toBe(true);
      expect(conference.start.toString()).toBe('2022-10-18');
      expect(conference.end.toString()).toBe('2022-10-20');
    }
  });

  it('updates in place: a later agenda version keeps the UID and raises SEQUENCE', () => {
    const v2 = parse(buildCalendars(request({ agendaVersion: 2 }))[0]!.content).events;
    const moved = { ...PANEL, start: '2022-10-18T11:30:00+05:00', end: '2022-10-18T13:00:00+05:00' };
    const v3 = parse(
      buildCalendars(request({ agendaVersion: 3, sessions: [OPENING, moved] }))[0]!.content,
    ).events;
    expect(v3.map((e) => e.uid)).toEqual(v2.map((e) => e.uid));
    expect(v3[2]!.sequence).toBe(3);
    expect(v3[2]!.start.toJSDate().toISOString()).toBe('2022-10-18T06:30:00.000Z');
  });

  it('withdraws a cancelled session in a separate METHOD:CANCEL file', () => {
    const files = buildCalendars(
      request({
        agendaVersion: 4,
        includeConference: false,
        sessions: [OPENING, { ...PANEL, status: 'cancelled' }],
      }),
    );
    expect(files.map((f) => f.method)).toEqual(['PUBLISH', 'CANCEL']);
    const cancel = parse(files[1]!.content);
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.events).toHaveLength(1);
    expect(cancel.events[0]).toMatchObject({
      uid: sessionUid('dushanbe-2022', 'panel-borders', DOMAIN),
      sequence: 4,
      status: 'CANCELLED',
    });
    expect(parse(files[0]!.content).events.map((e) => e.uid)).toEqual([
      sessionUid('dushanbe-2022', 'opening', DOMAIN),
    ]);
  });

  it('withdraws everything when the registration is cancelled', () => {
    const files = buildCalendars(request({ cancelAll: true }));
    expect(files.map((f) => f.method)).toEqual(['CANCEL']);
    const { events } = parse(files[0]!.content);
    expect(events.map((e) => e.uid)).toContain(conferenceUid('dushanbe-2022', DOMAIN));
    expect(events.every((e) => e.status === 'CANCELLED')).toBe(true);
  });

  it('keeps hostile titles inside their property and ids inside the UID grammar', () => {
    const hostile: SessionInfo = {
      ...OPENING,
      sessionId: 'x y@z',
      title: { en: 'Title\r\nATTENDEE:mailto:victim@example.net\r\nEND:VEVENT' },
    };
    const { events } = parse(
      buildCalendars(request({ includeConference: false, sessions: [hostile] }))[0]!.content,
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.attendee).toBeNull();
    expect(events[0]!.summary).toBe('Title ATTENDEE:mailto:victim@example.net END:VEVENT');
    expect(events[0]!.uid).toBe('session-dushanbe-2022-x_20y_40z@conference.example.org');
  });

  it('uses the recipient language for summaries, with English fallback', () => {
    const ru = parse(buildCalendars(request({ language: 'ru' }))[0]!.content).events;
    expect(ru[1]!.summary).toBe('Открытие конференции');
    const fr = parse(buildCalendars(request({ language: 'fr' }))[0]!.content).events;
    expect(fr[1]!.summary).toBe('High-level opening session');
  });
});

describe('buildCalendars: withdrawing and languages', () => {
  const sequences = (content: string) =>
    new Map(parse(content).events.map((e) => [e.uid, e.sequence] as const));

  it('a CANCEL raises SEQUENCE above every version published before', () => {
    const published = sequences(buildCalendars(request())[0]!.content);
    const [cancel] = buildCalendars(request({ cancelAll: true }));
    expect(cancel?.method).toBe('CANCEL');
    const withdrawn = sequences(cancel!.content);
    expect([...withdrawn.keys()].sort()).toEqual([...published.keys()].sort());
    for (const [uid, sequence] of withdrawn) expect(sequence, uid).toBeGreaterThan(published.get(uid)!);
  });

  it('a session cancelled by a newer agenda version is withdrawn above the version that published it', () => {
    const v2 = sequences(buildCalendars(request({ includeConference: false }))[0]!.content);
    const files = buildCalendars(
      request({ agendaVersion: 3, includeConference: false, sessions: [{ ...PANEL, status: 'cancelled' }] }),
    );
    const cancel = files.find((f) => f.method === 'CANCEL')!;
    const uid = sessionUid(SAMPLE_CONFERENCE.conferenceId, PANEL.sessionId, DOMAIN);
    expect(sequences(cancel.content).get(uid)).toBeGreaterThan(v2.get(uid)!);
  });

  it.each([
    ['ru', 'Пленарный зал', 'Государственный конференц-центр', 'Душанбе'],
    ['ar', 'القاعة العامة', 'مركز المؤتمرات الحكومي', 'دوشنبه'],
  ])('writes LOCATION and SUMMARY in %s', (language, room, venue, city) => {
    const calendar = new ICAL.Component(ICAL.parse(buildCalendars(request({ language }))[0]!.content));
    const [conference, opening] = calendar.getAllSubcomponents('vevent');
    expect(conference?.getFirstPropertyValue('location')).toBe(`${venue}, ${city}`);
    expect(opening?.getFirstPropertyValue('location')).toBe(`${room}, ${venue}, ${city}`);
    expect(opening?.getFirstPropertyValue('summary')).toBe(OPENING.title[language]);
    expect(String(opening?.getFirstPropertyValue('description'))).toContain(
      language === 'ru' ? 'Эмомали Рахмон' : 'إمام علي رحمن',
    );
  });
});
