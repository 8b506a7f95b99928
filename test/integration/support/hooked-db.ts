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
  /**
   * `wire`: below the SDK's retries, where local/faults.ts works and where AWS loses answers
   * (the SDK resends a call whose answer was lost); default `build`, above them (each call once).
   */
  at: 'build' | 'wire' = 'build',
): DynamoDBDocumentClient {
  const raw = new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    endpoint: stack.endpoints.dynamodb,
  });
  const middleware = (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
    (async (args: { input: unknown }) =>
      hook({
        name: context.commandName ?? '',
        input: JSON.stringify(args.input),
        next: () => next(args),
      })) as never;
  if (at === 'build') raw.middlewareStack.add(middleware as never, { step: 'build' });
  else raw.middlewareStack.add(middleware as never, { step: 'deserialize', priority: 'low' });
  return DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
}

/** A lost answer: the error Node's HTTP client raises when the peer resets the connection. */
export { connectionReset } from '../../../local/faults.js';
