/**
 * Template build step (`npm run build:templates`): MJML + message catalogs → precompiled Handlebars.
 *
 * For every kind (`templates/<kind>.mjml`) and every catalog (`templates/catalogs/<lang>.json`):
 *  1. inline `<mj-include>`s, keeping a map from each line back to its file and line;
 *  2. check that every Handlebars expression sits where MJML keeps it (block helpers between
 *     sections must be inside `<mj-raw>`: MJML silently drops bare text there);
 *  3. substitute catalog messages (`[[section.key]]`): literal text HTML-escaped, `{field}`
 *     placeholders turned into escaped Handlebars expressions — so catalogs are data, never code;
 *  4. compile with MJML under strict validation, then check that no expression was lost;
 *  5. derive the plain-text template from the HTML (html-to-text on a tokenised copy) and the
 *     subject template from `<mj-title>`; carve the shared layout pieces out as partials;
 *  6. render every sample through the templates compiled in Handlebars strict mode, so a template
 *     that reads a field the view does not provide fails here rather than in Lambda;
 *  7. precompile subject, HTML and text and write them as one compact ES module.
 *
 * The output, `templates/dist/compiled.js`, is plain ESM with no dependency on MJML; only the
 * Handlebars runtime is needed to use it. Errors name the source file and line.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import Handlebars from 'handlebars';
import { convert, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';
import mjml2html from 'mjml';
import { minimalSamplesFor, sampleRecipient, samplesFor } from '../demo/samples.js';
import { escapeHtml } from '../functions/lib/text.js';
import { normalizeHonorific, type RuntimeCatalog } from '../functions/render/format.js';
import { MAIL_KINDS, type MailKind } from '../functions/render/kinds.js';
import type { LanguageEntry } from '../functions/render/languages.js';
import { buildContext } from '../functions/render/view.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Default source folder (this file's folder). */
export const TEMPLATES_DIR = HERE;
/** Default output folder. */
export const DIST_DIR = path.join(HERE, 'dist');
const REFERENCE_LANGUAGE = 'en';
const META_KEYS = ['name', 'locale', 'dir', 'font'] as const;

// ---------------------------------------------------------------------------------------------------
// Errors

/** One problem found by the build, located in a source file. */
export interface BuildProblem {
  readonly file: string;
  readonly line: number | null;
  readonly message: string;
}

/** Thrown when the build finds problems; `message` lists them as `file:line: message`. */
export class TemplateBuildError extends Error {
  readonly problems: readonly BuildProblem[];

  constructor(problems: readonly BuildProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'TemplateBuildError';
    this.problems = problems;
  }
}

function formatProblem(problem: BuildProblem): string {
  const file = path.relative(process.cwd(), problem.file) || problem.file;
  return `${file}${problem.line === null ? '' : `:${problem.line}`}: ${problem.message}`;
}

class Problems {
  readonly list: BuildProblem[] = [];
  add(file: string, line: number | null, message: string): void {
    this.list.push({ file, line, message });
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new TemplateBuildError(this.list);
  }
}

// ---------------------------------------------------------------------------------------------------
// Catalogs

interface Catalog {
  readonly language: string;
  readonly file: string;
  readonly text: string;
  /** Flattened `a.b.c` → message. */
  readonly messages: ReadonlyMap<string, string>;
}

type MessagePart = { readonly literal: string } | { readonly field: string };

const PLACEHOLDER = /\{([A-Za-z][\w]*(?:\.[A-Za-z][\w]*)*)\}/g;

/** Splits a catalog message into literal text and `{field}` placeholders. */
function parseMessage(message: string): MessagePart[] {
  const parts: MessagePart[] = [];
  let last = 0;
  for (const match of message.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push({ literal: message.slice(last, match.index) });
    parts.push({ field: match[1] as string });
    last = match.index + match[0].length;
  }
  if (last < message.length) parts.push({ literal: message.slice(last) });
  return parts;
}

function placeholders(message: string): string[] {
  return [...message.matchAll(PLACEHOLDER)].map((m) => m[1] as string).sort();
}

/** 1-based line of `offset` in `text`. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Best-effort line of a dotted key in a JSON file: each segment is searched after the previous one. */
function keyLine(text: string, key: string): number | null {
  let from = 0;
  for (const segment of key.split('.')) {
    const at = text.indexOf(`${JSON.stringify(segment)}`, from);
    if (at < 0) return null;
    from = at + segment.length;
  }
  return lineAt(text, from);
}

