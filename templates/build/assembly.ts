/**
 * MJML sources: a kind's MJML with its includes inlined (keeping each line's origin), the checks
 * run on it before MJML, and the substitution of catalog messages into it.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import { escapeHtml } from '../../functions/lib/text.js';
import { type Catalog, catalogDir, lineAt, parseMessage } from './catalogs.js';
import type { Problems } from './common.js';

export interface Origin {
  readonly file: string;
  readonly line: number;
}

/** A kind's MJML with includes inlined; `origins[i]` is where line i + 1 came from. */
export interface Source {
  readonly text: string;
  readonly origins: readonly Origin[];
}

export function originOf(source: Source, offset: number): Origin {
  return source.origins[lineAt(source.text, offset) - 1] ?? { file: source.origins[0]?.file ?? '', line: 0 };
}

const INCLUDE_LINE = /^\s*<mj-include\s+path="([^"]+)"\s*\/>\s*$/;

/** Blanks out XML comments but keeps their line breaks, so line numbers stay true. */
function stripComments(text: string): string {
  return text.replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, ''));
}

/**
 * Inlines `<mj-include>`s. An include at the top level of a kind's `<mj-body>` is wrapped in marker
 * comments (`{{!partial:name}}` … `{{!/partial:name}}`, each in its own `<mj-raw>` so MJML keeps
 * it and closes its Outlook conditionals on both sides); after MJML, the HTML between the markers
 * becomes a Handlebars partial shared by every kind (see {@link carvePartials}).
 */
export async function assemble(
  file: string,
  root: string,
  problems: Problems,
  stack: readonly string[] = [],
): Promise<Source> {
  const text = stripComments((await readFile(file, 'utf8')).replace(/\r\n?/g, '\n'));
  const lines: string[] = [];
  const origins: Origin[] = [];
  const rawLines = text.split('\n');
  let inBody = false;
  for (let i = 0; i < rawLines.length; i++) {
    const line = rawLines[i] as string;
    if (/<mj-body\b/.test(line)) inBody = true;
    if (/<\/mj-body>/.test(line)) inBody = false;
    const include = INCLUDE_LINE.exec(line);
    if (include === null) {
      if (line.includes('<mj-include'))
        problems.add(file, i + 1, '<mj-include path="…" /> must stand alone on its line');
      lines.push(line);
      origins.push({ file, line: i + 1 });
      continue;
    }
    const target = path.resolve(path.dirname(file), include[1] as string);
    if (!target.startsWith(root + path.sep)) {
      problems.add(file, i + 1, `include ${include[1]} is outside ${root}`);
      continue;
    }
    if (stack.includes(target) || target === file) {
      problems.add(file, i + 1, `include cycle through ${include[1]}`);
      continue;
    }
    try {
      const inner = await assemble(target, root, problems, [...stack, file]);
      const partial =
        inBody && stack.length === 0 ? path.basename(target, '.mjml').replace(/[^a-z0-9]/gi, '_') : null;
      if (partial !== null) {
        lines.push(`<mj-raw>{{!partial:${partial}}}</mj-raw>`);
        origins.push({ file, line: i + 1 });
      }
      lines.push(...inner.text.split('\n'));
      origins.push(...inner.origins);
      if (partial !== null) {
        lines.push(`<mj-raw>{{!/partial:${partial}}}</mj-raw>`);
        origins.push({ file, line: i + 1 });
      }
    } catch (error) {
      problems.add(file, i + 1, `cannot include ${include[1]}: ${(error as Error).message}`);
    }
  }
  return { text: lines.join('\n'), origins };
}

const PARTIAL_REGION = /\{\{!partial:(\w+)\}\}([\s\S]*?)\{\{!\/partial:\1\}\}/g;

/**
 * Replaces each marked region by `{{> name}}` and records its content in `partials` (one map per
 * language). If MJML ever rendered the same include differently in two kinds (another parent,
 * another width), the second variant gets its own name (`name_2`) instead of one silently standing
 * in for the other. Names do not depend on the language, so the code calling them stays the same
 * in every language and can be shared.
 */
export function carvePartials(template: string, partials: Map<string, string>): string {
  return template.replace(PARTIAL_REGION, (_, name: string, body: string) => {
    for (let variant = 1; ; variant++) {
      const id = variant === 1 ? name : `${name}_${variant}`;
      const existing = partials.get(id);
      if (existing === undefined) partials.set(id, body);
      if (existing === undefined || existing === body) return `{{> ${id}}}`;
    }
  });
}

/** MJML elements whose content is kept verbatim (HTML), so Handlebars inside them survives. */
const VERBATIM = new Set([
  'mj-raw',
  'mj-text',
  'mj-button',
  'mj-table',
  'mj-title',
  'mj-preview',
  'mj-style',
  'mj-navbar-link',
  'mj-accordion-title',
  'mj-accordion-text',
  'mj-social-element',
]);

