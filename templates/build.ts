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
import { pathToFileURL } from 'node:url';
import Handlebars from 'handlebars';
import { minimalSamplesFor, sampleRecipient, samplesFor } from '../demo/samples.js';
import type { RuntimeCatalog } from '../functions/render/format.js';
import { MAIL_KINDS, type MailKind } from '../functions/render/kinds.js';
import { prepareMarkdown } from '../functions/render/markdown.js';
import { buildContext } from '../functions/render/view.js';
import {
  assemble,
  carvePartials,
  checkHandlebarsSyntax,
  checkPlacement,
  type Source,
  substitute,
} from './build/assembly.js';
import {
  catalogDir,
  checkCatalogs,
  honorificAliases,
  loadCatalogs,
  runtimeCatalog,
} from './build/catalogs.js';
import { DIST_DIR, Problems, REFERENCE_LANGUAGE, TEMPLATES_DIR, TemplateBuildError } from './build/common.js';
import {
  type Artifact,
  generateLanguagesModule,
  generateModule,
  type LanguagePartials,
  precompile,
  SHIPPED_HTML_OPTIONS,
  SHIPPED_TEXT_OPTIONS,
} from './build/module.js';
import { checkSurvival, compileMjml, deriveText, markBody } from './build/text.js';

export { type BuildProblem, DIST_DIR, TEMPLATES_DIR, TemplateBuildError } from './build/common.js';
export type { Artifact, LanguagePartials } from './build/module.js';

// ---------------------------------------------------------------------------------------------------
// Build

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
 * Hash of everything the output depends on: templates, catalogs and the code that compiles them
 * (this file and its stages in `build/`).
 * The view builder is included because the build's smoke test runs it.
 */
export async function computeSourceHash(
  templatesDir = TEMPLATES_DIR,
  catalogsDir = path.join(templatesDir, 'catalogs'),
): Promise<string> {
  const hash = createHash('sha256');
  const stages = path.join(TEMPLATES_DIR, 'build');
  const code = [
    path.join(TEMPLATES_DIR, 'build.ts'),
    ...(await readdir(stages))
      .filter((name) => name.endsWith('.ts'))
      .sort()
      .map((name) => path.join(stages, name)),
    path.join(TEMPLATES_DIR, '..', 'demo', 'samples.ts'),
  ];
  const renderDir = path.join(TEMPLATES_DIR, '..', 'functions', 'render');
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
        const context = buildContext(sample.kind, sample.data, {
          catalog,
          markdown: prepareMarkdown,
          honorificAliases: aliases,
        });
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
      const marked = markBody(html, catalog.language, catalogDir(catalog));
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
  const languagesModule = generateLanguagesModule(catalogList);
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