function flatten(
  value: unknown,
  prefix: string,
  into: Map<string, string>,
  problems: Problems,
  file: string,
  text: string,
): void {
  if (typeof value === 'string') {
    into.set(prefix, value);
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.add(
      file,
      keyLine(text, prefix),
      `${prefix || '(root)'} must be a string or an object of strings`,
    );
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    if (!/^[a-z][a-z0-9-]*$/.test(key)) {
      problems.add(
        file,
        keyLine(text, prefix ? `${prefix}.${key}` : key),
        `key ${JSON.stringify(key)} must be kebab-case`,
      );
      continue;
    }
    flatten(child, prefix ? `${prefix}.${key}` : key, into, problems, file, text);
  }
}

async function loadCatalogs(dir: string, problems: Problems): Promise<Catalog[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const catalogs: Catalog[] = [];
  for (const name of files) {
    const file = path.join(dir, name);
    const language = name.slice(0, -'.json'.length);
    if (!/^[a-z]{2,3}$/.test(language)) {
      problems.add(file, null, 'a catalog is named by its ISO 639 language code, e.g. ru.json');
      continue;
    }
    const text = await readFile(file, 'utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const position = /position (\d+)/.exec(String(error));
      problems.add(
        file,
        position ? lineAt(text, Number(position[1])) : null,
        `invalid JSON: ${(error as Error).message}`,
      );
      continue;
    }
    const messages = new Map<string, string>();
    flatten(parsed, '', messages, problems, file, text);
    catalogs.push({ language, file, text, messages });
  }
  if (!catalogs.some((c) => c.language === REFERENCE_LANGUAGE)) {
    problems.add(dir, null, `no ${REFERENCE_LANGUAGE}.json: English is the reference and fallback catalog`);
  }
  return catalogs;
}

/**
 * Every catalog must have exactly the reference catalog's keys, no placeholder the reference lacks, and
 * messages that can be substituted safely: one line, no braces or backslashes outside placeholders
 * (they would become Handlebars syntax once the text is in a template).
 */
