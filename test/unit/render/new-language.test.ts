/**
 * "Adding a language is adding a catalog": two throwaway catalogs are written at run time (codes
 * from ISO 639's private-use range, so they can never clash with a real one), the templates are
 * built from them into a scratch folder, and the real render API and unsubscribe pages — pointed at
 * that build instead of templates/dist — must speak the new languages, in the direction their
 * metadata names. Nothing else in the repository knows these languages exist.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sampleRecipient, samplesFor } from '../../../demo/samples.js';
import { buildTemplates, TEMPLATES_DIR } from '../../../templates/build.js';

/** A right-to-left and a left-to-right newcomer, each marking every message with its own tag. */
const NEWCOMERS = [
  { code: 'qaa', dir: 'rtl', mark: 'QAA·' },
  { code: 'qab', dir: 'ltr', mark: 'QAB·' },
] as const;

type Json = { [key: string]: string | Json };

/** The English catalog with every message (but metadata and honorific aliases) tagged by `mark`. */
function derive(english: Json, mark: string, prefix = ''): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(english)) {
    const dotted = prefix ? `${prefix}.${key}` : key;
    if (typeof value !== 'string') out[key] = derive(value, mark, dotted);
    else if (dotted.startsWith('meta.') || dotted.startsWith('runtime.honorific-aliases.')) out[key] = value;
    else out[key] = `${mark}${value}`;
  }
  return out;
}

let scratch: string;
let api: typeof import('../../../functions/render/index.js');
let pages: typeof import('../../../functions/unsubscribe/page.js');

beforeAll(async () => {
  // Prepare: the real catalogs plus the newcomers, built into a scratch dist.
  scratch = await mkdtemp(path.join(tmpdir(), 'communique-new-language-'));
  const catalogs = path.join(scratch, 'catalogs');
  const dist = path.join(scratch, 'dist');
  await mkdir(catalogs);
  for (const code of ['en', 'ru', 'ar']) {
    await copyFile(path.join(TEMPLATES_DIR, 'catalogs', `${code}.json`), path.join(catalogs, `${code}.json`));
  }
  const english = JSON.parse(await readFile(path.join(catalogs, 'en.json'), 'utf8')) as Json;
  for (const { code, dir, mark } of NEWCOMERS) {
    const catalog = derive(english, mark);
    catalog.meta = { ...(english.meta as Json), name: `Throwaway ${code}`, locale: 'en', dir };
    await writeFile(path.join(catalogs, `${code}.json`), JSON.stringify(catalog, null, 2));
  }
  await buildTemplates({ catalogsDir: catalogs, outDir: dist });
  // Act (shared): the render API and the pages, loading the scratch build.
  vi.doMock(
    '../../../templates/dist/compiled.js',
    () => import(pathToFileURL(path.join(dist, 'compiled.js')).href),
  );
  vi.doMock(
    '../../../templates/dist/languages.js',
    () => import(pathToFileURL(path.join(dist, 'languages.js')).href),
  );
  api = await import('../../../functions/render/index.js');
  pages = await import('../../../functions/unsubscribe/page.js');
}, 120_000);

afterAll(async () => {
  vi.doUnmock('../../../templates/dist/compiled.js');
  vi.doUnmock('../../../templates/dist/languages.js');
  await rm(scratch, { recursive: true, force: true });
});

describe('a language added by a catalog alone', () => {
  it('is in the language registry and chosen for its tags', () => {
    // Assess
    expect(api.LANGUAGE_ENTRIES.map((e) => e.code)).toEqual(expect.arrayContaining(['en', 'qaa', 'qab']));
    expect(api.LANGUAGES).toEqual(expect.arrayContaining(['qaa', 'qab']));
    expect(api.resolveLanguage('QAA-x-test')).toBe('qaa');
  });

  describe.each(NEWCOMERS)('$code ($dir)', ({ code, dir, mark }) => {
    const samples = samplesFor(sampleRecipient(code));

    it.each(samples.map((s) => [`${s.kind}/${s.variant}`, s] as const))(
      'renders %s in its own words and direction',
      (_name, sample) => {
        // Act
        const mail = api.render(sample.kind, code, sample.data as never);

        // Assess
        const $ = cheerio.load(mail.html);
        expect(mail.language).toBe(code);
        expect(mail.dir).toBe(dir);
        expect($('html').attr('lang')).toBe(code);
        expect($('html').attr('dir')).toBe(dir);
        expect($('body').attr('dir')).toBe(dir);
        expect(mail.subject).toContain(mark);
        expect($('body').text()).toContain(mark);
        expect(mail.text).toContain(mark);
      },
    );

    it('serves the unsubscribe pages in its own words and direction', () => {
      // Act
      const view = { conference: 'Dushanbe 2022', email: 'a@example.org' };
      const rendered = [
        pages.confirmPage(code, { ...view, formAction: '?token=t' }),
        pages.donePage(code, view),
        pages.invalidPage(code),
      ];

      // Assess
      for (const html of rendered) {
        const $ = cheerio.load(html);
        expect($('html').attr('lang')).toBe(code);
        expect($('html').attr('dir')).toBe(dir);
        expect($('title').text().startsWith(mark)).toBe(true);
        expect($('h1').text().startsWith(mark)).toBe(true);
        expect($('p').text().startsWith(mark)).toBe(true);
        expect($('body').text()).not.toMatch(/\{\w+\}/);
      }
      expect(
        cheerio
          .load(rendered[0] as string)('button')
          .text(),
      ).toBe(`${mark}Unsubscribe`);
      expect(
        cheerio
          .load(rendered[1] as string)('p')
          .text(),
      ).toContain('a@example.org');
    });
  });

  it('leaves the existing languages as they were', () => {
    // Act
    const sample = samplesFor(sampleRecipient('en'))[0];
    const mail = sample && api.render(sample.kind, 'en', sample.data as never);

    // Assess
    expect(mail?.language).toBe('en');
    expect(mail?.subject).not.toMatch(/QA[AB]·/);
    expect(pages.invalidPage('ar')).toMatch(/dir="rtl"/);
    expect(pages.invalidPage('ar')).not.toMatch(/QA[AB]·/);
  });
});
