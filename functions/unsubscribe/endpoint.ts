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

export interface UnsubscribeRequest {
  method: string;
  query: Record<string, string | undefined>;
  /** Header names lower-cased. */
  headers: Record<string, string | undefined>;
  body?: Buffer;
  /** For the suppression's source: which request unsubscribed. */
  requestId: string;
}

export interface UnsubscribeResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export interface UnsubscribeDeps extends StoreDeps {
  keys: UnsubscribeKeys;
  log?: Pick<Logger, 'info'>;
}

/** The suppression scope of one conference's bulk mail (kept with the keys, store/model.ts). */
export { conferenceScope };

/** No real one-click body comes near this; a bigger one is not worth parsing. */
const MAX_BODY_BYTES = 16 * 1024;

const PAGE_HEADERS: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  // Personal pages: never cached by a browser or a proxy.
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-robots-tag': 'noindex, nofollow',
};

const page = (statusCode: number, body: string, extra: Record<string, string> = {}): UnsubscribeResponse => ({
  statusCode,
  headers: { ...PAGE_HEADERS, ...extra },
  body,
});

/** Handles one request to the endpoint. */
export async function handleUnsubscribe(
  deps: UnsubscribeDeps,
  request: UnsubscribeRequest,
): Promise<UnsubscribeResponse> {
  const method = request.method.toUpperCase();
  const requestedLang = catalogLanguageOf(request.query.lang);
  const invalid = () => page(400, invalidPage(requestedLang ?? 'en'));
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    return page(405, invalidPage(requestedLang ?? 'en'), { allow: 'GET, HEAD, POST' });
  }
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
export async function isOneClickBody(
  request: Pick<UnsubscribeRequest, 'headers' | 'body'>,
): Promise<boolean> {
  const body = request.body;
  if (!body || body.length === 0 || body.length > MAX_BODY_BYTES) return false;
  const contentType = request.headers['content-type'] ?? 'application/x-www-form-urlencoded';
  let value: unknown;
  try {
    if (/^multipart\/form-data/i.test(contentType)) {
      const form = await new Request('http://local/', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      }).formData();
      value = form.get('List-Unsubscribe');
    } else {
      value = new URLSearchParams(body.toString('utf8')).get('List-Unsubscribe');
    }
  } catch {
    return false;
  }
  return typeof value === 'string' && value.trim().toLowerCase() === 'one-click';
}
