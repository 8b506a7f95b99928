/**
 * Calendar files (.ics) for confirmations, cancellations and agenda changes, built with
 * ical-generator.
 *
 * Updating in place: every entry has a stable UID — `conference-<conferenceId>@<domain>` and
 * `session-<conferenceId>-<sessionId>@<domain>` — and session entries carry SEQUENCE = the agenda
 * version, so a calendar that imported version 2 replaces the entry when version 3 arrives (same
 * UID, higher SEQUENCE) instead of adding a second one.
 *
 * METHOD and ORGANIZER: we send METHOD:PUBLISH (and METHOD:CANCEL to withdraw entries) and no
 * ORGANIZER or ATTENDEE. REQUEST would make this an invitation to a meeting we organize: clients
 * show Accept/Decline and send an iTIP REPLY to the ORGANIZER for every delegate who answers. Even
 * ORGANIZER alone is enough for some calendar apps to mail "accepted" to that address whenever
 * someone adds the entry — the reason pretix declined to add it (PR #3211, following #2419): the
 * organizer's inbox fills with acceptances nobody asked for. A conference is published
 * information, not a negotiated meeting, so PUBLISH without ORGANIZER describes it honestly.
 * The cost, which pretix accepted too: Gmail shows "Unknown organizer", and a client that matches
 * a CANCEL to the entry's organizer before applying it may not remove the entry by itself — so
 * withdrawn entries also carry STATUS:CANCELLED, and a client that treats the file as an update
 * still shows them as cancelled.
 *
 * Times are written in UTC (`DTSTART:20221018T040000Z` for 09:00 in Dushanbe). ical-generator can
 * emit TZID-local times, but for plain `Date` values it takes the wall-clock fields from the
 * *process* time zone (UTC in Lambda), which would silently label 04:00 as Dushanbe time; a UTC
 * instant is unambiguous and every client shows it in the viewer's own zone. The venue time is
 * spelled out in the mail body.
 */
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator';
import { parseCalendarDate, parseInstant, pickLocalized, RenderError, singleLine } from './format.js';
import type { ConferenceInfo, SessionInfo } from './types.js';

/** One .ics file to attach. A file holds one METHOD, so publishing and withdrawing take two. */
export interface CalendarFile {
  readonly method: 'PUBLISH' | 'CANCEL';
  readonly filename: string;
  /** iCalendar text (CRLF line endings, folded at 75 octets). */
  readonly content: string;
}

/** What to put in the calendar file(s). */
export interface CalendarRequest {
  /** Right-hand side of every UID, e.g. the sending domain `conference.example.org`. */
  readonly domain: string;
  readonly conference: ConferenceInfo;
  /** Language of summaries and locations (fallback English). */
  readonly language: string;
  /** The agenda version: SEQUENCE of every session entry. */
  readonly agendaVersion: number;
  /** SEQUENCE of the conference entry (its dates rarely change); default 0. */
  readonly conferenceSequence?: number | undefined;
  /** Include the whole-conference entry; default true. */
  readonly includeConference?: boolean | undefined;
  /** Sessions to publish; those with status `cancelled` are withdrawn (CANCEL). */
  readonly sessions?: readonly SessionInfo[] | undefined;
  /** The registration was cancelled: withdraw every entry. */
  readonly cancelAll?: boolean | undefined;
  /** DTSTAMP; defaults to now. Clients compare it when SEQUENCE is equal. */
  readonly stamp?: Date | undefined;
}

// UID and file names keep to a conservative character set; anything else is hex-escaped so two
// different ids can never map to the same UID.
function idPart(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, (c) => `_${c.codePointAt(0)?.toString(16)}`);
}

function checkDomain(domain: string): string {
  const trimmed = domain.trim().toLowerCase();
  if (!/^[a-z0-9-]+(?:\.[a-z0-9-]+)+$/.test(trimmed)) {
    throw new RenderError(`calendar UID domain ${JSON.stringify(domain)} is not a domain name`);
  }
  return trimmed;
}

/** The UID of the whole-conference entry. */
export function conferenceUid(conferenceId: string, domain: string): string {
  return `conference-${idPart(conferenceId)}@${checkDomain(domain)}`;
}

/** The UID of a session entry; stable across agenda versions. */
export function sessionUid(conferenceId: string, sessionId: string, domain: string): string {
  return `session-${idPart(conferenceId)}-${idPart(sessionId)}@${checkDomain(domain)}`;
}

interface Entry {
  readonly uid: string;
  readonly sequence: number;
  readonly cancelled: boolean;
  readonly allDay: boolean;
  readonly start: Date;
  readonly end: Date;
  readonly summary: string;
  readonly location: string;
  readonly description: string;
}

