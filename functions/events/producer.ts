/**
 * What a producer of intake events needs, outside Lambda (the organizer CLI, the demo loader, the
 * local stack, benchmarks and tests): the CloudEvents envelope, putting events on the intake queue,
 * and waiting for what the stack made of them. The intake marks every event it applied
 * (`EVENT#<id>`) and records every one it refused, so "applied or rejected, and why" can be read
 * back per event id without guessing from side effects.
 */
import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { isDone } from '../store/event-claims.js';
import { keys } from '../store/model.js';
import { listRejections, type StoreDeps } from '../store/store.js';
import type { IntakeEventType } from './schemas.js';

/** Where events go: the intake queue of a stack. */
export interface IntakeQueue {
  readonly sqs: SQSClient;
  readonly outputs: { readonly IntakeQueueUrl: string };
}

/** Where outcomes are read: the stack's table, and a name for it in messages. */
export interface IntakeRecord {
  readonly store: StoreDeps;
  /** For messages, e.g. "the local stack at 127.0.0.1:4566". */
  readonly label: string;
}

/** Thrown by {@link waitForOutcomes} when the stack has not settled every event in time. */
export class EventsNotSettledError extends Error {
  override name = 'EventsNotSettledError';
}

/** The CloudEvents `source` of everything the CLI produces. */
export const CLI_SOURCE = 'cli://communique/organizer';

/** A CloudEvents 1.0 structured event as the intake queue takes it. */
export interface OutgoingEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
}

/** Builds an event with a fresh id (or the one given) and the current time. */
export function cloudEvent(
  type: IntakeEventType,
  data: Record<string, unknown>,
  options: { id?: string; time?: string; source?: string } = {},
): OutgoingEvent {
  return {
    specversion: '1.0',
    id: options.id ?? randomUUID(),
    source: options.source ?? CLI_SOURCE,
    type,
    time: options.time ?? new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
  };
}

/** What became of one event. */
export type EventOutcome =
  | { id: string; outcome: 'applied' }
  | { id: string; outcome: 'duplicate' }
  | { id: string; outcome: 'rejected'; code: string; reason: string }
  | { id: string; outcome: 'pending' };

/**
 * Sends message bodies to the intake queue, ten per SendMessageBatch call. A body the queue
 * refuses makes the whole call fail: the caller has validated them, so this is a fault, not input.
 */
export async function sendBodies(
  target: IntakeQueue,
  bodies: string[],
  onSent?: (count: number) => void,
): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    const chunk = bodies.slice(i, i + 10);
    const result = await target.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: target.outputs.IntakeQueueUrl,
        Entries: chunk.map((body, j) => ({ Id: String(j), MessageBody: body })),
      }),
    );
    if (result.Failed && result.Failed.length > 0) {
      const first = result.Failed[0];
      throw new Error(
        `the intake queue refused ${result.Failed.length} message(s): ${first?.Code} ${first?.Message}`,
      );
    }
    onSent?.(Math.min(i + 10, bodies.length));
  }
}

/** Which of these event ids the intake has marked as applied. */
export async function appliedAmong(target: Pick<IntakeRecord, 'store'>, ids: string[]): Promise<Set<string>> {
  const applied = new Set<string>();
  const { db, table } = target.store;
  for (let i = 0; i < ids.length; i += 100) {
    let request: Record<string, { pk: string; sk: string }[]> | undefined = {
      [table]: ids.slice(i, i + 100).map((id) => keys.event(id)),
    };
    // UnprocessedKeys come back under load; asking again is the documented remedy.
    for (let round = 0; request && round < 5; round++) {
      const out = await db.send(
        new BatchGetCommand({
          RequestItems: Object.fromEntries(
            Object.entries(request).map(([t, k]) => [
              t,
              {
                Keys: k,
                ConsistentRead: true,
                ProjectionExpression: 'pk, #status',
                ExpressionAttributeNames: { '#status': 'status' },
              },
            ]),
          ),
        }),
      );
      for (const item of out.Responses?.[table] ?? []) {
        // A claim still in progress is not applied yet (store/event-claims.ts).
        if (!isDone(item)) continue;
        applied.add(String(item.pk).slice('EVENT#'.length));
      }
      const unprocessed = out.UnprocessedKeys?.[table]?.Keys as { pk: string; sk: string }[] | undefined;
      request = unprocessed && unprocessed.length > 0 ? { [table]: unprocessed } : undefined;
    }
  }
  return applied;
}

/** Options of {@link waitForOutcomes}. */
export interface WaitOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /**
   * Only rejections recorded at or after this instant count (default: one minute ago — generous,
   * because the stack's clock, not ours, stamps them).
   */
  since?: Date;
  /** Called after each poll with the number of settled events. */
  onProgress?: (settled: number) => void;
  /** Called once with the result instead of throwing when some events are still pending at the deadline. */
  allowPending?: boolean;
}

/**
 * Polls until every event is applied or rejected. Throws an {@link EventsNotSettledError} when the
 * stack has not settled them in time (the intake is not running), unless `allowPending`.
 */
export async function waitForOutcomes(
  target: IntakeRecord,
  ids: string[],
  options: WaitOptions = {},
): Promise<EventOutcome[]> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const since = (options.since ?? new Date(Date.now() - 60_000)).toISOString();
  const results = new Map<string, EventOutcome>();
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    const pending = ids.filter((id) => !results.has(id));
    if (pending.length === 0) break;
    const applied = await appliedAmong(target, pending);
    for (const id of applied) results.set(id, { id, outcome: 'applied' });
    const stillPending = new Set(pending.filter((id) => !applied.has(id)));
    if (stillPending.size > 0) {
      const rejections = await listRejections(target.store, Math.max(100, stillPending.size * 2));
      for (const r of rejections) {
        if (r.eventId && stillPending.has(r.eventId) && r.receivedAt >= since) {
          results.set(r.eventId, { id: r.eventId, outcome: 'rejected', code: r.code, reason: r.reason });
          stillPending.delete(r.eventId);
        }
      }
    }
    options.onProgress?.(results.size);
    if (stillPending.size === 0) break;
    if (Date.now() > deadline) {
      if (options.allowPending) break;
      throw new EventsNotSettledError(
        `${target.label} has not processed ${stillPending.size} of ${ids.length} event(s) after ${Math.round(timeoutMs / 1000)} s — ` +
          'is its intake function running? (Look at the `npm start` terminal for errors.)',
      );
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 1.5, 500);
  }
  return ids.map((id) => results.get(id) ?? { id, outcome: 'pending' });
}

/**
 * Sends events and waits until each is applied; throws if the stack rejected any (with the first
 * reason) or did not settle them in time. For data that must go in whole, such as the demo.
 */
export async function applyEvents(
  target: IntakeQueue & IntakeRecord,
  events: readonly OutgoingEvent[],
  what = 'demo',
): Promise<void> {
  const since = new Date(Date.now() - 60_000);
  await sendBodies(
    target,
    events.map((e) => JSON.stringify(e)),
  );
  const outcomes = await waitForOutcomes(
    target,
    events.map((e) => e.id),
    { timeoutMs: 60_000, since },
  );
  const rejected = outcomes.filter((o) => o.outcome === 'rejected');
  if (rejected.length > 0) {
    const first = rejected[0];
    throw new Error(
      `${target.label} rejected ${rejected.length} ${what} event(s), e.g. ${first?.id}: ${first && 'reason' in first ? first.reason : ''}`,
    );
  }
}