function checkCatalogs(catalogs: readonly Catalog[], problems: Problems): void {
  const reference = catalogs.find((c) => c.language === REFERENCE_LANGUAGE);
  for (const catalog of catalogs) {
    for (const key of META_KEYS) {
      if (!catalog.messages.has(`meta.${key}`)) problems.add(catalog.file, null, `missing key "meta.${key}"`);
    }
    const dir = catalog.messages.get('meta.dir');
    if (dir !== undefined && dir !== 'ltr' && dir !== 'rtl') {
      problems.add(catalog.file, keyLine(catalog.text, 'meta.dir'), 'meta.dir must be "ltr" or "rtl"');
    }
    const font = catalog.messages.get('meta.font') ?? '';
    if (/["'<>;{}]/.test(font)) {
      problems.add(
        catalog.file,
        keyLine(catalog.text, 'meta.font'),
        'meta.font: list families without quotes',
      );
    }
    for (const [key, message] of catalog.messages) {
      const where = () => keyLine(catalog.text, key);
      if (/[\r\n]/.test(message)) problems.add(catalog.file, where(), `"${key}" must be a single line`);
      const literal = message.replace(PLACEHOLDER, '');
      if (/[{}\\]/.test(literal)) {
        problems.add(catalog.file, where(), `"${key}" has a brace or backslash outside a {placeholder}`);
      }
      if (reference === undefined || catalog === reference) continue;
      const expected = reference.messages.get(key);
      if (expected === undefined) {
        problems.add(
          catalog.file,
          where(),
          `"${key}" is not in ${path.basename(reference.file)} (unknown key)`,
        );
      } else if (!key.startsWith('meta.')) {
        // A translation may leave a value out ("Уважаемый господин Посол!" needs no name), but it
        // may not read a field the reference does not: the view might not provide it.
        const known = new Set(placeholders(expected));
        for (const field of placeholders(message)) {
          if (!known.has(field)) {
            problems.add(
              catalog.file,
              where(),
              `"${key}" uses {${field}}, which ${path.basename(reference.file)} does not use for this key`,
            );
          }
        }
      }
    }
    if (reference === undefined || catalog === reference) continue;
    for (const key of reference.messages.keys()) {
      if (!catalog.messages.has(key)) {
        problems.add(
          catalog.file,
          null,
          `missing key "${key}" (present in ${path.basename(reference.file)})`,
        );
      }
    }
  }
}

function runtimeCatalog(catalog: Catalog): RuntimeCatalog {
  const strings: Record<string, string> = {};
  for (const [key, value] of catalog.messages) {
    if (key.startsWith('runtime.')) strings[key.slice('runtime.'.length)] = value;
  }
  return {
    language: catalog.language,
    locale: catalog.messages.get('meta.locale') ?? catalog.language,
    dir: catalog.messages.get('meta.dir') === 'rtl' ? 'rtl' : 'ltr',
    strings,
  };
}

/** A catalog's entry in the language registry (`dist/languages.js`): its metadata and page strings. */
function languageEntry(catalog: Catalog): LanguageEntry {
  const pages: Record<string, string> = {};
  for (const [key, value] of catalog.messages) {
    if (key.startsWith('pages.')) pages[key.slice('pages.'.length)] = value;
  }
  return {
    code: catalog.language,
    name: catalog.messages.get('meta.name') ?? catalog.language,
    locale: catalog.messages.get('meta.locale') ?? catalog.language,
    dir: catalog.messages.get('meta.dir') === 'rtl' ? 'rtl' : 'ltr',
    pages,
  };
}

/** Normalised honorific alias → code, merged from every catalog's `runtime.honorific-aliases`. */
function honorificAliases(catalogs: readonly Catalog[], problems: Problems): Record<string, string> {
  const aliases: Record<string, string> = {};
  const origin: Record<string, string> = {};
  for (const catalog of catalogs) {
    for (const [key, value] of catalog.messages) {
      if (!key.startsWith('runtime.honorific-aliases.')) continue;
      const code = key.slice('runtime.honorific-aliases.'.length);
      if (
        !catalog.messages.has(`runtime.honorifics.${code}`) ||
        !catalog.messages.has(`runtime.salutation.${code}`)
      ) {
        problems.add(
          catalog.file,
          keyLine(catalog.text, key),
          `honorific "${code}" needs runtime.honorifics.${code} and runtime.salutation.${code}`,
        );
      }
      for (const alias of value.split('|')) {
        const normal = normalizeHonorific(alias);
        if (normal === '') continue;
        const existing = aliases[normal];
        if (existing !== undefined && existing !== code) {
          problems.add(
            catalog.file,
            keyLine(catalog.text, key),
            `honorific alias "${alias}" means both "${existing}" (${origin[normal]}) and "${code}"`,
          );
          continue;
        }
        aliases[normal] = code;
        origin[normal] = path.basename(catalog.file);
      }
    }
  }
  return aliases;
}

// ---------------------------------------------------------------------------------------------------
// MJML sources

interface Origin {
  readonly file: string;
  readonly line: number;
}

/** A kind's MJML with includes inlined; `origins[i]` is where line i + 1 came from. */
interface Source {
  readonly text: string;
  readonly origins: readonly Origin[];
}

function originOf(source: Source, offset: number): Origin {
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
async function assemble(
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
function carvePartials(template: string, partials: Map<string, string>): string {
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
function checkPlacement(source: Source, problems: Problems): void {
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
function checkHandlebarsSyntax(source: Source, problems: Problems): void {
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

interface Substituted {
  readonly text: string;
  readonly subject: string;
}

/** Build-time variables: derived from the catalog's meta so templates need no per-language copies. */
function buildVariable(name: string, catalog: Catalog): string | undefined {
  const rtl = catalog.messages.get('meta.dir') === 'rtl';
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

function substitute(source: Source, catalog: Catalog, problems: Problems): Substituted {
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

// ---------------------------------------------------------------------------------------------------
// HTML and text

const MUSTACHE = /\{\{\{?[^{}]*\}?\}\}/g;

function countMustaches(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(MUSTACHE)) counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
  return counts;
}

/** Second line of defence after {@link checkPlacement}: nothing may vanish inside MJML. */
function checkSurvival(source: Source, substituted: string, html: string, problems: Problems): void {
  const before = countMustaches(substituted);
  const after = countMustaches(html);
  for (const [expression, count] of before) {
    if ((after.get(expression) ?? 0) >= count) continue;
    const at = substituted.indexOf(expression);
    const origin = originOf({ text: substituted, origins: source.origins }, at);
    problems.add(
      origin.file,
      origin.line,
      `MJML dropped ${expression}; put it inside <mj-raw> or an element's content`,
    );
  }
}

const TEXT_OPTIONS: HtmlToTextOptions = {
  wordwrap: false,
  formatters: {
    // Badges ("Plenary", "Cancelled") are set apart by colour in HTML; in text, by brackets.
    bracketed: ((elem, walk, builder) => {
      builder.addInline('[');
      walk(elem.children, builder);
      builder.addInline(']');
    }) satisfies FormatCallback,
  },
  selectors: [
    { selector: 'span.badge', format: 'bracketed' },
    { selector: 'span.plenary', format: 'bracketed' },
    // The preheader is for the inbox list only.
    { selector: 'div[style*="display:none"]', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true, linkBrackets: ['<', '>'] } },
    { selector: 'a.nohref', format: 'inline' },
    { selector: 'img', format: 'skip' },
    { selector: 'table', format: 'block' },
    { selector: 'tbody', format: 'block' },
    { selector: 'tr', format: 'block' },
    { selector: 'td', format: 'block' },
  ],
};

/**
 * Derives the text/plain template from the HTML template. Handlebars expressions are swapped for
 * opaque words first (html-to-text would otherwise wrap, entity-decode or drop them) and restored
 * after; triple-stash HTML fields (`{{{bodyHtml}}}`) become their text twins (`{{bodyText}}`).
 */
function deriveText(html: string, file: string, problems: Problems): string {
  const expressions: string[] = [];
  const tokenised = html.replace(MUSTACHE, (expression) => {
    expressions.push(expression);
    return ` qqhbs${expressions.length - 1}qq `.trim();
  });
  // Trailing blanks are removed here, once, instead of on every rendered text (values are trimmed).
  const text = convert(tokenised, TEXT_OPTIONS).replace(/[^\S\n]+\n/g, '\n');
  return text.replace(/qqhbs(\d+)qq/g, (_, index: string) => {
    const expression = expressions[Number(index)] as string;
    if (!expression.startsWith('{{{')) return expression;
    const field = /^\{\{\{\s*([\w.]+)Html\s*\}\}\}$/.exec(expression);
    if (field === null) {
      problems.add(file, null, `${expression}: unescaped output is only allowed for fields named …Html`);
      return '';
    }
    return `{{${field[1]}Text}}`;
  });
}

// ---------------------------------------------------------------------------------------------------
// Build

/** Compiled templates of one kind in one language (Handlebars sources and precompiled specs). */
export interface Artifact {
  readonly kind: MailKind;
  readonly language: string;
  readonly subject: string;
  /** The HTML template with shared pieces as `{{> partial}}` calls. */
  readonly html: string;
  readonly text: string;
  readonly specs: { readonly subject: string; readonly html: string; readonly text: string };
}

/** Shared pieces of one language: partial name → Handlebars source, for HTML and for text. */
export interface LanguagePartials {
  readonly html: ReadonlyMap<string, string>;
  readonly text: ReadonlyMap<string, string>;
}

/** Options of {@link buildTemplates}; the defaults build the real templates. */
export interface BuildOptions {
  readonly templatesDir?: string;
  readonly catalogsDir?: string;
  /** Where to write `compiled.js` and `manifest.json`; nothing is written when `null`. */
  readonly outDir?: string | null;
  /** Render the sample data through every template (on by default). */
  readonly smokeTest?: boolean;
  /** Build only these kinds (tests use it to stay fast); the generated module needs them all. */
  readonly kinds?: readonly MailKind[];
}

/** What {@link buildTemplates} produced. */
export interface BuildResult {
  readonly languages: readonly string[];
  readonly kinds: readonly MailKind[];
  readonly artifacts: readonly Artifact[];
  readonly partials: ReadonlyMap<string, LanguagePartials>;
  readonly catalogs: Readonly<Record<string, RuntimeCatalog>>;
  readonly honorificAliases: Readonly<Record<string, string>>;
  /** The generated ES module. */
  readonly module: string;
  /** The language registry module (`languages.js`): every catalog's metadata and page strings. */
  readonly languagesModule: string;
  readonly sourceHash: string;
}

const HTML_OPTIONS = { strict: true, knownHelpersOnly: true, preventIndent: true } as const;
const TEXT_COMPILE_OPTIONS = { ...HTML_OPTIONS, noEscape: true } as const;

async function sourceFiles(templatesDir: string, catalogsDir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'dist' && entry.name !== 'node_modules') await walk(full);
      } else if (entry.name.endsWith('.mjml')) {
        files.push(full);
      }
    }
  };
  await walk(templatesDir);
  for (const name of await readdir(catalogsDir))
    if (name.endsWith('.json')) files.push(path.join(catalogsDir, name));
  return files.sort();
}

/**
 * Hash of everything the output depends on: templates, catalogs and the code that compiles them.
 * The view builder is included because the build's smoke test runs it.
 */
export async function computeSourceHash(
  templatesDir = TEMPLATES_DIR,
  catalogsDir = path.join(templatesDir, 'catalogs'),
): Promise<string> {
  const hash = createHash('sha256');
  const code = [path.join(HERE, 'build.ts'), path.join(HERE, '..', 'demo', 'samples.ts')];
  const renderDir = path.join(HERE, '..', 'functions', 'render');
  code.push(...['kinds.ts', 'view.ts', 'format.ts', 'types.ts'].map((f) => path.join(renderDir, f)));
  // The kind registry: the list of kinds and each kind's template-context builder.
  const kindsDir = path.join(TEMPLATES_DIR, '..', 'functions', 'kinds');
  code.push(
    ...(await readdir(kindsDir))
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => path.join(kindsDir, f)),
  );
  for (const file of [...(await sourceFiles(templatesDir, catalogsDir)), ...code]) {
    hash.update(path.relative(templatesDir, file));
    hash.update('\0');
    hash.update(await readFile(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Whether `outDir` holds a build of the current sources. */
export async function isBuildFresh(outDir = DIST_DIR, templatesDir = TEMPLATES_DIR): Promise<boolean> {
  try {
    const manifest = JSON.parse(await readFile(path.join(outDir, 'manifest.json'), 'utf8')) as {
      sourceHash?: string;
    };
    return manifest.sourceHash === (await computeSourceHash(templatesDir));
  } catch {
    return false;
  }
}

async function compileMjml(
  source: Source,
  substituted: Substituted,
  problems: Problems,
  kindFile: string,
): Promise<string | null> {
  try {
    const result = await mjml2html(substituted.text, {
      validationLevel: 'strict',
      keepComments: false,
      // No web fonts: they would be fetched by every mail client, and the catalogs name system fonts.
      fonts: {},
      filePath: kindFile,
      ignoreIncludes: true,
      minify: true,
      minifyOptions: { minifyCss: false, removeComments: 'safe', collapseWhitespace: true },
    });
    return result.html;
  } catch (error) {
    const details = (error as { errors?: { line?: number; message: string; tagName?: string }[] }).errors;
    if (Array.isArray(details) && details.length > 0) {
      for (const detail of details) {
        const origin = source.origins[(detail.line ?? 1) - 1] ?? { file: kindFile, line: detail.line ?? 0 };
        problems.add(
          origin.file,
          origin.line,
          `MJML: ${detail.tagName ? `<${detail.tagName}> ` : ''}${detail.message}`,
        );
      }
    } else {
      problems.add(kindFile, null, `MJML: ${(error as Error).message}`);
    }
    return null;
  }
}

/** `<body>` gets `lang` and `dir` too: some clients keep only the body when they embed a mail. */
function markBody(html: string, language: string, dir: string): string {
  return html.replace(/<body(?![^>]*\bdir=)/, `<body lang="${language}" dir="${dir}"`);
}

function precompile(
  template: string,
  options: object,
  file: string,
  what: string,
  problems: Problems,
): string {
  try {
    return Handlebars.precompile(template, options) as unknown as string;
  } catch (error) {
    problems.add(file, null, `${what}: ${(error as Error).message.split('\n')[0]}`);
    return '{}';
  }
}

function smokeTest(
  artifacts: readonly Artifact[],
  partials: ReadonlyMap<string, LanguagePartials>,
  catalogs: Record<string, RuntimeCatalog>,
  aliases: Record<string, string>,
  templatesDir: string,
  problems: Problems,
): void {
  type Delegate = HandlebarsTemplateDelegate;
  const compiledPartials = new Map<
    string,
    { html: Record<string, Delegate>; text: Record<string, Delegate> }
  >();
  for (const [language, sources] of partials) {
    const html: Record<string, Delegate> = {};
    const text: Record<string, Delegate> = {};
    for (const [name, source] of sources.html) html[name] = Handlebars.compile(source, HTML_OPTIONS);
    for (const [name, source] of sources.text) text[name] = Handlebars.compile(source, TEXT_COMPILE_OPTIONS);
    compiledPartials.set(language, { html, text });
  }
  for (const artifact of artifacts) {
    const subject = Handlebars.compile(artifact.subject, TEXT_COMPILE_OPTIONS);
    const html = Handlebars.compile(artifact.html, HTML_OPTIONS);
    const text = Handlebars.compile(artifact.text, TEXT_COMPILE_OPTIONS);
    const catalog = catalogs[artifact.language] as RuntimeCatalog;
    const shared = compiledPartials.get(artifact.language);
    const recipient = sampleRecipient(artifact.language);
    const samples = [...samplesFor(recipient), ...minimalSamplesFor(recipient)].filter(
      (s) => s.kind === artifact.kind,
    );
    const file = path.join(templatesDir, `${artifact.kind}.mjml`);
    for (const sample of samples) {
      try {
        const context = buildContext(sample.kind, sample.data, { catalog, honorificAliases: aliases });
        context.subject = subject(context);
        html(context, { partials: shared?.html ?? {} });
        text(context, { partials: shared?.text ?? {} });
      } catch (error) {
        problems.add(
          file,
          null,
          `${artifact.language}, sample "${sample.variant}": ${(error as Error).message.split('\n')[0]}`,
        );
      }
    }
  }
}

/**
 * The compiled module is kept small, because it ships in the sender's bundle:
 *
 * - The Handlebars code of a kind is the same in every language; only its static text differs. So
 *   each spec's content literals are lifted out (`T[0]`, `T[1]`…) and specs with the same code
 *   share one factory, called once per language with that language's texts.
 * - The static text is mostly MJML's table scaffolding, repeated per section and per kind. So texts
 *   are split before each tag and stored once in a segment dictionary; each text is rebuilt once at
 *   load, so a fill costs what it would with inline literals.
 */
interface EncodedModule {
  readonly segments: string[];
  readonly texts: number[][];
  readonly factories: string[];
  /** Per input spec: `[factory index, text indexes]`. */
  readonly uses: [number, number[]][];
}

// Handlebars emits template content only as `return "…"` or a `+ "…"` continuation line; every
// other string literal in a spec is code (property names, helper names, the compiler version).
const CONTENT_LITERAL = /(return |\n\s*\+ )("(?:[^"\\\n]|\\.)*")/g;
const CODE_LITERAL = /^"(?:[\w-]*|>= [\d.]+)"$/;

function encodeSpecs(specs: readonly string[], problems: Problems, file: string): EncodedModule {
  const segments: string[] = [];
  const segmentIndex = new Map<string, number>();
  const texts: number[][] = [];
  const textIndex = new Map<string, number>();
  const factories: string[] = [];
  const factoryIndex = new Map<string, number>();
  const uses: [number, number[]][] = [];
  const textId = (value: string): number => {
    let id = textIndex.get(value);
    if (id === undefined) {
      const parts = value.split(/(?=<)/).map((segment) => {
        let index = segmentIndex.get(segment);
        if (index === undefined) {
          index = segments.length;
          segments.push(segment);
          segmentIndex.set(segment, index);
        }
        return index;
      });
      id = texts.length;
      texts.push(parts);
      textIndex.set(value, id);
    }
    return id;
  };
  for (const spec of specs) {
    const ids: number[] = [];
    const skeleton = spec.replace(CONTENT_LITERAL, (_, lead: string, literal: string) => {
      ids.push(textId(JSON.parse(literal) as string));
      return `${lead}T[${ids.length - 1}]`;
    });
    // A self-check: if a Handlebars upgrade emits content some other way, fail instead of shipping
    // a module that silently grows (or, worse, mixes languages).
    for (const literal of skeleton.match(/"(?:[^"\\\n]|\\.)*"/g) ?? []) {
      if (!CODE_LITERAL.test(literal)) {
        problems.add(file, null, `unexpected string literal ${literal.slice(0, 40)} in compiled template`);
        break;
      }
    }
    let factory = factoryIndex.get(skeleton);
    if (factory === undefined) {
      factory = factories.length;
      factories.push(skeleton);
      factoryIndex.set(skeleton, factory);
    }
    uses.push([factory, ids]);
  }
  return { segments, texts, factories, uses };
}

// Strict-mode specs carry a source location object per expression (~60 bytes each, thousands in
// total) that only decorates error messages with positions in the generated HTML. The shipped specs
// are compiled without strict mode; the build's smoke test compiles them strictly instead.
const SHIPPED_HTML_OPTIONS = { knownHelpersOnly: true, preventIndent: true } as const;
const SHIPPED_TEXT_OPTIONS = { ...SHIPPED_HTML_OPTIONS, noEscape: true } as const;

// Every program function of a spec repeats a polyfill for runtimes older than 4.6; the runtime
// bundled with the sender always has `container.lookupProperty`.
const LOOKUP_POLYFILL =
  /lookupProperty = container\.lookupProperty \|\| function\(parent, propertyName\) \{\s*if \(Object\.prototype\.hasOwnProperty\.call\(parent, propertyName\)\) \{\s*return parent\[propertyName\];\s*\}\s*return undefined\s*\}/g;

// Helper calls carry the block's source location for error messages only (positions in the
// generated HTML, which no one could act on).
const HELPER_LOC = /,"loc":\{"start":\{"line":\d+,"column":\d+\},"end":\{"line":\d+,"column":\d+\}\}/g;

function slimSpec(spec: string): string {
  return spec.replace(LOOKUP_POLYFILL, 'lookupProperty = container.lookupProperty').replace(HELPER_LOC, '');
}

function generateModule(
  artifacts: readonly Artifact[],
  partials: ReadonlyMap<string, LanguagePartials>,
  languages: readonly string[],
  catalogs: Record<string, RuntimeCatalog>,
  aliases: Record<string, string>,
  sourceHash: string,
  problems: Problems,
): string {
  const specs: string[] = [];
  const add = (spec: string): number => specs.push(slimSpec(spec)) - 1;
  const templates: Record<string, Record<string, [number, number, number]>> = {};
  for (const artifact of artifacts) {
    templates[artifact.kind] ??= {};
    (templates[artifact.kind] as Record<string, [number, number, number]>)[artifact.language] = [
      add(artifact.specs.subject),
      add(artifact.specs.html),
      add(artifact.specs.text),
    ];
  }
  const partialIndex: Record<string, { html: Record<string, number>; text: Record<string, number> }> = {};
  for (const [language, sources] of partials) {
    const entry = { html: {} as Record<string, number>, text: {} as Record<string, number> };
    for (const [name, source] of sources.html)
      entry.html[name] = add(precompilePartial(source, SHIPPED_HTML_OPTIONS, problems));
    for (const [name, source] of sources.text)
      entry.text[name] = add(precompilePartial(source, SHIPPED_TEXT_OPTIONS, problems));
    partialIndex[language] = entry;
  }
  const encoded = encodeSpecs(specs, problems, path.join(HERE, 'build.ts'));
  // The dictionary, the texts and the spec table are data, so they ship Brotli-compressed
  // (≈ a quarter of their JSON size) and are inflated once at load, in about a millisecond.
  const data = JSON.stringify({
    d: encoded.segments,
    L: encoded.texts,
    u: encoded.uses,
    templates,
    partials: partialIndex,
  });
  const packed = brotliCompressSync(Buffer.from(data), {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
      [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT,
    },
  }).toString('base64');
  return [
    '// Generated by templates/build.ts from templates/*.mjml and templates/catalogs/*.json. Do not edit.',
    "import { brotliDecompressSync } from 'node:zlib';",
    `const data = JSON.parse(brotliDecompressSync(Buffer.from(${JSON.stringify(packed)}, 'base64')).toString());`,
    '// Texts and specs are assembled on first use: a sender pays only for the kinds and languages it sends.',
    'const L = [];',
    "const text = (i) => (L[i] ??= data.L[i].map((j) => data.d[j]).join(''));",
    'const f = [',
    ...encoded.factories.map((skeleton) => `(T) => (${skeleton}),`),
    '];',
    'const spec = (n) => f[data.u[n][0]](data.u[n][1].map(text));',
    'const lazy = (value) => (Array.isArray(value) ? { subject: spec(value[0]), html: spec(value[1]), text: spec(value[2]) } : typeof value === "number" ? spec(value) : specs(value));',
    'const specs = (table) => {',
    '  const out = {};',
    '  for (const [key, value] of Object.entries(table)) {',
    '    let made;',
    '    Object.defineProperty(out, key, { enumerable: true, get: () => (made ??= lazy(value)) });',
    '  }',
    '  return out;',
    '};',
    `export const sourceHash = ${JSON.stringify(sourceHash)};`,
    `export const languages = ${JSON.stringify(languages)};`,
    `export const honorificAliases = ${JSON.stringify(aliases)};`,
    `export const catalogs = ${JSON.stringify(catalogs)};`,
    '/** kind → language → { subject, html, text } template specs. */',
    'export const templates = specs(data.templates);',
    '/** language → { html, text } → partial name → template spec. */',
    'export const partials = specs(data.partials);',
    '',
  ].join('\n');
}

function precompilePartial(source: string, options: object, problems: Problems): string {
  return precompile(source, options, path.join(HERE, '_common'), 'partial', problems);
}

/**
 * Builds every kind × language. Throws {@link TemplateBuildError} listing every problem found
 * (with file and line) instead of stopping at the first.
 */
export async function buildTemplates(options: BuildOptions = {}): Promise<BuildResult> {
  const templatesDir = path.resolve(options.templatesDir ?? TEMPLATES_DIR);
  const catalogsDir = path.resolve(options.catalogsDir ?? path.join(templatesDir, 'catalogs'));
  const outDir = options.outDir === undefined ? DIST_DIR : options.outDir;
  const problems = new Problems();

  const catalogList = await loadCatalogs(catalogsDir, problems);
  checkCatalogs(catalogList, problems);
  const aliases = honorificAliases(catalogList, problems);
  problems.throwIfAny();

  // English first: it is the fallback, and the reference the others were checked against.
  catalogList.sort((a, b) =>
    a.language === REFERENCE_LANGUAGE
      ? -1
      : b.language === REFERENCE_LANGUAGE
        ? 1
        : a.language.localeCompare(b.language),
  );
  const catalogs: Record<string, RuntimeCatalog> = {};
  for (const catalog of catalogList) catalogs[catalog.language] = runtimeCatalog(catalog);

  const artifacts: Artifact[] = [];
  const partials = new Map<string, { html: Map<string, string>; text: Map<string, string> }>();
  for (const catalog of catalogList) partials.set(catalog.language, { html: new Map(), text: new Map() });
  const kinds = options.kinds ?? MAIL_KINDS;
  if (outDir !== null && kinds.length !== MAIL_KINDS.length) {
    throw new Error('buildTemplates: a partial build (kinds) cannot be written to outDir');
  }
  for (const kind of kinds) {
    const kindFile = path.join(templatesDir, `${kind}.mjml`);
    let source: Source;
    try {
      source = await assemble(kindFile, templatesDir, problems);
    } catch (error) {
      problems.add(kindFile, null, `cannot read: ${(error as Error).message}`);
      continue;
    }
    const before = problems.list.length;
    checkPlacement(source, problems);
    checkHandlebarsSyntax(source, problems);
    if (problems.list.length > before) continue;
    for (const catalog of catalogList) {
      const substituted = substitute(source, catalog, problems);
      const html = await compileMjml(source, substituted, problems, kindFile);
      if (html === null) continue;
      checkSurvival(source, substituted.text, html, problems);
      const dir = catalog.messages.get('meta.dir') === 'rtl' ? 'rtl' : 'ltr';
      const marked = markBody(html, catalog.language, dir);
      const shared = partials.get(catalog.language) as {
        html: Map<string, string>;
        text: Map<string, string>;
      };
      const text = carvePartials(deriveText(marked, kindFile, problems), shared.text);
      const carved = carvePartials(marked, shared.html);
      const what = `${kind}/${catalog.language}`;
      artifacts.push({
        kind,
        language: catalog.language,
        subject: substituted.subject,
        html: carved,
        text,
        specs: {
          subject: precompile(
            substituted.subject,
            SHIPPED_TEXT_OPTIONS,
            kindFile,
            `${what} subject`,
            problems,
          ),
          html: precompile(carved, SHIPPED_HTML_OPTIONS, kindFile, `${what} html`, problems),
          text: precompile(text, SHIPPED_TEXT_OPTIONS, kindFile, `${what} text`, problems),
        },
      });
    }
  }
  problems.throwIfAny();

  if (options.smokeTest !== false) smokeTest(artifacts, partials, catalogs, aliases, templatesDir, problems);
  problems.throwIfAny();

  const languages = catalogList.map((c) => c.language);
  const sourceHash = await computeSourceHash(templatesDir, catalogsDir);
  const module = generateModule(artifacts, partials, languages, catalogs, aliases, sourceHash, problems);
  problems.throwIfAny();
  const languagesModule = [
    '// Generated by templates/build.ts from templates/catalogs/*.json. Do not edit.',
    '/** Every language with a catalog, English (the fallback) first: metadata and page strings. */',
    `export const languages = ${JSON.stringify(catalogList.map(languageEntry), null, 2)};`,
    '',
  ].join('\n');
  if (outDir !== null) {
    await mkdir(outDir, { recursive: true });
    const languagesTemp = path.join(outDir, `.languages.${process.pid}.tmp`);
    await writeFile(languagesTemp, languagesModule);
    await rename(languagesTemp, path.join(outDir, 'languages.js'));
    // Write-then-rename: a test worker importing the module never sees half a file.
    const temporary = path.join(outDir, `.compiled.${process.pid}.tmp`);
    await writeFile(temporary, module);
    await rename(temporary, path.join(outDir, 'compiled.js'));
    const manifest = {
      sourceHash,
      languages,
      kinds: MAIL_KINDS,
      bytes: Buffer.byteLength(module),
    };
    const manifestTemp = path.join(outDir, `.manifest.${process.pid}.tmp`);
    await writeFile(manifestTemp, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(manifestTemp, path.join(outDir, 'manifest.json'));
  }
  return {
    languages,
    kinds: MAIL_KINDS,
    artifacts,
    partials,
    catalogs,
    honorificAliases: aliases,
    module,
    languagesModule,
    sourceHash,
  };
}

/**
 * The MJML of one kind in one language after includes and catalog substitution, with its subject
 * template: what a naive sender would feed to MJML and Handlebars for every recipient (the render
 * benchmark's baseline).
 */
export async function mjmlSource(
  kind: MailKind,
  language: string,
  templatesDir = TEMPLATES_DIR,
): Promise<{ readonly mjml: string; readonly subject: string }> {
  const problems = new Problems();
  const catalogs = await loadCatalogs(path.join(templatesDir, 'catalogs'), problems);
  const catalog = catalogs.find((c) => c.language === language);
  if (catalog === undefined) throw new Error(`no catalog ${language}`);
  const source = await assemble(path.join(templatesDir, `${kind}.mjml`), templatesDir, problems);
  const substituted = substitute(source, catalog, problems);
  problems.throwIfAny();
  return { mjml: substituted.text, subject: substituted.subject };
}

async function main(): Promise<void> {
  const started = performance.now();
  try {
    const result = await buildTemplates();
    const kb = (Buffer.byteLength(result.module) / 1024).toFixed(0);
    const ms = (performance.now() - started).toFixed(0);
    console.log(
      `templates: ${result.kinds.length} kinds × ${result.languages.length} languages (${result.languages.join(', ')}) → ${path.relative(process.cwd(), path.join(DIST_DIR, 'compiled.js'))} (${kb} KB) in ${ms} ms`,
    );
  } catch (error) {
    if (error instanceof TemplateBuildError) {
      console.error(error.message);
      console.error(
        `templates: build failed (${error.problems.length} problem${error.problems.length === 1 ? '' : 's'})`,
      );
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
