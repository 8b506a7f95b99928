import { hasOrganizerContent, isBulkKind, kindDefinition } from '../kinds/index.js';
import type { Env } from '../lib/config.js';
import { fill } from '../render/fill.js';
import { pickLocalized, RenderError } from '../render/format.js';
import { buildCalendars, type CalendarFile } from '../render/ical.js';
import type { MailData, MarkdownRenderer } from '../render/index.js';
import { composeMime } from '../render/mime.js';
import { preparedRenderer } from '../render/prepared.js';
import { rsvpExpiry, rsvpUrl } from '../rsvp/token.js';
import type { AgendaRow, ConferenceRow, DeliveryRow, MailingRow } from '../store/model.js';
import { getAgenda, getConference, getMailing, getPreparedText, type StoreDeps } from '../store/store.js';
import { loadUnsubscribeKeys, type UnsubscribeKeys, unsubscribeUrl } from '../unsubscribe/token.js';
import { cachedReader } from './cache.js';
import { conferenceInfo, mailDataFor } from './view-data.js';

export type ComposeEnv = Pick<
  Env,
  'SENDER_DOMAIN' | 'FROM_ADDRESS' | 'UNSUBSCRIBE_BASE_URL' | 'UNSUBSCRIBE_KEYS' | 'UNSUBSCRIBE_KEY_PARAMETER'
> &
  Partial<Pick<Env, 'RSVP_BASE_URL'>>;

/** What a composer needs of a delivery: its planned part and its address key. */
export type MailTarget = Pick<DeliveryRow, 'contactKey' | 'deliveryId' | 'recipient' | 'payload'>;

export interface ComposedMail {
  raw: Buffer;
  from: string;
  subject: string;
}

/**
 * The calendar files a kind carries (its registry entry says which entries; see `functions/kinds/`),
 * in the catalog language the mail was rendered in (`ru-RU` → `ru`), so the calendar matches it.
 */
function calendarsFor(
  mailing: MailingRow,
  conference: ConferenceRow,
  agenda: AgendaRow | undefined,
  domain: string,
  language: string,
  data: MailData,
): CalendarFile[] {
  const entries = kindDefinition(mailing.kind).calendars?.(data, agenda);
  if (entries === undefined) return [];
  return buildCalendars({ domain, conference: conferenceInfo(conference), language, ...entries });
}

/** A renderer for kinds without organizer text: nothing of theirs is Markdown. */
const noMarkdown: MarkdownRenderer = () => {
  throw new RenderError('this kind of mail carries no organizer text');
};

/**
 * Builds a composer: delivery + mailing → the raw MIME message. The conference
 * and agenda are read through short caches (one read per batch, not per
 * recipient); the unsubscribe keys are loaded once per container by
 * `loadUnsubscribeKeys`, which keeps a success and forgets a failure (a failed
 * read kept here would fail every later bulk mail of the container).
 */
