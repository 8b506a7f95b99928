/**
 * The unsubscribe endpoint's three small pages — confirm, done, invalid — in every language that has
 * a catalog: the words are the `pages.unsubscribe.*` messages of `templates/catalogs/<lang>.json`,
 * the direction is the catalog's `meta.dir`. Everything interpolated is escaped; the pages load
 * nothing and run no script.
 */
import { headedPage, isolate, type PageStyle, pageLayout } from '../lib/pages.js';
import { escapeHtml } from '../lib/text.js';
import { pageMessage } from '../render/languages.js';

/** A `pages.unsubscribe.<key>` message as HTML (see {@link pageMessage}). */
const message = (lang: string, key: string, html?: Readonly<Record<string, string>>): string =>
  pageMessage(lang, `unsubscribe.${key}`, html);

// An address reads left to right even inside Arabic text.
const address = (email: string) => `<bdi dir="ltr">${escapeHtml(email)}</bdi>`;

const STYLE: PageStyle = {
  width: '34rem',
  css: 'button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border:0;border-radius:6px;background:#0b5cad;color:#fff;cursor:pointer}',
};

/** The confirm page: a form that POSTs the RFC 8058 body back to the same link. */
export function confirmPage(
  lang: string,
  view: { conference: string; email: string; formAction: string },
): string {
  const fields = { conference: isolate(view.conference), email: address(view.email) };
  return pageLayout(
    lang,
    message(lang, 'confirm-title'),
    `<h1>${message(lang, 'confirm-heading', fields)}</h1>
<p>${message(lang, 'confirm-text', fields)}</p>
<form method="post" action="${escapeHtml(view.formAction)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">${message(lang, 'button')}</button>
</form>`,
    STYLE,
  );
}

/** The page after unsubscribing (also shown on a GET when already unsubscribed). */
export function donePage(lang: string, view: { conference: string; email: string }): string {
  const fields = { conference: isolate(view.conference), email: address(view.email) };
  return headedPage(lang, message(lang, 'done-title'), `<p>${message(lang, 'done-text', fields)}</p>`, STYLE);
}

/** The answer to any bad request: the same words whatever was wrong. */
export function invalidPage(lang: string): string {
  return headedPage(lang, message(lang, 'invalid-title'), `<p>${message(lang, 'invalid-text')}</p>`, STYLE);
}
