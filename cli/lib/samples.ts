/**
 * Rendered samples an organizer can open in a browser before confirming a mailing, and the
 * template preview of `communique preview`. The renderer is imported on demand: it loads the
 * templates compiled by `npm run build:templates`, and commands that render nothing should not
 * fail because that build is missing.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sampleRecipients } from '../../functions/mailing/recipients.js';
import type { ConferenceRow, MailingRow } from '../../functions/store/model.js';
import { getAgenda, type StoreDeps } from '../../functions/store/store.js';
import { RefusedError } from './errors.js';

/** Where rendered samples go unless told otherwise: `preview/` (git-ignored) in the working directory. */
export function defaultPreviewDir(): string {
  return path.resolve(process.cwd(), 'preview');
}

/** Unsubscribe links in samples point nowhere real: a sample must never unsubscribe anyone. */
export const SAMPLE_UNSUBSCRIBE_URL = 'https://unsubscribe.example.org/sample-only';

type RenderModule = typeof import('../../functions/render/index.js');
type ViewDataModule = typeof import('../../functions/sending/view-data.js');

/**
 * Loads the renderer, building the templates first when they are missing or older than their
 * sources (the CLI runs from a checkout, where the build step is at hand), and turning a failed
 * build into advice.
 */
export async function loadRenderer(): Promise<RenderModule> {
  try {
    const { buildTemplates, isBuildFresh } = await import('../../templates/build.js');
    if (!(await isBuildFresh())) await buildTemplates();
    return await import('../../functions/render/index.js');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new RefusedError(
      `The mail templates are not built (${message.split('\n')[0]}). Run \`npm run build:templates\` and try again.`,
    );
  }
}

async function loadViewData(): Promise<ViewDataModule> {
  return import('../../functions/sending/view-data.js');
}

/** A written sample. */
export interface SampleFile {
  language: string;
  subject: string;
  file: string;
  url: string;
  /** Whose data filled it (address), so the organizer knows it is a real record. */
  recipient: string;
}

/**
 * Renders the mailing for one sample recipient per language and writes each as an HTML file.
 * Returns the files written; a language whose sample cannot be rendered is reported, not fatal.
 */
export async function writeMailingSamples(
  store: StoreDeps,
  mailing: MailingRow,
  conference: ConferenceRow,
  languages: readonly string[],
  dir: string,
): Promise<{ files: SampleFile[]; problems: string[] }> {
  const { render } = await loadRenderer();
  const { mailDataFor } = await loadViewData();
  const agenda = await getAgenda(store, mailing.conferenceId);
  const recipients = await sampleRecipients(store, mailing, languages);
  await mkdir(dir, { recursive: true });
  const files: SampleFile[] = [];
  const problems: string[] = [];
  for (const language of languages) {
    const recipient = recipients.get(language);
    if (!recipient) continue;
    try {
      const data = mailDataFor({ recipient }, mailing, conference, agenda, SAMPLE_UNSUBSCRIBE_URL);
      const mail = render(mailing.kind, recipient.language ?? language, data);
      const file = path.join(dir, `${safeName(mailing.mailingId)}.${language}.html`);
      await writeFile(file, mail.html);
      files.push({
        language,
        subject: mail.subject,
        file,
        url: pathToFileURL(file).href,
        recipient: recipient.email,
      });
    } catch (error) {
      problems.push(`${language}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { files, problems };
}

/** A file-name-safe version of an id. */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '_');
}