export function composerFor(
  store: StoreDeps,
  env: ComposeEnv,
  /** Whose prepared text a mailing renders with (a test mail's is its mailing's); its own by default. */
  options: { preparedFor?: (mailing: MailingRow) => string } = {},
): (delivery: MailTarget, mailing: MailingRow) => Promise<ComposedMail> {
  const conferences = cachedReader((id) => getConference(store, id), 30_000);
  const agendas = cachedReader((id) => getAgenda(store, id), 5_000);
  // The organizer text intake prepared (render/prepared.ts), read and unpacked once per mailing
  // and cache period, as the mailing row is.
  const prepared = cachedReader(async (id) => getPreparedText(store, id), 10_000);
  const renderers = new WeakMap<Uint8Array, { content: unknown; renderer: MarkdownRenderer }>();
  const markdownOf = async (mailing: MailingRow): Promise<MarkdownRenderer> => {
    if (!hasOrganizerContent(mailing.kind) || mailing.content === undefined) return noMarkdown;
    const id = options.preparedFor?.(mailing) ?? mailing.mailingId;
    const packed = await prepared(id);
    const hit = packed && renderers.get(packed);
    if (hit && hit.content === mailing.content) return hit.renderer;
    try {
      const renderer = preparedRenderer(mailing.content, packed);
      if (packed) renderers.set(packed, { content: mailing.content, renderer });
      return renderer;
    } catch (error) {
      // Not prepared, or not for this content (a mailing stored by an earlier version), is a
      // passing fault: the clock prepares it (clock/sweep.ts) and the job comes back. Nothing
      // of it is kept, so the next job reads the item again.
      prepared.forget(id);
      throw error;
    }
  };

  return async (delivery, mailing) => {
    // Reads first: a fault here is a passing one (thrown as it is, and retried by the sender).
    const conference = await conferences(mailing.conferenceId);
    if (!conference) throw new RenderError(`conference ${mailing.conferenceId} is not known`);
    const agenda = await agendas(mailing.conferenceId);
    // Bulk mail signs an unsubscribe link; mail to an invitee signs their RSVP link (same keys).
    const needsKeys =
      isBulkKind(mailing.kind) ||
      (delivery.recipient.inviteeId !== undefined && kindDefinition(mailing.kind).rsvpLink);
    const keys = needsKeys ? await loadUnsubscribeKeys(env) : undefined;
    const markdown = await markdownOf(mailing);
    // The rest is pure: whatever fails in it fails the same way every time, so it is a RenderError.
    try {
      return await build(delivery, mailing, conference, agenda, keys, markdown);
    } catch (error) {
      if (error instanceof RenderError) throw error;
      throw new RenderError(error instanceof Error ? error.message : String(error), { cause: error });
    }
  };

  async function build(
    delivery: MailTarget,
    mailing: MailingRow,
    conference: ConferenceRow,
    agenda: AgendaRow | undefined,
    keys: UnsubscribeKeys | undefined,
    markdown: MarkdownRenderer,
  ): Promise<ComposedMail> {
    const unsubscribe =
      keys && isBulkKind(mailing.kind)
        ? unsubscribeUrl(env.UNSUBSCRIBE_BASE_URL, keys, {
            conferenceId: mailing.conferenceId,
            contactKey: delivery.contactKey,
            scope: 'bulk',
          })
        : undefined;
    const inviteeId = delivery.recipient.inviteeId;
    const rsvp =
      keys && inviteeId && env.RSVP_BASE_URL && kindDefinition(mailing.kind).rsvpLink
        ? rsvpUrl(env.RSVP_BASE_URL, keys, {
            conferenceId: mailing.conferenceId,
            inviteeId,
            exp: rsvpExpiry(conference.end, store.now()),
          })
        : undefined;
    const data = mailDataFor(delivery, mailing, conference, agenda, unsubscribe ?? '', rsvp);
    const rendered = fill(mailing.kind, delivery.recipient.language, data as never, markdown);
    // The configured sender identity is what SES verified; the conference's own From is used
    // only when it is on that domain.
    const senderDomain = env.SENDER_DOMAIN.toLowerCase();
    const from = conference.sender.from.toLowerCase().endsWith(`@${senderDomain}`)
      ? conference.sender.from
      : env.FROM_ADDRESS;
    const raw = await composeMime({
      kind: mailing.kind,
      // The short name: the official one can run to 150 characters and fill the inbox list.
      from: {
        address: from,
        name: pickLocalized(conference.shortName ?? conference.name, rendered.language),
      },
      to: {
        address: delivery.recipient.email,
        name: `${delivery.recipient.givenName} ${delivery.recipient.familyName}`.trim(),
      },
      ...(conference.sender.replyTo ? { replyTo: { address: conference.sender.replyTo } } : {}),
      mailingId: mailing.mailingId,
      deliveryId: delivery.deliveryId,
      rendered,
      ...(unsubscribe ? { unsubscribe: { url: unsubscribe } } : {}),
      calendars: calendarsFor(mailing, conference, agenda, senderDomain, rendered.language, data),
      messageIdDomain: senderDomain,
    });
    return { raw, from, subject: rendered.subject };
  }
}

/**
 * A test send: the mailing as one recipient would get it, addressed to `to`; records nothing.
 * Callers go through mailing/test-mail.ts, which prepares the mailing's text first.
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
  return composerFor(store, env, { preparedFor: () => mailing.mailingId })(delivery, {
    ...mailing,
    mailingId: `${mailing.mailingId}-test`,
  });
}
