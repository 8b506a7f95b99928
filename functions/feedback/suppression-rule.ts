/**
 * The one rule for what a suppression stops (DESIGN.md, "Rules that hold everywhere"):
 * a hard bounce stops all mail to that address — transactional mail included, since every further
 * message would bounce again and cost the sender's reputation — until an organizer lifts it;
 * complaints, unsubscribes and manual suppressions (a person's request by phone, say) stop bulk
 * mail only, so a delegate still gets the confirmation and the agenda changes they need.
 */
import { isBulk } from '../mailing/audience.js';
import type { MailKind } from '../store/model.js';
import type { SuppressionRow } from '../store/store.js';

/** Reasons that stop every kind of mail: the address cannot receive any. */
export const STOPS_ALL_MAIL: ReadonlySet<SuppressionRow['reason']> = new Set(['bounce', 'rejected']);

/** What {@link blocks} needs of a suppression row. */
export type SuppressionFact = Pick<SuppressionRow, 'reason' | 'scope'>;

/**
 * The suppression that stops a mail of `kind`, or `undefined` when none does. An address-wide
 * reason wins over a bulk-only one, so the delivery records the stronger cause.
 */
export function blocks<S extends SuppressionFact>(suppressions: readonly S[], kind: MailKind): S | undefined {
  const all = suppressions.find((s) => STOPS_ALL_MAIL.has(s.reason));
  if (all !== undefined) return all;
  return isBulk(kind) ? suppressions[0] : undefined;
}

/** The reason recorded on a suppressed delivery. */
export function blockedReason(suppression: SuppressionFact): string {
  const scope = STOPS_ALL_MAIL.has(suppression.reason) ? 'all mail' : 'bulk mail only';
  return `address is on the suppression list (${suppression.reason}, ${suppression.scope}: ${scope})`;
}
