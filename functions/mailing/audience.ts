import type { Audience } from '../events/schemas.js';
import { isBulkKind, kindDefinition } from '../kinds/index.js';
import { primaryLanguage } from '../lib/text.js';
import type { MailKind, PressRow, Recipient, RegistrationRow } from '../store/model.js';

/** Whether `kind` is bulk mail (List-Unsubscribe, suppressed addresses skipped): the registry decides. */
export const isBulk = (kind: MailKind): boolean => isBulkKind(kind);

/**
 * Which contact lists a mailing reads; the kind's `audience` (registry) names
 * its default list. A kind that reads invitees (invitations) reads them unless
 * the audience filters by role or session (then it reads registrants as
 * before; with an explicit `contactIds` list it reads both). Otherwise
 * registrants are read unless the kind reads the press and no role is given;
 * press contacts (role `press`) are read when the roles ask for press, or for
 * a press kind (media advisories) with no role filter.
 */
export function phasesFor(kind: MailKind, audience: Audience): ('registrations' | 'press' | 'invitees')[] {
  const reads = kindDefinition(kind).audience;
  if (reads === 'invitees' && audience.roles === undefined && audience.sessions === undefined) {
    const explicit = audience.contactIds && !audience.groups && !audience.rsvp;
    return explicit ? ['invitees', 'registrations'] : ['invitees'];
  }
  const roles = audience.roles;
  const phases: ('registrations' | 'press')[] = [];
  if (roles ? roles.length > 0 : reads !== 'press') phases.push('registrations');
  if (roles ? roles.includes('press') : reads === 'press') phases.push('press');
  return phases;
}

/** Whether a recipient is in an audience: every filter given must match, an absent one matches all. */
export function matchesAudience(recipient: Recipient, audience: Audience): boolean {
  if (audience.roles && !audience.roles.includes(recipient.role)) return false;
  if (
    audience.languages &&
    !audience.languages.some((l) => primaryLanguage(l) === primaryLanguage(recipient.language))
  ) {
    return false;
  }
  if (audience.countries && !(recipient.country && audience.countries.includes(recipient.country)))
    return false;
  if (audience.sessions && !audience.sessions.some((s) => recipient.sessions.includes(s))) return false;
  if (audience.contactIds && !audience.contactIds.includes(recipient.contactId)) return false;
  return true;
}

/** A registration row as a recipient snapshot (what the sender renders from). */
export function recipientOf(row: RegistrationRow | PressRow): Recipient {
  return recipientSnapshot(row, { sessions: row.sessions, contactId: row.contactId });
}

/** The recipient fields a row may lack: a snapshot carries them only when set, never as undefined. */
const OPTIONAL_FIELDS = [
  'honorific',
  'organization',
  'country',
  'language',
  'timeZone',
  'outlet',
  'gender',
  'title',
] as const;

/**
 * A recipient snapshot of a stored person (registrant, press contact, invitee): who they are, with
 * `own` (the sessions and ids that depend on the list they come from) and the optional fields
 * they have.
 */
export function recipientSnapshot(
  row: Recipient,
  own: Pick<Recipient, 'sessions' | 'contactId'> & Partial<Pick<Recipient, 'inviteeId'>>,
): Recipient {
  const r: Recipient = {
    contactKey: row.contactKey,
    email: row.email,
    givenName: row.givenName,
    familyName: row.familyName,
    role: row.role,
    ...own,
  };
  for (const k of OPTIONAL_FIELDS) if (row[k] !== undefined) Object.assign(r, { [k]: row[k] });
  return r;
}