const TAG_OR_MUSTACHE = /<(\/?)(mjml|mj-[a-z-]+)\b((?:[^>"]|"[^"]*")*?)(\/?)>|\{\{/g;

/**
 * MJML treats text directly inside structural elements (mj-body, mj-section, mj-column…) as junk
 * and drops it without a word, so `{{#each}}` between two sections vanishes and the closing
 * `{{/each}}` ends up unbalanced or, worse, the loop body renders once. Every expression must be
 * inside an element whose content MJML keeps verbatim, or inside an attribute value.
 */
export function checkPlacement(source: Source, problems: Problems): void {
  const stack: string[] = [];
  for (const match of source.text.matchAll(TAG_OR_MUSTACHE)) {
    if (match[0] === '{{') {
      const parent = stack.at(-1);
      if (parent === undefined || !VERBATIM.has(parent)) {
        const end = source.text.indexOf('}}', match.index);
        const expression = source.text.slice(match.index, end < 0 ? match.index + 20 : end + 2);
        const origin = originOf(source, match.index);
        problems.add(
          origin.file,
          origin.line,
          `${expression} is directly inside <${parent ?? 'document'}>; MJML drops it — wrap it in <mj-raw>`,
        );
      }
      continue;
    }
    const [, closing, name, , selfClosing] = match as unknown as [string, string, string, string, string];
    if (closing === '/') {
      if (stack.at(-1) === name) stack.pop();
      else {
        const origin = originOf(source, match.index);
        problems.add(origin.file, origin.line, `</${name}> does not close <${stack.at(-1) ?? 'nothing'}>`);
      }
    } else if (selfClosing !== '/') {
      stack.push(name);
    }
    // Tags nested inside verbatim content (e.g. <span> in mj-text) are not mj-*, so they are skipped.
  }
}

/**
 * Handlebars syntax errors are reported against the MJML source, where they can be fixed; after
 * MJML they would point into one long line of generated HTML.
 */
export function checkHandlebarsSyntax(source: Source, problems: Problems): void {
  try {
    Handlebars.parse(source.text);
  } catch (error) {
    const message = (error as Error).message;
    // "Parse error on line 12: …" or "if doesn't match each - 12:34".
    const at = /line (\d+)|- (\d+):\d+/.exec(message);
    const origin = source.origins[Number(at?.[1] ?? at?.[2] ?? 1) - 1] ?? source.origins[0];
    const first = message.split('\n');
    problems.add(
      origin?.file ?? '',
      origin?.line ?? null,
      `Handlebars: ${first[0]} ${first.slice(1, 3).join(' ').trim()}`.trim(),
    );
  }
}

type Mode = 'html' | 'attribute' | 'plain';

/** Renders a catalog message as template text for where it appears. */
function renderMessage(message: string, mode: Mode): string {
  return parseMessage(message)
    .map((part) => {
      if ('literal' in part) return mode === 'plain' ? part.literal : escapeHtml(part.literal);
      // dir="auto" isolates each value, so a Latin name inside Arabic text (or the reverse) keeps
      // its punctuation on the right side.
      return mode === 'html' ? `<span dir="auto">{{${part.field}}}</span>` : `{{${part.field}}}`;
    })
    .join('');
}

const CATALOG_TOKEN = /\[\[([@a-z][a-z0-9.-]*)\]\]/g;

export interface Substituted {
  readonly text: string;
  readonly subject: string;
}

/** Build-time variables: derived from the catalog's meta so templates need no per-language copies. */
function buildVariable(name: string, catalog: Catalog): string | undefined {
  const rtl = catalogDir(catalog) === 'rtl';
  switch (name) {
    case '@lang':
      return catalog.language;
    case '@dir':
      return rtl ? 'rtl' : 'ltr';
    case '@start':
      return rtl ? 'right' : 'left';
    case '@end':
      return rtl ? 'left' : 'right';
    default:
      return undefined;
  }
}

export function substitute(source: Source, catalog: Catalog, problems: Problems): Substituted {
  const text = source.text;
  const resolve = (token: string, offset: number, mode: Mode): string => {
    if (token.startsWith('@')) {
      const value = buildVariable(token, catalog);
      if (value !== undefined) return value;
    } else {
      const message = catalog.messages.get(token);
      if (message !== undefined)
        return token.startsWith('meta.') ? escapeHtml(message) : renderMessage(message, mode);
    }
    const origin = originOf(source, offset);
    problems.add(origin.file, origin.line, `[[${token}]] is not in ${path.basename(catalog.file)}`);
    return '';
  };
  // The subject is the content of <mj-title>: plain text, later compiled without HTML escaping.
  let subject = '';
  const titled = text.replace(/<mj-title>([\s\S]*?)<\/mj-title>/, (_, inner: string, offset: number) => {
    const start = offset + '<mj-title>'.length;
    subject = inner
      .replace(CATALOG_TOKEN, (_m, token: string, at: number) => resolve(token, start + at, 'plain'))
      .trim();
    return `<mj-title>{{subject}}</mj-title>${'\n'.repeat((inner.match(/\n/g) ?? []).length)}`;
  });
  if (subject === '') {
    problems.add(source.origins[0]?.file ?? '', null, 'no <mj-title>: it holds the subject of the mail');
  }
  const out = titled.replace(CATALOG_TOKEN, (_m, token: string, offset: number) => {
    const before = titled.slice(0, offset);
    const inTag = before.lastIndexOf('<') > before.lastIndexOf('>');
    const inPreview = before.lastIndexOf('<mj-preview>') > before.lastIndexOf('</mj-preview>');
    return resolve(token, offset, inTag || inPreview ? 'attribute' : 'html');
  });
  return { text: out, subject };
}
