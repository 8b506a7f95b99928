/**
 * Catalogs (`templates/catalogs/<lang>.json`): loading, the checks every catalog must pass against
 * the reference one, and what the runtime and the language registry get from them.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { normalizeHonorific, type RuntimeCatalog } from '../../functions/render/format.js';
import type { LanguageEntry } from '../../functions/render/languages.js';
import { type Problems, REFERENCE_LANGUAGE } from './common.js';

const META_KEYS = ['name', 'locale', 'dir', 'font'] as const;

export interface Catalog {
  readonly language: string;
  readonly file: string;
  readonly text: string;
  /** Flattened `a.b.c` → message. */
  readonly messages: ReadonlyMap<string, string>;
}

type MessagePart = { readonly literal: string } | { readonly field: string };

const PLACEHOLDER = /\{([A-Za-z][\w]*(?:\.[A-Za-z][\w]*)*)\}/g;

/** Splits a catalog message into literal text and `{field}` placeholders. */
export function parseMessage(message: string): MessagePart[] {
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
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Best-effort line of a dotted key in a JSON file: each segment is searched after the previous one. */
export function keyLine(text: string, key: string): number | null {
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

export async function loadCatalogs(dir: string, problems: Problems): Promise<Catalog[]> {
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
export function checkCatalogs(catalogs: readonly Catalog[], problems: Problems): void {
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

/** The catalog's writing direction, from `meta.dir` (which {@link checkCatalogs} allows only as ltr or rtl). */
export function catalogDir(catalog: Catalog): 'ltr' | 'rtl' {
  return catalog.messages.get('meta.dir') === 'rtl' ? 'rtl' : 'ltr';
}

/** The messages of one top-level section (`runtime`, `pages`), keyed by the rest of their key. */
function section(catalog: Catalog, name: string): Record<string, string> {
  const prefix = `${name}.`;
  const messages: Record<string, string> = {};
  for (const [key, value] of catalog.messages) {
    if (key.startsWith(prefix)) messages[key.slice(prefix.length)] = value;
  }
  return messages;
}

export function runtimeCatalog(catalog: Catalog): RuntimeCatalog {
  return {
    language: catalog.language,
    locale: catalog.messages.get('meta.locale') ?? catalog.language,
    dir: catalogDir(catalog),
    strings: section(catalog, 'runtime'),
  };
}

/**
 * A catalog's entry in the language registry (`dist/languages.js`): its metadata and the strings
 * of the pages the functions serve. The console's words (`pages.console.*`) stay out: the console
 * bundles them from the catalogs itself (console/src/i18n.ts), and every function bundle carries
 * this registry.
 */
export function languageEntry(catalog: Catalog): LanguageEntry {
  const pages = Object.fromEntries(
    Object.entries(section(catalog, 'pages')).filter(([key]) => !key.startsWith('console.')),
  );
  return {
    code: catalog.language,
    name: catalog.messages.get('meta.name') ?? catalog.language,
    locale: catalog.messages.get('meta.locale') ?? catalog.language,
    dir: catalogDir(catalog),
    pages,
  };
}

/** Normalised honorific alias → code, merged from every catalog's `runtime.honorific-aliases`. */
export function honorificAliases(catalogs: readonly Catalog[], problems: Problems): Record<string, string> {
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
