/**
 * How a delivery and a rejected event are listed to an organizer — the CLI's `deliveries` and
 * `rejections` (their `--json`) and the console's API read through these, so both show the same
 * fields under the same names.
 */
import type { DeliveryRow } from '../store/model.js';
import type { RejectionRow } from '../store/store.js';

/** A delivery as listed (no payload, no lease bookkeeping). */
export function deliveryListing(d: DeliveryRow) {
  return {
    contactKey: d.contactKey,
    deliveryId: d.deliveryId,
    email: d.recipient.email,
    name: `${d.recipient.givenName} ${d.recipient.familyName}`.trim(),
    language: d.recipient.language ?? 'en',
    role: d.recipient.role,
    state: d.state,
    attempts: d.attempts,
    updatedAt: d.updatedAt,
    ...(d.sesMessageId ? { sesMessageId: d.sesMessageId } : {}),
    ...(d.reason ? { reason: d.reason } : {}),
  };
}

/** A rejected event as listed: when, which, why, and the head of its payload. */
export function rejectionListing(r: RejectionRow) {
  return {
    receivedAt: r.receivedAt,
    eventId: r.eventId,
    type: r.type,
    code: r.code,
    reason: r.reason,
    ...(r.queue ? { queue: r.queue } : {}),
    payloadHead: r.payloadHead,
    ...(r.payload ? { payload: r.payload } : {}),
  };
}
