/** Suppression changes from the console: the same domain functions the CLI's `suppressions` commands call. */
import { isValidEmail } from '../events/email.js';
import { liftSuppressions } from '../feedback/lift.js';
import { type SuppressionScope, suppressionScope, suppressManually } from '../feedback/operations.js';
import type { ApiDeps } from './deps.js';
import { badRequest, type Identity, notFound } from './http.js';

function parse(body: Record<string, unknown>, conferenceId: string, defaultScope: 'global' | 'both') {
  const email = typeof body.email === 'string' ? body.email.trim() : '';
  if (!isValidEmail(email)) {
    throw badRequest(`"${email}" is not an e-mail address.`, {
      problems: [{ field: 'email', message: 'not an e-mail address' }],
    });
  }
  const why = typeof body.reason === 'string' ? body.reason.trim() : '';
  if (!why)
    throw badRequest('Say why (reason): it is kept beside the address.', {
      problems: [{ field: 'reason', message: 'required' }],
    });
  const scope = body.scope ?? defaultScope;
  const scopes: SuppressionScope[] =
    scope === 'global'
      ? ['GLOBAL']
      : scope === 'conference'
        ? [suppressionScope({ conferenceId })]
        : scope === 'both'
          ? ['GLOBAL', suppressionScope({ conferenceId })]
          : [];
  if (scopes.length === 0) throw badRequest('scope must be "global" or "conference".');
  return { email, why, scopes };
}

/** Adds a manual suppression (global unless told otherwise: a person who asks means every conference). */
export async function addSuppression(
  deps: ApiDeps,
  conferenceId: string,
  body: Record<string, unknown>,
  identity: Identity,
) {
  const { email, why, scopes } = parse(body, conferenceId, 'global');
  await suppressManually(deps.pipeline, {
    email,
    scope: scopes[0] as SuppressionScope,
    by: identity.user,
    why,
  });
  return { email, scope: body.scope ?? 'global', by: identity.user };
}

/** Lifts an address's suppressions in the scopes given, recording who and why. */
export async function liftSuppression(
  deps: ApiDeps,
  conferenceId: string,
  body: Record<string, unknown>,
  identity: Identity,
) {
  const { email, why, scopes } = parse(body, conferenceId, 'both');
  const result = await liftSuppressions(deps.pipeline, { email, scopes, by: identity.user, why });
  if (result.found === 0) throw notFound(`${email} is not suppressed for this conference.`);
  const lifted = result.lifted.map((l) => ({ email: l.email, reason: l.reason }));
  return { lifted, by: identity.user };
}
