/**
 * One SES event from the feedback queue → the delivery's state, the mailing's
 * counters, and the suppression list. Plain functions over their collaborators,
 * so the handler, the local runner and the tests all run the same code.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import { contactKeyOf } from '../events/email.js';
import { TransientError } from '../lib/errors.js';
import { maskEmail } from '../lib/logger.js';
import type { DeliveryRow } from '../store/model.js';
import { GLOBAL_SCOPE, prefixes } from '../store/model.js';
import { requestRecount } from '../store/recount.js';
import {
  deliveryBySesMessageId,
  deliveryIdOf,
  entriesOf,
  getDelivery,
  putSuppression,
  type StoreDeps,
  transitionDelivery,
} from '../store/store.js';
import { FEEDBACK_MOVES } from '../store/transitions.js';
import { parseSesEvent, type SesEvent } from './ses-event.js';
import {
  advances,
  type FeedbackMetric,
  type FeedbackPlan,
  planFeedback,
  rankOf,
  type SuppressionOrder,
} from './state.js';
import { recordUnmatchedSesEvent } from './unmatched.js';

/** Where feedback logs: the shared Powertools logger in Lambda; tests may pass nothing. */
export type FeedbackLog = Pick<Logger, 'info' | 'warn'>;

export interface FeedbackDeps extends StoreDeps {
  /** Counts a metric once per transition (EMF in Lambda). */
  count?: (metric: FeedbackMetric) => void;
  log?: FeedbackLog;
  /**
   * How many times an event may come back while its delivery is still being
   * sent (the sender has not yet recorded the SES message id) before it is
   * recorded as unmatched instead. Keep it below the queue's maxReceiveCount (5)
   * so such an event is recorded rather than dead-lettered.
   */
  maxUnrecordedReceives?: number;
}

