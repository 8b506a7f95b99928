/** Delivery rows: one per (mailing, recipient), written before anything is sent, moved by transitions.ts. */
import { createHash, randomUUID } from 'node:crypto';
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { addCounters, type CounterBatch } from './counters.js';
import { historyAppend } from './delivery-history.js';
import {
  type DeliveryRow,
  type DeliveryState,
  deliveryStateIndex,
  type IndexedDeliveryState,
  isIndexedState,
  keys,
  partitions,
  prefixes,
} from './model.js';
import {
  batchGet,
  batchPut,
  conditionally,
  deliveriesInStateQuery,
  expiresAt,
  getItem,
  inPartition,
  inPartitionInState,
  LAST_WRITE,
  oneOf,
  ownWrite,
  putIfAbsent,
  queryAll,
  type StoreDeps,
} from './table.js';
import type { DeliveryMove } from './transitions.js';

/** A stable, opaque delivery id (SES tags and headers allow only [A-Za-z0-9_-]). */
export function deliveryIdOf(mailingId: string, contactKey: string): string {
  return createHash('sha256').update(`${mailingId}\n${contactKey}`).digest('base64url').slice(0, 22);
}

export type NewDelivery = Omit<DeliveryRow, 'createdAt' | 'updatedAt' | 'expiresAt'>;

/** A new delivery row as stored: its keys, its place on the state index, its times. */
function deliveryItem(deps: StoreDeps, row: NewDelivery): Record<string, unknown> {
  const now = deps.now().toISOString();
  return {
    ...keys.delivery(row.mailingId, row.contactKey),
    ...(isIndexedState(row.state) ? { gsi2pk: deliveryStateIndex(row.mailingId, row.state) } : {}),
    gsi2sk: row.contactKey,
    ...row,
    createdAt: now,
    updatedAt: now,
    expiresAt: expiresAt(deps),
  };
}

/** Writes a delivery row before anything is sent; false when it already exists (one delivery per address). */
export function createDelivery(deps: StoreDeps, row: NewDelivery): Promise<boolean> {
  return putIfAbsent(deps, deliveryItem(deps, row));
}

/**
 * Writes a planning page's new delivery rows in batches, without a condition: the caller read
 * them absent (consistently, {@link getDeliveries}) while holding the page's lease, which keeps
 * every other planner off them, and names none of them in a job before all are written.
 */
export function createPlannedDeliveries(deps: StoreDeps, rows: readonly NewDelivery[]): Promise<void> {
  return batchPut(
    deps,
    rows.map((row) => deliveryItem(deps, row)),
  );
}

export const getDelivery = (deps: StoreDeps, mid: string, contactKey: string) =>
  getItem<DeliveryRow>(deps, keys.delivery(mid, contactKey));

/** A mailing's delivery rows for these contacts, read consistently, by contact key (absent ones left out). */
export async function getDeliveries(
  deps: StoreDeps,
  mid: string,
  contactKeys: readonly string[],
): Promise<Map<string, DeliveryRow>> {
  const rows = await batchGet<DeliveryRow>(
    deps,
    [...new Set(contactKeys)].map((ck) => keys.delivery(mid, ck)),
  );
  return new Map(rows.map((row) => [row.contactKey, row]));
}

export interface TransitionOptions {
  /** Extra attributes to SET. */
  set?: Record<string, unknown>;
  /** Attributes to REMOVE. */
  remove?: string[];
  /** An extra condition (with its own placeholders in `values`). */
  condition?: string;
  values?: Record<string, unknown>;
  /** Collect the counter move here (written once per batch) instead of writing it now. */
  counters?: Pick<CounterBatch, 'add'>;
}

/**
 * Makes a delivery move (transitions.ts) with a conditional update — the delivery must be in one
 * of the move's from-states — then moves the mailing's counters by one. Returns the row as it
 * was before, or undefined when the delivery was not in a from-state (someone else moved it:
 * nothing changes, and the counters are not touched, so they move once per transition).
 */
