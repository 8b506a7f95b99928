import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SendJob } from '../mailing/plan.js';

/** Back-off before try `retries` (1, 2, 4 … seconds, capped at two minutes, with jitter). */
export function backoffSeconds(retries: number, random: () => number = Math.random): number {
  const base = Math.min(120, 2 ** Math.max(0, retries - 1));
  return Math.max(1, Math.round(base * (0.5 + random() / 2)));
}

/**
 * Throttling and 5xx are retries, never failures — and never a step towards
 * the DLQ. Failing the record would spend one of its `maxReceiveCount`
 * receives on every throttle, so a long throttled stretch would park good mail
 * in the DLQ. Instead the job goes back on the queue as a new message with a
 * growing delay, and the original is acknowledged. The delivery is already
 * back in `queued`, so whichever copy arrives claims it once.
 */
export async function retryLater(sqs: SQSClient, queueUrl: string, job: SendJob): Promise<number> {
  const retries = (job.retries ?? 0) + 1;
  const delay = backoffSeconds(retries);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify({ mailingId: job.mailingId, contactKey: job.contactKey, retries }),
      DelaySeconds: delay,
    }),
  );
  return delay;
}
