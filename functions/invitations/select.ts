import type { InviteeRow, MailingRow, Recipient } from '../store/model.js';
import { getRegistration, type StoreDeps } from '../store/store.js';
import { inviteeInAudience, inviteeRecipient } from './audience.js';

/**
 * The invitees of one page who get this invitation: those in its audience whose address has no
 * active registration (one GetItem per candidate; a page is 100 invitees).
 */
export async function selectInvitees(
  deps: StoreDeps,
  mailing: Pick<MailingRow, 'conferenceId' | 'audience'>,
  rows: InviteeRow[],
): Promise<{ recipient: Recipient }[]> {
  const candidates = rows.filter((r) => inviteeInAudience(r, mailing.audience, false));
  const registered = await Promise.all(
    candidates.map(
      async (r) => (await getRegistration(deps, mailing.conferenceId, r.contactKey))?.status === 'active',
    ),
  );
  return candidates.filter((_, i) => !registered[i]).map((r) => ({ recipient: inviteeRecipient(r) }));
}
