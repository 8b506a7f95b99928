/**
 * Organizer Markdown prepared once per mailing, at intake, and carried on its row: each language's
 * body as HTML and text, gzipped (a body may be up to 100,000 characters a language, and the row
 * holds at most 400 KB). The sender fills its templates from this and never loads markdown-it,
 * which keeps its bundle and cold start small and renders the body once, not once a recipient.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { RenderError } from './format.js';
import type { Localized, MarkdownRenderer, PreparedMarkdown } from './types.js';

/** What a mailing's organizer content holds of Markdown. */
export interface MarkdownContent {
  readonly body: Localized;
}

/** Each distinct Markdown text of the content, in a fixed order (the body's languages). */
function sourcesOf(content: MarkdownContent): string[] {
  return [...new Set(Object.values(content.body).filter((text): text is string => text !== undefined))];
}

/** The content's Markdown rendered by `markdown`, packed for the mailing row. */
export function packPrepared(content: MarkdownContent, markdown: MarkdownRenderer): Uint8Array {
  const prepared = sourcesOf(content).map((source) => {
    const { html, text } = markdown(source);
    return [html, text];
  });
  return gzipSync(JSON.stringify(prepared));
}

/**
 * A renderer that answers from what intake prepared. A text it does not hold is a `RenderError`
 * (a mailing stored before texts were prepared, or a kind that renders Markdown the content does
 * not carry): the delivery fails with that reason rather than going out without its body.
 */
export function preparedRenderer(
  content: MarkdownContent | undefined,
  packed: Uint8Array | undefined,
): MarkdownRenderer {
  const bySource = new Map<string, PreparedMarkdown>();
  if (content !== undefined && packed !== undefined) {
    const sources = sourcesOf(content);
    const parsed: unknown = JSON.parse(gunzipSync(packed).toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== sources.length)
      throw new RenderError('the prepared organizer text does not match the mailing content');
    sources.forEach((source, i) => {
      const [html, text] = parsed[i] as [unknown, unknown];
      if (typeof html !== 'string' || typeof text !== 'string')
        throw new RenderError('the prepared organizer text is malformed');
      bySource.set(source, { html, text });
    });
  }
  return (source) => {
    const found = bySource.get(source);
    if (found === undefined)
      throw new RenderError('the organizer text of this mailing was not prepared at intake');
    return found;
  };
}
