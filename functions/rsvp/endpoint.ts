/**
 * The public RSVP endpoint, independent of how HTTP reaches it:
 *
 * - `GET ?token=…` shows the invitee's answer form in their language. It records nothing:
 *   link scanners and previewers fetch every link in a message.
 * - `POST ?token=…` with form data `answer=accept|decline|delegate` (for `delegate` also
 *   `name`, `email`, optionally `honorific` and `language`) records the answer and answers 200
 *   with a page; accepting links on to the conference's registration page (built from the
 *   conference's website, never from the request). The same POST again records nothing new.
 * - A forged, altered, truncated, expired or wrong-scope token, or one for an invitee who is
 *   gone, gets 400 with one fixed page that says nothing about what was wrong. A POST without the
 *   expected form gets 400 with the form again and a line saying what to fill in.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { isValidEmail, normalizeEmail } from '../events/email.js';
import { RSVP_ANSWERS, type RsvpAnswer } from '../events/outbound.js';
import { toSingleLine } from '../events/schemas.js';
import { registrationLink } from '../invitations/links.js';
import { maskEmail } from '../lib/logger.js';
import type { PageRequest, PageResponse } from '../lib/pages.js';
import { methodNotAllowed, pageResponse as page, pageMethod, readForm } from '../lib/pages.js';
import { getInvitee } from '../store/invitees.js';
import type { ConferenceRow, InviteeRow } from '../store/model.js';
import { getConference } from '../store/store.js';
import type { UnsubscribeKeys } from '../unsubscribe/token.js';
import { type AnswerDeps, answerInvitation, type RepresentativeInput } from './answer.js';
import { type ConferenceView, donePage, formPage, invalidPage, pageLanguageOf } from './page.js';
import { verifyRsvpToken } from './token.js';

export interface RsvpDeps extends AnswerDeps {
  keys: UnsubscribeKeys;
  log?: Pick<Logger, 'info'>;
}

/** Localized text in `lang`, English when missing (plain strings are the same in every language). */
function pick(text: string | Record<string, string | undefined> | undefined, lang: string): string {
  if (text === undefined) return '';
  return typeof text === 'string' ? text : (text[lang] ?? text.en ?? '');
}

function conferenceView(
  conference: ConferenceRow | undefined,
  lang: string,
  fallback: string,
): ConferenceView {
  return {
    name: conference ? pick(conference.name, lang) : fallback,
    city: pick(conference?.city as string | Record<string, string | undefined> | undefined, lang),
    start: conference?.start ?? '',
    end: conference?.end ?? '',
  };
}

/** Handles one request to the endpoint. */
export async function handleRsvp(deps: RsvpDeps, request: PageRequest): Promise<PageResponse> {
  const method = pageMethod(request);
  const requestedLang = pageLanguageOf(request.query.lang);
  const invalid = () => page(400, invalidPage(requestedLang ?? 'en'));
  if (method === undefined) return methodNotAllowed(invalidPage(requestedLang ?? 'en'));
  const token = request.query.token;
  const claims = token ? verifyRsvpToken(deps.keys, token, deps.now()) : undefined;
  if (!token || !claims) return invalid();
  const [invitee, conference] = await Promise.all([
    getInvitee(deps, claims.conferenceId, claims.inviteeId),
    getConference(deps, claims.conferenceId),
  ]);
  if (invitee?.status !== 'active' || !conference) return invalid();

  const lang: string = requestedLang ?? pageLanguageOf(invitee.language) ?? 'en';
  const view = conferenceView(conference, lang, claims.conferenceId);
  const formAction = `?${new URLSearchParams({ token, lang }).toString()}`;
  const mayDesignate = invitee.mayDesignate !== false;
  const form = (status: number, row: InviteeRow, error = false) =>
    page(status, formPage(lang, { conference: view, state: row.rsvp, mayDesignate, formAction, error }));

  if (method === 'GET' || method === 'HEAD') {
    const response = form(200, invitee);
    return method === 'HEAD' ? { ...response, body: '' } : response;
  }

  const parsed = await readAnswer(request, mayDesignate);
  if (!parsed) return form(400, invitee, true);
  const stored = await answerInvitation(deps, conference, invitee, parsed, `rsvp:${request.requestId}`);
  deps.log?.info('rsvp answered', {
    conferenceId: claims.conferenceId,
    inviteeId: claims.inviteeId,
    state: stored.rsvp,
    email: maskEmail(stored.email),
  });
  const registrationUrl = registrationLink(conference.website, { inviteeId: invitee.inviteeId });
  return page(
    200,
    donePage(lang, {
      conference: view,
      state: stored.rsvp,
      ...(registrationUrl ? { registrationUrl } : {}),
      changeUrl: formAction,
    }),
  );
}

/**
 * The answer in a POST body (url-encoded or multipart form data), or undefined when the body is
 * not the expected form: no answer, an unknown one, a designation without a name or a valid
 * address, or a designation by an invitee who may not designate.
 */
export async function readAnswer(
  request: Pick<PageRequest, 'headers' | 'body'>,
  mayDesignate: boolean,
): Promise<{ answer: RsvpAnswer; representative?: RepresentativeInput } | undefined> {
  const form = await readForm(request, 'reject');
  if (!form) return undefined;
  const text = (name: string, max: number): string | undefined => {
    const value = form.get(name);
    if (typeof value !== 'string') return undefined;
    const clean = toSingleLine(value);
    return clean === '' || clean.length > max ? undefined : clean;
  };
  const answer = text('answer', 20)?.toLowerCase();
  if (!answer || !(RSVP_ANSWERS as readonly string[]).includes(answer)) return undefined;
  if (answer !== 'delegate') return { answer: answer as RsvpAnswer };
  if (!mayDesignate) return undefined;
  const name = text('name', 200);
  const email = text('email', 320);
  if (!name || !email || !isValidEmail(email)) return undefined;
  const honorific = text('honorific', 100);
  const language = pageLanguageOf(text('language', 35));
  return {
    answer: 'delegate',
    representative: {
      name,
      email: normalizeEmail(email).address,
      ...(honorific ? { honorific } : {}),
      ...(language ? { language } : {}),
    },
  };
}
