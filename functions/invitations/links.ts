/**
 * Where an answer leads: the conference's own registration page, with the invitee's reference.
 * The URL is built from the conference's configured `website` only — nothing from the request
 * is ever a redirect target, so the RSVP endpoint cannot be used as an open redirect.
 */

/** The registration page for an invitee (or their representative), or undefined without a usable website. */
export function registrationLink(
  website: string | undefined,
  reference: { inviteeId: string; representative?: boolean },
): string | undefined {
  if (!website) return undefined;
  let url: URL;
  try {
    url = new URL(website);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  url.searchParams.set('invitee', reference.inviteeId);
  if (reference.representative) url.searchParams.set('representative', '1');
  url.hash = '';
  return url.toString();
}
