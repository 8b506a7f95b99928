/** `invitation` (bulk, organizer mailing): invites the recipient to register, or to answer an RSVP. */
import type { BulkMailBase, SessionInfo } from '../render/types.js';
import { defineKind } from './define.js';

/** The view data of an invitation. */
export interface InvitationData extends BulkMailBase {
  readonly registrationUrl: string;
  /** The invitee's personal RSVP page (accept, decline, designate); absent for registrants. */
  readonly rsvpUrl?: string | undefined;
  /** A follow-up to invitees who have not answered yet: the lead says so. */
  readonly followUp?: boolean | undefined;
  /** ISO date or date-time by which to register. */
  readonly respondBy?: string | undefined;
  /** Programme highlights, usually the plenary sessions. */
  readonly highlights?: readonly SessionInfo[] | undefined;
}

export const invitation = defineKind<InvitationData>()({
  name: 'invitation',
  bulk: true,
  organizerMailing: true,
  organizerContent: false,
  audience: 'invitees',
  listedByDefault: true,
  rsvpLink: true,
  viewData: (input) => ({
    ...input.base,
    unsubscribeUrl: input.unsubscribeUrl,
    registrationUrl: input.conference.website,
    highlights: input.sessions.filter((s) => s.plenary && s.status !== 'cancelled'),
    ...(input.rsvpUrl
      ? { rsvpUrl: input.rsvpUrl, followUp: input.isFollowUp(input.mailing.audience ?? {}) }
      : {}),
  }),
  context: (data, ctx, h) => ({
    ...ctx,
    registrationUrl: h.requiredUrl(data.registrationUrl, 'invitation: registrationUrl'),
    rsvpUrl: h.safeUrl(data.rsvpUrl),
    followUp: data.followUp === true,
    respondBy: data.respondBy === undefined ? null : h.dayOrTime(data.respondBy, 'respondBy'),
    sessions: h.sessionViews(data.highlights),
  }),
});
