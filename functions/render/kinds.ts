/**
 * The kinds of mail the pipeline sends. This module has no dependencies so that the template build
 * step (which must not import the compiled templates it is about to produce) can share the list.
 */

/** Every kind of mail, in the order the preview gallery shows them. */
export const MAIL_KINDS = [
  'invitation',
  'confirmation',
  'cancellation',
  'reminder',
  'agenda-change',
  'media-advisory',
  'announcement',
  // Invitations (turn 2): the answer confirmed to the invitee, and the note to a designated representative.
  'rsvp-confirmation',
  'representative-note',
] as const;

/** A kind of mail; each has one MJML body in `templates/<kind>.mjml`. */
export type MailKind = (typeof MAIL_KINDS)[number];

/**
 * Bulk (non-essential) kinds: they carry `List-Unsubscribe` + one-click POST and an unsubscribe link
 * in the footer, and suppressed addresses are skipped for them. Everything else is transactional.
 */
export const BULK_KINDS = ['invitation', 'reminder', 'media-advisory', 'announcement'] as const;

/** A bulk kind. */
export type BulkKind = (typeof BULK_KINDS)[number];

/** A transactional kind: sent because of something the recipient did or registered for. */
export type TransactionalKind = Exclude<MailKind, BulkKind>;

const BULK_SET: ReadonlySet<string> = new Set(BULK_KINDS);
const KIND_SET: ReadonlySet<string> = new Set(MAIL_KINDS);

/** Whether `kind` is bulk mail (needs one-click unsubscribe), as opposed to transactional mail. */
export function isBulkKind(kind: string): kind is BulkKind {
  return BULK_SET.has(kind);
}

/** Whether `value` names a known mail kind. */
export function isMailKind(value: string): value is MailKind {
  return KIND_SET.has(value);
}
