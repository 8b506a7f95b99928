/**
 * Module output: precompiled Handlebars specs packed into `dist/compiled.js` (see
 * {@link EncodedModule} for why it is packed), and the language registry `dist/languages.js`.
 */
import path from 'node:path';
import { brotliCompressSync, constants as zlibConstants } from 'node:zlib';
import Handlebars from 'handlebars';
import type { RuntimeCatalog } from '../../functions/render/format.js';
import type { MailKind } from '../../functions/render/kinds.js';
import { type Catalog, languageEntry } from './catalogs.js';
import { type Problems, TEMPLATES_DIR } from './common.js';

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

// Strict-mode specs carry a source location object per expression (~60 bytes each, thousands in
// total) that only decorates error messages with positions in the generated HTML. The shipped specs
// are compiled without strict mode; the build's smoke test compiles them strictly instead.
export const SHIPPED_HTML_OPTIONS = { knownHelpersOnly: true, preventIndent: true } as const;
export const SHIPPED_TEXT_OPTIONS = { ...SHIPPED_HTML_OPTIONS, noEscape: true } as const;

export function precompile(
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

export function generateModule(
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
  const encoded = encodeSpecs(specs, problems, path.join(TEMPLATES_DIR, 'build.ts'));
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
  return precompile(source, options, path.join(TEMPLATES_DIR, '_common'), 'partial', problems);
}

/** The language registry module (`languages.js`): every catalog's metadata and page strings. */
export function generateLanguagesModule(catalogs: readonly Catalog[]): string {
  return [
    '// Generated by templates/build.ts from templates/catalogs/*.json. Do not edit.',
    '/** Every language with a catalog, English (the fallback) first: metadata and page strings. */',
    `export const languages = ${JSON.stringify(catalogs.map(languageEntry), null, 2)};`,
    '',
  ].join('\n');
}
