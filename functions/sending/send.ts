import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { blockedReason, blocks, type SuppressionFact } from '../feedback/suppression-rule.js';
import { PermanentError } from '../lib/errors.js';
import type { PlannedDelivery, SendJob } from '../mailing/plan.js';
import { RenderError } from '../render/format.js';
import { sesTags } from '../render/mime.js';
import type { DeliveryRow, MailingRow } from '../store/model.js';
import { getDelivery, type StoreDeps, setMailingState, transitionDelivery } from '../store/store.js';
import { DELIVERY_MOVES, MAILING_MOVES } from '../store/transitions.js';
import type { MailTarget } from './compose.js';
import { SlotsContendedError } from './fleet-pacer.js';
import { type CountMetric, expireLease, markUncertain, reclaimUnsent, SUBMITTING } from './lease.js';
import type { Pacer } from './pacer.js';
import { classifySesError } from './ses-errors.js';

/** What happened to one send job. */
export type SendOutcome =
  | 'sent'
  | 'duplicate' // already past queued: redelivery or a racing sender
  | 'in-progress' // another sender holds a live claim
  | 'uncertain' // no answer from SES, or a claim ran out: never resent silently
  | 'suppressed'
  | 'cancelled'
  | 'failed'
  | 'held' // the mailing is not sending (paused…): nothing claimed, the job comes back later
  | 'throttled' // SES asked us to slow down: the job comes back, without limit
  | 'retry' // SES certainly did not take it, or a passing fault came before SES: the job comes back, capped
  // This try's claim lost every answer and could not be given back (SES was not called): the job
  // comes back within 30 s carrying its owner (claimOwner), to give it back first. Not capped.
  | 'retry-claimed'
  // The claim the job carried could not be given back this time either: it comes back still carrying it.
  | 'retry-earlier-claim';

/**
 * Tries a delivery gets when SES certainly did not take it (5xx, refused
 * connection) or a passing fault came before the SES call; the next one fails
 * it with the last reason. With the back-off of `backoffSeconds` in retry.ts (1 s
 * doubling to 2 min) that is about eight minutes. Throttling does not count.
 */
export const MAX_SEND_RETRIES = 10;

/** Slots in a row a job may let go by (a stalled machine) before it comes back later instead. */
export const MAX_PASSED_SLOTS = 3;

/**
 * What the claim, the SES call and the record may take, ms (well under a second usually; this
 * leaves room for a retry or two of the SDK, not for a request that hangs: that one is cut at the
 * DynamoDB client's request timeout, 5 s, so a claim caught by it this near the end of an
 * invocation can still run out into `uncertain`). A job whose invocation has less left is not
 * claimed: a timeout after the claim would make it a false `uncertain`. It must stay well under
 * the shortest sender timeout (8 s in the chaos runs), or no job would ever be claimed.
 */
export const SEND_TIME_NEEDED_MS = 2_000;

/** Mailing states whose deliveries go out. Planning enqueues jobs page by page, so it sends too. */
const SENDING_STATES: ReadonlySet<MailingRow['state']> = new Set(['planning', 'sending', 'complete']);

export interface SenderDeps extends StoreDeps {
  ses: SESClient;
  configurationSet: string;
  leaseSeconds: number;
  /**
   * Send slots (sending/fleet-pacer.ts), all before the claim but the last: `reserve` may read
   * and write; `ready` waits until the slot is a claim away and says whether it is still on
   * time; `waitUntil` only waits, between the claim and the SES call.
   */
  pacer: Pick<Pacer, 'reserve' | 'ready' | 'forgo' | 'waitUntil' | 'backOff'>;
  /** What is left of the invocation, ms (Lambda's `getRemainingTimeInMillis`). */
  remainingMs?: () => number;
  /** Mailing by id (cached by the caller: the rows it reads don't change while sending). */
  mailing: (mailingId: string) => Promise<MailingRow | undefined>;
  /** The suppressions on an address for a conference; which of them stop a kind is `blocks`'s rule. */
  suppressions: (contactKey: string, conferenceId: string) => Promise<readonly SuppressionFact[]>;
  /**
   * Builds the raw MIME message for a delivery. Throws {@link RenderError} (or another
   * {@link PermanentError}) when the content can never render; anything else it throws is taken
   * for a passing fault (a throttled read…) and retried.
   */
  compose: (delivery: MailTarget, mailing: MailingRow) => Promise<{ raw: Buffer; from: string }>;
  /** Reads the mailing without a cache: used before putting a delivery back in the queue. */
  freshMailing?: (mailingId: string) => Promise<MailingRow | undefined>;
  /** Tells the `mailing` cache that a mailing changed (this sender paused it). */
  mailingChanged?: (mailingId: string) => void;
  /** Counts outcomes (EMF metrics in Lambda). */
  count?: CountMetric;
}

