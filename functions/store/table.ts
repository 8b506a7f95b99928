/**
 * What every store module is built on: its collaborators, reads that follow pages, and the one
 * way a conditional write is sent and its lost race told apart from a fault.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { isConditionFailed, TransientError } from '../lib/errors.js';
import type { CounterBatch } from './counters.js';
import {
  type DeliveryState,
  deliveryStateIndex,
  type IndexedDeliveryState,
  partitions,
  prefixes,
} from './model.js';

/** Collaborators of every store function: the client, the table, the clock and the retention. */
export interface StoreDeps {
  db: DynamoDBDocumentClient;
  table: string;
  now: () => Date;
  retentionDays: number;
  /**
   * When set, delivery transitions collect their counter moves here, to be written once per
   * batch per mailing (store/counters.ts), instead of one counter write per transition.
   */
  counters?: Pick<CounterBatch, 'add'>;
}

type Key = { pk: string; sk: string };

const DAY = 86_400;

/** TTL attribute value: now + retention, in epoch seconds. */
export function expiresAt(deps: StoreDeps): number {
  return Math.floor(deps.now().getTime() / 1000) + deps.retentionDays * DAY;
}

/**
 * Sends a conditional write and returns its answer, or undefined when its condition did not hold
 * (the item was not as the write expected: a race lost, or a repeat). Any other error is thrown.
 * The one place a `ConditionalCheckFailedException` is caught.
 */
export async function conditionally<T>(write: Promise<T>): Promise<T | undefined> {
  try {
    return await write;
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    throw error;
  }
}

/** True when a conditional write applied, false when its condition did not hold. */
/** DynamoDB refusing a call for capacity (throttling): it took no effect, and says "slow down". */
export function isThrottled(error: unknown): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && /Throttl|ProvisionedThroughput|RequestLimit/.test(name);
}

export async function applied(write: Promise<unknown>): Promise<boolean> {
  return (await conditionally(write)) !== undefined;
}

/** The condition that attribute `name` (a placeholder) holds one of `states`, and its values. */
export function oneOf(
  name: string,
  states: readonly string[],
  prefix: string,
): { condition: string; values: Record<string, string> } {
  const values = Object.fromEntries(states.map((s, i) => [`:${prefix}${i}`, s]));
  return { condition: `${name} IN (${Object.keys(values).join(', ')})`, values };
}

/** One item by key, read consistently unless told otherwise. */
export async function getItem<T>(
  deps: Pick<StoreDeps, 'db' | 'table'>,
  key: Key,
  consistent = true,
): Promise<T | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.table, Key: key, ConsistentRead: consistent }),
  );
  return Item as T | undefined;
}

/** How often a batch call's unprocessed part is sent again (with a growing pause) before giving up. */
const BATCH_ATTEMPTS = 8;

const pause = (attempt: number) => sleep(Math.min(1000, 25 * 2 ** attempt));

/**
 * Items by key, read consistently: 100 keys per BatchGetItem, the keys DynamoDB left unprocessed
 * (capacity) sent again. Items that do not exist are simply not in the answer.
 */
export async function batchGet<T>(
  deps: Pick<StoreDeps, 'db' | 'table'>,
  wanted: readonly Key[],
  projection?: string,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < wanted.length; i += 100) {
    let left: Key[] = wanted.slice(i, i + 100);
    for (let attempt = 0; left.length > 0; attempt++) {
      if (attempt >= BATCH_ATTEMPTS) throw new TransientError(`BatchGetItem left ${left.length} keys unread`);
      if (attempt > 0) await pause(attempt);
      const result = await deps.db.send(
        new BatchGetCommand({
          RequestItems: {
            [deps.table]: {
              Keys: left,
              ConsistentRead: true,
              ...(projection ? { ProjectionExpression: projection } : {}),
            },
          },
        }),
      );
      out.push(...((result.Responses?.[deps.table] ?? []) as T[]));
      left = (result.UnprocessedKeys?.[deps.table]?.Keys ?? []) as Key[];
    }
  }
  return out;
}

/**
 * Puts items with no condition, 25 per BatchWriteItem, the unprocessed ones sent again. Only for
 * items that nobody else can be writing: a planning page's new delivery rows, which the page's
 * lease keeps to one planner and which no job names before they are all written (mailing/plan.ts).
 */
export async function batchPut(
  deps: Pick<StoreDeps, 'db' | 'table'>,
  items: readonly Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let left = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; left.length > 0; attempt++) {
      if (attempt >= BATCH_ATTEMPTS)
        throw new TransientError(`BatchWriteItem left ${left.length} items unwritten`);
      if (attempt > 0) await pause(attempt);
      const result = await deps.db.send(new BatchWriteCommand({ RequestItems: { [deps.table]: left } }));
      left = (result.UnprocessedItems?.[deps.table] ?? []) as typeof left;
    }
  }
}

/** The pages of a Query, following LastEvaluatedKey to the end. */
export async function* queryPages(
  deps: Pick<StoreDeps, 'db' | 'table'>,
  input: Omit<QueryCommandInput, 'TableName'>,
): AsyncGenerator<QueryCommandOutput> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.send(
      new QueryCommand({ ...input, TableName: deps.table, ExclusiveStartKey: start }),
    );
    yield page;
    start = page.LastEvaluatedKey;
  } while (start);
}

/** Runs a Query to the end (or `limit`), following LastEvaluatedKey. */
export async function queryAll<T>(
  deps: Pick<StoreDeps, 'db' | 'table'>,
  input: Omit<QueryCommandInput, 'TableName'>,
  limit = Infinity,
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of queryPages(deps, input)) {
    out.push(...((page.Items ?? []) as T[]));
    if (out.length >= limit) break;
  }
  return out.slice(0, limit);
}

