/**
 * Every allowed move of a delivery and of a mailing, named in one place (after pretix's
 * `OutgoingMail`). A store write that changes a state takes one of these moves
 * (`transitionDelivery`, `setMailingState`): its `from` becomes the write's condition, so a row
 * that is no longer in one of them is left as it is and the write reports that nothing moved.
 * Nothing else in the code lists states to move from. The README's "Delivery and mailing moves"
 * table is this module (a test compares the two).
 */

import type { DeliveryState, MailingState } from './model.js';

/** One allowed move: the states it may start from, the state it ends in, who makes it and why. */
export interface Move<S extends string> {
  readonly from: readonly S[];
  readonly to: S;
  readonly by: 'planner' | 'sender' | 'feedback' | 'clock' | 'intake' | 'organizer';
  readonly why: string;
}

export type DeliveryMove = Move<DeliveryState>;
export type MailingMove = Move<MailingState>;

/** A move, as the tables below list them: from, to, by whom, why. */
const move =
  <S extends string>() =>
  (from: readonly S[], to: S, by: Move<S>['by'], why: string): Move<S> => ({ from, to, by, why });
const deliveryMove = move<DeliveryState>();
const mailingMove = move<MailingState>();

// ------------------------------------------------------------------------------------------------
// How SES feedback ranks delivery states

/** The states SES feedback can put a delivery in. */
export type FeedbackState = 'sent' | 'delayed' | 'delivered' | 'failed' | 'bounced' | 'complained';

/**
 * The ranking feedback moves a delivery up, lowest first. SES events arrive at least once and in
 * any order, so a delivery only ever moves up: whatever the order, it ends in the state of the
 * highest-ranked event. `delayed` is a passing state that a delivery or a bounce overrides.
 * `failed` (Reject, rendering failure: SES will not deliver) outranks `delivered` only so that the
 * contradiction, should it occur, has one answer. A bounce or complaint outranks delivered:
 * mailbox providers bounce after accepting, and people complain about mail they received. A
 * complaint outranks a bounce because it is the stronger signal: a person acted.
 */
export const FEEDBACK_RANK: Readonly<Record<FeedbackState, number>> = {
  sent: 1,
  delayed: 2,
  delivered: 3,
  failed: 4,
  bounced: 5,
  complained: 6,
};

/**
 * `uncertain` (the sender died between SES accepting and recording) ranks below everything: any
 * SES event proves SES took the message, so it settles the question. Pre-send states (queued,
 * sending) and the sender's own verdicts (suppressed, cancelled) have no rank: feedback never
 * moves them.
 */
export const RANKED_BELOW_ALL: readonly DeliveryState[] = ['uncertain'];

const FEEDBACK_STATES = Object.keys(FEEDBACK_RANK) as FeedbackState[];

const feedbackMove = (target: FeedbackState): DeliveryMove =>
  deliveryMove(
    [...RANKED_BELOW_ALL, ...FEEDBACK_STATES.filter((s) => FEEDBACK_RANK[s] < FEEDBACK_RANK[target])],
    target,
    'feedback',
    `an SES event calls for \`${target}\`: from every state ranked below it`,
  );

// ------------------------------------------------------------------------------------------------
// Deliveries

/** The states a delivery row is created in (store `createDelivery`). */
export const DELIVERY_INITIAL: readonly DeliveryState[] = ['queued'];

/**
 * The states no move leaves: the pipeline's last word on a delivery. Every other state has a way
 * out — `sent` and `delivered` to later feedback, `failed` to a bounce or an organizer's resend,
 * `uncertain` to feedback, the late record of a send, or a resend.
 */
export const FINAL_DELIVERY_STATES: readonly DeliveryState[] = ['suppressed', 'cancelled', 'complained'];

export const DELIVERY_MOVES = {
  claim: deliveryMove(
    ['queued'],
    'sending',
    'sender',
    'a sender wins the delivery, with a lease and the `submitting` mark, as its last write before the SES call; only the claimant sends',
  ),
  recordSent: deliveryMove(
    ['sending', 'uncertain'],
    'sent',
    'sender',
    'SES took the message; also settles a claim the clock expired meanwhile, since the mail did go',
  ),
  release: deliveryMove(
    ['sending'],
    'queued',
    'sender',
    "the claimant gives the claim back: SES certainly did not take it (throttled, 5xx, account paused); or the next try of a job whose claim lost every answer, by that claim's owner, before anything else",
  ),
  failClaimed: deliveryMove(
    ['sending'],
    'failed',
    'sender',
    'SES refused the message for good, or its retries ran out',
  ),
  cancelClaimed: deliveryMove(
    ['sending'],
    'cancelled',
    'sender',
    'the claimant found its mailing cancelled before it could send',
  ),
  markUncertain: deliveryMove(
    ['sending'],
    'uncertain',
    'sender',
    'no answer from SES, or a claim with the `submitting` mark that ran out (seen by a sender or the clock)',
  ),
  reclaimUnsent: deliveryMove(
    ['sending'],
    'queued',
    'sender',
    'a claim without the `submitting` mark ran out (one made before the claim carried it): nothing was sent, so it goes back to the queue',
  ),
  fail: deliveryMove(
    ['queued'],
    'failed',
    'sender',
    'the mail can never render, or the retries before any claim ran out',
  ),
  suppress: deliveryMove(
    ['queued'],
    'suppressed',
    'sender',
    'a suppression on the address stops this kind of mail',
  ),
  cancelQueued: deliveryMove(
    ['queued'],
    'cancelled',
    'intake',
    'its mailing was cancelled, or the registration a reminder was for; claimed deliveries finish',
  ),
  resendFailed: deliveryMove(['failed'], 'queued', 'organizer', '`mailing resend --failed`'),
  resendUncertain: deliveryMove(
    ['uncertain'],
    'queued',
    'organizer',
    '`mailing resend --uncertain`: an explicit decision, since the mail may have arrived',
  ),
  sesSent: feedbackMove('sent'),
  sesDelayed: feedbackMove('delayed'),
  sesDelivered: feedbackMove('delivered'),
  sesFailed: feedbackMove('failed'),
  sesBounced: feedbackMove('bounced'),
  sesComplained: feedbackMove('complained'),
} as const satisfies Record<string, DeliveryMove>;

