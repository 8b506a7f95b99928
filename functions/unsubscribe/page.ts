/**
 * The unsubscribe endpoint's three small pages — confirm, done, invalid — in every language that has
 * a catalog: the words are the `pages.unsubscribe.*` messages of `templates/catalogs/<lang>.json`,
 * the direction is the catalog's `meta.dir`. Everything interpolated is escaped; the pages load
 * nothing and run no script.
 */
import { escapeHtml } from '../lib/text.js';
import { languageEntry, pageMessage } from '../render/languages.js';

/** A `pages.unsubscribe.<key>` message as HTML (see {@link pageMessage}). */
const message = (lang: string, key: string, html?: Readonly<Record<string, string>>): string =>
  pageMessage(lang, `unsubscribe.${key}`, html);

// Arguments arrive escaped and wrapped in <bdi>, so a Latin name inside Arabic text keeps its order.
const isolate = (text: string) => `<bdi>${escapeHtml(text)}</bdi>`;
// An address reads left to right even inside Arabic text.
const address = (email: string) => `<bdi dir="ltr">${escapeHtml(email)}</bdi>`;

function layout(lang: string, titleHtml: string, body: string): string {
  const { code, dir } = languageEntry(lang);
  return `<!doctype html>
<html lang="${escapeHtml(code)}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${titleHtml}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans Arabic",sans-serif;margin:0;padding:2rem 1rem;background:#f5f6f8;color:#1f2328;line-height:1.5}
main{max-width:34rem;margin:0 auto;background:#fff;border-radius:8px;padding:1.5rem 2rem;box-shadow:0 1px 3px rgba(0,0,0,.1)}
h1{font-size:1.35rem;margin:0 0 1rem}
button{font:inherit;font-weight:600;padding:.6rem 1.4rem;border:0;border-radius:6px;background:#0b5cad;color:#fff;cursor:pointer}
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

/** The confirm page: a form that POSTs the RFC 8058 body back to the same link. */
export function confirmPage(
  lang: string,
  view: { conference: string; email: string; formAction: string },
): string {
  const fields = { conference: isolate(view.conference), email: address(view.email) };
  return layout(
    lang,
    message(lang, 'confirm-title'),
    `<h1>${message(lang, 'confirm-heading', fields)}</h1>
<p>${message(lang, 'confirm-text', fields)}</p>
<form method="post" action="${escapeHtml(view.formAction)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">${message(lang, 'button')}</button>
</form>`,
  );
}

/** The page after unsubscribing (also shown on a GET when already unsubscribed). */
export function donePage(lang: string, view: { conference: string; email: string }): string {
  const fields = { conference: isolate(view.conference), email: address(view.email) };
  return layout(
    lang,
    message(lang, 'done-title'),
    `<h1>${message(lang, 'done-title')}</h1>
<p>${message(lang, 'done-text', fields)}</p>`,
  );
}

/** The answer to any bad request: the same words whatever was wrong. */
export function invalidPage(lang: string): string {
  return layout(
    lang,
    message(lang, 'invalid-title'),
    `<h1>${message(lang, 'invalid-title')}</h1>\n<p>${message(lang, 'invalid-text')}</p>`,
  );
}
