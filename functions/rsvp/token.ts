/**
 * RSVP tokens: the unsubscribe tokens' scheme (same keys, same key ids and rotation, see
 * unsubscribe/token.ts) under a label and scope of their own, so an RSVP token never stands in for
 * an unsubscribe token or the other way round. Claims: `[conferenceId, inviteeId, "rsvp", exp]`,
 * `exp` in epoch seconds — unlike an unsubscribe link, an RSVP link stops working some time after
 * the conference, when an answer means nothing any more: a week after its last day, and never
 * sooner than 30 days after the link was made (so a link mailed late, or for a demo conference
 * in the past, still works for a while).
 */
import { signClaims, type UnsubscribeKeys, verifyClaims } from '../unsubscribe/token.js';

const LABEL = 'communique/rsvp/v1';
/** How long after the conference's last day its RSVP links keep working. */
export const RSVP_GRACE_DAYS = 7;

export interface RsvpClaims {
  conferenceId: string;
  inviteeId: string;
  scope: 'rsvp';
  /** Expiry, epoch seconds. */
  exp: number;
}

/** The shortest life of a link, counted from when it is made. */
export const RSVP_MIN_LIFE_DAYS = 30;

/** The expiry of an RSVP link made `now` for a conference ending on `conferenceEnd` (ISO date). */
export function rsvpExpiry(conferenceEnd: string, now: Date = new Date()): number {
  const end = Date.parse(`${conferenceEnd}T23:59:59Z`);
  const afterConference = (Number.isFinite(end) ? end : 0) + RSVP_GRACE_DAYS * 86_400_000;
  const minimum = now.getTime() + RSVP_MIN_LIFE_DAYS * 86_400_000;
  return Math.floor(Math.max(afterConference, minimum) / 1000);
}

export function signRsvpToken(keys: UnsubscribeKeys, claims: Omit<RsvpClaims, 'scope'>): string {
  return signClaims(keys, LABEL, [claims.conferenceId, claims.inviteeId, 'rsvp', claims.exp]);
}

/** The personal RSVP link: the endpoint's base URL with the token as `token`. */
export function rsvpUrl(baseUrl: string, keys: UnsubscribeKeys, claims: Omit<RsvpClaims, 'scope'>): string {
  const url = new URL(baseUrl);
  url.searchParams.set('token', signRsvpToken(keys, claims));
  return url.toString();
}

/** The claims of a genuine, unexpired RSVP token, or undefined for anything else. */
export function verifyRsvpToken(keys: UnsubscribeKeys, token: unknown, now: Date): RsvpClaims | undefined {
  const claims = verifyClaims(keys, LABEL, token, 4);
  if (!claims) return undefined;
  const [conferenceId, inviteeId, scope, exp] = claims;
  if (typeof conferenceId !== 'string' || conferenceId === '') return undefined;
  if (typeof inviteeId !== 'string' || inviteeId === '') return undefined;
  if (scope !== 'rsvp') return undefined;
  if (typeof exp !== 'number' || !Number.isInteger(exp)) return undefined;
  if (exp * 1000 < now.getTime()) return undefined;
  return { conferenceId, inviteeId, scope, exp };
}
