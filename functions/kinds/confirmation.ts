/** `confirmation` (transactional, one per registration): the registration went through. */
import type { MailBase, Role, SessionInfo } from '../render/types.js';
import { defineKind } from './define.js';

/** The view data of a confirmation. */
export interface ConfirmationData extends MailBase {
  readonly registrationId: string;
  readonly role: Role;
  /** The sessions the delegate is registered to. */
  readonly sessions: readonly SessionInfo[];
  readonly manageUrl?: string | undefined;
}

export const confirmation = defineKind<ConfirmationData>()({
  name: 'confirmation',
  bulk: false,
  organizerMailing: false,
  organizerContent: false,
  derived: { prefix: 'confirmation-', from: 'registration.created' },
  listedByDefault: false,
  rsvpLink: false,
  // The conference and the delegate's sessions, published.
  calendars: (data, agenda) => ({ agendaVersion: agenda?.version ?? 0, sessions: data.sessions }),
  viewData: (input) => ({
    ...input.base,
    registrationId: input.delivery.recipient.contactId,
    role: input.delivery.recipient.role,
    sessions: input.mine,
  }),
  context: (data, ctx, h) => ({
    ...ctx,
    registrationId: h.singleLine(data.registrationId),
    role: h.catalog.strings[`roles.${data.role}`] ?? h.singleLine(data.role),
    sessions: h.sessionViews(data.sessions),
    manageUrl: h.safeUrl(data.manageUrl),
  }),
});
