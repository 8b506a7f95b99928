/**
 * What intake does with the invitee events, and how a registration settles an invitation. Each is
 * idempotent: upserts converge on the latest event time, and `registered` is set once.
 */
import { contactKeyOf } from '../events/email.js';
import type { IntakeEventOf } from '../events/schemas.js';
import { inviteeByAddress, markRegistered, putInvitee, removeInvitee } from '../store/invitees.js';
import type { RsvpHistoryEntry } from '../store/model.js';
import { getRegistration, type StoreDeps } from '../store/store.js';

/** `invitee.upserted`: the invitee row (new ones start `invited`, or `registered` if already registered). */
export async function applyInviteeUpserted(
  deps: StoreDeps,
  event: IntakeEventOf<'invitee.upserted'>,
): Promise<void> {
  const d = event.data;
  const registration = await getRegistration(deps, d.conferenceId, contactKeyOf(d.person.email));
  const invited: RsvpHistoryEntry = { state: 'invited', at: event.time, source: `event:${event.id}` };
  const history: RsvpHistoryEntry[] =
    registration?.status === 'active'
      ? [
          invited,
          { state: 'registered', at: event.time, source: `registration:${registration.registrationId}` },
        ]
      : [invited];
  await putInvitee(deps, d, event.time, {
    rsvp: registration?.status === 'active' ? 'registered' : 'invited',
    history,
  });
}

/** `invitee.removed`: the row stays, with its history, but receives nothing more. */
export async function applyInviteeRemoved(
  deps: StoreDeps,
  event: IntakeEventOf<'invitee.removed'>,
): Promise<void> {
  await removeInvitee(deps, event.data.conferenceId, event.data.inviteeId, event.time);
}

/**
 * A registration for an invitee's address, or for the representative they designated, moves the
 * invitee to `registered` (once; the history keeps the way there).
 */
export async function settleInvitation(
  deps: StoreDeps,
  conferenceId: string,
  email: string,
  registrationId: string,
  time: string,
): Promise<void> {
  const found = await inviteeByAddress(deps, conferenceId, contactKeyOf(email));
  if (!found) return;
  await markRegistered(deps, found.invitee, {
    state: 'registered',
    at: time,
    source: `registration:${registrationId}${found.via === 'representative' ? ' (representative)' : ''}`,
  });
}
