/**
 * The invitation list in the console: invitees with their answers, filtered by RSVP state or
 * group, through the same listing functions as `communique invitees list`.
 */
import {
  inviteeListing,
  RSVP_FILTER_HELP,
  rsvpStateOf,
  selectListedInvitees,
} from '../invitations/listing.js';
import type { RsvpState } from '../store/model.js';
import type { ApiDeps } from './deps.js';
import { badRequest, pageOf } from './http.js';
import { requireConference } from './mailings.js';

/** One page of invitees (`?rsvp=`, `?group=`, `?all=1` for removed ones too). */
export async function inviteesPage(
  deps: ApiDeps,
  conferenceId: string,
  query: Record<string, string | undefined>,
) {
  await requireConference(deps, conferenceId);
  let state: RsvpState | undefined;
  if (query.rsvp) {
    state = rsvpStateOf(query.rsvp);
    if (!state) throw badRequest(`rsvp: unknown state "${query.rsvp}"; ${RSVP_FILTER_HELP}.`);
  }
  const rows = await selectListedInvitees(deps.pipeline, conferenceId, {
    ...(state ? { state } : {}),
    all: query.all === '1',
  });
  const group = query.group || undefined;
  return pageOf(rows.filter((r) => group === undefined || r.group === group).map(inviteeListing), query);
}