/**
 * The SEQUENCE of an entry. RFC 5546 §2.1.4: a client applies a CANCEL only when its SEQUENCE is
 * not lower than the entry it holds, and some (Outlook, older Apple Calendar) ignore one that is
 * merely equal. A registration's entries were last published at `published` (the conference at
 * its sequence, sessions at the agenda version of the confirmation or of a later notice, never
 * above the current version), so withdrawing them all uses `published + 1`. A session cancelled
 * by an agenda change needs no bump: its CANCEL carries the new version, already above every
 * version sent for it before.
 */
function withdrawnSequence(published: number, cancelAll: boolean): number {
  return cancelAll ? published + 1 : published;
}

function entries(request: CalendarRequest): Entry[] {
  const { conference, language } = request;
  const name = singleLine(pickLocalized(conference.name, language));
  const place = [pickLocalized(conference.venue, language), pickLocalized(conference.city, language)]
    .map(singleLine)
    .filter((part) => part !== '')
    .join(', ');
  const list: Entry[] = [];
  if (request.includeConference !== false) {
    const start = parseCalendarDate(conference.start, 'conference start');
    const last = parseCalendarDate(conference.end, 'conference end');
    list.push({
      uid: conferenceUid(conference.conferenceId, request.domain),
      sequence: withdrawnSequence(request.conferenceSequence ?? 0, request.cancelAll === true),
      cancelled: request.cancelAll === true,
      allDay: true,
      start,
      // DTEND of an all-day entry is exclusive: the day after the last day.
      end: new Date(Math.max(last.getTime(), start.getTime()) + 86_400_000),
      summary: name,
      location: place,
      description: conference.website ?? '',
    });
  }
  for (const session of request.sessions ?? []) {
    const room = singleLine(pickLocalized(session.room, language));
    const speakers = (session.speakers ?? [])
      .map((speaker) => singleLine(pickLocalized(speaker, language)))
      .filter((s) => s !== '');
    list.push({
      uid: sessionUid(conference.conferenceId, session.sessionId, request.domain),
      sequence: withdrawnSequence(request.agendaVersion, request.cancelAll === true),
      cancelled: request.cancelAll === true || session.status === 'cancelled',
      allDay: false,
      start: parseInstant(session.start, `session ${session.sessionId} start`),
      end: parseInstant(session.end, `session ${session.sessionId} end`),
      summary: singleLine(pickLocalized(session.title, language)),
      location: [room, place].filter((part) => part !== '').join(', '),
      description: [name, speakers.join(', ')].filter((part) => part !== '').join('\n'),
    });
  }
  return list;
}

function calendarFile(
  method: 'PUBLISH' | 'CANCEL',
  list: readonly Entry[],
  request: CalendarRequest,
): CalendarFile {
  const calendar = ical({
    prodId: { company: 'communique', product: 'render', language: 'EN' },
    method: method === 'PUBLISH' ? ICalCalendarMethod.PUBLISH : ICalCalendarMethod.CANCEL,
  });
  const stamp = request.stamp ?? new Date();
  const url = request.conference.website;
  for (const entry of list) {
    calendar.createEvent({
      id: entry.uid,
      sequence: entry.sequence,
      stamp,
      start: entry.start,
      end: entry.end,
      allDay: entry.allDay,
      summary: entry.summary,
      location: entry.location === '' ? null : entry.location,
      description: entry.description === '' ? null : entry.description,
      url: url !== undefined && /^https?:\/\//i.test(url) ? url : null,
      status: entry.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  const filename = method === 'PUBLISH' ? 'calendar.ics' : 'cancelled.ics';
  return { method, filename, content: calendar.toString() };
}

/**
 * Builds the calendar attachments for a mail: one PUBLISH file for entries to add or update and
 * one CANCEL file for entries to withdraw (a file has a single METHOD); empty when there is
 * nothing to put in either.
 */
export function buildCalendars(request: CalendarRequest): CalendarFile[] {
  if (!Number.isInteger(request.agendaVersion) || request.agendaVersion < 0) {
    throw new RenderError('agendaVersion must be a non-negative integer');
  }
  const list = entries(request);
  const files: CalendarFile[] = [];
  const published = list.filter((entry) => !entry.cancelled);
  const withdrawn = list.filter((entry) => entry.cancelled);
  if (published.length > 0) files.push(calendarFile('PUBLISH', published, request));
  if (withdrawn.length > 0) files.push(calendarFile('CANCEL', withdrawn, request));
  return files;
}
