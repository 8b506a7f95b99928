/**
 * The `--content FILE.md` format: an organizer writes one Markdown file holding the subject and the
 * body of an announcement or media advisory in every language (docs/cli.md shows an example).
 *
 * ```markdown
 * ---
 * subject.en: Opening of the Dushanbe conference
 * subject.ru: Открытие Душанбинской конференции
 * embargo: 2022-10-18T09:30:00+05:00
 * ---
 * <!-- lang: en -->
 * Ministers and heads of delegation **meet** in Dushanbe …
 *
 * <!-- lang: ru -->
 * Министры и главы делегаций …
 * ```
 *
 * - Front matter: `key: value` lines between two `---` lines. Keys: `subject` (English, shorthand
 *   for `subject.en`), `subject.<lang>`, `embargo` (also `embargoUntil`), an ISO date-time with an
 *   offset. Blank lines and `#` comment lines are ignored.
 * - Body: sections opened by a line `<!-- lang: xx -->` (HTML comments, so the file still previews
 *   as Markdown). A file without any marker is English only.
 * - English is required (it is the fallback); every language needs both a subject and a body.
 *
 * Deliberately not YAML: a two-level format needs no parser dependency, and its errors can name
 * the line a person has to fix.
 */
import { readFile } from 'node:fs/promises';
import { canonicalLanguage } from '../../functions/events/schemas.js';
import { RefusedError } from './errors.js';

/** The `content` of `mailing.requested`, before schema validation. */
export interface ContentInput {
  subject: Record<string, string>;
  body: Record<string, string>;
  embargoUntil?: string;
}

const MARKER = /^<!--\s*(?:lang(?:uage)?\s*:\s*)?([A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*)\s*-->\s*$/;

/** Parses the text of a content file; `name` labels errors. */
export function parseContent(text: string, name: string): ContentInput {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const subject: Record<string, string> = {};
  const body: Record<string, string> = {};
  let embargoUntil: string | undefined;
  let i = 0;
  const fail = (line: number, message: string): never => {
    throw new RefusedError(`${name}:${line}: ${message}`);
  };
  const lang = (tag: string, line: number): string => {
    const canonical = canonicalLanguage(tag);
    if (!canonical) fail(line, `"${tag}" is not a language tag (e.g. en, ru, ar)`);
    return canonical as string;
  };

  if (lines[0]?.trim() === '---') {
    i = 1;
    for (;;) {
      if (i >= lines.length) fail(1, 'front matter opened with --- is never closed with ---');
      const line = lines[i] ?? '';
      i++;
      if (line.trim() === '---') break;
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      const m = /^\s*([A-Za-z][\w.-]*)\s*:\s*(.*)$/.exec(line);
      if (!m) fail(i, `expected "key: value" in the front matter, got "${line.trim()}"`);
      const key = (m?.[1] ?? '').toLowerCase();
      const value = (m?.[2] ?? '').trim().replace(/^(["'])(.*)\1$/, '$2');
      if (key === 'subject') subject.en = value;
      else if (key.startsWith('subject.')) subject[lang(key.slice('subject.'.length), i)] = value;
      else if (key === 'embargo' || key === 'embargountil' || key === 'embargo-until') embargoUntil = value;
      else fail(i, `unknown front matter key "${m?.[1]}"; use subject, subject.<lang> or embargo`);
    }
  }

  const rest = lines.slice(i);
  const hasMarkers = rest.some((l) => MARKER.test(l.trim()));
  if (!hasMarkers) {
    const text = rest.join('\n').trim();
    if (text !== '') body.en = text;
  } else {
    let currentLang: string | undefined;
    let buffer: string[] = [];
    const flush = (): void => {
      if (currentLang !== undefined) body[currentLang] = buffer.join('\n').trim();
      buffer = [];
    };
    rest.forEach((line, offset) => {
      const lineNo = i + offset + 1;
      const m = MARKER.exec(line.trim());
      if (m) {
        flush();
        const tag = lang(m[1] ?? '', lineNo);
        if (Object.hasOwn(body, tag)) fail(lineNo, `a second <!-- lang: ${tag} --> section`);
        currentLang = tag;
        return;
      }
      if (currentLang === undefined) {
        if (line.trim() !== '')
          fail(lineNo, 'text before the first <!-- lang: xx --> marker; put it in a section');
        return;
      }
      buffer.push(line);
    });
    flush();
  }

  for (const tag of Object.keys(body)) {
    if (body[tag] === '') fail(1, `the ${tag} section is empty`);
    if (subject[tag] === undefined)
      fail(1, `there is a ${tag} body but no subject.${tag} in the front matter`);
  }
  for (const tag of Object.keys(subject)) {
    if (body[tag] === undefined)
      fail(1, `subject.${tag} is given but there is no <!-- lang: ${tag} --> section`);
  }
  if (subject.en === undefined && body.en === undefined) {
    fail(
      1,
      'English is required (it is what recipients in other languages fall back to): add subject.en and an en section',
    );
  }
  return { subject, body, ...(embargoUntil !== undefined ? { embargoUntil } : {}) };
}

/** Reads and parses a content file. */
export async function readContent(file: string): Promise<ContentInput> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new RefusedError(
      `Cannot read --content ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  return parseContent(text, file);
}
