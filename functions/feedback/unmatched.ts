/**
 * SES events that match no delivery: mail from a test send, from an earlier
 * deployment, or whose delivery the sender never recorded. They are kept (with
 * the table's retention) and acknowledged, so an organizer or operator can see
 * them and nothing loops on the feedback queue.
 */

import { keys, lists } from '../store/model.js';
import { expiresAt, listed, newestFirst, putItem, type StoreDeps } from '../store/store.js';

/** Why an event matched no delivery. */
export type UnmatchedReason =
  /** No delivery carries this SES message id (nor its tags). */
  | 'unknown-message'
  /** The delivery exists but the sender never recorded that SES accepted it. */
  | 'unrecorded'
  /** The delivery is in a state feedback does not touch (cancelled, suppressed…). */
  | 'unexpected-state'
  /** The body is not an SES event at all. */
  | 'malformed';

export interface UnmatchedSesEventRow {
  /** SES message id, or `sqs:<id>` for a body that had none. */
  messageId: string;
  eventType: string;
  reason: UnmatchedReason;
  /** Event time (or receipt time for a malformed body). */
  time: string;
  receivedAt: string;
  destinations: string[];
  tags: Record<string, string>;
  detail?: string;
  /** The start of the body as received, for diagnosis. */
  payloadHead: string;
}

const PAYLOAD_HEAD = 2_000;

/**
 * Records an unmatched event under `SESUNKNOWN#<messageId>` / `<eventType>`
 * (listed by time on gsi1). A repeat of the same event writes the same item.
 */
export async function recordUnmatchedSesEvent(
  deps: StoreDeps,
  row: Omit<UnmatchedSesEventRow, 'receivedAt' | 'payloadHead'> & { body: string },
): Promise<void> {
  const { body, ...rest } = row;
  await putItem(deps, {
    ...keys.sesUnknown(row.messageId, row.eventType),
    ...listed(lists.sesUnknown, `${row.time}#${row.messageId}#${row.eventType}`),
    ...rest,
    payloadHead: body.slice(0, PAYLOAD_HEAD),
    receivedAt: deps.now().toISOString(),
    expiresAt: expiresAt(deps),
  });
}

/** Unmatched SES events, newest first. */
export async function listUnmatchedSesEvents(deps: StoreDeps, limit = 100): Promise<UnmatchedSesEventRow[]> {
  return newestFirst<UnmatchedSesEventRow>(deps, lists.sesUnknown, limit);
}
