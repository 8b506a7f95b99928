/**
 * The RSVP pages — the answer form, the page after answering, and the one "not valid" page — in
 * English, Russian and Arabic (right to left). Words come from the `rsvp-page` section of
 * `templates/catalogs/<lang>.json`, so translators keep one file per language. Everything
 * interpolated is escaped and isolated (`<bdi>`); the pages load nothing and run no script.
 */
import ar from '../../templates/catalogs/ar.json' with { type: 'json' };
import en from '../../templates/catalogs/en.json' with { type: 'json' };
import ru from '../../templates/catalogs/ru.json' with { type: 'json' };
import { escapeHtml } from '../unsubscribe/page.js';

export type PageLanguage = 'en' | 'ru' | 'ar';
export const PAGE_LANGUAGES: readonly PageLanguage[] = ['en', 'ru', 'ar'];

type Strings = (typeof en)['rsvp-page'];
const catalogs: Record<PageLanguage, { strings: Strings; locale: string; dir: string; name: string }> = {
  en: { strings: en['rsvp-page'], locale: en.meta.locale, dir: en.meta.dir, name: en.meta.name },
  ru: { strings: ru['rsvp-page'], locale: ru.meta.locale, dir: ru.meta.dir, name: ru.meta.name },
  ar: { strings: ar['rsvp-page'], locale: ar.meta.locale, dir: ar.meta.dir, name: ar.meta.name },
};

/** `ru-RU`, `RU` → `ru`; anything without a page → undefined. */
export function pageLanguageOf(tag: string | undefined): PageLanguage | undefined {
  const primary = (tag ?? '').split('-')[0]?.toLowerCase();
  return PAGE_LANGUAGES.find((l) => l === primary);
}

/** Fills `{name}` placeholders with already-escaped HTML; the message itself is escaped first. */
function fill(message: string, html: Record<string, string> = {}): string {
  return escapeHtml(message).replace(/\{([a-z]+)\}/g, (whole, key: string) => html[key] ?? whole);
}

const isolate = (text: string) => `<bdi>${escapeHtml(text)}</bdi>`;

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

const STATE_KEY: Record<Exclude<ShownState, 'invited'>, keyof Strings> = {
  accepted: 'state-accept',
  declined: 'state-decline',
  delegated: 'state-delegate',
  registered: 'state-registered',
};

function dates(lang: PageLanguage, start: string, end: string): string {
  const format = new Intl.DateTimeFormat(catalogs[lang].locale, {
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

function layout(lang: PageLanguage, title: string, body: string): string {
  const { dir } = catalogs[lang];
  return `<!doctype html>
<html lang="${lang}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",sans-serif;margin:0;padding:2rem 1rem;background:#f5f6f8;color:#1f2328;line-height:1.5}
main{max-width:36rem;margin:0 auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.35rem;margin:0 0 1rem}
fieldset{border:1px solid #d0d7de;border-radius:6px;margin:0 0 1rem;padding:.75rem 1rem}
legend{font-weight:600;padding:0 .25rem}
label{display:block;margin:.35rem 0}
input[type=text],input[type=email],select{font:inherit;width:100%;box-sizing:border-box;padding:.4rem;border:1px solid #8c959f;border-radius:4px;margin-top:.2rem}
button,a.button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border:0;border-radius:6px;background:#0b5cad;color:#fff;cursor:pointer;text-decoration:none;display:inline-block}
.error{color:#a40e26;font-weight:600}
.note{color:#57606a}
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function lead(lang: PageLanguage, conference: ConferenceView): string {
  const t = catalogs[lang].strings;
  return `<p>${fill(t.lead, {
    conference: isolate(conference.name),
    dates: isolate(dates(lang, conference.start, conference.end)),
    city: isolate(conference.city),
  })}</p>`;
}

function current(lang: PageLanguage, state: ShownState): string {
  if (state === 'invited') return '';
  const t = catalogs[lang].strings;
  return `<p class="note">${fill(t.current, { answer: `<strong>${escapeHtml(t[STATE_KEY[state]])}</strong>` })}</p>`;
}

/** The answer form: three choices (the third only when the invitee may designate someone). */
export function formPage(
  lang: PageLanguage,
  view: {
    conference: ConferenceView;
    state: ShownState;
    mayDesignate: boolean;
    formAction: string;
    error?: boolean;
  },
): string {
  const t = catalogs[lang].strings;
  const choice = (value: Answer, text: string) =>
    `<label><input type="radio" name="answer" value="${value}" required> ${escapeHtml(text)}</label>`;
  const languages = PAGE_LANGUAGES.map(
    (l) => `<option value="${l}"${l === lang ? ' selected' : ''}>${escapeHtml(catalogs[l].name)}</option>`,
  ).join('');
  const representative = view.mayDesignate
    ? `<fieldset>
<legend>${escapeHtml(t.representative)}</legend>
<label for="rep-name">${escapeHtml(t.name)}</label><input type="text" id="rep-name" name="name" maxlength="200" autocomplete="name">
<label for="rep-email">${escapeHtml(t.email)}</label><input type="email" id="rep-email" name="email" maxlength="320" autocomplete="email" dir="ltr">
<label for="rep-honorific">${escapeHtml(t.honorific)}</label><input type="text" id="rep-honorific" name="honorific" maxlength="100" autocomplete="honorific-prefix">
<label for="rep-language">${escapeHtml(t.language)}</label><select id="rep-language" name="language">${languages}</select>
</fieldset>`
    : '';
  return layout(
    lang,
    t.title,
    `<h1>${escapeHtml(t.title)}</h1>
${lead(lang, view.conference)}
${current(lang, view.state)}
${view.error ? `<p class="error" role="alert">${escapeHtml(t.missing)}</p>` : ''}
<form method="post" action="${escapeHtml(view.formAction)}">
<fieldset>
<legend>${escapeHtml(t.question)}</legend>
${choice('accept', t.accept)}
${choice('decline', t.decline)}
${view.mayDesignate ? choice('delegate', t.delegate) : ''}
</fieldset>
${representative}
<button type="submit">${escapeHtml(t.send)}</button>
</form>`,
  );
}

/** The page after an answer is recorded (or found already recorded). */
export function donePage(
  lang: PageLanguage,
  view: { conference: ConferenceView; state: ShownState; registrationUrl?: string; changeUrl: string },
): string {
  const t = catalogs[lang].strings;
  const message =
    view.state === 'accepted'
      ? t['done-accept']
      : view.state === 'declined'
        ? t['done-decline']
        : view.state === 'delegated'
          ? t['done-delegate']
          : '';
  const next =
    view.state === 'accepted' && view.registrationUrl
      ? `<p><a class="button" href="${escapeHtml(view.registrationUrl)}" rel="noreferrer">${escapeHtml(t.continue)}</a></p>`
      : '';
  return layout(
    lang,
    t.title,
    `<h1>${escapeHtml(t.title)}</h1>
${lead(lang, view.conference)}
${message ? `<p role="status">${escapeHtml(message)}</p>` : ''}
${current(lang, view.state)}
${next}
<p class="note"><a href="${escapeHtml(view.changeUrl)}">${escapeHtml(t.change)}</a></p>`,
  );
}

/** The answer to any bad link: the same words whatever was wrong. */
export function invalidPage(lang: PageLanguage): string {
  const t = catalogs[lang].strings;
  return layout(
    lang,
    t['invalid-title'],
    `<h1>${escapeHtml(t['invalid-title'])}</h1>\n<p>${escapeHtml(t['invalid-text'])}</p>`,
  );
}
