import type { SessionChange as AgendaChange } from '../domain/agenda.js';
import type { Session } from '../events/schemas.js';
import { isFollowUp } from '../invitations/audience.js';
import { durationMs } from '../lib/duration.js';
import type { ConferenceInfo, MailData, MailKind, Person, SessionInfo } from '../render/index.js';
import type { AgendaRow, ConferenceRow, DeliveryRow, MailingRow, Recipient } from '../store/model.js';

/** What the RSVP endpoint stores on an answer's confirmation delivery. */
export interface RsvpConfirmationPayload {
  answer?: 'accept' | 'decline' | 'delegate';
  representative?: { name: string; email: string };
  registrationUrl?: string;
}

/** What the RSVP endpoint stores on a representative's note. */
export interface RepresentativeNotePayload {
  inviteeName?: string;
  registrationUrl?: string;
}

/** The conference projection as the templates see it. */
export function conferenceInfo(c: ConferenceRow): ConferenceInfo {
  return {
    conferenceId: c.conferenceId,
    name: c.name,
    shortName: c.shortName,
    city: c.city,
    venue: c.venue,
    timeZone: c.timeZone,
    start: c.start,
    end: c.end,
    organizers: c.organizers,
    website: c.website,
    replyTo: c.sender.replyTo,
    pressContacts: c.pressContacts,
  };
}

export function personOf(r: Recipient): Person {
  return {
    email: r.email,
    givenName: r.givenName,
    familyName: r.familyName,
    honorific: r.honorific,
    gender: r.gender,
    title: r.title,
    organization: r.organization ?? r.outlet,
    timeZone: r.timeZone,
  };
}

function sessionInfo(s: Session): SessionInfo {
  return {
    sessionId: s.sessionId,
    title: s.title,
    start: s.start,
    end: s.end,
    room: s.room,
    speakers: s.speakers,
    plenary: s.plenary,
    status: s.status,
  };
}

/** "P7D" → 1 week, "P1D" → 1 day, "PT1H" → 1 hour: how the reminder words its lead time. */
function leadTime(offset: string): { amount: number; unit: 'minute' | 'hour' | 'day' | 'week' } {
  const minutes = durationMs(offset) / 60_000;
  if (minutes % (7 * 24 * 60) === 0) return { amount: minutes / (7 * 24 * 60), unit: 'week' };
  if (minutes % (24 * 60) === 0) return { amount: minutes / (24 * 60), unit: 'day' };
  if (minutes % 60 === 0) return { amount: minutes / 60, unit: 'hour' };
  return { amount: minutes, unit: 'minute' };
}

/**
 * The render data for one delivery: projections and the delivery's recipient
 * snapshot, reshaped per kind. Nothing here is rendered or trusted; the
 * templates escape it all.
 */
export function mailDataFor(
  delivery: Pick<DeliveryRow, 'recipient' | 'payload'>,
  mailing: Pick<MailingRow, 'kind' | 'content' | 'reminder' | 'agendaVersion'> &
    Partial<Pick<MailingRow, 'audience'>>,
  conference: ConferenceRow,
  agenda: AgendaRow | undefined,
  unsubscribeUrl: string,
  rsvpUrl?: string,
): MailData {
  const base = { conference: conferenceInfo(conference), recipient: personOf(delivery.recipient) };
  const sessions = (agenda?.sessions ?? []).map(sessionInfo);
  const mine = sessions.filter((s) => delivery.recipient.sessions.includes(s.sessionId));
  const kind: MailKind = mailing.kind;
  switch (kind) {
    case 'invitation':
      return {
        ...base,
        unsubscribeUrl,
        registrationUrl: conference.website,
        highlights: sessions.filter((s) => s.plenary && s.status !== 'cancelled'),
        ...(rsvpUrl ? { rsvpUrl, followUp: isFollowUp(mailing.audience ?? {}) } : {}),
      };
    case 'confirmation':
      return {
        ...base,
        registrationId: delivery.recipient.contactId,
        role: delivery.recipient.role,
        sessions: mine,
      };
    case 'cancellation':
      return { ...base, registrationId: delivery.recipient.contactId, sessions: mine };
    case 'reminder': {
      const reminder = mailing.reminder ?? { target: 'conference' as const, offset: 'P1D' };
      const session = sessions.find((s) => s.sessionId === reminder.sessionId);
      if (reminder.target === 'session' && session) {
        return { ...base, unsubscribeUrl, variant: 'session', startsIn: leadTime(reminder.offset), session };
      }
      return {
        ...base,
        unsubscribeUrl,
        variant: 'conference',
        ...(mailing.reminder ? { startsIn: leadTime(reminder.offset) } : {}),
        sessions: mine,
      };
    }
    case 'agenda-change': {
      const changes = ((delivery.payload?.changes ?? []) as AgendaChange[]).map((c) =>
        c.kind === 'added'
          ? { after: sessionInfo(c.after) }
          : c.kind === 'removed'
            ? {
                before: sessionInfo(c.before),
                after: { ...sessionInfo(c.before), status: 'cancelled' as const },
              }
            : { before: sessionInfo(c.before), after: sessionInfo(c.after) },
      );
      return { ...base, version: mailing.agendaVersion ?? agenda?.version ?? 1, changes };
    }
    case 'media-advisory':
      return {
        ...base,
        unsubscribeUrl,
        subject: mailing.content?.subject ?? { en: '' },
        body: mailing.content?.body ?? { en: '' },
        embargoUntil: mailing.content?.embargoUntil,
        accreditation: { url: conference.website },
      };
    case 'announcement':
      return {
        ...base,
        unsubscribeUrl,
        subject: mailing.content?.subject ?? { en: '' },
        body: mailing.content?.body ?? { en: '' },
      };
    case 'rsvp-confirmation': {
      const p = (delivery.payload ?? {}) as RsvpConfirmationPayload;
      return {
        ...base,
        answer: p.answer ?? 'accept',
        ...(p.representative ? { representative: p.representative } : {}),
        ...(p.registrationUrl ? { registrationUrl: p.registrationUrl } : {}),
        ...(rsvpUrl ? { rsvpUrl } : {}),
      };
    }
    case 'representative-note': {
      const p = (delivery.payload ?? {}) as RepresentativeNotePayload;
      return {
        ...base,
        inviteeName: p.inviteeName ?? '',
        registrationUrl: p.registrationUrl ?? conference.website,
      };
    }
  }
}
