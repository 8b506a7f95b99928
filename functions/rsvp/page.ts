/**
 * The RSVP pages — the answer form, the page after answering, and the one "not valid" page — in
 * every language that has a catalog (right to left where its `meta.dir` says so). Words are the
 * `pages.rsvp.*` messages of `templates/catalogs/<lang>.json`. Everything interpolated is escaped
 * and isolated (`<bdi>`); the pages load nothing and run no script.
 */
import { headedPage, isolate, type PageStyle } from '../lib/pages.js';
import { escapeHtml } from '../lib/text.js';
import { catalogLanguageOf, LANGUAGE_ENTRIES, languageEntry, pageMessage } from '../render/languages.js';

/** A `pages.rsvp.<key>` message as HTML (see {@link pageMessage}). */
const t = (lang: string, key: string, html?: Readonly<Record<string, string>>): string =>
  pageMessage(lang, `rsvp.${key}`, html);

/** The page language for a tag (`ru-RU` → `ru`), or undefined when no catalog has it. */
export const pageLanguageOf = (tag: string | undefined): string | undefined => catalogLanguageOf(tag);

/** What the pages show about the conference, already localized by the endpoint. */
export interface ConferenceView {
  name: string;
  city: string;
  /** ISO dates, inclusive. */
  start: string;
  end: string;
}

export type Answer = 'accept' | 'decline' | 'delegate';
export type ShownState = 'invited' | 'accepted' | 'declined' | 'delegated' | 'registered';

const STATE_KEY: Record<Exclude<ShownState, 'invited'>, string> = {
  accepted: 'state-accept',
  declined: 'state-decline',
  delegated: 'state-delegate',
  registered: 'state-registered',
};

function dates(lang: string, start: string, end: string): string {
  const format = new Intl.DateTimeFormat(languageEntry(lang).locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
  const a = new Date(`${start}T12:00:00Z`);
  const b = new Date(`${end}T12:00:00Z`);
  if (Number.isNaN(a.getTime()) || Number.isNaN(b.getTime())) return `${start} – ${end}`;
  return start === end ? format.format(a) : format.formatRange(a, b);
}

const STYLE: PageStyle = {
  width: '36rem',
  css: `fieldset{border:1px solid #d0d7de;border-radius:6px;margin:0 0 1rem;padding:.75rem 1rem}
legend{font-weight:600;padding:0 .25rem}
label{display:block;margin:.35rem 0}
input[type=text],input[type=email],select{font:inherit;width:100%;box-sizing:border-box;padding:.4rem;border:1px solid #8c959f;border-radius:4px;margin-top:.2rem}
button,a.button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border:0;border-radius:6px;background:#0b5cad;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
.error{color:#a40e26;font-weight:600}
.note{color:#57606a}`,
};

/** A page about the conference: the title as heading, the lead line, then `body`. */
const conferencePage = (lang: string, conference: ConferenceView, body: string): string =>
  headedPage(lang, t(lang, 'title'), `${lead(lang, conference)}\n${body}`, STYLE);

function lead(lang: string, conference: ConferenceView): string {
  return `<p>${t(lang, 'lead', {
    conference: isolate(conference.name),
    dates: isolate(dates(lang, conference.start, conference.end)),
    city: isolate(conference.city),
  })}</p>`;
}

function current(lang: string, state: ShownState): string {
  if (state === 'invited') return '';
  return `<p class="note">${t(lang, 'current', { answer: `<strong>${t(lang, STATE_KEY[state])}</strong>` })}</p>`;
}

/** The answer form: three choices (the third only when the invitee may designate someone). */
export function formPage(
  lang: string,
  view: {
    conference: ConferenceView;
    state: ShownState;
    mayDesignate: boolean;
    formAction: string;
    error?: boolean;
  },
): string {
  const choice = (value: Answer) =>
    `<label><input type="radio" name="answer" value="${value}" required> ${t(lang, value)}</label>`;
  const languages = LANGUAGE_ENTRIES.map(
    (l) =>
      `<option value="${escapeHtml(l.code)}" lang="${escapeHtml(l.code)}"${l.code === lang ? ' selected' : ''}>${escapeHtml(l.name)}</option>`,
  ).join('');
  const representative = view.mayDesignate
    ? `<fieldset>
<legend>${t(lang, 'representative')}</legend>
<label for="rep-name">${t(lang, 'name')}</label><input type="text" id="rep-name" name="name" maxlength="200" autocomplete="name">
<label for="rep-email">${t(lang, 'email')}</label><input type="email" id="rep-email" name="email" maxlength="320" autocomplete="email" dir="ltr">
<label for="rep-honorific">${t(lang, 'honorific')}</label><input type="text" id="rep-honorific" name="honorific" maxlength="100" autocomplete="honorific-prefix">
<label for="rep-language">${t(lang, 'language')}</label><select id="rep-language" name="language">${languages}</select>
</fieldset>`
    : '';
  return conferencePage(
    lang,
    view.conference,
    `${current(lang, view.state)}
${view.error ? `<p class="error" role="alert">${t(lang, 'missing')}</p>` : ''}
<form method="post" action="${escapeHtml(view.formAction)}">
<fieldset>
<legend>${t(lang, 'question')}</legend>
${choice('accept')}
${choice('decline')}
${view.mayDesignate ? choice('delegate') : ''}
</fieldset>
${representative}
<button type="submit">${t(lang, 'send')}</button>
</form>`,
  );
}

/** The page after an answer is recorded (or found already recorded). */
export function donePage(
  lang: string,
  view: { conference: ConferenceView; state: ShownState; registrationUrl?: string; changeUrl: string },
): string {
  const message =
    view.state === 'accepted'
      ? t(lang, 'done-accept')
      : view.state === 'declined'
        ? t(lang, 'done-decline')
        : view.state === 'delegated'
          ? t(lang, 'done-delegate')
          : '';
  const next =
    view.state === 'accepted' && view.registrationUrl
      ? `<p><a class="button" href="${escapeHtml(view.registrationUrl)}" rel="noreferrer">${t(lang, 'continue')}</a></p>`
      : '';
  return conferencePage(
    lang,
    view.conference,
    `${message ? `<p role="status">${message}</p>` : ''}
${current(lang, view.state)}
${next}
<p class="note"><a href="${escapeHtml(view.changeUrl)}">${t(lang, 'change')}</a></p>`,
  );
}

/** The answer to any bad link: the same words whatever was wrong. */
export function invalidPage(lang: string): string {
  return headedPage(lang, t(lang, 'invalid-title'), `<p>${t(lang, 'invalid-text')}</p>`, STYLE);
}
