import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../../local/stack.js';

/** One DynamoDB call as a hook sees it: the raw command's name (`PutItemCommand`…) and its input as JSON. */
export interface HookedCall {
  name: string;
  input: string;
  /** Sends the call; what it resolves to is the call's answer. */
  next: () => Promise<unknown>;
}

/**
 * A document client on the embedded stack whose calls all go through `hook`, for the tests of
 * one exact interleaving: a call that takes effect and then loses its answer (await `next()`,
 * then throw), a crash before a step (throw without calling `next`), or something that happens
 * between two steps. The chaos layer (local/faults.ts) does the same for random schedules.
 */
export function hookedDb(
  stack: LocalStack,
  hook: (call: HookedCall) => Promise<unknown>,
): DynamoDBDocumentClient {
  const raw = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoint: stack.endpoints.dynamodb,
  });
  raw.middlewareStack.add(
    (next, context) => async (args) =>
      hook({
        name: context.commandName ?? '',
        input: JSON.stringify(args.input),
        next: () => next(args),
      }) as never,
    { step: 'build' },
  );
  return DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
}

/** The error Node's HTTP client raises when the peer resets the connection: a lost answer. */
export const connectionReset = (): Error =>
  Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
