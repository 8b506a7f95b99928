/**
 * The real rendered mail for the console: a draft (before any mailing exists) rendered with the
 * same view data and precompiled templates the sender uses, for one real recipient of the
 * audience per language (a sample person when the audience has nobody in that language), and
 * one delivery's own mail.
 */
import { SAMPLE_RECIPIENTS } from '../../demo/samples.js';
import { MAILING_KINDS } from '../events/schemas.js';
import { sampleRecipients } from '../mailing/recipients.js';
import { render } from '../render/index.js';
import { mailDataFor } from '../sending/view-data.js';
import type { ConferenceRow, DeliveryRow, MailingRow, Recipient } from '../store/model.js';
import { getAgenda } from '../store/store.js';
import type { ApiDeps } from './deps.js';
import { badRequest } from './http.js';
import { audienceCount, type MailingInput, mailingEvent, requireConference } from './mailings.js';

/** Links in previews point nowhere real: a preview must never unsubscribe anyone. */
const PREVIEW_UNSUBSCRIBE_URL = 'https://unsubscribe.example.org/preview-only';
/** The console always shows these three, whatever the audience holds. */
export const PREVIEW_LANGUAGES = ['en', 'ru', 'ar'] as const;

export interface RenderedView {
  language: string;
  /** The catalog the mail was rendered in (English fallback shows as `en`). */
  rendered: string;
  dir: 'ltr' | 'rtl';
  subject: string;
  html: string;
  text: string;
  /** Whose data filled it: an address of the audience, or "sample". */
  recipient: string;
}

function sampleOf(language: string): Recipient {
  const p = SAMPLE_RECIPIENTS[language] ?? SAMPLE_RECIPIENTS.en;
  return {
    contactKey: p?.email ?? 'sample@example.org',
    email: p?.email ?? 'sample@example.org',
    givenName: p?.givenName ?? 'Sample',
    familyName: p?.familyName ?? 'Person',
    ...(p?.honorific ? { honorific: p.honorific } : {}),
    language,
    role: 'delegate',
    sessions: [],
    contactId: 'sample',
  };
}

function renderFor(
  mailing: Pick<MailingRow, 'kind' | 'content' | 'reminder' | 'agendaVersion'>,
  conference: ConferenceRow,
  agenda: Awaited<ReturnType<typeof getAgenda>>,
  delivery: Pick<DeliveryRow, 'recipient' | 'payload'>,
  language: string,
  recipientLabel: string,
): RenderedView {
  const data = mailDataFor(delivery, mailing, conference, agenda, PREVIEW_UNSUBSCRIBE_URL);
  const mail = render(mailing.kind, delivery.recipient.language ?? language, data as never);
  return {
    language,
    rendered: mail.language,
    dir: mail.dir === 'rtl' ? 'rtl' : 'ltr',
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    recipient: recipientLabel,
  };
}

/** Renders a draft in en, ru and ar, with the audience's count beside it. */
export async function previewDraft(deps: ApiDeps, conferenceId: string, input: MailingInput) {
  if (!(MAILING_KINDS as readonly unknown[]).includes(input.kind)) {
    throw badRequest(`Choose a kind of mailing: ${MAILING_KINDS.join(', ')}.`);
  }
  // Same validation as the real request, so the preview never shows what could not be sent.
  const event = mailingEvent(conferenceId, 'preview', input, true, { user: 'preview', groups: [] });
  const draft = event.data as Pick<MailingRow, 'kind' | 'content' | 'audience' | 'conferenceId'>;
  const { conference, agenda, count } = await contextOf(deps, conferenceId, input);
  const real = await sampleRecipients(deps.pipeline, { ...draft, conferenceId }, PREVIEW_LANGUAGES);
  const languages = PREVIEW_LANGUAGES.map((language) => {
    const recipient = real.get(language);
    return renderFor(
      draft,
      conference,
      agenda,
      { recipient: recipient ?? sampleOf(language) },
      language,
      recipient ? recipient.email : 'sample',
    );
  });
  return { count, languages };
}

async function contextOf(deps: ApiDeps, conferenceId: string, input: MailingInput) {
  const [count, agenda] = await Promise.all([
    audienceCount(deps, conferenceId, input),
    getAgenda(deps.pipeline, conferenceId),
  ]);
  return { conference: await requireConference(deps, conferenceId), agenda, count };
}

/** The mail of one delivery as its recipient got it (unsubscribe link neutralized). */
export async function renderDelivery(
  deps: ApiDeps,
  mailing: MailingRow,
  conference: ConferenceRow,
  delivery: DeliveryRow,
): Promise<RenderedView> {
  const agenda = await getAgenda(deps.pipeline, mailing.conferenceId);
  return renderFor(
    mailing,
    conference,
    agenda,
    delivery,
    delivery.recipient.language ?? 'en',
    delivery.recipient.email,
  );
}
