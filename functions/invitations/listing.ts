/**
 * The invitation list as organizers read it — `invitees list` in the CLI and the console's
 * overview read through these, so both show the same fields, the same state names and the same
 * filter spellings.
 */
import { listInvitees } from '../store/invitees.js';
import type { InviteeRow, RsvpState } from '../store/model.js';
import type { StoreDeps } from '../store/store.js';

/** Every RSVP state, in the order an invitation moves through them. */
export const RSVP_STATES: readonly RsvpState[] = [
  'invited',
  'accepted',
  'declined',
  'delegated',
  'registered',
];

/** Filter spellings: the states, and the audience filter's spelling of `invited`. */
const RSVP_OPTION: Record<string, RsvpState> = {
  ...Object.fromEntries(RSVP_STATES.map((s) => [s, s])),
  'no-answer': 'invited',
  noanswer: 'invited',
};

/** The RSVP state a filter value names (case-insensitive), or undefined when it names none. */
export function rsvpStateOf(value: string): RsvpState | undefined {
  return RSVP_OPTION[value.toLowerCase()];
}

export const RSVP_FILTER_HELP = 'use no-answer (invited), accepted, declined, delegated or registered';

/** One invitee as it is listed (`invitees list --json`, the console's invitee table). */
export function inviteeListing(row: InviteeRow) {
  return {
    inviteeId: row.inviteeId,
    email: row.email,
    name: [row.honorific, row.givenName, row.familyName].filter(Boolean).join(' '),
    ...(row.group ? { group: row.group } : {}),
    ...(row.language ? { language: row.language } : {}),
    rsvp: row.rsvp,
    ...(row.rsvpAt ? { rsvpAt: row.rsvpAt } : {}),
    ...(row.representative ? { representative: row.representative } : {}),
    mayDesignate: row.mayDesignate !== false,
    ...(row.status === 'removed' ? { removed: true } : {}),
    history: row.history,
  };
}

export type InviteeListing = ReturnType<typeof inviteeListing>;

/** A conference's invitees, active ones unless `all`, optionally in one RSVP state. */
export async function selectListedInvitees(
  deps: StoreDeps,
  conferenceId: string,
  options: { state?: RsvpState; all?: boolean },
): Promise<InviteeRow[]> {
  return (await listInvitees(deps, conferenceId))
    .filter((r) => options.all || r.status === 'active')
    .filter((r) => options.state === undefined || r.rsvp === options.state);
}

/** Active invitees by answer and by group, and the groups there are (the audience builder's options). */
export function inviteeTally(rows: InviteeRow[]) {
  const active = rows.filter((r) => r.status === 'active');
  const byAnswer: Record<string, number> = Object.fromEntries(RSVP_STATES.map((s) => [s, 0]));
  const byGroup: Record<string, number> = {};
  for (const r of active) {
    byAnswer[r.rsvp] = (byAnswer[r.rsvp] ?? 0) + 1;
    const g = r.group ?? '—';
    byGroup[g] = (byGroup[g] ?? 0) + 1;
  }
  const groups = [...new Set(active.map((r) => r.group).filter((g): g is string => !!g))].sort();
  return { total: active.length, byAnswer, byGroup, groups };
}
