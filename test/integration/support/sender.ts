import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { recipientOf } from '../../../functions/mailing/audience.js';
import { composerFor } from '../../../functions/sending/compose.js';
import type { SenderMetric } from '../../../functions/sending/lease.js';
import { Pacer } from '../../../functions/sending/pacer.js';
import type { SenderDeps } from '../../../functions/sending/send.js';
import type { DeliveryRow, MailingRow } from '../../../functions/store/model.js';
import {
  countPlanned,
  createDelivery,
  createMailing,
  deliveryIdOf,
  getMailing,
  listDeliveries,
  type StoreDeps,
} from '../../../functions/store/store.js';
import type { LocalStack } from '../../../local/stack.js';
import { storeOf } from './pipeline.js';
import { seedRegistrations } from './seed.js';

/** A DynamoDB document client on the test stack whose calls pass through `inject` first (it may throw). */
export function faultyDb(
  stack: LocalStack,
  inject: (command: string, input: Record<string, unknown>) => void,
): DynamoDBDocumentClient {
  const raw = stackDynamo(stack);
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      inject(context.commandName ?? '', args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize' },
  );
  return DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
}

/** A client of the test stack's DynamoDB of its own, for a test to add its fault to. */
const stackDynamo = (stack: LocalStack) =>
  new DynamoDBClient({
    endpoint: stack.endpoints.dynamodb,
    region: 'us-east-1',
    credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
  });

/** A connection reset: the SDK takes it for a lost answer and tries again. */
export const connectionReset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

/**
 * A DynamoDB document client on the test stack whose every attempt on the wire (below the SDK's
 * retry, so each retry comes through again) goes through `wire`: it sees the marshalled input
 * (`:to` is `{ S: state }`) and may send it (`send`), lose its answer, or refuse it.
 */
export function wireDb(
  stack: LocalStack,
  wire: (
    input: { ExpressionAttributeValues?: Record<string, { S?: string }> },
    send: () => Promise<unknown>,
  ) => Promise<unknown>,
): DynamoDBDocumentClient {
  const raw = stackDynamo(stack);
  raw.middlewareStack.add(
    (next) => async (args) =>
      (await wire(args.input as Record<string, never>, () => next(args))) as Awaited<ReturnType<typeof next>>,
    { step: 'finalizeRequest', priority: 'low' },
  );
  return DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
}

/** An AWS-shaped service error, as the SDK raises it. */
export function awsError(name: string, status: number, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

/** Sender collaborators on the test stack (its SES, its table), with every metric recorded in `metrics`. */
export function senderDeps(
  stack: LocalStack,
  metrics: SenderMetric[] = [],
  overrides: Partial<SenderDeps> = {},
  db?: DynamoDBDocumentClient,
): SenderDeps {
  const base = storeOf(stack);
  const s: StoreDeps = db ? { ...base, db } : base;
  const env = stack.environment;
  return {
    ...s,
    ses: new SESClient({
      endpoint: stack.endpoints.ses,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    }),
    configurationSet: 'communique',
    leaseSeconds: 30,
    pacer: new Pacer(10_000),
    mailing: (id) => getMailing(s, id),
    suppressions: async () => [],
    compose: composerFor(s, {
      SENDER_DOMAIN: env.SENDER_DOMAIN ?? 'mail.example.org',
      FROM_ADDRESS: env.FROM_ADDRESS ?? 'conference@mail.example.org',
      UNSUBSCRIBE_BASE_URL: env.UNSUBSCRIBE_BASE_URL ?? 'http://127.0.0.1/',
      UNSUBSCRIBE_KEYS: env.UNSUBSCRIBE_KEYS,
      UNSUBSCRIBE_KEY_PARAMETER: undefined,
    }),
    count: (m) => metrics.push(m),
    ...overrides,
  };
}

/**
 * A mailing whose deliveries are written but whose send jobs were never enqueued: only the
 * test sends. `n` seeded registrants with addresses `<mailingId>-<i>@example.org`.
 */
export async function parkedMailing(
  stack: LocalStack,
  mailingId: string,
  n: number,
  state: MailingRow['state'] = 'sending',
  conferenceId = 'dushanbe-2022',
): Promise<DeliveryRow[]> {
  const store = storeOf(stack);
  const rows = await seedRegistrations(store, conferenceId, n, { prefix: mailingId });
  await createMailing(store, {
    mailingId,
    conferenceId,
    kind: 'invitation',
    audience: {},
    state,
    requestedBy: 'test@example.org',
    plan: { phase: 'explicit', pages: 1 },
  });
  for (const row of rows) {
    await createDelivery(store, {
      mailingId,
      contactKey: row.contactKey,
      deliveryId: deliveryIdOf(mailingId, row.contactKey),
      conferenceId,
      kind: 'invitation',
      state: 'queued',
      recipient: recipientOf(row),
      attempts: 0,
    });
  }
  await countPlanned(store, mailingId, n);
  return listDeliveries(store, mailingId);
}
