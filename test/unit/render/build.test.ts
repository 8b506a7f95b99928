import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as cheerio from 'cheerio';
import Handlebars from 'handlebars';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRecipient, samplesFor } from '../../../demo/samples.js';
import { MAIL_KINDS, type MailKind } from '../../../functions/render/kinds.js';
import { prepareMarkdown } from '../../../functions/render/markdown.js';
import { buildContext } from '../../../functions/render/view.js';
import {
  type BuildProblem,
  type BuildResult,
  buildTemplates,
  TEMPLATES_DIR,
  TemplateBuildError,
} from '../../../templates/build.js';

let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'communique-templates-'));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/** A private copy of templates/ (sources and catalogs only) to break on purpose. */
async function copyTemplates(name: string): Promise<string> {
  const dir = path.join(scratch, name);
  await cp(TEMPLATES_DIR, dir, {
    recursive: true,
    filter: (source) => !source.includes(`${path.sep}dist`) && !source.endsWith('.ts'),
  });
  return dir;
}

async function editJson(
  file: string,
  edit: (json: Record<string, Record<string, unknown>>) => void,
): Promise<void> {
  const json = JSON.parse(await readFile(file, 'utf8'));
  edit(json);
  await writeFile(file, JSON.stringify(json, null, 2));
}

/** Replaces `search` in `file` and returns the 1-based line where the replacement starts. */
async function editFile(file: string, search: string, replacement: string): Promise<number> {
  const text = await readFile(file, 'utf8');
  const at = text.indexOf(search);
  expect(at, `${search} in ${file}`).toBeGreaterThanOrEqual(0);
  await writeFile(file, text.slice(0, at) + replacement + text.slice(at + search.length));
  return text.slice(0, at).split('\n').length;
}

async function problemsOf(dir: string, kinds?: readonly MailKind[]): Promise<readonly BuildProblem[]> {
  const error = await buildTemplates({ templatesDir: dir, outDir: null, ...(kinds ? { kinds } : {}) }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TemplateBuildError);
  return (error as TemplateBuildError).problems;
}

describe('buildTemplates', () => {
  let result: BuildResult;

  beforeAll(async () => {
    result = await buildTemplates({ outDir: null });
  });

  it('compiles every kind × language under strict MJML validation', () => {
    expect(result.languages[0]).toBe('en');
    expect([...result.languages].sort()).toEqual(['ar', 'en', 'ru']);
    expect(result.artifacts).toHaveLength(MAIL_KINDS.length * result.languages.length);
    for (const artifact of result.artifacts) {
      const $ = cheerio.load(artifact.html);
      expect($('html').attr('lang')).toBe(artifact.language);
      expect($('html').attr('dir')).toBe(artifact.language === 'ar' ? 'rtl' : 'ltr');
      // The layout is shared as partials, not copied into each kind.
      expect(artifact.html).toContain('{{> header}}');
      expect(artifact.html).toContain('{{> footer}}');
      expect(artifact.text).toContain('{{> footer}}');
    }
  });

  it('ships no MJML and no template compiler in the generated module', () => {
    const imports = [
      ...result.module.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]|\brequire\(/g),
    ].map((m) => m[1] ?? m[2] ?? 'require(');
    expect(imports).toEqual(['node:zlib']);
    expect(result.module).not.toMatch(/\bcompile\(/);
  });

  it('generates a module whose templates render exactly like the Handlebars sources', async () => {
    const dir = path.join(scratch, 'module');
    await buildTemplates({ outDir: dir, smokeTest: false });
    const generated = await import(pathToFileURL(path.join(dir, 'compiled.js')).href);
    for (const artifact of result.artifacts) {
      const catalog = result.catalogs[artifact.language]!;
      const shared = result.partials.get(artifact.language)!;
      const reference = {
        html: Handlebars.compile(artifact.html, { strict: true }),
        text: Handlebars.compile(artifact.text, { strict: true, noEscape: true }),
        partials: {
          html: Object.fromEntries(
            [...shared.html].map(([n, s]) => [n, Handlebars.compile(s, { strict: true })]),
          ),
          text: Object.fromEntries(
            [...shared.text].map(([n, s]) => [n, Handlebars.compile(s, { strict: true, noEscape: true })]),
          ),
        },
      };
      const specs = generated.templates[artifact.kind][artifact.language];
      const partials = generated.partials[artifact.language];
      const instantiate = (table: Record<string, object>) =>
        Object.fromEntries(Object.entries(table).map(([n, s]) => [n, Handlebars.template(s)]));
      const shipped = {
        html: Handlebars.template(specs.html),
        text: Handlebars.template(specs.text),
        partials: { html: instantiate(partials.html), text: instantiate(partials.text) },
      };
      for (const sample of samplesFor(sampleRecipient(artifact.language)).filter(
        (s) => s.kind === artifact.kind,
      )) {
        const context = buildContext(sample.kind, sample.data, {
          catalog,
          markdown: prepareMarkdown,
          honorificAliases: result.honorificAliases,
        });
        context.subject = 'Subject';
        expect(shipped.html(context, { partials: shipped.partials.html })).toBe(
          reference.html(context, { partials: reference.partials.html }),
        );
        expect(shipped.text(context, { partials: shipped.partials.text })).toBe(
          reference.text(context, { partials: reference.partials.text }),
        );
      }
    }
  });
});