/** The sender's verdict on a delivery it has not claimed. */
const SETTLE_QUEUED = {
  failed: DELIVERY_MOVES.fail,
  suppressed: DELIVERY_MOVES.suppress,
  cancelled: DELIVERY_MOVES.cancelQueued,
} as const;

/** Where a claimant puts a delivery it did not send. */
const RELEASE_CLAIMED = {
  queued: DELIVERY_MOVES.release,
  failed: DELIVERY_MOVES.failClaimed,
  cancelled: DELIVERY_MOVES.cancelClaimed,
} as const;

const messageOf = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * Sends one delivery at most once. The delivery is claimed with a conditional
 * update (queued → sending, with a lease) before anything is sent; only the
 * claimant sends, and it records `sent` with the SES message id. A job whose
 * delivery is already claimed is a redelivery or a race and sends nothing; if
 * the claim's lease ran out, the sender that held it died somewhere between
 * claiming and recording, and the delivery becomes `uncertain` — resent only
 * when an organizer says so. (A job whose own earlier try holds the claim, having
 * never reached SES, carries that claim's owner and gives it back first.) A planned
 * job carries what rendering needs, so the row is read only when the claim fails
 * (or the job does not carry it). Everything
 * that can fail before SES (the reads, the suppression check, rendering) runs
 * before the claim, so a fault or a
 * crash there leaves the delivery queued, never a claim that runs out into a
 * false `uncertain`: the send slot is reserved and waited for before the claim
 * too, so nothing with I/O but the claim stands between it and the SES call.
 * The claim carries the `submitting` mark: one that runs out may have sent, so
 * a crash between the claim and the call is an honest `uncertain`. The wait
 * ends the claim's round trip before the slot, and the rest is waited out
 * after the claim, so that the slot is the moment of the call.
 */
export async function sendOne(
  deps: SenderDeps,
  job: SendJob,
  owner: string = randomUUID(),
): Promise<SendOutcome> {
  const settleQueued = async (
    to: keyof typeof SETTLE_QUEUED,
    reason: string,
    metric?: 'Failed' | 'Suppressed',
  ): Promise<SendOutcome> => {
    const moved = await transitionDelivery(deps, job.mailingId, job.contactKey, SETTLE_QUEUED[to], {
      set: { reason },
    });
    if (!moved) return 'duplicate';
    if (metric) deps.count?.(metric);
    return to;
  };

  let planned: PlannedDelivery | undefined = job.delivery;
  let mailing: MailingRow | undefined;
  let message: { raw: Buffer; from: string };
  let slot: number;
  try {
    // An earlier try of this job claimed the delivery and could not give the claim back (every
    // answer lost); it never called SES. Given back first, by that claim's owner (a no-op once
    // done, or when a copy of this job did it): the delivery is queued again, and whatever this
    // try decides — send, hold, cancel, fail — starts from there.
    if (job.claimOwner && !(await giveBackEarlierClaim(deps, job, job.claimOwner))) {
      // Not even at the cap: failing the delivery needs the claim given back first.
      deps.count?.('Retried');
      return 'retry-earlier-claim';
    }
    if (!planned) {
      // A job without the planned delivery (a sweep's, a resend's): the row says what to render.
      const current = await getDelivery(deps, job.mailingId, job.contactKey);
      if (current?.state !== 'queued') return await settleUnclaimed(deps, current);
      planned = current;
    }
    mailing = await deps.mailing(job.mailingId);
    if (mailing && !SENDING_STATES.has(mailing.state) && deps.freshMailing) {
      // The cache may be older than a resume: look again before holding a job for a quarter hour.
      mailing = (await deps.freshMailing(job.mailingId)) ?? mailing;
      deps.mailingChanged?.(job.mailingId);
    }
    if (!mailing || mailing.state === 'cancelled')
      return await settleQueued('cancelled', mailing ? 'mailing cancelled' : 'mailing not found');
    // A paused (or not yet started) mailing keeps its deliveries queued and its jobs coming back.
    if (!SENDING_STATES.has(mailing.state)) return 'held';
    const blocking = blocks(await deps.suppressions(job.contactKey, mailing.conferenceId), mailing.kind);
    if (blocking !== undefined)
      return await settleQueued('suppressed', blockedReason(blocking), 'Suppressed');
    message = await deps.compose({ ...planned, contactKey: job.contactKey }, mailing);
    // The send slot too, before the claim (the fleet pacer reads and writes the table). The
    // wait ends a claim before the slot; a slot that it finds gone by passes unused
    // while nothing is held, and another is reserved — three in a row at most, then the job
    // comes back later like a throttled one. A job that finds its delivery claimed wastes a slot.
    slot = await deps.pacer.reserve();
    let passed = 0;
    while (!(await deps.pacer.ready(slot))) {
      if (++passed >= MAX_PASSED_SLOTS) {
        deps.pacer.forgo();
        return 'throttled';
      }
      slot = await deps.pacer.reserve();
    }
    // Too near the invocation's end to claim, send and record: the job comes back, unclaimed.
    if (deps.remainingMs && deps.remainingMs() < SEND_TIME_NEEDED_MS) return 'throttled';
  } catch (error) {
    if (error instanceof RenderError || error instanceof PermanentError)
      return settleQueued('failed', `could not render: ${error.message}`, 'Failed');
    // The fleet is claiming slots as fast as the schedule moves: a throttle, not a fault.
    if (error instanceof SlotsContendedError) return 'throttled';
    // SES was not called and nothing is claimed: a passing fault (a throttled read…) is a retry.
    return retryOrGiveUp(deps, job, undefined, `before sending: ${messageOf(error)}`);
  }

  const release = releaseOf(deps, job, owner);
  let claimed: DeliveryRow | undefined;
  try {
    // The claim is the last write before SES: it carries the `submitting` mark (lease.ts), so a
    // claim that runs out may have sent and becomes `uncertain`. Nothing with I/O stands between
    // it and the SES call — every read, the render and the slot's wait came before — so that
    // window is the call itself (one write a delivery fewer than a separate mark; issue 15).
    claimed = await transitionDelivery(deps, job.mailingId, job.contactKey, DELIVERY_MOVES.claim, {
      set: {
        leaseUntil: deps.now().getTime() + deps.leaseSeconds * 1000,
        leaseOwner: owner,
        [SUBMITTING]: true,
      },
    });
    if (!claimed) {
      const now = (await getDelivery(deps, job.mailingId, job.contactKey)) as
        | (DeliveryRow & { leaseOwner?: string })
        | undefined;
      // The claim's answer can be lost after it took effect, and the SDK's retry then loses the
      // condition to our own claim: recognised by the owner, it is ours to send (not in-progress,
      // which would leave it to run out into a false `uncertain`).
      if (now?.state !== 'sending' || now.leaseOwner !== owner) return await settleUnclaimed(deps, now);
      claimed = now;
    }
  } catch (error) {
    // The claim may have taken effect (its answer lost): give it back, so that it cannot run out
    // into a false `uncertain`. The release names this claim's owner, so it moves nothing else.
    // When every release fails too, the job comes back carrying the claim's owner, and its next
    // try gives the claim back before anything else (giveBackEarlierClaim).
    if (await releaseUnanswered(release))
      return retryOrGiveUp(deps, job, undefined, `claiming: ${messageOf(error)}`);
    // Not even at the cap: the next try gives the claim back first, then counts this fault.
    deps.count?.('Retried');
    return 'retry-claimed';
  }
  const delivery: DeliveryRow = { ...claimed, state: 'sending' };

  await deps.pacer.waitUntil(slot);
  let messageId: string | undefined;
  try {
    const result = await deps.ses.send(
      new SendRawEmailCommand({
        RawMessage: { Data: message.raw },
        Source: message.from,
        Destinations: [delivery.recipient.email],
        ConfigurationSetName: deps.configurationSet,
        Tags: sesTags(mailing.kind, job.mailingId, delivery.deliveryId),
      }),
    );
    messageId = result.MessageId;
  } catch (error) {
    const verdict = classifySesError(error);
    switch (verdict.class) {
      case 'throttled':
        // Skip a few slots: enough for the account's one-second window to move on, not a whole second.
        deps.pacer.backOff(250);
        deps.count?.('Throttled');
        return (await requeue(deps, job, release)) ?? 'throttled';
      case 'account':
        await setMailingState(deps, job.mailingId, MAILING_MOVES.pause, {
          pausedReason: verdict.reason,
          pausedAt: deps.now().toISOString(),
        });
        // The next jobs of this container see the pause at once, not when the cache runs out.
        deps.mailingChanged?.(job.mailingId);
        await release('queued');
        return 'held';
      case 'permanent':
        await release('failed', { reason: verdict.reason });
        deps.count?.('Failed');
        return 'failed';
      case 'may-have-been-sent':
        await markUncertain(deps, job, {
          owner,
          reason: `no answer from SES (${verdict.reason}): it may have been sent`,
        });
        return 'uncertain';
      case 'not-sent':
        return retryOrGiveUp(deps, job, release, verdict.reason);
    }
  }

  // If this write is lost (the function dies here), the lease runs out and the
  // delivery becomes `uncertain`: the mail went, but we cannot prove it.
  await transitionDelivery(deps, job.mailingId, job.contactKey, DELIVERY_MOVES.recordSent, {
    set: { sesMessageId: messageId, sentAt: deps.now().toISOString() },
    remove: ['leaseUntil', 'leaseOwner', SUBMITTING],
    condition: 'leaseOwner = :owner OR attribute_not_exists(leaseOwner)',
    values: { ':owner': owner },
  });
  deps.count?.('Sent');
  return 'sent';
}

/**
 * Puts back to `queued` a claim an earlier try of this job made and could not give back: only a
 * claim of that owner, which never reached SES ('retry-claimed'), moves. True once answered
 * (whether or not there was still a claim to give back); false on a passing fault.
 */
async function giveBackEarlierClaim(deps: SenderDeps, job: SendJob, claimOwner: string): Promise<boolean> {
  try {
    await releaseOf(deps, job, claimOwner)('queued');
    return true;
  } catch {
    return false;
  }
}

/**
 * Tries to give back a claim whose answer was lost: a few times, as the release's own answer can
 * be lost too. True when a release was answered (whether or not there was a claim to give back).
 */
async function releaseUnanswered(release: Release): Promise<boolean> {
  for (let attempt = 0; attempt < RELEASE_ATTEMPTS; attempt++) {
    // A pause between tries (0.1 s, 0.4 s): the blip that took the claim's answer may still last.
    if (attempt > 0) await sleep(100 * 4 ** (attempt - 1));
    try {
      await release('queued');
      return true;
    } catch {
      // try again: a claim left behind is given back by the job's next try (claimOwner)
    }
  }
  return false;
}

const RELEASE_ATTEMPTS = 3;

type Release = (
  to: keyof typeof RELEASE_CLAIMED,
  set?: Record<string, unknown>,
) => Promise<DeliveryRow | undefined>;

/** Where the holder of the claim named by `owner` puts the delivery; moves nothing of another claim. */
const releaseOf =
  (deps: SenderDeps, job: SendJob, owner: string): Release =>
  (to, set = {}) =>
    transitionDelivery(deps, job.mailingId, job.contactKey, RELEASE_CLAIMED[to], {
      set,
      remove: ['leaseUntil', 'leaseOwner', SUBMITTING],
      condition: 'leaseOwner = :owner',
      values: { ':owner': owner },
    });

/**
 * Back to the queue for another try — unless the mailing was cancelled meanwhile: a
 * cancellation moves only queued deliveries, and this one was out of the queue when it ran.
 * Returns 'cancelled' in that case, undefined when the job is to come back.
 */
async function requeue(
  deps: SenderDeps,
  job: SendJob,
  release: Release | undefined,
): Promise<'cancelled' | undefined> {
  if (!release) return undefined; // nothing was claimed: the delivery is still queued
  // A failed read must not leave the claim to expire into `uncertain`: release it; the next try
  // reads the mailing again and finds a cancellation then.
  const fresh = await (deps.freshMailing ?? deps.mailing)(job.mailingId).catch(() => undefined);
  if (fresh?.state === 'cancelled') {
    await release('cancelled', { reason: 'mailing cancelled' });
    return 'cancelled';
  }
  await release('queued');
  return undefined;
}

/** A passing fault: the job comes back, up to {@link MAX_SEND_RETRIES} times; then the delivery fails with the reason. */
async function retryOrGiveUp(
  deps: SenderDeps,
  job: SendJob,
  release: Release | undefined,
  reason: string,
): Promise<SendOutcome> {
  if ((job.faults ?? 0) >= MAX_SEND_RETRIES) {
    const set = { reason: `gave up after ${MAX_SEND_RETRIES} retries: ${reason}` };
    const moved = release
      ? await release('failed', set)
      : await transitionDelivery(deps, job.mailingId, job.contactKey, DELIVERY_MOVES.fail, { set });
    if (moved) deps.count?.('Failed');
    return moved ? 'failed' : 'duplicate';
  }
  const cancelled = await requeue(deps, job, release);
  if (cancelled) return cancelled;
  deps.count?.('Retried');
  return 'retry';
}

/**
 * A job whose delivery could not be claimed: already handled, held by a live
 * claim, or held by a dead one (lease expired → uncertain).
 */
async function settleUnclaimed(
  deps: SenderDeps,
  current: (DeliveryRow & { leaseOwner?: string }) | undefined,
): Promise<SendOutcome> {
  if (!current) return 'duplicate';
  if (current.state !== 'sending') return 'duplicate';
  if ((current.leaseUntil ?? 0) > deps.now().getTime()) return 'in-progress';
  // Its holder died before the last write before SES: nothing went, so it is sent now.
  if (await reclaimUnsent(deps, current)) return 'retry';
  const moved = await expireLease(deps, current);
  return moved ? 'uncertain' : 'duplicate';
}
