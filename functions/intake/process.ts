import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { parseIntakeEvent } from '../events/schemas.js';
import { continuationSchema, isInternalType } from '../mailing/internal.js';
import { cancelPage, type PipelineDeps, planPage, requeuePage } from '../mailing/plan.js';
import { claimEvent, finishEvent, releaseEvent } from '../store/event-claims.js';
import { deleteRejection, recordRejection } from '../store/store.js';
import { applyEvent, UnprocessableEventError } from './apply.js';

export interface IntakeDeps extends PipelineDeps {
  intakeDlqUrl: string;
  /** How long a claim on an event id lasts; default {@link EVENT_CLAIM_LEASE_MS}. */
  eventLeaseMs?: number;
}

/**
 * How long an intake's claim on an event id lasts: longer than the intake's
 * timeout (60 s), so a live invocation is never overtaken, and shorter than the
 * queue's visibility timeout (6 × 60 s), so the redelivery after a crash finds
 * the claim lapsed and retries.
 */
export const EVENT_CLAIM_LEASE_MS = 120_000;

export type IntakeOutcome = 'applied' | 'duplicate' | 'rejected' | 'continued' | 'deferred';

/** The longest a backed-off copy waits before it looks again (SQS allows up to 900 s). */
const DEFER_MAX_SECONDS = 10;

/**
 * Backs off from an event another invocation holds: a delayed copy of the body
 * goes back on the intake queue and this record succeeds. Failing the record
 * instead would spend one of the queue's five receives per look, and a claim
 * whose holder died would outlive them all (locally a failed record is back
 * in a second) — parking a good event in the DLQ with no reason. The copy
 * looks again in a few seconds, and claims the event once the lease lapsed.
 */
async function deferEvent(deps: IntakeDeps, body: string, leaseUntil: number): Promise<'deferred'> {
  const wait = Math.ceil((leaseUntil - deps.now().getTime()) / 1000) + 1;
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.intakeQueueUrl,
      MessageBody: body,
      DelaySeconds: Math.min(DEFER_MAX_SECONDS, Math.max(1, wait)),
    }),
  );
  return 'deferred';
}

/** How much of a rejected payload is kept beside the reason. */
const PAYLOAD_HEAD_BYTES = 512;

function head(body: string): string {
  const bytes = Buffer.from(body, 'utf8');
  return bytes.length <= PAYLOAD_HEAD_BYTES
    ? body
    : `${bytes.subarray(0, PAYLOAD_HEAD_BYTES).toString('utf8')}…`;
}

async function reject(
  deps: IntakeDeps,
  body: string,
  messageId: string,
  rejection: { eventId?: string; type?: string; code: string; reason: string },
): Promise<'rejected'> {
  await recordRejection(deps, {
    rejectionId: randomUUID(),
    ...(rejection.eventId ? { eventId: rejection.eventId } : {}),
    ...(rejection.type ? { type: rejection.type } : {}),
    code: rejection.code,
    reason: rejection.reason,
    payloadHead: head(body),
    receivedAt: deps.now().toISOString(),
    sqsMessageId: messageId,
  });
  // Parked whole in the DLQ, so the payload can be inspected or replayed after a fix.
  await deps.sqs.send(
    new SendMessageCommand({
      QueueUrl: deps.intakeDlqUrl,
      MessageBody: body.length > 0 ? body : '(empty body)',
      MessageAttributes: {
        rejectionReason: { DataType: 'String', StringValue: rejection.reason.slice(0, 1000) },
        rejectionCode: { DataType: 'String', StringValue: rejection.code },
      },
    }),
  );
  return 'rejected';
}

/**
 * One intake record: a pipeline continuation, or a producer's event that is
 * validated, applied at most once per CloudEvents id, or rejected with a
 * reason. Passing faults throw (the record is retried); a wrong event never does.
 */
export async function processIntakeRecord(
  deps: IntakeDeps,
  body: string,
  messageId: string,
  receive?: { count: number; max: number },
): Promise<IntakeOutcome> {
  if (receive === undefined || receive.count < receive.max - 1) return processOnce(deps, body, messageId);
  return lastReceive(deps, body, messageId, receive, () => processOnce(deps, body, messageId));
}

/**
 * The last receive before the DLQ: its reason is recorded before it runs, because an invocation
 * that times out or dies records nothing after; so whatever lands in the intake DLQ has a
 * recorded reason, as a rejected event has. A last receive that finishes takes its record back;
 * one that fails says how. (A record whose taking back failed stays, saying "if".) The receive
 * before the last writes the same record first: a last receive that dies writing its own (a
 * crash between SQS counting the receive and the write) leaves that one in place.
 */
