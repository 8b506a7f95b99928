/**
 * The render API the sender uses: `render(kind, language, data) → { subject, html, text }`.
 *
 * Only precompiled Handlebars runs here (MJML ran at build time, see templates/build.ts), so a
 * render is a few tens of microseconds. Untrusted data is always template *data*: it is formatted
 * and validated by the view builder and HTML-escaped by Handlebars, never compiled.
 */
import { runtimeCatalog, templatesFor } from './compiled.js';
import { singleLine } from './format.js';
import type { MailKind } from './kinds.js';
import { resolveLanguage } from './languages.js';
import { boundSubject } from './subject.js';
import type { MailDataByKind, RenderedMail } from './types.js';
import { buildContext } from './view.js';

export { LANGUAGES, TEMPLATES_SOURCE_HASH, TemplatesNotBuiltError } from './compiled.js';
export { RenderError } from './format.js';
export * from './kinds.js';
export { catalogLanguageOf, LANGUAGE_ENTRIES, type LanguageEntry, resolveLanguage } from './languages.js';
export type * from './types.js';

/**
 * Renders one mail. `language` is the recipient's language tag (anything; unknown → English).
 * Throws `RenderError` for data no template can show (e.g. a bulk mail without an http(s)
 * unsubscribe URL) — a permanent failure for that delivery, not a reason to retry.
 *
 * The conference and session objects in `data` are treated as immutable: what is derived from them
 * (formatted dates, lists, names) is cached per object, since a mailing passes the same ones for
 * every recipient. Pass a new object when the projection changes.
 */
export function render<K extends MailKind>(
  kind: K,
  language: string | undefined | null,
  data: MailDataByKind[K],
): RenderedMail {
  const resolved = resolveLanguage(language);
  const catalog = runtimeCatalog(resolved);
  const templates = templatesFor(kind, resolved);
  const context = buildContext(kind, data, { catalog });
  const subject = boundSubject(singleLine(templates.subject(context)));
  context.subject = subject;
  const html = templates.html(context);
  // Conditional blocks leave blank lines behind in the text template; two in a row are enough.
  const text = `${templates
    .text(context)
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
  return { subject, html, text, language: resolved, dir: catalog.dir };
}
