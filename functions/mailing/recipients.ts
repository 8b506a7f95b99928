/**
 * Who an audience reaches, read the way planning reads it: the phases of `phasesFor`, the same
 * filters, each address once, suppressed addresses left out when the reader is told how to tell.
 * The dry run (`previewMailing`), the console's live count and the samples rendered for a
 * preview all read recipients through this one reader.
 */
import { selectInvitees } from '../invitations/select.js';
import { primaryLanguage } from '../lib/text.js';
import { pageOfInvitees } from '../store/invitees.js';
import type { MailingRow, PressRow, Recipient, RegistrationRow } from '../store/model.js';
import { pageOfContacts, type StoreDeps } from '../store/store.js';
import { matchesAudience, phasesFor, recipientOf } from './audience.js';

export type AudienceReaderDeps = StoreDeps & {
  isSuppressed?: (contactKey: string, cid: string) => Promise<boolean>;
};

/** The recipients of an audience, page by page; stop iterating to stop reading. */
export async function* audienceRecipients(
  deps: AudienceReaderDeps,
  mailing: Pick<MailingRow, 'conferenceId' | 'kind' | 'audience'>,
): AsyncGenerator<Recipient> {
  const cid = mailing.conferenceId;
  const seen = new Set<string>();
  for (const phase of phasesFor(mailing.kind, mailing.audience)) {
    let cursor: string | undefined;
    do {
      let candidates: Recipient[];
      if (phase === 'invitees') {
        const page = await pageOfInvitees(deps, cid, cursor, 500);
        candidates = (await selectInvitees(deps, mailing, page.items)).map((s) => s.recipient);
        cursor = page.next;
      } else {
        const page = await pageOfContacts<RegistrationRow | PressRow>(
          deps,
          cid,
          phase === 'registrations' ? 'REG#' : 'PRESS#',
          cursor,
          500,
        );
        candidates = page.items
          .filter((row) => row.status === 'active' && !seen.has(row.contactKey))
          .map(recipientOf)
          .filter((r) => matchesAudience(r, mailing.audience));
        cursor = page.next;
      }
      for (const recipient of candidates) {
        if (seen.has(recipient.contactKey)) continue;
        if (await deps.isSuppressed?.(recipient.contactKey, cid)) continue;
        seen.add(recipient.contactKey);
        yield recipient;
      }
    } while (cursor);
  }
}

/**
 * One real recipient per wanted language from the audience, stopping as soon as every wanted
 * language has one (the previews render for these people).
 */
export async function sampleRecipients(
  deps: AudienceReaderDeps,
  mailing: Pick<MailingRow, 'conferenceId' | 'kind' | 'audience'>,
  languages: readonly string[],
): Promise<Map<string, Recipient>> {
  const wanted = new Set(languages);
  const found = new Map<string, Recipient>();
  if (wanted.size === 0) return found;
  for await (const recipient of audienceRecipients(deps, mailing)) {
    const language = primaryLanguage(recipient.language);
    if (wanted.has(language) && !found.has(language)) found.set(language, recipient);
    if (found.size === wanted.size) break;
  }
  return found;
}
