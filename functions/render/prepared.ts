/**
 * Organizer Markdown prepared once per mailing, at intake, and kept beside its row (its own item,
 * `MAILING#<mid>` / `PREPARED`): each distinct text of the body as HTML and text, keyed by the
 * SHA-256 of the source and gzipped (a body may be up to 100,000 characters a language). The
 * sender fills its templates from this and never loads markdown-it, which keeps its bundle and
 * cold start small and renders the body once, not once a recipient. Keyed by the source's hash,
 * a prepared text answers only for the text it was made from: nothing depends on the order of
 * the body's languages (a DynamoDB map keeps none), and a text made from other content is refused.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Localized, MarkdownRenderer, PreparedMarkdown } from './types.js';

/** What a mailing's organizer content holds of Markdown. */
export interface MarkdownContent {
  readonly body: Localized;
}

/** A mailing's prepared text does not cover its content (not prepared yet, or from other content). */
export class TextNotPreparedError extends Error {
  override name = 'TextNotPreparedError';
}

const hashOf = (source: string): string => createHash('sha256').update(source).digest('base64url');

/** Each distinct Markdown text of the content. */
function sourcesOf(content: MarkdownContent): string[] {
  return [...new Set(Object.values(content.body).filter((text): text is string => text !== undefined))];
}

/** The content's Markdown rendered by `markdown`, packed for its item. */
export function packPrepared(content: MarkdownContent, markdown: MarkdownRenderer): Uint8Array {
  const prepared: Record<string, [string, string]> = {};
  for (const source of sourcesOf(content)) {
    const { html, text } = markdown(source);
    prepared[hashOf(source)] = [html, text];
  }
  return gzipSync(JSON.stringify(prepared));
}

/**
 * A renderer that answers from what intake prepared, for every text of `content`; throws
 * {@link TextNotPreparedError} when `packed` is missing or does not cover one of them.
 */
export function preparedRenderer(content: MarkdownContent, packed: Uint8Array | undefined): MarkdownRenderer {
  if (packed === undefined) throw new TextNotPreparedError('the organizer text has not been prepared yet');
  const parsed = JSON.parse(gunzipSync(packed).toString('utf8')) as Record<string, unknown>;
  const bySource = new Map<string, PreparedMarkdown>();
  for (const source of sourcesOf(content)) {
    const entry = parsed[hashOf(source)];
    if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'string')
      throw new TextNotPreparedError('the prepared organizer text is not that of this content');
    bySource.set(source, { html: entry[0], text: entry[1] });
  }
  return (source) => {
    const found = bySource.get(source);
    if (found === undefined)
      throw new TextNotPreparedError('this Markdown text was not prepared with the mailing');
    return found;
  };
}

/** Whether `packed` covers every text of `content` (the clock's check of an open mailing). */
export function coversContent(content: MarkdownContent, packed: Uint8Array | undefined): boolean {
  try {
    preparedRenderer(content, packed);
    return true;
  } catch {
    // Not prepared, from other content, or unreadable: the clock prepares it again.
    return false;
  }
}
