import { selectInvitees } from '../invitations/select.js';
import { primaryLanguage } from '../lib/text.js';
import { pageOfInvitees } from '../store/invitees.js';
import type { ConferenceRow, MailingRow, PressRow, Recipient, RegistrationRow } from '../store/model.js';
import { pageOfContacts, type StoreDeps } from '../store/store.js';
import { matchesAudience, phasesFor, recipientOf } from './audience.js';

/** What a dry run reports: recipients per language, a sample subject per language. */
export interface MailingPreview {
  total: number;
  perLanguage: Record<string, number>;
  subjects: Record<string, string>;
}

/** Renders a subject for a sample recipient; injected so planning code does not load templates. */
export type SubjectRenderer = (
  mailing: MailingRow,
  conference: ConferenceRow,
  recipient: Recipient,
) => string;

let subjectRenderer: SubjectRenderer | undefined;

/** Wires the renderer used for sample subjects (set by the handlers that have templates). */
export function useSubjectRenderer(renderer: SubjectRenderer): void {
  subjectRenderer = renderer;
}

/**
 * Every recipient of a mailing's audience, once per address, read the way planning reads them:
 * its phases in order, its filters, active contacts only, invitees without an active
 * registration. Suppressions are the caller's to check.
 */
export async function* audienceRecipients(
  deps: StoreDeps,
  mailing: Pick<MailingRow, 'conferenceId' | 'kind' | 'audience'>,
): AsyncGenerator<Recipient> {
  const seen = new Set<string>();
  for (const phase of phasesFor(mailing.kind, mailing.audience)) {
    let cursor: string | undefined;
    do {
      let recipients: Recipient[];
      if (phase === 'invitees') {
        const page = await pageOfInvitees(deps, mailing.conferenceId, cursor, 500);
        recipients = (await selectInvitees(deps, mailing, page.items)).map((s) => s.recipient);
        cursor = page.next;
      } else {
        const page = await pageOfContacts<RegistrationRow | PressRow>(
          deps,
          mailing.conferenceId,
          phase === 'registrations' ? 'REG#' : 'PRESS#',
          cursor,
          500,
        );
        recipients = page.items
          .filter((row) => row.status === 'active')
          .map(recipientOf)
          .filter((recipient) => matchesAudience(recipient, mailing.audience));
        cursor = page.next;
      }
      for (const recipient of recipients) {
        if (seen.has(recipient.contactKey)) continue;
        seen.add(recipient.contactKey);
        yield recipient;
      }
    } while (cursor);
  }
}

/**
 * A dry run: resolves the audience exactly as planning would (same filters,
 * same phases, one per address) but writes nothing and sends nothing.
 */
export async function previewMailing(
  deps: StoreDeps & { isSuppressed?: (contactKey: string, cid: string) => Promise<boolean> },
  conference: ConferenceRow,
  mailing: Pick<MailingRow, 'kind' | 'audience'> & Partial<MailingRow>,
): Promise<MailingPreview> {
  let total = 0;
  const perLanguage: Record<string, number> = {};
  const samples = new Map<string, Recipient>();
  for await (const recipient of audienceRecipients(deps, {
    ...mailing,
    conferenceId: conference.conferenceId,
  })) {
    if (await deps.isSuppressed?.(recipient.contactKey, conference.conferenceId)) continue;
    total++;
    const language = primaryLanguage(recipient.language);
    perLanguage[language] = (perLanguage[language] ?? 0) + 1;
    if (!samples.has(language)) samples.set(language, recipient);
  }
  const subjects: Record<string, string> = {};
  if (subjectRenderer) {
    for (const [language, recipient] of samples) {
      subjects[language] = subjectRenderer(mailing as MailingRow, conference, recipient);
    }
  }
  return { total, perLanguage, subjects };
}

/**
 * One real recipient per language from the mailing's audience (see {@link audienceRecipients}),
 * reading no further than until every wanted language has one.
 */
export async function sampleRecipients(
  deps: StoreDeps,
  mailing: Pick<MailingRow, 'conferenceId' | 'kind' | 'audience'>,
  languages: readonly string[],
): Promise<Map<string, Recipient>> {
  const wanted = new Set(languages);
  const found = new Map<string, Recipient>();
  if (wanted.size === 0) return found;
  for await (const recipient of audienceRecipients(deps, mailing)) {
    const language = primaryLanguage(recipient.language);
    if (!wanted.has(language) || found.has(language)) continue;
    found.set(language, recipient);
    if (found.size === wanted.size) break;
  }
  return found;
}
