import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { LocalStack } from '../../../local/stack.js';

/** Options of {@link waitForProgress}. */
export interface ProgressOptions<T> {
  /** True when the wait is over. */
  done: (value: T) => boolean;
  /** What counts as movement: the wait fails only when this stays the same for `stallMs`. */
  progressOf: (value: T) => unknown;
  /** How long nothing may move before the wait fails (default 30 s). */
  stallMs?: number;
  intervalMs?: number;
  what?: string;
}

/**
 * Polls `read` until `done`, failing only when nothing moves for `stallMs`: a
 * loaded machine may be slow, but a pipeline that stops moving is broken. No
 * deadline for the whole wait — throughput is the benchmark's business (bench/),
 * not a test's. A thrown read counts as no movement.
 */
export async function waitForProgress<T>(
  read: () => Promise<T | undefined>,
  { done, progressOf, stallMs = 30_000, intervalMs = 200, what = 'progress' }: ProgressOptions<T>,
): Promise<T> {
  let lastKey: string | undefined;
  let lastMove = Date.now();
  let last: T | undefined;
  let error: unknown;
  for (;;) {
    try {
      const value = await read();
      if (value !== undefined) {
        last = value;
        if (done(value)) return value;
        const key = JSON.stringify(progressOf(value));
        if (key !== lastKey) {
          lastKey = key;
          lastMove = Date.now();
        }
      }
    } catch (caught) {
      error = caught;
    }
    if (Date.now() - lastMove > stallMs) {
      throw new Error(
        `${what}: nothing moved for ${stallMs} ms; last seen ${JSON.stringify(last ? progressOf(last) : last)}${error ? `; last error: ${String(error)}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Messages a queue holds: visible, in flight (received, not yet deleted) and delayed. */
export async function messagesIn(stack: LocalStack, queueUrl: string | undefined): Promise<number> {
  const { Attributes } = await stack.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

/**
 * Waits until a queue holds nothing at all, failing only when its count stops
 * moving while non-zero: every message put on it has been handled (and deleted).
 */
export async function waitDrained(
  stack: LocalStack,
  queueUrl: string | undefined,
  what = 'queue',
): Promise<void> {
  await waitForProgress(() => messagesIn(stack, queueUrl), {
    done: (n) => n === 0,
    progressOf: (n) => n,
    what: `${what} drained`,
  });
}
