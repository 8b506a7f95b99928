/**
 * One mail from precompiled Handlebars: `fill(kind, language, data, markdown) → { subject, html, text }`.
 *
 * Only precompiled templates run here (MJML ran at build time, see templates/build.ts), so a fill
 * is a few tens of microseconds. Untrusted data is always template *data*: it is formatted and
 * validated by the view builder and HTML-escaped by Handlebars, never compiled. Organizer Markdown
 * comes through `markdown`, so this module does not load markdown-it: the sender fills with the
 * text its mailing prepared at intake (see prepared.ts), everything else through `render()`.
 */
import { runtimeCatalog, templatesFor } from './compiled.js';
import { singleLine } from './format.js';
import type { MailKind } from './kinds.js';
import { resolveLanguage } from './languages.js';
import { boundSubject } from './subject.js';
import type { MailDataByKind, MarkdownRenderer, RenderedMail } from './types.js';
import { buildContext } from './view.js';

/** See `render()` in index.ts; `markdown` turns organizer Markdown into HTML and text. */
export function fill<K extends MailKind>(
  kind: K,
  language: string | undefined | null,
  data: MailDataByKind[K],
  markdown: MarkdownRenderer,
): RenderedMail {
  const resolved = resolveLanguage(language);
  const catalog = runtimeCatalog(resolved);
  const templates = templatesFor(kind, resolved);
  const context = buildContext(kind, data, { catalog, markdown });
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
