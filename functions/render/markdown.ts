/**
 * Organizer Markdown: to safe HTML for the HTML part, and to readable plain text for the text part
 * (emphasis dropped, links as "text <url>", lists and quotes kept as their markers).
 */
import MarkdownIt from 'markdown-it';
import type { MarkdownRenderer } from './types.js';

type Token = ReturnType<InstanceType<typeof MarkdownIt>['parse']>[number];

let markdown: InstanceType<typeof MarkdownIt> | undefined;

function markdownRenderer(): InstanceType<typeof MarkdownIt> {
  if (markdown !== undefined) return markdown;
  // html:false escapes raw HTML instead of passing it through; linkify:false so bare text is never
  // turned into a link the organizer did not write; typographer off keeps quotes as typed.
  const md = new MarkdownIt('default', { html: false, linkify: false, typographer: false, breaks: true });
  // Images would be remote content (tracking, broken layouts in RTL); organizers link instead.
  md.disable(['image']);
  // markdown-it's default check only refuses javascript:/vbscript:/file:/data:; mail wants less.
  md.validateLink = (url: string) => /^(?:https?:\/\/|mailto:)/i.test(url.trim());
  const defaultLinkOpen = md.renderer.rules.link_open;
  md.renderer.rules.link_open = (tokens, index, options, env, self) => {
    tokens[index]?.attrSet('rel', 'noopener noreferrer');
    return defaultLinkOpen === undefined
      ? self.renderToken(tokens, index, options)
      : defaultLinkOpen(tokens, index, options, env, self);
  };
  markdown = md;
  return md;
}

const markdownCache = new Map<string, string>();
const MARKDOWN_CACHE_SIZE = 64;

/**
 * Renders organizer Markdown to HTML that is safe to insert unescaped: raw HTML is shown as text,
 * links are kept only for http(s) and mailto, images are not rendered. A mailing renders the same
 * body for thousands of recipients, so results are cached by source text.
 */
export function renderMarkdown(source: string): string {
  const cached = markdownCache.get(source);
  if (cached !== undefined) return cached;
  const html = markdownRenderer().render(source);
  if (markdownCache.size >= MARKDOWN_CACHE_SIZE) {
    const oldest = markdownCache.keys().next();
    if (oldest.done !== true) markdownCache.delete(oldest.value);
  }
  markdownCache.set(source, html);
  return html;
}

/** Inline tokens as text: emphasis and code marks dropped, links as "text <url>". */
function inlineText(children: readonly Token[]): string {
  let out = '';
  let link: { href: string; start: number } | null = null;
  for (const token of children) {
    switch (token.type) {
      case 'text':
      case 'code_inline':
        out += token.content;
        break;
      case 'softbreak':
      case 'hardbreak':
        out += '\n';
        break;
      case 'link_open':
        link = { href: String(token.attrGet('href') ?? ''), start: out.length };
        break;
      case 'link_close': {
        if (link === null) break;
        const label = out.slice(link.start).trim();
        const target = link.href.replace(/^mailto:/i, '');
        out = `${out.slice(0, link.start)}${label === '' || label === target ? `<${target}>` : `${label} <${target}>`}`;
        link = null;
        break;
      }
      default:
        // strong/em/s open and close are marks only; nothing else carries text here (html is off).
        out += token.content;
    }
  }
  return out;
}

const textCache = new Map<string, string>();

/**
 * The plain-text alternative of organizer Markdown, in the style of the rest of the text part:
 * paragraphs separated by a blank line, `**bold**` and `_emphasis_` as plain words, links as
 * "the venue page <https://…>", list items as "- " or "1. ", quotes as "> ". Control characters
 * other than line breaks and tabs are removed.
 */
export function markdownToText(source: string): string {
  const cached = textCache.get(source);
  if (cached !== undefined) return cached;
  const clean = source.replace(/\r\n?/g, '\n').replace(/[^\P{Cc}\n\t]/gu, '');
  const tokens = markdownRenderer().parse(clean, {});
  const blocks: string[] = [];
  const lists: { ordered: boolean; next: number }[] = [];
  let quote = 0;
  let marker = '';
  // Items of a tight list follow each other without a blank line (markdown-it hides their
  // paragraphs); `joinNext` says the last block was one.
  let hidden = false;
  let joinNext = false;
  const push = (text: string): void => {
    const indent = '  '.repeat(Math.max(0, lists.length - 1));
    const first = `${indent}${marker}`;
    const rest = `${indent}${' '.repeat(marker.length)}`;
    const lines = text.split('\n').map((line, i) => `${i === 0 ? first : rest}${line}`.trimEnd());
    const quoted = lines.map((line) => `${'> '.repeat(quote)}${line}`.trimEnd()).join('\n');
    if (hidden && joinNext && blocks.length > 0) blocks[blocks.length - 1] += `\n${quoted}`;
    else blocks.push(quoted);
    joinNext = hidden && lists.length > 0;
    marker = '';
  };
  for (const token of tokens) {
    switch (token.type) {
      case 'bullet_list_open':
      case 'ordered_list_open':
        lists.push({
          ordered: token.type === 'ordered_list_open',
          next: Number(token.attrGet('start') ?? 1),
        });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        joinNext = false;
        break;
      case 'list_item_open': {
        const list = lists[lists.length - 1];
        if (list !== undefined) marker = list.ordered ? `${list.next++}. ` : '- ';
        break;
      }
      case 'blockquote_open':
        quote += 1;
        break;
      case 'blockquote_close':
        quote -= 1;
        break;
      case 'paragraph_open':
      case 'heading_open':
        hidden = token.hidden;
        break;
      case 'inline':
        push(inlineText(token.children ?? []));
        break;
      case 'fence':
      case 'code_block':
        hidden = false;
        push(token.content.replace(/\n$/, ''));
        break;
      case 'hr':
        hidden = false;
        push('———');
        break;
      default:
        break;
    }
  }
  const text = blocks.join('\n\n').trim();
  if (textCache.size >= MARKDOWN_CACHE_SIZE) textCache.clear();
  textCache.set(source, text);
  return text;
}

/** Organizer Markdown as the templates show it: safe HTML and its plain-text alternative. */
export const prepareMarkdown: MarkdownRenderer = (source) => ({
  html: renderMarkdown(source),
  text: markdownToText(source),
});
