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

const move = <S extends string>(m: Move<S>): Move<S> => m;

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
  move({
    from: [...RANKED_BELOW_ALL, ...FEEDBACK_STATES.filter((s) => FEEDBACK_RANK[s] < FEEDBACK_RANK[target])],
    to: target,
    by: 'feedback',
    why: `an SES event calls for \`${target}\`: from every state ranked below it`,
  });

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
  claim: move<DeliveryState>({
    from: ['queued'],
    to: 'sending',
    by: 'sender',
    why: 'a sender wins the delivery, with a lease, before anything is sent; only the claimant sends',
  }),
  markSubmitting: move<DeliveryState>({
    from: ['sending'],
    to: 'sending',
    by: 'sender',
    why: "the claim's last write before the SES call (the `submitting` mark): a claim that runs out after it may have sent",
  }),
  recordSent: move<DeliveryState>({
    from: ['sending', 'uncertain'],
    to: 'sent',
    by: 'sender',
    why: 'SES took the message; also settles a claim the clock expired meanwhile, since the mail did go',
  }),
  release: move<DeliveryState>({
    from: ['sending'],
    to: 'queued',
    by: 'sender',
    why: 'the claimant gives the claim back: SES certainly did not take it (throttled, 5xx, account paused)',
  }),
  failClaimed: move<DeliveryState>({
    from: ['sending'],
    to: 'failed',
    by: 'sender',
    why: 'SES refused the message for good, or its retries ran out',
  }),
  cancelClaimed: move<DeliveryState>({
    from: ['sending'],
    to: 'cancelled',
    by: 'sender',
    why: 'the claimant found its mailing cancelled before it could send',
  }),
  markUncertain: move<DeliveryState>({
    from: ['sending'],
    to: 'uncertain',
    by: 'sender',
    why: 'no answer from SES, or a claim that ran out after its `submitting` mark (seen by a sender or the clock)',
  }),
  reclaimUnsent: move<DeliveryState>({
    from: ['sending'],
    to: 'queued',
    by: 'sender',
    why: 'a claim ran out before its `submitting` mark (seen by a sender or the clock): nothing was sent, so it goes back to the queue',
  }),
  fail: move<DeliveryState>({
    from: ['queued'],
    to: 'failed',
    by: 'sender',
    why: 'the mail can never render, or the retries before any claim ran out',
  }),
  suppress: move<DeliveryState>({
    from: ['queued'],
    to: 'suppressed',
    by: 'sender',
    why: 'a suppression on the address stops this kind of mail',
  }),
  cancelQueued: move<DeliveryState>({
    from: ['queued'],
    to: 'cancelled',
    by: 'intake',
    why: 'its mailing was cancelled, or the registration a reminder was for; claimed deliveries finish',
  }),
  resendFailed: move<DeliveryState>({
    from: ['failed'],
    to: 'queued',
    by: 'organizer',
    why: '`mailing resend --failed`',
  }),
  resendUncertain: move<DeliveryState>({
    from: ['uncertain'],
    to: 'queued',
    by: 'organizer',
    why: '`mailing resend --uncertain`: an explicit decision, since the mail may have arrived',
  }),
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
  refreshPreview: move<MailingState>({
    from: ['dry-run'],
    to: 'dry-run',
    by: 'intake',
    why: 'a dry run repeated with the same id refreshes its preview',
  }),
  confirmScheduled: move<MailingState>({
    from: ['dry-run'],
    to: 'scheduled',
    by: 'intake',
    why: 'a previewed mailing confirmed with a future `sendAt`',
  }),
  confirmNow: move<MailingState>({
    from: ['dry-run'],
    to: 'planning',
    by: 'intake',
    why: 'a previewed mailing confirmed to go now',
  }),
  start: move<MailingState>({
    from: ['scheduled'],
    to: 'planning',
    by: 'clock',
    why: 'its `sendAt` has come',
  }),
  finishPlanning: move<MailingState>({
    from: ['planning'],
    to: 'sending',
    by: 'planner',
    why: 'the cursor reached the end (the planner, or the clock and a redelivered continuation after a crash)',
  }),
  nudgePlanning: move<MailingState>({
    from: ['planning'],
    to: 'planning',
    by: 'clock',
    why: 'stamps `planNudgedAt` before the next page of a planning that stopped is enqueued again',
  }),
  stampRequeue: move<MailingState>({
    from: ['sending'],
    to: 'sending',
    by: 'clock',
    why: 'stamps `staleRequeuedAt` before stale queued deliveries are enqueued again, at most once per bound',
  }),
  complete: move<MailingState>({
    from: ['sending'],
    to: 'complete',
    by: 'clock',
    why: 'planning is over and nothing is queued or being sent',
  }),
  reopen: move<MailingState>({
    from: ['complete'],
    to: 'sending',
    by: 'organizer',
    why: '`mailing resend`: the clock watches the mailing again until the resent deliveries are done',
  }),
  pause: move<MailingState>({
    from: ['sending', 'planning', 'complete'],
    to: 'paused',
    by: 'sender',
    why: 'SES says the account or configuration cannot send (a complete mailing too: what an organizer resends still sends)',
  }),
  organizerPause: move<MailingState>({
    from: ['planning', 'sending'],
    to: 'paused',
    by: 'organizer',
    why: '`mailing pause` or the console: the mailing stops where it is, nothing is lost',
  }),
  resumePlanning: move<MailingState>({
    from: ['paused'],
    to: 'planning',
    by: 'organizer',
    why: '`mailing resume` where planning had not finished: it goes on from its cursor',
  }),
  resumeSending: move<MailingState>({
    from: ['paused'],
    to: 'sending',
    by: 'organizer',
    why: '`mailing resume` once planning had finished',
  }),
  cancel: move<MailingState>({
    from: ['scheduled', 'planning', 'sending', 'paused', 'dry-run'],
    to: 'cancelled',
    by: 'organizer',
    why: '`mailing.cancelled`: planning stops, queued deliveries are cancelled, claimed ones finish',
  }),
  cancelEarly: move<MailingState>({
    from: ['scheduled', 'planning', 'dry-run'],
    to: 'cancelled',
    by: 'intake',
    why: 'a just-created mailing whose `mailing.cancelled` arrived before its request',
  }),
  close: move<MailingState>({
    from: ['cancelled'],
    to: 'cancelled',
    by: 'clock',
    why: 'a cancelled mailing leaves the open list once no claim is left',
  }),
} as const satisfies Record<string, MailingMove>;

export type MailingMoveName = keyof typeof MAILING_MOVES;
