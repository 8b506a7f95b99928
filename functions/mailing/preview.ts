import { primaryLanguage } from '../lib/text.js';
import type { ConferenceRow, MailingRow, Recipient } from '../store/model.js';
import { type AudienceReaderDeps, audienceRecipients } from './recipients.js';

/** What a dry run reports: recipients per language, a sample subject per language. */
export interface MailingPreview {
  total: number;
  perLanguage: Record<string, number>;
  subjects: Record<string, string>;
}

/** Renders a subject for a sample recipient; injected so planning code does not load templates. */
export type SubjectRenderer = (
  mailing: MailingRow,
  conference: ConferenceRow,
  recipient: Recipient,
) => string;

let subjectRenderer: SubjectRenderer | undefined;

/** Wires the renderer used for sample subjects (set by the handlers that have templates). */
export function useSubjectRenderer(renderer: SubjectRenderer): void {
  subjectRenderer = renderer;
}

/**
 * A dry run: resolves the audience exactly as planning would (same filters,
 * same phases, one per address) but writes nothing and sends nothing.
 */
export async function previewMailing(
  deps: AudienceReaderDeps,
  conference: ConferenceRow,
  mailing: Pick<MailingRow, 'kind' | 'audience'> & Partial<MailingRow>,
): Promise<MailingPreview> {
  const perLanguage: Record<string, number> = {};
  const samples = new Map<string, Recipient>();
  let total = 0;
  for await (const recipient of audienceRecipients(deps, {
    ...mailing,
    conferenceId: conference.conferenceId,
  })) {
    total++;
    const language = primaryLanguage(recipient.language);
    perLanguage[language] = (perLanguage[language] ?? 0) + 1;
    if (!samples.has(language)) samples.set(language, recipient);
  }
  const subjects: Record<string, string> = {};
  if (subjectRenderer) {
    for (const [language, recipient] of samples) {
      subjects[language] = subjectRenderer(mailing as MailingRow, conference, recipient);
    }
  }
  return { total, perLanguage, subjects };
}
