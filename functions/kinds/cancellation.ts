/** `cancellation` (transactional, one per registration): the registration was cancelled. */
import type { MailBase, SessionInfo } from '../render/types.js';
import { defineKind } from './define.js';

/** The view data of a cancellation. */
export interface CancellationData extends MailBase {
  readonly registrationId: string;
  /** Sessions whose calendar entries are withdrawn. */
  readonly sessions?: readonly SessionInfo[] | undefined;
}

export const cancellation = defineKind<CancellationData>()({
  name: 'cancellation',
  bulk: false,
  organizerMailing: false,
  organizerContent: false,
  derived: { prefix: 'cancellation-', from: 'registration.cancelled' },
  listedByDefault: false,
  rsvpLink: false,
  // Every entry the confirmation published, withdrawn.
  calendars: (data, agenda) => ({
    agendaVersion: agenda?.version ?? 0,
    sessions: data.sessions ?? [],
    cancelAll: true,
  }),
  viewData: (input) => ({
    ...input.base,
    registrationId: input.delivery.recipient.contactId,
    sessions: input.mine,
  }),
  context: (data, ctx, h) => ({
    ...ctx,
    registrationId: h.singleLine(data.registrationId),
    sessions: h.sessionViews(data.sessions),
  }),
});
