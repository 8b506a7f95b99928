/**
 * `preview KIND --lang LANG`: renders one kind of mail with the sample data of the template gallery
 * (demo/samples.ts) and writes the HTML and the plain text where the organizer can open them.
 * Needs no stack: it shows the templates, not a mailing (a mailing's dry run renders real samples).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sampleRecipient, samplesFor } from '../../demo/samples.js';
import { canonicalLanguage } from '../../functions/events/schemas.js';
import { MAIL_KINDS, type MailKind } from '../../functions/render/kinds.js';
import type { Context } from '../lib/context.js';
import { RefusedError } from '../lib/errors.js';
import { hint, printJson, say } from '../lib/output.js';
import { defaultPreviewDir, loadRenderer } from '../lib/samples.js';

/** `preview KIND --lang LANG [--variant V] [--out DIR]`. */
export async function preview(
  ctx: Context,
  kind: string,
  options: { lang: string; variant?: string; out?: string },
): Promise<void> {
  if (!(MAIL_KINDS as readonly string[]).includes(kind)) {
    throw new RefusedError(`Unknown kind of mail "${kind}"; use one of ${MAIL_KINDS.join(', ')}.`, {
      kind,
      kinds: MAIL_KINDS,
    });
  }
  const language = canonicalLanguage(options.lang);
  if (!language) throw new RefusedError(`--lang "${options.lang}" is not a language tag (e.g. en, ru, ar).`);
  const { render, resolveLanguage, catalogLanguageOf } = await loadRenderer();
  const samples = samplesFor(sampleRecipient(resolveLanguage(language))).filter((s) => s.kind === kind);
  const sample = options.variant ? samples.find((s) => s.variant === options.variant) : samples[0];
  if (!sample) {
    throw new RefusedError(
      `No "${options.variant}" sample of ${kind}; variants: ${samples.map((s) => s.variant).join(', ')}.`,
    );
  }
  const mail = render(kind as MailKind, language, sample.data as never);
  const dir = path.resolve(options.out ?? path.join(defaultPreviewDir(), 'kinds'));
  await mkdir(dir, { recursive: true });
  const base = `${kind}${sample.variant === 'default' ? '' : `-${sample.variant}`}.${language}`;
  const html = path.join(dir, `${base}.html`);
  const text = path.join(dir, `${base}.txt`);
  await writeFile(html, mail.html);
  await writeFile(text, `Subject: ${mail.subject}\n\n${mail.text}`);
  const result = {
    kind,
    variant: sample.variant,
    language,
    rendered: mail.language,
    dir: mail.dir,
    subject: mail.subject,
    html,
    text,
    url: pathToFileURL(html).href,
  };
  if (ctx.io.json) {
    printJson(result);
    return;
  }
  say(
    ctx.io,
    `${kind}${sample.variant === 'default' ? '' : ` (${sample.variant})`} in ${mail.language}: "${mail.subject}"`,
  );
  say(ctx.io, `  HTML: ${html}`);
  say(ctx.io, `  text: ${text}`);
  say(ctx.io, `  open: ${result.url}`);
  if (catalogLanguageOf(language) === undefined) {
    hint(
      `There is no ${language} catalog, so this is the English fallback a ${language} recipient would get.`,
    );
  }
  if (samples.length > 1 && !options.variant) {
    hint(
      `Other variants: ${samples
        .slice(1)
        .map((s) => `--variant ${s.variant}`)
        .join(', ')}.`,
    );
  }
}
