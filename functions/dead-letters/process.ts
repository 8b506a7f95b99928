import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { recordRejection } from '../store/rejections.js';
import type { StoreDeps } from '../store/table.js';

/**
 * Dead letters: a message its function gave up on (every one of its queue's receives failed or
 * timed out) lands in that queue's DLQ, and this function takes it from there. Each one is
 * recorded with a reason, its whole body and where it came from, in the list `communique
 * rejections` shows, and goes back to its queue once, after a delay: what parks a message is
 * most often a passing storm (a throttled table, a machine too slow for the timeout), and every
 * consumer is idempotent (event claims, conditional delivery claims), so a second chance is safe.
 * A message that comes back to a DLQ after its redrive is kept as a record and not sent again:
 * it needs a person (the alarm on the DeadLettersKept metric says so).
 */

/** The message attribute a redriven message carries: how many times it was sent back. */
export const REDRIVES_ATTRIBUTE = 'communiqueRedrives';

/** Each work queue: its name, how many receives it allows, its DLQ's ARN and its own URL. */
export interface DeadLetterRoute {
  name: string;
  maxReceiveCount: number;
  dlqArn: string;
  queueUrl: string;
}

/** `intake,5,<dlq arn>,<queue url> send,5,…`: the routes, as the stack writes them into the environment. */
export function parseRoutes(text: string): DeadLetterRoute[] {
  return text
    .trim()
    .split(/\s+/)
    .map((entry) => {
      const [name, max, dlqArn, queueUrl] = entry.split(',');
      if (!name || !max || !dlqArn || !queueUrl || !(Number(max) > 0))
        throw new Error(`not a dead-letter route: "${entry}" (name,maxReceiveCount,dlqArn,queueUrl)`);
      return { name, maxReceiveCount: Number(max), dlqArn, queueUrl };
    });
}

export interface DeadLetterDeps extends StoreDeps {
  sqs: SQSClient;
  routes: readonly DeadLetterRoute[];
  /** How long a redriven message waits before its queue sees it again (SQS allows up to 900 s). */
  redriveDelaySeconds: number;
  count?: (metric: 'DeadLetters' | 'DeadLettersKept') => void;
}

/** One message taken from a DLQ, as the SQS event gives it. */
export interface DeadLetter {
  messageId: string;
  body: string;
  /** The DLQ's ARN (the record's eventSourceARN). */
  dlqArn: string;
  /** When the message was first sent (epoch ms as text, SQS's SentTimestamp; a DLQ move keeps it). */
  sentTimestamp?: string;
  redrives: number;
}

export type DeadLetterOutcome = 'redriven' | 'kept';

/** What the body names, for the record: a producer's event id and type, or the job's mailing. */
function subjectOf(body: string): { eventId?: string; type?: string } {
  try {
    const parsed = JSON.parse(body) as { id?: unknown; type?: unknown; mailingId?: unknown };
    return {
      ...(typeof parsed.id === 'string' ? { eventId: parsed.id } : {}),
      ...(typeof parsed.type === 'string'
        ? { type: parsed.type }
        : typeof parsed.mailingId === 'string'
          ? { type: `send job of ${parsed.mailingId}` }
          : {}),
    };
  } catch {
    return {};
  }
}

const PAYLOAD_HEAD_CHARS = 512;
/** The most of a body kept whole: the event contract's limit, well inside DynamoDB's 400 KB item. */
const PAYLOAD_MAX_BYTES = 262_144;

/**
 * Records one dead letter and sends it back to its queue once. The record comes first: a record
 * that cannot be written (throttled, refused) fails this message, which the DLQ gives again, and
 * nothing was sent back yet — sending first would send one more copy per failed write. A crash
 * between the record and the send leaves a record that says "sent back" of a message the retry
 * then sends; one between the send and the DLQ's delete sends a second copy, which its consumer
 * takes as a repeat. The record's id is the DLQ message's, so a retry rewrites the same row.
 */
export async function processDeadLetter(
  deps: DeadLetterDeps,
  letter: DeadLetter,
): Promise<DeadLetterOutcome> {
  const route = deps.routes.find((r) => r.dlqArn === letter.dlqArn);
  if (!route) throw new Error(`no route for the dead-letter queue ${letter.dlqArn}`);
  const since = Number(letter.sentTimestamp);
  const sent = Number.isFinite(since) && since > 0 ? ` since ${new Date(since).toISOString()}` : '';
  const given = `the ${route.name} function did not finish it in its queue's ${route.maxReceiveCount} receives${sent}: each attempt failed or timed out (its logs from then say which)`;
  const now = deps.now().toISOString();
  const redrive = letter.redrives < 1;
  await recordRejection(deps, {
    rejectionId: `dead-letter-${letter.messageId}`,
    ...subjectOf(letter.body),
    code: redrive ? 'dead_letter_redriven' : 'dead_letter_kept',
    reason: redrive
      ? `${given}; sent back to the ${route.name} queue once, at ${now}`
      : `${given}, again after it was sent back once; kept here, not sent again: fix the cause, then send the payload again`,
    payloadHead: letter.body.slice(0, PAYLOAD_HEAD_CHARS),
    ...(Buffer.byteLength(letter.body, 'utf8') <= PAYLOAD_MAX_BYTES ? { payload: letter.body } : {}),
    queue: route.name,
    receivedAt: now,
    sqsMessageId: letter.messageId,
  });
  if (redrive) {
    await deps.sqs.send(
      new SendMessageCommand({
        QueueUrl: route.queueUrl,
        MessageBody: letter.body,
        DelaySeconds: Math.min(900, Math.max(0, Math.round(deps.redriveDelaySeconds))),
        MessageAttributes: {
          [REDRIVES_ATTRIBUTE]: { DataType: 'Number', StringValue: String(letter.redrives + 1) },
        },
      }),
    );
  }
  deps.count?.(redrive ? 'DeadLetters' : 'DeadLettersKept');
  return redrive ? 'redriven' : 'kept';
}
