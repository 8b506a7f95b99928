/**
 * How SES feedback moves a delivery. SES events arrive at least once and in
 * any order (SNS and SQS promise neither order nor uniqueness), so a delivery
 * only ever moves up a fixed ranking; whatever order the events of one message
 * come in, the delivery ends in the state of the highest-ranked one, and a
 * repeated event finds nothing to do. The ranking and the moves it makes are
 * named with every other move in store/transitions.ts.
 */

import { contactKeyOf } from '../events/email.js';
import type { DeliveryState } from '../store/model.js';
import { FEEDBACK_MOVES, FEEDBACK_RANK, type FeedbackState, RANKED_BELOW_ALL } from '../store/transitions.js';
import type { SesEvent } from './ses-event.js';

export { FEEDBACK_RANK, type FeedbackState } from '../store/transitions.js';

/** The rank of a delivery state, or undefined for states feedback does not touch. */
export function rankOf(state: DeliveryState): number | undefined {
  if (RANKED_BELOW_ALL.includes(state)) return 0;
  return (FEEDBACK_RANK as Partial<Record<DeliveryState, number>>)[state];
}

/** The states a delivery may move from to reach `target`: every ranked state below it (its move's from-states). */
export function fromStatesFor(target: FeedbackState): DeliveryState[] {
  return [...FEEDBACK_MOVES[target].from];
}

/** Whether feedback may move a delivery from `current` to `target`. */
export function advances(current: DeliveryState, target: FeedbackState): boolean {
  const rank = rankOf(current);
  return rank !== undefined && rank < FEEDBACK_RANK[target];
}

/** A suppression an event calls for (the address is suppressed for all conferences' bulk mail). */
export interface SuppressionOrder {
  contactKey: string;
  email: string;
  reason: 'bounce' | 'complaint';
  detail: string;
}

export type FeedbackMetric = 'Delivered' | 'Bounced' | 'Complained' | 'Rejected' | 'Delayed';

/** What one SES event asks for; pure, so every rule here is unit-tested without a table. */
export interface FeedbackPlan {
  /** The delivery state the event calls for, if any. */
  target?: FeedbackState;
  /** Why, for the states that need a reason (failed, bounced, complained, delayed). */
  reason?: string;
  suppressions: SuppressionOrder[];
  /** The metric a transition to `target` counts under. */
  metric?: FeedbackMetric;
}

const MAX_REASON = 500;
const clip = (s: string) => (s.length > MAX_REASON ? `${s.slice(0, MAX_REASON - 1)}…` : s);

function suppressionsOf(
  addresses: string[],
  reason: SuppressionOrder['reason'],
  detail: string,
): SuppressionOrder[] {
  const orders = new Map<string, SuppressionOrder>();
  for (const email of addresses) {
    let contactKey: string;
    try {
      contactKey = contactKeyOf(email);
    } catch {
      // SES reports what the receiving MTA said; an address we could never have sent to is not ours.
      continue;
    }
    orders.set(contactKey, { contactKey, email: email.trim(), reason, detail: clip(detail) });
  }
  return [...orders.values()];
}

/**
 * The state, reason, suppressions and metric an SES event calls for:
 *
 * - Send → sent; Delivery → delivered.
 * - Permanent bounce → bounced, and each bounced address suppressed globally.
 * - Transient or undetermined bounce → delayed: SES has stopped retrying that
 *   message, but the address may work tomorrow, so nothing is suppressed.
 * - DeliveryDelay → delayed.
 * - Complaint → complained, each complained address suppressed globally —
 *   except a `not-spam` report, which by RFC 5965 withdraws a spam verdict.
 * - Reject, Rendering Failure → failed, with SES's reason.
 */
export function planFeedback(event: SesEvent): FeedbackPlan {
  const o = event.outcome;
  switch (o.kind) {
    case 'send':
      return { target: 'sent', suppressions: [] };
    case 'delivery':
      return { target: 'delivered', suppressions: [], metric: 'Delivered' };
    case 'bounce': {
      const first = o.recipients[0];
      const diagnosis = first ? (first.diagnosticCode ?? first.status ?? '') : '';
      const reason = clip(`${o.bounceType}/${o.bounceSubType}${diagnosis ? `: ${diagnosis}` : ''}`);
      if (o.bounceType === 'Permanent') {
        return {
          target: 'bounced',
          reason,
          metric: 'Bounced',
          suppressions: suppressionsOf(
            o.recipients.map((r) => r.emailAddress),
            'bounce',
            reason,
          ),
        };
      }
      return { target: 'delayed', reason, metric: 'Delayed', suppressions: [] };
    }
    case 'complaint': {
      if (o.feedbackType === 'not-spam') return { suppressions: [] };
      const detail = [o.feedbackType ?? 'complaint', o.subType].filter(Boolean).join('/');
      return {
        target: 'complained',
        reason: detail,
        metric: 'Complained',
        // Most providers redact the complainant; SES then lists the message's recipients on the
        // complaining domain, and with one recipient per message that is our recipient.
        suppressions: suppressionsOf(
          o.recipients.length > 0 ? o.recipients : event.destinations,
          'complaint',
          detail,
        ),
      };
    }
    case 'delay':
      return {
        target: 'delayed',
        reason: clip(`DeliveryDelay/${o.delayType}`),
        metric: 'Delayed',
        suppressions: [],
      };
    case 'reject':
      return { target: 'failed', reason: clip(`Reject: ${o.reason}`), metric: 'Rejected', suppressions: [] };
    case 'rendering-failure':
      return { target: 'failed', reason: clip(`Rendering Failure: ${o.errorMessage}`), suppressions: [] };
    case 'ignored':
      return { suppressions: [] };
  }
}
