/** `rsvp-confirmation` (transactional, derived from an RSVP answer): the invitee's answer as recorded. */
import type { MailBase } from '../render/types.js';
import { defineKind } from './define.js';

/** An RSVP answer as the invitee gave it. */
export type RsvpAnswer = 'accept' | 'decline' | 'delegate';

/** The view data of an RSVP confirmation. */
export interface RsvpConfirmationData extends MailBase {
  readonly answer: RsvpAnswer;
  /** For `delegate`: who will come instead. */
  readonly representative?: { readonly name: string; readonly email: string } | undefined;
  /** For `accept`: the conference's registration page with the invitee's reference. */
  readonly registrationUrl?: string | undefined;
  /** The RSVP page, to change the answer. */
  readonly rsvpUrl?: string | undefined;
}

/** What the RSVP endpoint stores on an answer's confirmation delivery. */
export interface RsvpConfirmationPayload {
  answer?: RsvpAnswer;
  representative?: { name: string; email: string };
  registrationUrl?: string;
}

export const rsvpConfirmation = defineKind<RsvpConfirmationData>()({
  name: 'rsvp-confirmation',
  bulk: false,
  organizerMailing: false,
  organizerContent: false,
  derived: { prefix: 'rsvp-', from: 'an RSVP answer' },
  listedByDefault: true,
  rsvpLink: true,
  viewData: (input) => {
    const p = (input.delivery.payload ?? {}) as RsvpConfirmationPayload;
    return {
      ...input.base,
      answer: p.answer ?? 'accept',
      ...(p.representative ? { representative: p.representative } : {}),
      ...(p.registrationUrl ? { registrationUrl: p.registrationUrl } : {}),
      ...(input.rsvpUrl ? { rsvpUrl: input.rsvpUrl } : {}),
    };
  },
  context: (data, ctx, h) => ({
    ...ctx,
    accepted: data.answer === 'accept',
    declined: data.answer === 'decline',
    delegated: data.answer === 'delegate',
    representative:
      data.representative === undefined
        ? null
        : { name: h.singleLine(data.representative.name), email: h.singleLine(data.representative.email) },
    registrationUrl: h.safeUrl(data.registrationUrl),
    rsvpUrl: h.safeUrl(data.rsvpUrl),
  }),
});