export type DeliveryMoveName = keyof typeof DELIVERY_MOVES;

/** The move SES feedback makes for each target state. */
export const FEEDBACK_MOVES: Readonly<Record<FeedbackState, DeliveryMove>> = {
  sent: DELIVERY_MOVES.sesSent,
  delayed: DELIVERY_MOVES.sesDelayed,
  delivered: DELIVERY_MOVES.sesDelivered,
  failed: DELIVERY_MOVES.sesFailed,
  bounced: DELIVERY_MOVES.sesBounced,
  complained: DELIVERY_MOVES.sesComplained,
};

/** The organizer's resend of each state it may resend. */
export const RESEND_MOVES: Readonly<Record<'failed' | 'uncertain', DeliveryMove>> = {
  failed: DELIVERY_MOVES.resendFailed,
  uncertain: DELIVERY_MOVES.resendUncertain,
};

// ------------------------------------------------------------------------------------------------
// Mailings

/** The states a mailing row is created in (store `createMailing`): a one-person mail starts sending. */
export const MAILING_INITIAL: readonly MailingState[] = ['dry-run', 'scheduled', 'planning', 'sending'];

/** The states no move leaves. */
export const FINAL_MAILING_STATES: readonly MailingState[] = ['cancelled'];

export const MAILING_MOVES = {
  refreshPreview: mailingMove(
    ['dry-run'],
    'dry-run',
    'intake',
    'a dry run repeated with the same id refreshes its preview',
  ),
  confirmScheduled: mailingMove(
    ['dry-run'],
    'scheduled',
    'intake',
    'a previewed mailing confirmed with a future `sendAt`',
  ),
  confirmNow: mailingMove(['dry-run'], 'planning', 'intake', 'a previewed mailing confirmed to go now'),
  start: mailingMove(['scheduled'], 'planning', 'clock', 'its `sendAt` has come'),
  finishPlanning: mailingMove(
    ['planning'],
    'sending',
    'planner',
    'the cursor reached the end (the planner, or the clock and a redelivered continuation after a crash)',
  ),
  nudgePlanning: mailingMove(
    ['planning'],
    'planning',
    'clock',
    'stamps `planNudgedAt` before the next page of a planning that stopped is enqueued again',
  ),
  stampRequeue: mailingMove(
    ['sending'],
    'sending',
    'clock',
    'stamps `staleRequeuedAt` before stale queued deliveries are enqueued again, at most once per bound',
  ),
  complete: mailingMove(
    ['sending'],
    'complete',
    'clock',
    'planning is over and nothing is queued or being sent',
  ),
  reopen: mailingMove(
    ['complete'],
    'sending',
    'organizer',
    '`mailing resend`: the clock watches the mailing again until the resent deliveries are done',
  ),
  pause: mailingMove(
    ['sending', 'planning', 'complete'],
    'paused',
    'sender',
    'SES says the account or configuration cannot send (a complete mailing too: what an organizer resends still sends)',
  ),
  organizerPause: mailingMove(
    ['planning', 'sending'],
    'paused',
    'organizer',
    '`mailing pause` or the console: the mailing stops where it is, nothing is lost',
  ),
  resumePlanning: mailingMove(
    ['paused'],
    'planning',
    'organizer',
    '`mailing resume` where planning had not finished: it goes on from its cursor',
  ),
  resumeSending: mailingMove(
    ['paused'],
    'sending',
    'organizer',
    '`mailing resume` once planning had finished',
  ),
  cancel: mailingMove(
    ['scheduled', 'planning', 'sending', 'paused', 'dry-run'],
    'cancelled',
    'organizer',
    '`mailing.cancelled`: planning stops, queued deliveries are cancelled, claimed ones finish',
  ),
  cancelEarly: mailingMove(
    ['scheduled', 'planning', 'dry-run'],
    'cancelled',
    'intake',
    'a just-created mailing whose `mailing.cancelled` arrived before its request',
  ),
  close: mailingMove(
    ['cancelled'],
    'cancelled',
    'clock',
    'a cancelled mailing leaves the open list once no claim is left',
  ),
} as const satisfies Record<string, MailingMove>;

export type MailingMoveName = keyof typeof MAILING_MOVES;
