import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { type Sample, sampleRecipient, samplesFor } from '../../../demo/samples.js';
import { prepareMarkdown } from '../../../functions/render/markdown.js';
import {
  coversContent,
  packPrepared,
  preparedRenderer,
  TextNotPreparedError,
} from '../../../functions/render/prepared.js';
import { renderApi } from './built.js';

const { render, LANGUAGES } = renderApi;
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

  it('answers by the text itself, whatever order the languages come back in', () => {
    const packed = packPrepared({ body }, prepareMarkdown);
    // A DynamoDB map keeps no order: the same body read back with its keys the other way round.
    const reordered = { ar: body.ar, ru: body.ru, en: body.en };
    const markdown = preparedRenderer({ body: reordered }, packed);
    for (const text of Object.values(body)) expect(markdown(text)).toEqual(prepareMarkdown(text));
  });

  it('refuses a text it was not made from: missing, from other content, or another text', () => {
    const packed = packPrepared({ body }, prepareMarkdown);
    expect(() => preparedRenderer({ body }, undefined)).toThrow(TextNotPreparedError);
    expect(() => preparedRenderer({ body: { ...body, ru: 'Другой **текст**' } }, packed)).toThrow(
      TextNotPreparedError,
    );
    expect(() => preparedRenderer({ body }, packed)('**another**')).toThrow(TextNotPreparedError);
    expect(coversContent({ body }, packed)).toBe(true);
    expect(coversContent({ body: { en: 'changed' } }, packed)).toBe(false);
    expect(coversContent({ body }, new Uint8Array([1, 2, 3]))).toBe(false);
    expect(coversContent({ body }, undefined)).toBe(false);
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
