/**
 * RSVP tokens: the unsubscribe tokens' scheme (same keys, same key ids and rotation, see
 * unsubscribe/token.ts) under a label and scope of their own, so an RSVP token never stands in for
 * an unsubscribe token or the other way round. Claims: `[conferenceId, inviteeId, "rsvp", exp]`,
 * `exp` in epoch seconds — unlike an unsubscribe link, an RSVP link stops working some time after
 * the conference, when an answer means nothing any more.
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

/** The expiry of a conference's RSVP links: the end of its last day (UTC) plus the grace days. */
export function rsvpExpiry(conferenceEnd: string): number {
  const end = Date.parse(`${conferenceEnd}T23:59:59Z`);
  const base = Number.isFinite(end) ? end : Date.now();
  return Math.floor(base / 1000) + RSVP_GRACE_DAYS * 86_400;
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
