import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RSVP_GRACE_DAYS,
  RSVP_MIN_LIFE_DAYS,
  rsvpExpiry,
  rsvpUrl,
  signRsvpToken,
  verifyRsvpToken,
} from '../../../functions/rsvp/token.js';
import {
  signUnsubscribeToken,
  type UnsubscribeKeys,
  verifyUnsubscribeToken,
} from '../../../functions/unsubscribe/token.js';

const key = () => randomBytes(32).toString('base64');
const keys: UnsubscribeKeys = { current: 'k1', keys: { k1: key() } };
const now = new Date('2022-09-01T00:00:00Z');
const exp = Math.floor(Date.parse('2022-10-26T23:59:59Z') / 1000);
const claims = { conferenceId: 'dushanbe-2022', inviteeId: 'inv-0001', exp };

describe('RSVP tokens', () => {
  it('verify to the claims they were signed with, with their own scope', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ minLength: 1, maxLength: 60 }),
        (conferenceId, inviteeId) => {
          const token = signRsvpToken(keys, { conferenceId, inviteeId, exp });
          expect(verifyRsvpToken(keys, token, now)).toEqual({ conferenceId, inviteeId, exp, scope: 'rsvp' });
        },
      ),
    );
  });

  it('cannot stand in for an unsubscribe token, nor the other way round, under the same keys', () => {
    const rsvp = signRsvpToken(keys, claims);
    const unsubscribe = signUnsubscribeToken(keys, {
      conferenceId: 'dushanbe-2022',
      contactKey: 'inv-0001',
      scope: 'bulk',
    });
    expect(verifyUnsubscribeToken(keys, rsvp)).toBeUndefined();
    expect(verifyRsvpToken(keys, unsubscribe, now)).toBeUndefined();
    // Even a token that carries RSVP-shaped claims but was signed under the unsubscribe label fails.
    const [keyId, , mac] = unsubscribe.split('.');
    const [, body] = rsvp.split('.');
    expect(verifyRsvpToken(keys, `${keyId}.${body}.${mac}`, now)).toBeUndefined();
  });

  it('refuses every altered character, truncation and extension', () => {
    const token = signRsvpToken(keys, claims);
    for (let i = 0; i < token.length; i++) {
      const swapped = token[i] === 'A' ? 'B' : 'A';
      const altered = `${token.slice(0, i)}${swapped}${token.slice(i + 1)}`;
      if (altered !== token) expect(verifyRsvpToken(keys, altered, now), `position ${i}`).toBeUndefined();
    }
    expect(verifyRsvpToken(keys, token.slice(0, -1), now)).toBeUndefined();
    expect(verifyRsvpToken(keys, `${token}A`, now)).toBeUndefined();
    expect(verifyRsvpToken(keys, '', now)).toBeUndefined();
    expect(verifyRsvpToken(keys, 'x'.repeat(5000), now)).toBeUndefined();
    expect(verifyRsvpToken(keys, undefined, now)).toBeUndefined();
  });

  it('refuses a forged token (another key) and an expired one', () => {
    const forged = signRsvpToken({ current: 'k1', keys: { k1: key() } }, claims);
    expect(verifyRsvpToken(keys, forged, now)).toBeUndefined();
    const token = signRsvpToken(keys, claims);
    expect(verifyRsvpToken(keys, token, new Date((exp - 1) * 1000))).toBeDefined();
    expect(verifyRsvpToken(keys, token, new Date((exp + 1) * 1000))).toBeUndefined();
  });

  it('rotate with the unsubscribe keys: an old key keeps verifying its links while new ones use the new key', () => {
    const old = signRsvpToken(keys, claims);
    const rotated: UnsubscribeKeys = { current: 'k2', keys: { ...keys.keys, k2: key() } };
    expect(signRsvpToken(rotated, claims).startsWith('k2.')).toBe(true);
    expect(verifyRsvpToken(rotated, old, now)).toBeDefined();
    expect(
      verifyRsvpToken({ current: 'k2', keys: { k2: rotated.keys.k2 as string } }, old, now),
    ).toBeUndefined();
  });

  it('expire a week after the conference, but never sooner than 30 days after the link was made', () => {
    expect(rsvpExpiry('2022-10-19', now)).toBe(
      Math.floor(Date.parse('2022-10-19T23:59:59Z') / 1000) + RSVP_GRACE_DAYS * 86_400,
    );
    const late = new Date('2026-12-01T00:00:00Z');
    expect(rsvpExpiry('2022-10-19', late)).toBe(
      Math.floor(late.getTime() / 1000) + RSVP_MIN_LIFE_DAYS * 86_400,
    );
  });

  it('make links whose URL keeps the base path (with "rsvp" in it)', () => {
    const url = new URL(rsvpUrl('https://rsvp.example.org/rsvp', keys, claims));
    expect(url.pathname).toBe('/rsvp');
    expect(verifyRsvpToken(keys, url.searchParams.get('token'), now)).toMatchObject({
      inviteeId: 'inv-0001',
    });
  });
});