export async function transitionDelivery(
  deps: StoreDeps,
  mid: string,
  contactKey: string,
  move: Pick<DeliveryMove, 'from' | 'to'>,
  options: TransitionOptions = {},
): Promise<DeliveryRow | undefined> {
  const { to } = move;
  const from = oneOf('#state', move.from, 'from');
  const names: Record<string, string> = { '#state': 'state' };
  const values: Record<string, unknown> = {
    ':to': to,
    ...(isIndexedState(to) ? { ':gsi2pk': deliveryStateIndex(mid, to) } : {}),
    ':now': deps.now().toISOString(),
    ...options.values,
    ...from.values,
  };
  // The state it left is kept beside the stamp, for a retried write that finds itself done.
  const write = randomUUID();
  names['#write'] = LAST_WRITE;
  names['#prev'] = 'prevState';
  values[':write'] = write;
  const sets = ['#prev = #state', '#state = :to', 'updatedAt = :now', '#write = :write'];
  // Into a state gsi2 lists, the entry moves; into `sent` or `delivered`, it leaves the index.
  if (isIndexedState(to)) sets.push('gsi2pk = :gsi2pk');
  for (const [k, v] of Object.entries(options.set ?? {})) {
    names[`#${k}`] = k;
    values[`:set_${k}`] = v;
    sets.push(`#${k} = :set_${k}`);
  }
  const history = historyAppend(move.from, to, String(values[':now']), options.set);
  if (history) {
    Object.assign(names, history.names);
    Object.assign(values, history.values);
    sets.push(history.clause);
  }
  const removes = (options.remove ?? []).map((k) => {
    names[`#${k}`] = k;
    return `#${k}`;
  });
  if (!isIndexedState(to)) removes.push('gsi2pk');
  const result = await conditionally(
    deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.delivery(mid, contactKey),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: `${from.condition}${options.condition ? ` AND (${options.condition})` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_OLD',
      }),
    ),
  );
  let old: DeliveryRow;
  if (result) old = result.Attributes as DeliveryRow;
  else {
    const mine = await ownWrite(deps, keys.delivery(mid, contactKey), write);
    if (!mine) return undefined;
    old = { ...mine, state: mine.prevState } as DeliveryRow;
  }
  const counter = countedAs(old.state);
  if (counter !== countedAs(to)) {
    const batch = options.counters ?? deps.counters;
    if (batch) batch.add(mid, counter, countedAs(to));
    else await moveCounters(deps, mid, counter, countedAs(to));
  }
  return old;
}

/**
 * The counter a state is kept under. A claim (`sending`) lasts a few hundred
 * milliseconds, so claimed deliveries stay counted as queued: that saves a
 * counter write on every send, and "queued" in progress reads as "not yet sent".
 */
export const countedAs = (state: DeliveryState): DeliveryState => (state === 'sending' ? 'queued' : state);

export async function moveCounters(
  deps: StoreDeps,
  mid: string,
  from: DeliveryState,
  to: DeliveryState,
): Promise<void> {
  // One flush of one move: idempotent under the SDK's retry, and never a phantom mailing.
  await addCounters(deps, mid, { [from]: -1, [to]: 1 });
}

/** Deliveries of a mailing in one state (GSI2), a page at a time. */
export async function deliveriesInState(
  deps: StoreDeps,
  mid: string,
  state: IndexedDeliveryState,
  options: { limit?: number; cursor?: Record<string, unknown> } = {},
): Promise<{
  items: { mailingId: string; contactKey: string; leaseUntil?: number }[];
  next?: Record<string, unknown>;
}> {
  const page = await deps.db.send(
    new QueryCommand({
      TableName: deps.table,
      ...deliveriesInStateQuery(mid, state),
      Limit: options.limit ?? 100,
      ExclusiveStartKey: options.cursor,
    }),
  );
  return {
    items: (page.Items ?? []) as { mailingId: string; contactKey: string; leaseUntil?: number }[],
    next: page.LastEvaluatedKey,
  };
}

/** All deliveries of a mailing with their full rows (organizer listing). */
export async function listDeliveries(
  deps: StoreDeps,
  mid: string,
  state?: DeliveryState,
): Promise<DeliveryRow[]> {
  if (state && !isIndexedState(state)) {
    // Not on gsi2: the mailing's partition, filtered (read consistently).
    return queryAll<DeliveryRow>(deps, inPartitionInState(mid, state));
  }
  if (state) {
    const rows = await queryAll<{ contactKey: string }>(deps, deliveriesInStateQuery(mid, state));
    const full = await Promise.all(rows.map((r) => getDelivery(deps, mid, r.contactKey)));
    return full.filter((r): r is DeliveryRow => r !== undefined && r.state === state);
  }
  return queryAll<DeliveryRow>(deps, inPartition(partitions.mailing(mid), prefixes.delivery));
}

/** Finds a delivery by its SES message id (GSI). */
export async function deliveryBySesMessageId(
  deps: StoreDeps,
  messageId: string,
): Promise<DeliveryRow | undefined> {
  const [hit] = await queryAll<{ pk: string; sk: string }>(
    deps,
    {
      IndexName: 'by-ses-message-id',
      KeyConditionExpression: 'sesMessageId = :m',
      ExpressionAttributeValues: { ':m': messageId },
    },
    1,
  );
  return hit ? getItem<DeliveryRow>(deps, { pk: hit.pk, sk: hit.sk }) : undefined;
}
