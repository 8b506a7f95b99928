import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { isDone } from '../../../functions/store/event-claims.js';
import type { StoreDeps } from '../../../functions/store/store.js';
import type { LocalStack } from '../../../local/stack.js';
import { eventually } from './local-stack.js';

const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/events');

/** A fixture event by type (test/fixtures/events/<type>.json), deep-copied so tests may change it. */
export function fixture(
  type: string,
): Record<string, unknown> & { id: string; data: Record<string, unknown> } {
  return JSON.parse(readFileSync(path.join(fixturesDir, `${type}.json`), 'utf8'));
}

/** Store collaborators pointed at the test stack, for reading what the handlers wrote. */
/** What the intake is given, on the stack's queues; `db` to put a hooked client in. */
export function intakeDepsOf(stack: LocalStack, db = storeOf(stack).db) {
  return {
    ...storeOf(stack),
    db,
    sqs: stack.clients.sqs,
    sendQueueUrl: stack.outputs.SendQueueUrl ?? '',
    intakeQueueUrl: stack.outputs.IntakeQueueUrl ?? '',
    intakeDlqUrl: stack.outputs.IntakeDlqUrl ?? '',
  };
}

export function storeOf(stack: LocalStack): StoreDeps {
  return {
    db: DynamoDBDocumentClient.from(stack.clients.dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    table: stack.outputs.TableName ?? '',
    now: () => new Date(),
    retentionDays: 30,
  };
}

/** Puts an event (object or raw body) on the intake queue. */
export async function sendEvent(stack: LocalStack, event: unknown): Promise<void> {
  await stack.clients.sqs.send(
    new SendMessageCommand({
      QueueUrl: stack.outputs.IntakeQueueUrl,
      MessageBody: typeof event === 'string' ? event : JSON.stringify(event),
    }),
  );
}

/** Waits until the intake recorded the event as processed. */
export async function waitProcessed(stack: LocalStack, eventId: string): Promise<void> {
  const store = storeOf(stack);
  await eventually(
    async () => {
      const { Item } = await store.db.send(
        new GetCommand({ TableName: store.table, Key: { pk: `EVENT#${eventId}`, sk: 'EVENT' } }),
      );
      return isDone(Item) ? true : undefined;
    },
    { what: `event ${eventId} processed` },
  );
}

/** Sends an event and waits until it took effect. */
export async function sendAndWait(stack: LocalStack, event: { id: string }): Promise<void> {
  await sendEvent(stack, event);
  await waitProcessed(stack, event.id);
}

let counter = 0;
/** A fresh CloudEvents id, so a test can send a fixture again as a new event. */
export function freshId(prefix = 'evt'): string {
  counter++;
  return `${prefix}-${Date.now()}-${counter}`;
}

/** A `mailing.requested` event for an invitation (or whatever `extra` says) to `audience`. */
export function mailingRequest(
  mailingId: string,
  audience: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
  conferenceId = 'dushanbe-2022',
): ReturnType<typeof fixture> {
  const event = fixture('mailing.requested');
  event.id = freshId('mailing');
  event.data = {
    conferenceId,
    mailingId,
    kind: 'invitation',
    audience,
    requestedBy: 'test@example.org',
    ...extra,
  };
  return event;
}

/** The mail the local SES accepted for one mailing (matched by its SES tag). */
export function acceptedFor(stack: LocalStack, mailingId: string): LocalStack['accepted'] {
  return stack.accepted.filter((m) => m.tags.mailing === mailingId.replace(/[^A-Za-z0-9_-]/g, '_'));
}
