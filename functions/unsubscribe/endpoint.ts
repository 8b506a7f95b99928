/**
 * The public unsubscribe endpoint, independent of how HTTP reaches it:
 *
 * - `GET ?token=…` shows a confirm page in the recipient's language. It
 *   changes nothing, because link scanners and previewers fetch every link in
 *   a message.
 * - `POST ?token=…` with the body `List-Unsubscribe=One-Click` (RFC 8058: form
 *   data, url-encoded or multipart) suppresses the contact for the
 *   conference's bulk mail and answers 200 with a short page, never a redirect.
 *   The confirm page's button sends exactly this POST.
 * - Anything wrong — no token, a forged, truncated or altered one, a POST
 *   without the one-click body — gets 400 with one fixed page that says
 *   nothing about what was wrong.
 *
 * Transactional mail (confirmations, cancellations, agenda changes) ignores
 * these suppressions: the planner checks them for bulk kinds only.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { maskEmail } from '../lib/logger.js';
import type { PageRequest, PageResponse } from '../lib/pages.js';
import { methodNotAllowed, pageResponse as page, pageMethod, readForm } from '../lib/pages.js';
import { catalogLanguageOf, resolveLanguage } from '../render/languages.js';
import type { PressRow, RegistrationRow } from '../store/model.js';
import { conferenceScope, keys as tableKeys } from '../store/model.js';
import {
  getConference,
  getRegistration,
  putSuppression,
  type StoreDeps,
  suppressionsFor,
} from '../store/store.js';
import { confirmPage, donePage, invalidPage } from './page.js';
import { type UnsubscribeKeys, verifyUnsubscribeToken } from './token.js';

export interface UnsubscribeDeps extends StoreDeps {
  keys: UnsubscribeKeys;
  log?: Pick<Logger, 'info'>;
}

/** The suppression scope of one conference's bulk mail (kept with the keys, store/model.ts). */
export { conferenceScope };

/** Handles one request to the endpoint. */
export async function handleUnsubscribe(deps: UnsubscribeDeps, request: PageRequest): Promise<PageResponse> {
  const method = pageMethod(request);
  const requestedLang = catalogLanguageOf(request.query.lang);
  const invalid = () => page(400, invalidPage(requestedLang ?? 'en'));
  if (method === undefined) return methodNotAllowed(invalidPage(requestedLang ?? 'en'));
  const token = request.query.token;
  const claims = token ? verifyUnsubscribeToken(deps.keys, token) : undefined;
  if (!token || !claims) return invalid();

  const { conferenceId, contactKey } = claims;
  const [conference, person, suppressions] = await Promise.all([
    getConference(deps, conferenceId),
    personOf(deps, conferenceId, contactKey),
    suppressionsFor(deps, contactKey, conferenceId),
  ]);
  const lang = requestedLang ?? resolveLanguage(person?.language);
  const view = {
    conference:
      (conference?.name as Record<string, string | undefined> | undefined)?.[lang] ??
      conference?.name.en ??
      conferenceId,
    email: person?.email ?? contactKey,
  };
  const already = suppressions.some(
    (s) => s.scope === conferenceScope(conferenceId) && s.reason === 'unsubscribe',
  );

  if (method === 'GET' || method === 'HEAD') {
    const html = already
      ? donePage(lang, view)
      : confirmPage(lang, { ...view, formAction: `?${new URLSearchParams({ token, lang }).toString()}` });
    return page(200, method === 'HEAD' ? '' : html);
  }

  if (!(await isOneClickBody(request))) return invalid();
  // A repeated POST keeps the first entry, and with it the time the person first asked.
  if (!already) {
    await putSuppression(deps, {
      contactKey,
      email: view.email,
      scope: conferenceScope(conferenceId),
      reason: 'unsubscribe',
      detail: 'one-click unsubscribe',
      source: `unsubscribe:${request.requestId}`,
    });
    deps.log?.info('unsubscribed', { conferenceId, email: maskEmail(view.email) });
  }
  return page(200, donePage(lang, view));
}

/** The registrant or press contact behind a contact key, for the address as typed and the language. */
async function personOf(
  deps: StoreDeps,
  conferenceId: string,
  contactKey: string,
): Promise<{ email: string; language?: string } | undefined> {
  const registration: RegistrationRow | undefined = await getRegistration(deps, conferenceId, contactKey);
  if (registration) return registration;
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.table, Key: tableKeys.press(conferenceId, contactKey) }),
  );
  return Item as PressRow | undefined;
}

/**
 * Whether the body carries `List-Unsubscribe=One-Click` as RFC 8058 sends it:
 * multipart/form-data (what the RFC recommends) or url-encoded form data.
 */
export async function isOneClickBody(request: Pick<PageRequest, 'headers' | 'body'>): Promise<boolean> {
  // Mail clients send it with or without a content type: anything not multipart is read as url-encoded.
  const value = (await readForm(request, 'url-encoded'))?.get('List-Unsubscribe');
  return typeof value === 'string' && value.trim().toLowerCase() === 'one-click';
}
