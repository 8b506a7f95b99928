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
 * A dry run: resolves the audience exactly as planning would (same filters,
 * same phases, one per address) but writes nothing and sends nothing.
 */
export async function previewMailing(
  deps: StoreDeps & { isSuppressed?: (contactKey: string, cid: string) => Promise<boolean> },
  conference: ConferenceRow,
  mailing: Pick<MailingRow, 'kind' | 'audience'> & Partial<MailingRow>,
): Promise<MailingPreview> {
  const seen = new Set<string>();
  const perLanguage: Record<string, number> = {};
  const samples = new Map<string, Recipient>();
  for (const phase of phasesFor(mailing.kind, mailing.audience)) {
    let cursor: string | undefined;
    do {
      if (phase === 'invitees') {
        const invitees = await pageOfInvitees(deps, conference.conferenceId, cursor, 500);
        for (const { recipient } of await selectInvitees(
          deps,
          { ...mailing, conferenceId: conference.conferenceId },
          invitees.items,
        )) {
          if (seen.has(recipient.contactKey)) continue;
          if (await deps.isSuppressed?.(recipient.contactKey, conference.conferenceId)) continue;
          seen.add(recipient.contactKey);
          const language = primaryLanguage(recipient.language);
          perLanguage[language] = (perLanguage[language] ?? 0) + 1;
          if (!samples.has(language)) samples.set(language, recipient);
        }
        cursor = invitees.next;
        continue;
      }
      const page = await pageOfContacts<RegistrationRow | PressRow>(
        deps,
        conference.conferenceId,
        phase === 'registrations' ? 'REG#' : 'PRESS#',
        cursor,
        500,
      );
      for (const row of page.items) {
        if (row.status !== 'active' || seen.has(row.contactKey)) continue;
        const recipient = recipientOf(row);
        if (!matchesAudience(recipient, mailing.audience)) continue;
        if (await deps.isSuppressed?.(row.contactKey, conference.conferenceId)) continue;
        seen.add(row.contactKey);
        const language = primaryLanguage(recipient.language);
        perLanguage[language] = (perLanguage[language] ?? 0) + 1;
        if (!samples.has(language)) samples.set(language, recipient);
      }
      cursor = page.next;
    } while (cursor);
  }
  const subjects: Record<string, string> = {};
  if (subjectRenderer) {
    for (const [language, recipient] of samples) {
      subjects[language] = subjectRenderer(mailing as MailingRow, conference, recipient);
    }
  }
  return { total: seen.size, perLanguage, subjects };
}
