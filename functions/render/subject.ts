/**
 * Subject hygiene. A subject is read in an inbox list that shows its first 40–70 characters, so
 * the templates put the key fact first (a reminder's date, an agenda change's session) and the
 * short conference name after it; this module removes a kind's label (its `subjectLabels`) that
 * the organizer already typed ("Media advisory: Media advisory: …") and bounds the length.
 */
import { kindDefinition, type MailKind } from '../kinds/index.js';

const SEPARATOR = /^\s*[:：\-–—|·]\s*/u;

/**
 * `text` without leading copies of `kind`'s label ("Media advisory: X", "MEDIA ADVISORY – X",
 * «Информация для СМИ: X» all become "X"), so the template's own label is the only one.
 */
export function withoutKindPrefix(kind: MailKind, text: string): string {
  const labels = kindDefinition(kind).subjectLabels;
  if (labels === undefined) return text;
  let rest = text.trim();
  for (let changed = true; changed; ) {
    changed = false;
    const lower = rest.toLocaleLowerCase();
    for (const label of labels) {
      if (!lower.startsWith(label)) continue;
      const after = rest.slice(label.length);
      const separator = SEPARATOR.exec(after);
      if (separator === null) continue;
      const stripped = after.slice(separator[0].length).trim();
      if (stripped === '') continue;
      rest = stripped;
      changed = true;
      break;
    }
  }
  return rest;
}

/** The longest subject sent, in characters (code points). */
export const MAX_SUBJECT_LENGTH = 90;

/**
 * `subject` cut to {@link MAX_SUBJECT_LENGTH} code points at a word boundary, with an ellipsis.
 * Long subjects are truncated by every client anyway, mid-word; doing it here keeps the cut clean
 * and the header short.
 */
export function boundSubject(subject: string, max = MAX_SUBJECT_LENGTH): string {
  const chars = [...subject];
  if (chars.length <= max) return subject;
  const head = chars.slice(0, max - 1).join('');
  const space = head.lastIndexOf(' ');
  const cut = space > max / 2 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s,.:;،؛–—-]+$/u, '')}…`;
}
