/**
 * The render API: `render(kind, language, data) → { subject, html, text }`, organizer Markdown
 * rendered on the spot (previews, the console, the intake's dry runs). The sender fills through
 * fill.ts with the Markdown its mailing prepared at intake, so markdown-it stays out of its bundle.
 *
 * Only precompiled Handlebars runs here (MJML ran at build time, see templates/build.ts).
 * Untrusted data is always template *data*: it is formatted and validated by the view builder and
 * HTML-escaped by Handlebars, never compiled.
 */
import { fill } from './fill.js';
import type { MailKind } from './kinds.js';
import { prepareMarkdown } from './markdown.js';
import type { MailDataByKind, RenderedMail } from './types.js';

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
  return fill(kind, language, data, prepareMarkdown);
}