describe('buildTemplates failures name the file and line', () => {
  it('fails when a catalog lacks a key', async () => {
    const dir = await copyTemplates('missing-key');
    await editJson(path.join(dir, 'catalogs', 'ru.json'), (json) => {
      delete (json.invitation as Record<string, unknown>).register;
    });
    const problems = await problemsOf(dir);
    expect(problems).toContainEqual({
      file: path.join(dir, 'catalogs', 'ru.json'),
      line: null,
      message: 'missing key "invitation.register" (present in en.json)',
    });
  });

  it('fails when a template uses a key no catalog has', async () => {
    const dir = await copyTemplates('unknown-key');
    const file = path.join(dir, 'invitation.mjml');
    const line = await editFile(file, '[[invitation.closing]]', '[[invitation.no-such-key]]');
    const problems = await problemsOf(dir, ['invitation']);
    expect(problems).toContainEqual({ file, line, message: '[[invitation.no-such-key]] is not in en.json' });
  });

  it('fails on a block helper MJML would drop between sections', async () => {
    const dir = await copyTemplates('bare-block');
    const file = path.join(dir, 'cancellation.mjml');
    const line = await editFile(file, '<mj-raw>{{#if sessions}}</mj-raw>', '{{#if sessions}}');
    const problems = await problemsOf(dir, ['cancellation']);
    const problem = problems.find((p) => p.file === file);
    expect(problem?.line).toBe(line);
    expect(problem?.message).toMatch(/\{\{#if sessions\}\} is directly inside <mj-body>.*<mj-raw>/);
  });

  it('reports a Handlebars syntax error at its line in the source', async () => {
    const dir = await copyTemplates('syntax');
    const file = path.join(dir, '_common', 'sessions.mjml');
    const line = await editFile(file, '{{#if plenary}}', '{{#if plenary}}{{#if cancelled}}');
    const problems = await problemsOf(dir, ['cancellation']);
    const problem = problems.find((p) => p.file === file);
    expect(problem?.message).toMatch(/^Handlebars: if doesn't match each/);
    expect(problem?.line).toBe(line);
  });

  it('reports MJML strict validation errors at their line in the partial', async () => {
    const dir = await copyTemplates('strict');
    const file = path.join(dir, '_common', 'footer.mjml');
    const line = await editFile(
      file,
      '<mj-text>[[common.signature]]',
      '<mj-text colour="red">[[common.signature]]',
    );
    const problems = await problemsOf(dir);
    expect(problems).toContainEqual(
      expect.objectContaining({ file, line, message: expect.stringMatching(/Attribute colour is illegal/) }),
    );
  });

  it('fails when a translation reads a field the reference does not', async () => {
    const dir = await copyTemplates('placeholder');
    await editJson(path.join(dir, 'catalogs', 'ar.json'), (json) => {
      (json.invitation as Record<string, string>).register = 'التسجيل {recipient.email}';
    });
    const problems = await problemsOf(dir);
    const problem = problems.find((p) => p.file.endsWith('ar.json'));
    expect(problem?.message).toBe(
      '"invitation.register" uses {recipient.email}, which en.json does not use for this key',
    );
    expect(problem?.line).toBeGreaterThan(1);
  });

  it('refuses template syntax smuggled into a catalog message', async () => {
    const dir = await copyTemplates('braces');
    await editJson(path.join(dir, 'catalogs', 'en.json'), (json) => {
      (json.invitation as Record<string, string>).register = 'Register {{constructor}}';
    });
    const problems = await problemsOf(dir);
    expect(problems.map((p) => p.message)).toContain(
      '"invitation.register" has a brace or backslash outside a {placeholder}',
    );
  });

  it('adds a language by adding one catalog', async () => {
    const dir = await copyTemplates('new-language');
    const catalog = JSON.parse(await readFile(path.join(dir, 'catalogs', 'en.json'), 'utf8'));
    catalog.meta = { ...catalog.meta, name: 'Français', locale: 'fr' };
    catalog.invitation.register = "S'inscrire";
    await writeFile(path.join(dir, 'catalogs', 'fr.json'), JSON.stringify(catalog));
    const built = await buildTemplates({ templatesDir: dir, outDir: null, kinds: ['invitation'] });
    expect(built.languages).toContain('fr');
    const invitation = built.artifacts.find((a) => a.kind === 'invitation' && a.language === 'fr');
    expect(
      cheerio
        .load(invitation?.html ?? '')('a')
        .text(),
    ).toContain("S'inscrire");
  });
});
