/**
 * Who of the invitees an invitation (or its follow-up) goes to. By default every active invitee
 * who has neither registered (same address) nor declined; `rsvp` picks states explicitly (so
 * `rsvp: ['declined']` reaches those who declined), `groups` picks invitation groups, and the
 * usual language and country filters apply. `contactIds` matches invitee ids.
 */
import type { Audience, RsvpFilter } from '../events/schemas.js';
import { matchesAudience, recipientSnapshot } from '../mailing/audience.js';
import type { InviteeRow, Recipient, RsvpState } from '../store/model.js';

/** The RSVP state an audience filter names. */
export const RSVP_STATE_OF: Readonly<Record<RsvpFilter, RsvpState>> = {
  'no-answer': 'invited',
  accepted: 'accepted',
  declined: 'declined',
  delegated: 'delegated',
};

/** An invitee as a recipient snapshot. */
export function inviteeRecipient(row: InviteeRow): Recipient {
  return recipientSnapshot(row, { sessions: [], contactId: row.inviteeId, inviteeId: row.inviteeId });
}

/**
 * Whether an invitee is in an invitation's audience. `isRegistered` tells whether the address
 * has an active registration (the caller looks it up); registered invitees are never invited again.
 */
export function inviteeInAudience(row: InviteeRow, audience: Audience, isRegistered: boolean): boolean {
  if (row.status !== 'active' || row.rsvp === 'registered' || isRegistered) return false;
  const states = audience.rsvp?.map((f) => RSVP_STATE_OF[f]);
  if (states ? !states.includes(row.rsvp) : row.rsvp === 'declined') return false;
  if (audience.groups && !(row.group !== undefined && audience.groups.includes(row.group))) return false;
  // Roles and sessions belong to registrations; an invitation with them reads registrants instead.
  const { roles: _roles, sessions: _sessions, groups: _groups, rsvp: _rsvp, ...rest } = audience;
  return matchesAudience(inviteeRecipient(row), rest);
}

/** A follow-up: an invitation to those who have not answered, which says so. */
export function isFollowUp(audience: Audience): boolean {
  return audience.rsvp?.every((f) => f === 'no-answer') === true;
}