export interface FeedbackRecordMeta {
  sqsMessageId: string;
  /** SQS ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
}

/**
 * What became of one record:
 * - `applied`: the delivery moved (and the mailing's counters with it);
 * - `unchanged`: the delivery was already at or past this event (a repeat or an older event);
 * - `stale`: the event belongs to an earlier send of a delivery that has been sent again;
 * - `ignored`: an event type we do not track (open, click, subscription) or a not-spam report;
 * - `unmatched`: no delivery to apply it to; recorded as an unmatched SES event;
 * - `malformed`: not an SES event; recorded as well.
 * Suppressions are written whatever the outcome: a bounce is a fact about the address.
 */
export type FeedbackOutcome = 'applied' | 'unchanged' | 'stale' | 'ignored' | 'unmatched' | 'malformed';

/** The delivery is still being sent: the sender has not yet recorded what SES answered. Retry. */
export class DeliveryNotRecordedError extends TransientError {
  override name = 'DeliveryNotRecordedError';
}

const DEFAULT_MAX_UNRECORDED_RECEIVES = 4;

/** Processes one feedback-queue body. Throws only what is worth retrying. */
export async function processFeedbackRecord(
  deps: FeedbackDeps,
  body: string,
  meta: FeedbackRecordMeta,
): Promise<FeedbackOutcome> {
  const parsed = parseSesEvent(body);
  if (!parsed.ok) {
    deps.log?.warn('malformed SES event recorded', {
      reason: parsed.reason,
      sqsMessageId: meta.sqsMessageId,
    });
    await recordUnmatchedSesEvent(deps, {
      messageId: `sqs:${meta.sqsMessageId}`,
      eventType: 'Malformed',
      reason: 'malformed',
      detail: parsed.reason,
      time: deps.now().toISOString(),
      destinations: [],
      tags: {},
      body,
    });
    return 'malformed';
  }
  const event = parsed.event;
  const plan = planFeedback(event);
  const target = plan.target;
  if (!target) return 'ignored';

  // Suppress first: it does not depend on finding the delivery, and if the transition below
  // fails and the record comes back, writing it again changes nothing.
  for (const order of plan.suppressions) await suppress(deps, order, event);

  // A tagged event names its delivery: one conditional update moves it, with no read first.
  const key = taggedKey(event);
  if (key) {
    if (await advance(deps, key, event, { ...plan, target })) return 'applied';
    // A Send only ever settles an `uncertain` delivery; every other delivery has (or is about to
    // have) `sent` recorded by its sender, so a Send that moved nothing needs no further look.
    if (target === 'sent') return 'unchanged';
  }
  const row = key
    ? await getDelivery(deps, key.mailingId, key.contactKey)
    : await locateDelivery(deps, event);
  if (!row) {
    // Tagged by our sender but not found: the mailing id in the tag was made tag-safe, so only the
    // message-id index can find the row, and the sender may not have recorded the id yet (or the
    // index not caught up). Give it a few more receives before calling the event unmatched.
    if (event.tags.mailing && event.tags.delivery && meta.receiveCount < maxReceives(deps)) {
      throw new DeliveryNotRecordedError(`no delivery recorded yet for SES message ${event.messageId}`);
    }
    return unmatched(deps, event, body, 'unknown-message');
  }
  if (row.state === 'queued' || row.state === 'sending') {
    // In flight (a first send, or an organizer's resend that still carries the previous message
    // id): the sender has not recorded what SES answered. SES reports within moments of
    // accepting, so this is a race with the sender's write; wait for it, a few receives at most.
    if (meta.receiveCount < maxReceives(deps)) {
      throw new DeliveryNotRecordedError(
        `delivery ${row.mailingId}/${row.deliveryId} has no SES message id recorded yet (${row.state})`,
      );
    }
    return unmatched(deps, event, body, 'unrecorded');
  }
  if (row.sesMessageId !== undefined && row.sesMessageId !== event.messageId) {
    deps.log?.info('SES event for an earlier send of this delivery', {
      mailingId: row.mailingId,
      eventType: event.eventType,
      messageId: event.messageId,
    });
    return 'stale';
  }
  // Cancelled or suppressed, yet SES has a message for it: nothing to move, but keep the evidence.
  if (rankOf(row.state) === undefined) return unmatched(deps, event, body, 'unexpected-state');
  // Already there or past it (every Send after its sent, every repeat): skip the write. The
  // conditional update below still decides when two events race.
  const moved = advances(row.state, target) && (await advance(deps, row, event, { ...plan, target }));
  // A record that came back may have moved its row in an invocation that died, or failed to write
  // the counters, before its batch's counter flush: ask the clock to recount (store/recount.ts).
  if (!moved && meta.receiveCount > 1) await requestRecount(deps, row.mailingId);
  return moved ? 'applied' : 'unchanged';
}

const maxReceives = (deps: FeedbackDeps) => deps.maxUnrecordedReceives ?? DEFAULT_MAX_UNRECORDED_RECEIVES;

/**
 * Moves the delivery to the plan's target if it is below it. The state list and
 * the message-id condition make the update a no-op for repeats, older events and
 * other sends, so the mailing's counters move once per real transition.
 */
async function advance(
  deps: FeedbackDeps,
  row: Pick<DeliveryRow, 'mailingId' | 'contactKey' | 'deliveryId'>,
  event: SesEvent,
  plan: FeedbackPlan & { target: NonNullable<FeedbackPlan['target']> },
): Promise<boolean> {
  const old = await transitionDelivery(deps, row.mailingId, row.contactKey, FEEDBACK_MOVES[plan.target], {
    // `uncertain` rows may lack the id; recording it here settles them.
    set: {
      sesMessageId: event.messageId,
      feedbackAt: event.time,
      ...(plan.reason ? { reason: plan.reason } : {}),
    },
    // A delivery that went through keeps no reason from an earlier delay or lease expiry.
    remove: plan.reason ? undefined : ['reason'],
    // `#sesMessageId` is declared by transitionDelivery because the attribute is in `set`;
    // the delivery id makes an update addressed from tags a no-op on any other row.
    condition:
      '(attribute_not_exists(#sesMessageId) OR #sesMessageId = :messageId) AND deliveryId = :deliveryId',
    values: { ':messageId': event.messageId, ':deliveryId': row.deliveryId },
  });
  if (!old) return false;
  if (plan.metric) deps.count?.(plan.metric);
  deps.log?.info('delivery state from SES feedback', {
    mailingId: row.mailingId,
    deliveryId: row.deliveryId,
    from: old.state,
    to: plan.target,
    eventType: event.eventType,
  });
  return true;
}

/**
 * The delivery a tagged event names, rebuilt without a read: the mailing id
 * from its tag and the contact key from the destination, accepted only when
 * they hash to the delivery id in the other tag (so a mailing id that was
 * made tag-safe, or a forged tag, never addresses a row). Undefined otherwise:
 * the event is then looked up by its message id.
 */
export function taggedKey(
  event: SesEvent,
): { mailingId: string; contactKey: string; deliveryId: string } | undefined {
  const mailingId = event.tags.mailing;
  const deliveryId = event.tags.delivery;
  if (!mailingId || !deliveryId) return undefined;
  for (const destination of event.destinations) {
    const contactKey = contactKeyOrUndefined(destination);
    if (contactKey && deliveryIdOf(mailingId, contactKey) === deliveryId)
      return { mailingId, contactKey, deliveryId };
  }
  return undefined;
}

/**
 * The delivery an event is about. The sender tags each message with its
 * mailing and delivery ids, so a tagged event is found with one consistent read
 * — even before the sender has recorded the SES message id, and without waiting
 * for the message-id index to catch up. Untagged events fall back to the index.
 */
export async function locateDelivery(deps: StoreDeps, event: SesEvent): Promise<DeliveryRow | undefined> {
  const mailingId = event.tags.mailing;
  const deliveryId = event.tags.delivery;
  if (mailingId && deliveryId) {
    for (const destination of event.destinations) {
      const contactKey = contactKeyOrUndefined(destination);
      if (!contactKey) continue;
      const row = await getDelivery(deps, mailingId, contactKey);
      if (row && row.deliveryId === deliveryId) return row;
    }
  }
  return deliveryBySesMessageId(deps, event.messageId);
}

/** `"Name" <a@b>` or `a@b` → its contact key; undefined for what is not an address. */
function contactKeyOrUndefined(destination: string): string | undefined {
  const address = /<([^<>]+)>\s*$/.exec(destination)?.[1] ?? destination;
  try {
    return contactKeyOf(address);
  } catch {
    return undefined;
  }
}

/**
 * Suppresses an address for all bulk mail, keeping the first evidence: an
 * existing global suppression is left as it is, and an event whose suppression
 * an organizer already lifted does not bring it back when SQS delivers it again.
 * The entry is dated by the event, so a repeat writes the identical item.
 */
async function suppress(deps: FeedbackDeps, order: SuppressionOrder, event: SesEvent): Promise<void> {
  const existing = await entriesOf<{ sk: string; source?: string }>(deps, order.contactKey, {
    ProjectionExpression: 'sk, #source',
    ExpressionAttributeNames: { '#source': 'source' },
  });
  if (
    existing.some(
      (r) =>
        r.sk === GLOBAL_SCOPE || (r.sk.startsWith(prefixes.liftedSuppression) && r.source === event.sourceId),
    )
  ) {
    return;
  }
  await putSuppression(
    { ...deps, now: () => new Date(event.time) },
    {
      contactKey: order.contactKey,
      email: order.email,
      scope: GLOBAL_SCOPE,
      reason: order.reason,
      detail: order.detail,
      source: event.sourceId,
    },
  );
  deps.log?.info('address suppressed', {
    email: maskEmail(order.email),
    reason: order.reason,
    source: event.sourceId,
  });
}

async function unmatched(
  deps: FeedbackDeps,
  event: SesEvent,
  body: string,
  reason: 'unknown-message' | 'unrecorded' | 'unexpected-state',
): Promise<'unmatched'> {
  await recordUnmatchedSesEvent(deps, {
    messageId: event.messageId,
    eventType: event.eventType,
    reason,
    time: event.time,
    destinations: event.destinations,
    tags: event.tags,
    body,
  });
  deps.log?.warn('SES event matches no delivery; recorded', {
    messageId: event.messageId,
    eventType: event.eventType,
    reason,
  });
  return 'unmatched';
}
