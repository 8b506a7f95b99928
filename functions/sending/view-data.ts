import type { Session } from '../events/schemas.js';
import { isFollowUp } from '../invitations/audience.js';
import { kindDefinition } from '../kinds/index.js';
import { durationMs } from '../lib/duration.js';
import type { ConferenceInfo, MailData, Person, SessionInfo } from '../render/index.js';
import type { AgendaRow, ConferenceRow, DeliveryRow, MailingRow, Recipient } from '../store/model.js';

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
  return kindDefinition(mailing.kind).viewData({
    base,
    delivery,
    mailing,
    conference,
    agenda,
    sessions,
    mine,
    unsubscribeUrl,
    rsvpUrl,
    sessionInfo,
    leadTime,
    isFollowUp,
  }) as MailData;
}
