/**
 * The organizer text of a mailing, rendered once (render/prepared.ts) and kept beside its row:
 * written by the intake with a new mailing, and by the clock for an open mailing without one (a
 * mailing stored by an earlier version, whose sender holds its jobs until it is there).
 */
import { hasOrganizerContent } from '../kinds/index.js';
import { UnprocessableEventError } from '../lib/errors.js';
import { prepareMarkdown } from '../render/markdown.js';
import { coversContent, packPrepared } from '../render/prepared.js';
import type { MailingRow } from '../store/model.js';
import { getPreparedText, putPreparedText, type StoreDeps } from '../store/store.js';

/** What the prepared text of a mailing may take, packed (its item holds at most 400 KB). */
const MAX_PREPARED_BYTES = 390_000;

/** Renders the organizer's Markdown and stores it; a rejection when it is too large to store. */
export async function prepareText(
  deps: StoreDeps,
  mailingId: string,
  content: NonNullable<MailingRow['content']>,
): Promise<void> {
  const packed = packPrepared(content, prepareMarkdown);
  if (packed.byteLength > MAX_PREPARED_BYTES) {
    throw new UnprocessableEventError(
      `data.content: the body rendered comes to ${Math.ceil(packed.byteLength / 1000)} KB packed, more than a mailing can hold (${MAX_PREPARED_BYTES / 1000} KB); shorten the body or send fewer languages`,
      'content_too_large',
    );
  }
  await putPreparedText(deps, mailingId, packed);
}

const SENDABLE: ReadonlySet<MailingRow['state']> = new Set(['planning', 'sending', 'paused']);

/**
 * Prepares the text of a mailing that may still send (or, with `anyState`, any mailing) and has
 * none, or one made from other content. Returns whether it wrote one. A text too large to store
 * (only a mailing stored by an earlier version can have one) is left unprepared: the sender treats
 * a missing text as a passing fault, so its deliveries fail once their retries run out, with
 * "the organizer text has not been prepared yet" as the reason.
 */
export async function ensurePreparedText(
  deps: StoreDeps,
  mailing: MailingRow,
  options: { anyState?: boolean } = {},
): Promise<boolean> {
  if (!hasOrganizerContent(mailing.kind) || mailing.content === undefined) return false;
  if (options.anyState !== true && !SENDABLE.has(mailing.state)) return false;
  if (coversContent(mailing.content, await getPreparedText(deps, mailing.mailingId))) return false;
  try {
    await prepareText(deps, mailing.mailingId, mailing.content);
    return true;
  } catch (error) {
    if (error instanceof UnprocessableEventError) return false;
    throw error;
  }
}
