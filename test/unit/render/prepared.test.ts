import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { type Sample, sampleRecipient, samplesFor } from '../../../demo/samples.js';
import { prepareMarkdown } from '../../../functions/render/markdown.js';
import { packPrepared, preparedRenderer } from '../../../functions/render/prepared.js';
import { renderApi } from './built.js';

const { render, LANGUAGES, RenderError } = renderApi;
const { fill } = await import('../../../functions/render/fill.js');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const body = {
  en: 'Doors open at **08:30**; see [the venue](https://example.org/venue).',
  ru: 'Двери открываются в **08:30**; см. [место](https://example.org/venue).',
  ar: 'تُفتح الأبواب في **08:30**؛ انظر [المكان](https://example.org/venue).',
};

describe('organizer text prepared at intake (functions/render/prepared.ts)', () => {
  it('answers each language with what markdown-it renders for it', () => {
    const markdown = preparedRenderer({ body }, packPrepared({ body }, prepareMarkdown));
    for (const text of Object.values(body)) expect(markdown(text)).toEqual(prepareMarkdown(text));
  });

  it('fills an announcement exactly as render() does, in every language', () => {
    for (const language of LANGUAGES) {
      const sample = samplesFor(sampleRecipient(language)).find(
        (s) => s.kind === 'announcement',
      ) as Sample<'announcement'>;
      const prepared = preparedRenderer(sample.data, packPrepared(sample.data, prepareMarkdown));
      expect(fill('announcement', language, sample.data, prepared)).toEqual(
        render('announcement', language, sample.data),
      );
    }
  });

  it('refuses a text it was not given, a missing packing and one that does not match', () => {
    const packed = packPrepared({ body }, prepareMarkdown);
    expect(() => preparedRenderer({ body }, packed)('**another**')).toThrow(RenderError);
    expect(() => preparedRenderer({ body }, undefined)(body.en)).toThrow(/not prepared at intake/);
    expect(() => preparedRenderer({ body: { en: body.en } }, packed)).toThrow(/does not match/);
  });

  it('keeps markdown-it and MJML out of the sender bundle', async () => {
    const result = await build({
      absWorkingDir: root,
      entryPoints: ['functions/sender.ts'],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      metafile: true,
      logLevel: 'silent',
    });
    const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(imports).toContain('nodemailer/lib/mail-composer');
    expect(imports.filter((p) => /^(markdown-it|mjml)/.test(p))).toEqual([]);
    expect(Object.keys(result.metafile.inputs)).not.toContain('functions/render/markdown.ts');
  });
});
