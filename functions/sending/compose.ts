import type { Env } from '../lib/config.js';
import { isBulk } from '../mailing/audience.js';
import { pickLocalized } from '../render/format.js';
import { buildCalendars, type CalendarFile } from '../render/ical.js';
import { render, type SessionInfo } from '../render/index.js';
import { composeMime } from '../render/mime.js';
import { rsvpExpiry, rsvpUrl } from '../rsvp/token.js';
import type { AgendaRow, ConferenceRow, DeliveryRow, MailingRow } from '../store/model.js';
import { getAgenda, getConference, getMailing, type StoreDeps } from '../store/store.js';
import { loadUnsubscribeKeys, unsubscribeUrl } from '../unsubscribe/token.js';
import { cachedReader } from './cache.js';
import { conferenceInfo, mailDataFor } from './view-data.js';

export type ComposeEnv = Pick<
  Env,
  'SENDER_DOMAIN' | 'FROM_ADDRESS' | 'UNSUBSCRIBE_BASE_URL' | 'UNSUBSCRIBE_KEYS' | 'UNSUBSCRIBE_KEY_PARAMETER'
> &
  Partial<Pick<Env, 'RSVP_BASE_URL'>>;

/** Kinds that carry the invitee's personal RSVP link (when the recipient is an invitee). */
const RSVP_LINK_KINDS: ReadonlySet<string> = new Set(['invitation', 'rsvp-confirmation']);

export interface ComposedMail {
  raw: Buffer;
  from: string;
  subject: string;
}

/**
 * The calendar files a kind carries: the confirmation publishes the conference
 * and the delegate's sessions; the cancellation withdraws them; an agenda
 * change republishes the changed sessions at the new SEQUENCE (CANCEL for a
 * cancelled one). Bulk mail carries none.
 */
function calendarsFor(
  delivery: DeliveryRow,
  mailing: MailingRow,
  conference: ConferenceRow,
  agenda: AgendaRow | undefined,
  domain: string,
  data: { sessions?: readonly SessionInfo[]; changes?: readonly { after: SessionInfo }[]; version?: number },
): CalendarFile[] {
  const common = {
    domain,
    conference: conferenceInfo(conference),
    language: delivery.recipient.language ?? 'en',
  };
  switch (mailing.kind) {
    case 'confirmation':
      return buildCalendars({
        ...common,
        agendaVersion: agenda?.version ?? 0,
        sessions: data.sessions ?? [],
      });
    case 'cancellation':
      return buildCalendars({
        ...common,
        agendaVersion: agenda?.version ?? 0,
        sessions: data.sessions ?? [],
        cancelAll: true,
      });
    case 'agenda-change':
      return buildCalendars({
        ...common,
        agendaVersion: data.version ?? agenda?.version ?? 1,
        includeConference: false,
        sessions: (data.changes ?? []).map((c) => c.after),
      });
    default:
      return [];
  }
}

/**
 * Builds a composer: delivery + mailing → the raw MIME message. The conference
 * and agenda are read through short caches (one read per batch, not per
 * recipient); the unsubscribe keys are loaded once per container.
 */
export function composerFor(
  store: StoreDeps,
  env: ComposeEnv,
): (delivery: DeliveryRow, mailing: MailingRow) => Promise<ComposedMail> {
  const conferences = cachedReader((id) => getConference(store, id), 30_000);
  const agendas = cachedReader((id) => getAgenda(store, id), 5_000);
  let keys: ReturnType<typeof loadUnsubscribeKeys> | undefined;

  return async (delivery, mailing) => {
    const conference = await conferences(mailing.conferenceId);
    if (!conference) throw new Error(`conference ${mailing.conferenceId} is not known`);
    const agenda = await agendas(mailing.conferenceId);
    let unsubscribe: string | undefined;
    if (isBulk(mailing.kind)) {
      keys ??= loadUnsubscribeKeys(env);
      unsubscribe = unsubscribeUrl(env.UNSUBSCRIBE_BASE_URL, await keys, {
        conferenceId: mailing.conferenceId,
        contactKey: delivery.contactKey,
        scope: 'bulk',
      });
    }
    let rsvp: string | undefined;
    const inviteeId = delivery.recipient.inviteeId;
    if (inviteeId && env.RSVP_BASE_URL && RSVP_LINK_KINDS.has(mailing.kind)) {
      keys ??= loadUnsubscribeKeys(env);
      rsvp = rsvpUrl(env.RSVP_BASE_URL, await keys, {
        conferenceId: mailing.conferenceId,
        inviteeId,
        exp: rsvpExpiry(conference.end, store.now()),
      });
    }
    const data = mailDataFor(delivery, mailing, conference, agenda, unsubscribe ?? '', rsvp);
    const rendered = render(mailing.kind, delivery.recipient.language, data as never);
    // The configured sender identity is what SES verified; the conference's own From is used
    // only when it is on that domain.
    const senderDomain = env.SENDER_DOMAIN.toLowerCase();
    const from = conference.sender.from.toLowerCase().endsWith(`@${senderDomain}`)
      ? conference.sender.from
      : env.FROM_ADDRESS;
    const raw = await composeMime({
      kind: mailing.kind,
      from: { address: from, name: pickLocalized(conference.name, rendered.language) },
      to: {
        address: delivery.recipient.email,
        name: `${delivery.recipient.givenName} ${delivery.recipient.familyName}`.trim(),
      },
      ...(conference.sender.replyTo ? { replyTo: { address: conference.sender.replyTo } } : {}),
      mailingId: mailing.mailingId,
      deliveryId: delivery.deliveryId,
      rendered,
      ...(unsubscribe ? { unsubscribe: { url: unsubscribe } } : {}),
      calendars: calendarsFor(delivery, mailing, conference, agenda, senderDomain, data as never),
      messageIdDomain: senderDomain,
    });
    return { raw, from, subject: rendered.subject };
  };
}

/**
 * A test send: the mailing as one recipient would get it, addressed to `to`.
 * Used by `communique mailing test-send`; records nothing.
 */
export async function composeTestMail(
  store: StoreDeps,
  env: ComposeEnv,
  options: { mailingId: string; to: string; language?: string },
): Promise<ComposedMail> {
  const mailing = await getMailing(store, options.mailingId);
  if (!mailing) throw new Error(`mailing "${options.mailingId}" is unknown`);
  const delivery: DeliveryRow = {
    mailingId: mailing.mailingId,
    contactKey: options.to.toLowerCase(),
    deliveryId: 'test-send',
    conferenceId: mailing.conferenceId,
    kind: mailing.kind,
    state: 'sending',
    recipient: {
      contactKey: options.to.toLowerCase(),
      email: options.to,
      givenName: 'Test',
      familyName: 'Recipient',
      role: 'delegate',
      sessions: [],
      contactId: 'test-send',
      ...(options.language ? { language: options.language } : {}),
    },
    attempts: 0,
    createdAt: '',
    updatedAt: '',
    expiresAt: 0,
  };
  return composerFor(store, env)(delivery, { ...mailing, mailingId: `${mailing.mailingId}-test` });
}
