/**
 * HTML and text: MJML compilation, the check that no Handlebars expression was lost in it, and the
 * plain-text template derived from the HTML.
 */
import { convert, type FormatCallback, type HtmlToTextOptions } from 'html-to-text';
import mjml2html from 'mjml';
import { originOf, type Source, type Substituted } from './assembly.js';
import type { Problems } from './common.js';

export async function compileMjml(
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
export function markBody(html: string, language: string, dir: string): string {
  return html.replace(/<body(?![^>]*\bdir=)/, `<body lang="${language}" dir="${dir}"`);
}

const MUSTACHE = /\{\{\{?[^{}]*\}?\}\}/g;

function countMustaches(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(MUSTACHE)) counts.set(match[0], (counts.get(match[0]) ?? 0) + 1);
  return counts;
}

/** Second line of defence after {@link checkPlacement}: nothing may vanish inside MJML. */
export function checkSurvival(source: Source, substituted: string, html: string, problems: Problems): void {
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
export function deriveText(html: string, file: string, problems: Problems): string {
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