/** The Query for one partition's items, or those whose sort key starts with `prefix`. */
export function inPartition(pk: string, prefix?: string): Omit<QueryCommandInput, 'TableName'> {
  return prefix === undefined
    ? { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk } }
    : {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
      };
}

/** The Query for one partition of a global index (`gsi1pk` / `gsi2pk` = `pk`). */
export function onIndex(index: 'gsi1' | 'gsi2', pk: string): Omit<QueryCommandInput, 'TableName'> {
  return {
    IndexName: index,
    KeyConditionExpression: `${index}pk = :p`,
    ExpressionAttributeValues: { ':p': pk },
  };
}

/** The Query for a mailing's deliveries in one state gsi2 lists, optionally by address prefix. */
export function deliveriesInStateQuery(
  mid: string,
  state: IndexedDeliveryState,
  addressPrefix = '',
): Omit<QueryCommandInput, 'TableName'> {
  const index = onIndex('gsi2', deliveryStateIndex(mid, state));
  if (!addressPrefix) return index;
  return {
    ...index,
    KeyConditionExpression: `${index.KeyConditionExpression} AND begins_with(gsi2sk, :prefix)`,
    ExpressionAttributeValues: { ...index.ExpressionAttributeValues, ':prefix': addressPrefix },
  };
}

/**
 * The Query for a mailing's deliveries in any state, from its partition: consistent, filtered on
 * the state (for `sent` and `delivered`, which gsi2 leaves out), optionally by address prefix.
 */
export function inPartitionInState(
  mid: string,
  state: DeliveryState,
  addressPrefix = '',
): Omit<QueryCommandInput, 'TableName'> {
  const partition = inPartition(partitions.mailing(mid), `${prefixes.delivery}${addressPrefix}`);
  return {
    ...partition,
    FilterExpression: '#state = :state',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: { ...partition.ExpressionAttributeValues, ':state': state },
    ConsistentRead: true,
  };
}

/**
 * One page of a partition's items under `prefix`, in key order, after `cursor`: at most
 * `pageSize` of them, and, given `until`, none past that key (a page fixed at its first read; see
 * `plan.page` in model.ts). `next` is where the following page starts when this one stopped at
 * `pageSize`; `last` is the key of the page's last item (`until` when it read that far).
 */
export async function pageOf<T>(
  deps: Pick<StoreDeps, 'db' | 'table'>,
  pk: string,
  prefix: string,
  cursor: string | undefined,
  pageSize: number,
  until?: string,
): Promise<{ items: T[]; next?: string; last?: string }> {
  if (until !== undefined) {
    // Every key between two keys under `prefix` is under it too.
    const read = await queryAll<T & { sk: string }>(
      deps,
      {
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :until',
        ExpressionAttributeValues: { ':pk': pk, ':from': cursor ?? prefix, ':until': until },
      },
      pageSize + 1,
    );
    const items = read.filter((item) => item.sk !== cursor).slice(0, pageSize);
    const stopped = items.length === pageSize && items.at(-1)?.sk !== until;
    return stopped ? { items, next: items.at(-1)?.sk, last: items.at(-1)?.sk } : { items, last: until };
  }
  const page = await deps.db.send(
    new QueryCommand({
      TableName: deps.table,
      ...inPartition(pk, prefix),
      ExclusiveStartKey: cursor ? { pk, sk: cursor } : undefined,
      Limit: pageSize,
    }),
  );
  const items = (page.Items ?? []) as T[];
  return {
    items,
    next: page.LastEvaluatedKey?.sk as string | undefined,
    last: (page.Items?.at(-1)?.sk as string | undefined) ?? undefined,
  };
}

/** Writes an item, under a condition when given one (wrap it in {@link applied} then). */
export function putItem(
  deps: Pick<StoreDeps, 'db' | 'table'>,
  item: Record<string, unknown>,
  condition: Pick<
    PutCommandInput,
    'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
  > = {},
): Promise<unknown> {
  return deps.db.send(new PutCommand({ TableName: deps.table, Item: item, ...condition }));
}

/** The gsi1 attributes that put an item on `list`, ordered by `order`. */
export const listed = (list: string, order: string) => ({ gsi1pk: list, gsi1sk: order });

/** Writes an item that must not exist yet; false when it does (a repeat or a race lost). */
export function putIfAbsent(deps: StoreDeps, item: Record<string, unknown>): Promise<boolean> {
  return applied(putItem(deps, item, { ConditionExpression: 'attribute_not_exists(pk)' }));
}

/** One of the lists kept on gsi1 (rejections, suppressions, mailings…), newest first. */
export function newestFirst<T>(deps: StoreDeps, list: string, limit = Infinity): Promise<T[]> {
  return queryAll<T>(deps, { ...onIndex('gsi1', list), ScanIndexForward: false }, limit);
}

/**
 * The attribute a conditional write stamps with its own random id. When the answer to a write
 * is lost (a reset connection) the SDK sends it again, and the second attempt fails its
 * condition because the first one took effect: reading the stamp back tells "someone else
 * moved it" from "we did, and never heard".
 */
export const LAST_WRITE = 'lastWrite';

/** The item if its last conditional write was the one stamped `write`. */
export async function ownWrite(
  deps: StoreDeps,
  key: Key,
  write: string,
): Promise<Record<string, unknown> | undefined> {
  const item = await getItem<Record<string, unknown>>(deps, key);
  return item?.[LAST_WRITE] === write ? item : undefined;
}
