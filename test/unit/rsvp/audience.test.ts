import { describe, expect, it } from 'vitest';
import { inviteeInAudience, isFollowUp } from '../../../functions/invitations/audience.js';
import { registrationLink } from '../../../functions/invitations/links.js';
import { phasesFor } from '../../../functions/mailing/audience.js';
import type { InviteeRow } from '../../../functions/store/model.js';

const invitee = (over: Partial<InviteeRow> = {}): InviteeRow => ({
  conferenceId: 'c',
  inviteeId: 'i1',
  contactKey: 'a@example.org',
  email: 'a@example.org',
  givenName: 'A',
  familyName: 'B',
  role: 'delegate',
  sessions: [],
  contactId: 'i1',
  mayDesignate: true,
  status: 'active',
  rsvp: 'invited',
  history: [],
  revision: 0,
  eventTime: '2022-09-01T00:00:00Z',
  language: 'ru',
  country: 'TJ',
  group: 'heads of delegation',
  ...over,
});

describe('invitation audience', () => {
  it('reads invitees by default, registrants when the audience names roles or sessions, both for an explicit list', () => {
    expect(phasesFor('invitation', {})).toEqual(['invitees']);
    expect(phasesFor('invitation', { groups: ['observers'] })).toEqual(['invitees']);
    expect(phasesFor('invitation', { roles: ['delegate'] })).toEqual(['registrations']);
    expect(phasesFor('invitation', { contactIds: ['x'] })).toEqual(['invitees', 'registrations']);
    expect(phasesFor('reminder', {})).toEqual(['registrations']);
  });

  it('leaves out the registered and those who declined, unless the RSVP filter asks for them', () => {
    expect(inviteeInAudience(invitee(), {}, false)).toBe(true);
    expect(inviteeInAudience(invitee(), {}, true)).toBe(false);
    expect(inviteeInAudience(invitee({ rsvp: 'registered' }), {}, false)).toBe(false);
    expect(inviteeInAudience(invitee({ rsvp: 'declined' }), {}, false)).toBe(false);
    expect(inviteeInAudience(invitee({ rsvp: 'declined' }), { rsvp: ['declined'] }, false)).toBe(true);
    expect(inviteeInAudience(invitee({ rsvp: 'accepted' }), { rsvp: ['no-answer'] }, false)).toBe(false);
    expect(inviteeInAudience(invitee({ status: 'removed' }), {}, false)).toBe(false);
  });

  it('applies groups, languages, countries and invitee ids', () => {
    expect(inviteeInAudience(invitee(), { groups: ['observers'] }, false)).toBe(false);
    expect(inviteeInAudience(invitee(), { groups: ['heads of delegation'], languages: ['ru'] }, false)).toBe(
      true,
    );
    expect(inviteeInAudience(invitee(), { countries: ['KZ'] }, false)).toBe(false);
    expect(inviteeInAudience(invitee(), { contactIds: ['i1'] }, false)).toBe(true);
    expect(inviteeInAudience(invitee({ group: undefined }), { groups: ['heads of delegation'] }, false)).toBe(
      false,
    );
  });

  it('calls an invitation to no-answer only a follow-up', () => {
    expect(isFollowUp({ rsvp: ['no-answer'] })).toBe(true);
    expect(isFollowUp({ rsvp: ['no-answer', 'accepted'] })).toBe(false);
    expect(isFollowUp({})).toBe(false);
  });
});

describe('registration link', () => {
  it('is the conference website with the invitee reference, whatever else is asked', () => {
    const url = new URL(
      registrationLink('https://conf.example.org/register?x=1#top', { inviteeId: 'i 1&y=2' }) as string,
    );
    expect(url.origin + url.pathname).toBe('https://conf.example.org/register');
    expect(url.searchParams.get('invitee')).toBe('i 1&y=2');
    expect(url.searchParams.get('x')).toBe('1');
    expect(url.hash).toBe('');
    expect(registrationLink('javascript:alert(1)', { inviteeId: 'i' })).toBeUndefined();
    expect(registrationLink(undefined, { inviteeId: 'i' })).toBeUndefined();
  });
});
