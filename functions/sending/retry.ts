import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SendJob } from '../mailing/plan.js';
import type { SendOutcome } from './send.js';

/** Back-off before try `retries` (1, 2, 4 … seconds, capped at two minutes, with jitter). */
export function backoffSeconds(retries: number, random: () => number = Math.random): number {
  const base = Math.min(120, 2 ** Math.max(0, retries - 1));
  return Math.max(1, Math.round(base * (0.5 + random() / 2)));
}

/**
 * How long a job of a mailing that is not sending (paused) waits before it looks again: the
 * longest delay SQS allows. `mailing resume` re-enqueues every queued delivery at once, so
 * nobody waits for this; it only keeps the job alive (never in the DLQ) while the mailing waits.
 */
export const HOLD_SECONDS = 900;

async function putBack(sqs: SQSClient, queueUrl: string, job: SendJob, delay: number): Promise<void> {
  const body: SendJob = { mailingId: job.mailingId, contactKey: job.contactKey };
  if (job.delivery) body.delivery = job.delivery;
  if (job.retries) body.retries = job.retries;
  if (job.faults) body.faults = job.faults;
  if (job.claimOwner) body.claimOwner = job.claimOwner;
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(body), DelaySeconds: delay }),
  );
}

/**
 * Throttling stays near the account's one-second window (the pacer backs off too): its delay
 * grows 1, 2, 4, 8 s and no further. A fault's delay grows to two minutes, over the ten tries
 * it gets (see MAX_SEND_RETRIES).
 */
const THROTTLE_STEPS = 4;

/** The longest a job carrying its earlier try's claim (`claimOwner`) waits before it comes back. */
export const CLAIMED_RETRY_MAX_SECONDS = 30;

/**
 * Throttling and 5xx are retries, never failures — and never a step towards
 * the DLQ. Failing the record would spend one of its `maxReceiveCount`
 * receives on every throttle, so a long throttled stretch would park good mail
 * in the DLQ. Instead the job goes back on the queue as a new message with a
 * growing delay, and the original is acknowledged. The delivery is already
 * back in `queued`, so whichever copy arrives claims it once. `fault` counts
 * the try against the cap (`faults`); throttling does not.
 */
export async function retryLater(
  sqs: SQSClient,
  queueUrl: string,
  job: SendJob,
  { fault }: { fault: boolean },
): Promise<number> {
  const retries = (job.retries ?? 0) + 1;
  const faults = (job.faults ?? 0) + (fault ? 1 : 0);
  const backoff = fault ? backoffSeconds(faults) : backoffSeconds(Math.min(retries - faults, THROTTLE_STEPS));
  // A job carrying a claim it could not give back comes back after at most 30 s, to give it back
  // before the claim's lease (120 s) runs out into `uncertain` (unless a long queue delays it).
  const delay = job.claimOwner ? Math.min(backoff, CLAIMED_RETRY_MAX_SECONDS) : backoff;
  await putBack(sqs, queueUrl, { ...job, retries, faults }, delay);
  return delay;
}

/** Puts a held job (its mailing is paused) back for a later look, unchanged. */
export async function holdLater(
  sqs: SQSClient,
  queueUrl: string,
  job: SendJob,
  seconds: number = HOLD_SECONDS,
): Promise<void> {
  await putBack(sqs, queueUrl, job, Math.min(seconds, HOLD_SECONDS));
}

/**
 * The job to put back after a try with this outcome: it carries the owner of a claim still to
 * give back — this try's (`owner`, 'retry-claimed') or the one it came with
 * ('retry-earlier-claim'); after any other outcome that claim was given back, and the job goes
 * on without it (sending/send.ts).
 */
export function jobToPutBack(job: SendJob, outcome: SendOutcome, owner: string): SendJob {
  const { claimOwner: carried, ...rest } = job;
  const claimOwner =
    outcome === 'retry-claimed' ? owner : outcome === 'retry-earlier-claim' ? carried : undefined;
  return claimOwner ? { ...rest, claimOwner } : rest;
}