async function lastReceive(
  deps: IntakeDeps,
  body: string,
  messageId: string,
  receive: { count: number; max: number },
  run: () => Promise<IntakeOutcome>,
): Promise<IntakeOutcome> {
  const rejectionId = `gave-up-${messageId}`;
  let subject: { id?: unknown; type?: unknown } = {};
  try {
    subject = JSON.parse(body) as typeof subject;
  } catch {
    // not JSON: the run below rejects it with its reason
  }
  const record = (reason: string) =>
    recordRejection(deps, {
      rejectionId,
      ...(typeof subject.id === 'string' ? { eventId: subject.id } : {}),
      ...(typeof subject.type === 'string' ? { type: subject.type } : {}),
      code: 'gave_up',
      reason,
      payloadHead: head(body),
      receivedAt: deps.now().toISOString(),
      sqsMessageId: messageId,
    });
  const last = receive.count >= receive.max;
  const began = deps.now().toISOString();
  const since = last
    ? `the intake did not finish it in ${receive.max - 1} receives; its last receive began at ${began}`
    : `the intake did not finish it in ${receive.count - 1} receives; receive ${receive.count} of ${receive.max} began at ${began}`;
  await record(
    last
      ? `${since}. If it is in the intake DLQ, that one did not finish either: it timed out or the function died (the intake's logs from then say which)`
      : `${since}. If it is in the intake DLQ, neither that one nor the last finished: they timed out or the function died (the intake's logs from then say which)`,
  );
  let outcome: IntakeOutcome;
  try {
    outcome = await run();
  } catch (error) {
    await record(`${since} and failed: ${(error as Error).name}: ${(error as Error).message}`.slice(0, 2000));
    throw error;
  }
  // Best effort: failing the record now would park an applied event in the DLQ.
  await deleteRejection(deps, rejectionId).catch(() => undefined);
  return outcome;
}

async function processOnce(deps: IntakeDeps, body: string, messageId: string): Promise<IntakeOutcome> {
  let peek: { type?: unknown } | undefined;
  try {
    peek = JSON.parse(body) as { type?: unknown };
  } catch {
    peek = undefined;
  }
  if (peek && isInternalType(peek.type)) {
    const parsed = continuationSchema.safeParse(peek);
    if (!parsed.success) {
      return reject(deps, body, messageId, {
        type: String(peek.type),
        code: 'invalid_internal',
        reason: `not a valid pipeline message: ${parsed.error.message}`,
      });
    }
    const { mailingId, op, states, requestedBy, cursor, resendId, page } = parsed.data.data;
    if (op === 'plan') {
      const planned = await planPage(deps, mailingId, page);
      // Another planner holds the page: a copy for that page alone looks again once its lease
      // has run out (the holder's own continuation plans the pages after it).
      if (typeof planned === 'object') {
        const copy = { ...parsed.data, data: { ...parsed.data.data, page: planned.page } };
        return deferEvent(deps, JSON.stringify(copy), planned.heldUntil);
      }
    } else if (op === 'cancel') await cancelPage(deps, mailingId);
    else await requeuePage(deps, mailingId, states ?? ['failed'], requestedBy, cursor, resendId);
    return 'continued';
  }

  const result = parseIntakeEvent(body);
  if (!result.ok) return reject(deps, body, messageId, result.rejection);
  const event = result.event;
  // Claimed before the effect, so two copies handled at once (one batch is processed in
  // parallel) cannot both apply it; see store/event-claims.ts.
  const claim = await claimEvent(deps, event.id, event.type, deps.eventLeaseMs ?? EVENT_CLAIM_LEASE_MS);
  if (!claim.claimed) return claim.done ? 'duplicate' : deferEvent(deps, body, claim.leaseUntil);
  try {
    await applyEvent(deps, event);
  } catch (error) {
    await releaseEvent(deps, event.id, claim.owner);
    if (error instanceof UnprocessableEventError) {
      return reject(deps, body, messageId, {
        eventId: event.id,
        type: event.type,
        code: error.code,
        reason: error.message,
      });
    }
    // A passing fault is retried. Anything else is neither a passing fault nor the event's
    // fault — a defect — and is retried too, so the redrive policy parks it in the DLQ (with
    // an alarm) instead of recording a reason we don't have.
    throw error;
  }
  await finishEvent(deps, event.id, claim.owner);
  return 'applied';
}
