/**
 * `representative-note` (transactional, derived from an RSVP designation): someone was designated
 * to attend in an invitee's place.
 */
import type { MailBase } from '../render/types.js';
import { defineKind } from './define.js';

/** The view data of a representative's note. */
export interface RepresentativeNoteData extends MailBase {
  /** The invitee who designated the recipient, formatted as given. */
  readonly inviteeName: string;
  readonly registrationUrl: string;
}

/** What the RSVP endpoint stores on a representative's note. */
export interface RepresentativeNotePayload {
  inviteeName?: string;
  registrationUrl?: string;
}

export const representativeNote = defineKind<RepresentativeNoteData>()({
  name: 'representative-note',
  bulk: false,
  organizerMailing: false,
  organizerContent: false,
  derived: { prefix: 'representative-', from: 'an RSVP designation' },
  listedByDefault: true,
  rsvpLink: false,
  viewData: (input) => {
    const p = (input.delivery.payload ?? {}) as RepresentativeNotePayload;
    return {
      ...input.base,
      inviteeName: p.inviteeName ?? '',
      registrationUrl: p.registrationUrl ?? input.conference.website,
    };
  },
  context: (data, ctx, h) => ({
    ...ctx,
    inviteeName: h.singleLine(data.inviteeName),
    registrationUrl: h.requiredUrl(data.registrationUrl, 'representative-note: registrationUrl'),
  }),
});
