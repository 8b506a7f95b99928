import { createHash, randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { eventInstant } from '../domain/event-time.js';
import { isConditionFailed } from '../lib/errors.js';
import { addCounters, type CounterBatch } from './counters.js';
import { historyAppend } from './delivery-history.js';
import {
  type AgendaRow,
  type ConferenceRow,
  DELIVERY_STATES,
  type DeliveryRow,
  type DeliveryState,
  deliveryStateIndex,
  keys,
  type MailingRow,
  mailingStateIndex,
  type PressRow,
  type RegistrationRow,
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

const DAY = 86_400;

/** TTL attribute value: now + retention, in epoch seconds. */
export function expiresAt(deps: StoreDeps): number {
  return Math.floor(deps.now().getTime() / 1000) + deps.retentionDays * DAY;
}

/** A stable, opaque delivery id (SES tags and headers allow only [A-Za-z0-9_-]). */
export function deliveryIdOf(mailingId: string, contactKey: string): string {
  return createHash('sha256').update(`${mailingId}\n${contactKey}`).digest('base64url').slice(0, 22);
}

async function get<T>(
  deps: StoreDeps,
  key: { pk: string; sk: string },
  consistent = true,
): Promise<T | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.table, Key: key, ConsistentRead: consistent }),
  );
  return Item as T | undefined;
}

/** Runs a Query to the end (or `limit`), following LastEvaluatedKey. */
export async function queryAll<T>(
  deps: StoreDeps,
  input: Omit<QueryCommandInput, 'TableName'>,
  limit = Infinity,
): Promise<T[]> {
  const out: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.db.send(
      new QueryCommand({ ...input, TableName: deps.table, ExclusiveStartKey: start }),
    );
    out.push(...((page.Items ?? []) as T[]));
    start = page.LastEvaluatedKey;
  } while (start && out.length < limit);
  return out.slice(0, limit);
}

/** Writes an item that must not exist yet; false when it does (a repeat or a race lost). */
export async function putIfAbsent(deps: StoreDeps, item: Record<string, unknown>): Promise<boolean> {
  try {
    await deps.db.send(
      new PutCommand({ TableName: deps.table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** One of the lists kept on gsi1 (rejections, suppressions, mailings…), newest first. */
export function newestFirst<T>(deps: StoreDeps, list: string, limit = Infinity): Promise<T[]> {
  return queryAll<T>(
    deps,
    {
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': list },
      ScanIndexForward: false,
    },
    limit,
  );
}

// ------------------------------------------------------------------------------------------------
// Processed-event markers

/** True when the event took effect (a claim still in progress does not count; see event-claims.ts). */
export async function wasProcessed(deps: StoreDeps, eventId: string): Promise<boolean> {
  const marker = await get<{ status?: string }>(deps, keys.event(eventId));
  return marker !== undefined && marker.status !== 'in-progress';
}

// ------------------------------------------------------------------------------------------------
// Conference and agenda

export async function putConference(deps: StoreDeps, given: ConferenceRow): Promise<boolean> {
  const row = { ...given, eventTime: eventInstant(given.eventTime) };
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.table,
        Item: {
          ...keys.conference(row.conferenceId),
          gsi1pk: 'CONFERENCES',
          gsi1sk: row.conferenceId,
          ...row,
        },
        // Out-of-order upserts converge: the event with the latest time (a UTC instant) wins.
        ConditionExpression: 'attribute_not_exists(pk) OR eventTime <= :t',
        ExpressionAttributeValues: { ':t': row.eventTime },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

export const getConference = (deps: StoreDeps, cid: string) => get<ConferenceRow>(deps, keys.conference(cid));

export async function listConferences(deps: StoreDeps): Promise<ConferenceRow[]> {
  return queryAll<ConferenceRow>(deps, {
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p',
    ExpressionAttributeValues: { ':p': 'CONFERENCES' },
  });
}

export const getAgenda = (deps: StoreDeps, cid: string) => get<AgendaRow>(deps, keys.agenda(cid));

/**
 * Writes the agenda if it is still at `expectedRevision` (an optimistic lock on
 * a counter bumped by every write), so two agenda events racing cannot both
 * win. False when the stored agenda moved in between.
 */
export async function putAgenda(
  deps: StoreDeps,
  row: AgendaRow,
  expectedRevision: number | undefined,
): Promise<boolean> {
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.table,
        Item: {
          ...keys.agenda(row.conferenceId),
          ...row,
          revision: (expectedRevision ?? 0) + 1,
          updatedAt: deps.now().toISOString(),
        },
        ConditionExpression: expectedRevision === undefined ? 'attribute_not_exists(pk)' : 'revision = :r',
        ExpressionAttributeValues: expectedRevision === undefined ? undefined : { ':r': expectedRevision },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

// ------------------------------------------------------------------------------------------------
// Registrations and press contacts

export async function getRegistrationById(deps: StoreDeps, cid: string, registrationId: string) {
  const pointer = await get<{ contactKey: string }>(deps, keys.registrationId(cid, registrationId));
  if (!pointer) return undefined;
  return get<RegistrationRow>(deps, keys.registration(cid, pointer.contactKey));
}

export const getRegistration = (deps: StoreDeps, cid: string, contactKey: string) =>
  get<RegistrationRow>(deps, keys.registration(cid, contactKey));

/**
 * Writes a contact row unless a later event already wrote it (out-of-order
 * upserts converge on the latest event time), then the id → contact pointer.
 */
async function putIfNotOlder(
  deps: StoreDeps,
  key: { pk: string; sk: string },
  pointerKey: { pk: string; sk: string },
  given: { contactKey: string; eventTime: string },
): Promise<boolean> {
  // Compared as text by DynamoDB, so stored as a fixed-width UTC instant (domain/event-time.ts).
  const row = { ...given, eventTime: eventInstant(given.eventTime) };
  try {
    await deps.db.send(
      new PutCommand({
        TableName: deps.table,
        Item: { ...key, ...row, updatedAt: deps.now().toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR eventTime <= :t',
        ExpressionAttributeValues: { ':t': row.eventTime },
      }),
    );
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
  await deps.db.send(
    new PutCommand({ TableName: deps.table, Item: { ...pointerKey, contactKey: row.contactKey } }),
  );
  return true;
}

/** Upserts a registration unless a later event already wrote it; keeps the id pointer and session memberships. */
export async function putRegistration(
  deps: StoreDeps,
  row: RegistrationRow,
  previous?: RegistrationRow,
): Promise<boolean> {
  const written = await putIfNotOlder(
    deps,
    keys.registration(row.conferenceId, row.contactKey),
    keys.registrationId(row.conferenceId, row.registrationId),
    row,
  );
  if (!written) return false;
  const before = new Set(
    previous && previous.status === 'active' && previous.contactKey === row.contactKey
      ? previous.sessions
      : [],
  );
  const after = new Set(row.status === 'active' ? row.sessions : []);
  const writes: Promise<unknown>[] = [];
  for (const sid of after) {
    writes.push(
      deps.db.send(
        new PutCommand({
          TableName: deps.table,
          Item: { ...keys.membership(row.conferenceId, sid, row.contactKey), contactKey: row.contactKey },
        }),
      ),
    );
  }
  for (const sid of before) {
    if (!after.has(sid)) {
      writes.push(
        deps.db.send(
          new DeleteCommand({
            TableName: deps.table,
            Key: keys.membership(row.conferenceId, sid, row.contactKey),
          }),
        ),
      );
    }
  }
  await Promise.all(writes);
  return true;
}

/** Removes a registration row and its memberships (the person's address changed). */
export async function deleteRegistration(deps: StoreDeps, row: RegistrationRow): Promise<void> {
  await Promise.all([
    deps.db.send(
      new DeleteCommand({ TableName: deps.table, Key: keys.registration(row.conferenceId, row.contactKey) }),
    ),
    ...row.sessions.map((sid) =>
      deps.db.send(
        new DeleteCommand({
          TableName: deps.table,
          Key: keys.membership(row.conferenceId, sid, row.contactKey),
        }),
      ),
    ),
  ]);
}

export async function putPress(deps: StoreDeps, row: PressRow): Promise<boolean> {
  const previousPointer = await get<{ contactKey: string }>(
    deps,
    keys.pressId(row.conferenceId, row.contactId),
  );
  if (previousPointer && previousPointer.contactKey !== row.contactKey) {
    await deps.db.send(
      new DeleteCommand({
        TableName: deps.table,
        Key: keys.press(row.conferenceId, previousPointer.contactKey),
      }),
    );
  }
  return putIfNotOlder(
    deps,
    keys.press(row.conferenceId, row.contactKey),
    keys.pressId(row.conferenceId, row.contactId),
    row,
  );
}

export async function getPressById(
  deps: StoreDeps,
  cid: string,
  contactId: string,
): Promise<PressRow | undefined> {
  const pointer = await get<{ contactKey: string }>(deps, keys.pressId(cid, contactId));
  return pointer ? get<PressRow>(deps, keys.press(cid, pointer.contactKey)) : undefined;
}

/** One page of a conference's registrations or press contacts, in key order. */
export async function pageOfContacts<T extends RegistrationRow | PressRow>(
  deps: StoreDeps,
  cid: string,
  prefix: 'REG#' | 'PRESS#',
  cursor: string | undefined,
  pageSize: number,
): Promise<{ items: T[]; next?: string }> {
  const page = await deps.db.send(
    new QueryCommand({
      TableName: deps.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `CONF#${cid}`, ':prefix': prefix },
      ExclusiveStartKey: cursor ? { pk: `CONF#${cid}`, sk: cursor } : undefined,
      Limit: pageSize,
    }),
  );
  const last = page.LastEvaluatedKey?.sk as string | undefined;
  return { items: (page.Items ?? []) as T[], next: last };
}

/** Contact keys registered to a session. */
export async function sessionMembers(deps: StoreDeps, cid: string, sid: string): Promise<string[]> {
  const rows = await queryAll<{ contactKey: string }>(deps, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `CONF#${cid}#SESSION#${sid}` },
  });
  return rows.map((r) => r.contactKey);
}

// ------------------------------------------------------------------------------------------------
// Mailings

const zeroCounters = Object.fromEntries(DELIVERY_STATES.map((s) => [`count_${s}`, 0]));

/** Creates a mailing row; false when a mailing with this id already exists (a repeat). */
export async function createMailing(
  deps: StoreDeps,
  row: Omit<MailingRow, `count_${string}` | 'createdAt' | 'total'>,
  /** Deliveries already written for it (a single mail's one row), counted as queued. */
  planned = 0,
): Promise<boolean> {
  const createdAt = deps.now().toISOString();
  return putIfAbsent(deps, {
    ...keys.mailing(row.mailingId),
    gsi1pk: `CONF#${row.conferenceId}#MAILINGS`,
    gsi1sk: `${createdAt}#${row.mailingId}`,
    ...mailingStateIndex(row.mailingId, row.state, row.sendAt),
    ...zeroCounters,
    count_queued: planned,
    total: planned,
    createdAt,
    ...row,
  });
}

export const getMailing = (deps: StoreDeps, mid: string) => get<MailingRow>(deps, keys.mailing(mid));

/** Moves a mailing between states if it is in one of `from`; false otherwise. */
export async function setMailingState(
  deps: StoreDeps,
  mid: string,
  from: MailingRow['state'][],
  to: MailingRow['state'],
  extra: Record<string, unknown> = {},
): Promise<boolean> {
  const names: Record<string, string> = { '#s': 'state' };
  const values: Record<string, unknown> = { ':to': to };
  from.forEach((s, i) => {
    values[`:f${i}`] = s;
  });
  const sets = ['#s = :to'];
  for (const [k, v] of Object.entries(extra)) {
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = :${k}`);
  }
  // A scheduled mailing's index key comes in `extra` (its sendAt); every other state's from its state.
  const index = to === 'scheduled' ? undefined : mailingStateIndex(mid, to);
  if (index) {
    values[':gsi2pk'] = index.gsi2pk;
    values[':gsi2sk'] = index.gsi2sk;
    sets.push('gsi2pk = :gsi2pk', 'gsi2sk = :gsi2sk');
  }
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.mailing(mid),
        UpdateExpression: `SET ${sets.join(', ')}${to === 'scheduled' || index ? '' : ' REMOVE gsi2pk, gsi2sk'}`,
        ConditionExpression: `#s IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Advances the planning cursor if it is still where this planner found it (a crash-resumed page cannot double-count). */
export async function advancePlan(
  deps: StoreDeps,
  mid: string,
  expected: MailingRow['plan'],
  next: MailingRow['plan'],
  created: number,
): Promise<boolean> {
  const write = randomUUID();
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.mailing(mid),
        UpdateExpression: 'SET #plan = :next, #write = :write ADD #total :n, #queued :n',
        ConditionExpression: '#plan.#phase = :phase AND #plan.#pages = :pages',
        ExpressionAttributeNames: {
          '#plan': 'plan',
          '#phase': 'phase',
          '#pages': 'pages',
          '#total': 'total',
          '#queued': 'count_queued',
          '#write': LAST_WRITE,
        },
        ExpressionAttributeValues: {
          ':next': next,
          ':n': created,
          ':phase': expected.phase,
          ':pages': expected.pages,
          ':write': write,
        },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
    return (await ownWrite(deps, keys.mailing(mid), write)) !== undefined;
  }
}

/**
 * The attribute a conditional write stamps with its own random id. When the answer to a write
 * is lost (a reset connection) the SDK sends it again, and the second attempt fails its
 * condition because the first one took effect: reading the stamp back tells "someone else
 * moved it" from "we did, and never heard".
 */
const LAST_WRITE = 'lastWrite';

/** The item if its last conditional write was the one stamped `write`. */
async function ownWrite(
  deps: StoreDeps,
  key: { pk: string; sk: string },
  write: string,
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await deps.db.send(
    new GetCommand({ TableName: deps.table, Key: key, ConsistentRead: true }),
  );
  return Item?.[LAST_WRITE] === write ? Item : undefined;
}

/** Adds planned deliveries to a mailing's total and queued counters. */
export async function countPlanned(deps: StoreDeps, mid: string, n: number): Promise<void> {
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.table,
      Key: keys.mailing(mid),
      UpdateExpression: 'ADD #t :n, #q :n',
      ExpressionAttributeNames: { '#t': 'total', '#q': 'count_queued' },
      ExpressionAttributeValues: { ':n': n },
    }),
  );
}

export function listMailings(deps: StoreDeps, cid: string): Promise<MailingRow[]> {
  return newestFirst<MailingRow>(deps, `CONF#${cid}#MAILINGS`);
}

/** Mailings whose sendAt has come (they are indexed only while scheduled). */
export async function dueScheduledMailings(deps: StoreDeps, now: Date): Promise<{ mailingId: string }[]> {
  return queryAll<{ mailingId: string }>(deps, {
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :now',
    ExpressionAttributeValues: { ':p': 'SCHEDULED', ':now': now.toISOString() },
  });
}

// ------------------------------------------------------------------------------------------------
// Deliveries

/** Writes a delivery row before anything is sent; false when it already exists (one delivery per address). */
export async function createDelivery(
  deps: StoreDeps,
  row: Omit<DeliveryRow, 'createdAt' | 'updatedAt' | 'expiresAt'>,
): Promise<boolean> {
  const now = deps.now().toISOString();
  return putIfAbsent(deps, {
    ...keys.delivery(row.mailingId, row.contactKey),
    gsi2pk: deliveryStateIndex(row.mailingId, row.state),
    gsi2sk: row.contactKey,
    ...row,
    createdAt: now,
    updatedAt: now,
    expiresAt: expiresAt(deps),
  });
}

export const getDelivery = (deps: StoreDeps, mid: string, contactKey: string) =>
  get<DeliveryRow>(deps, keys.delivery(mid, contactKey));

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
 * Moves a delivery from one of `from` to `to` with a conditional update, then
 * moves the mailing's counters by one. Returns the state it left, or undefined
 * when the delivery was not in `from` (someone else moved it: nothing changes,
 * and the counters are not touched, so they move once per transition).
 */
export async function transitionDelivery(
  deps: StoreDeps,
  mid: string,
  contactKey: string,
  from: readonly DeliveryState[],
  to: DeliveryState,
  options: TransitionOptions = {},
): Promise<DeliveryRow | undefined> {
  const names: Record<string, string> = { '#state': 'state' };
  const values: Record<string, unknown> = {
    ':to': to,
    ':gsi2pk': deliveryStateIndex(mid, to),
    ':now': deps.now().toISOString(),
    ...options.values,
  };
  from.forEach((s, i) => {
    values[`:from${i}`] = s;
  });
  // The state it left is kept beside the stamp, for a retried write that finds itself done.
  const write = randomUUID();
  names['#write'] = LAST_WRITE;
  names['#prev'] = 'prevState';
  values[':write'] = write;
  const sets = ['#prev = #state', '#state = :to', 'gsi2pk = :gsi2pk', 'updatedAt = :now', '#write = :write'];
  for (const [k, v] of Object.entries(options.set ?? {})) {
    names[`#${k}`] = k;
    values[`:set_${k}`] = v;
    sets.push(`#${k} = :set_${k}`);
  }
  const history = historyAppend(from, to, String(values[':now']), options.set);
  if (history) {
    Object.assign(names, history.names);
    Object.assign(values, history.values);
    sets.push(history.clause);
  }
  const removes = (options.remove ?? []).map((k) => {
    names[`#${k}`] = k;
    return `#${k}`;
  });
  let old: DeliveryRow;
  try {
    const result = await deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.delivery(mid, contactKey),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
        ConditionExpression: `#state IN (${from.map((_, i) => `:from${i}`).join(', ')})${options.condition ? ` AND (${options.condition})` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_OLD',
      }),
    );
    old = result.Attributes as DeliveryRow;
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
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
  state: DeliveryState,
  options: { limit?: number; cursor?: Record<string, unknown> } = {},
): Promise<{
  items: { mailingId: string; contactKey: string; leaseUntil?: number }[];
  next?: Record<string, unknown>;
}> {
  const page = await deps.db.send(
    new QueryCommand({
      TableName: deps.table,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :p',
      ExpressionAttributeValues: { ':p': deliveryStateIndex(mid, state) },
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
  if (state) {
    const rows = await queryAll<{ contactKey: string }>(deps, {
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :p',
      ExpressionAttributeValues: { ':p': deliveryStateIndex(mid, state) },
    });
    const full = await Promise.all(rows.map((r) => getDelivery(deps, mid, r.contactKey)));
    return full.filter((r): r is DeliveryRow => r !== undefined && r.state === state);
  }
  return queryAll<DeliveryRow>(deps, {
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
    ExpressionAttributeValues: { ':pk': `MAILING#${mid}`, ':d': 'DELIVERY#' },
  });
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
  return hit ? get<DeliveryRow>(deps, { pk: hit.pk, sk: hit.sk }) : undefined;
}

// ------------------------------------------------------------------------------------------------
// Rejections, suppressions, local clock

export interface RejectionRow {
  rejectionId: string;
  eventId?: string;
  type?: string;
  code: string;
  reason: string;
  payloadHead: string;
  receivedAt: string;
  sqsMessageId?: string;
}

export async function recordRejection(deps: StoreDeps, row: RejectionRow): Promise<void> {
  await deps.db.send(
    new PutCommand({
      TableName: deps.table,
      Item: {
        pk: `REJECTION#${row.rejectionId}`,
        sk: 'META',
        gsi1pk: 'REJECTIONS',
        gsi1sk: `${row.receivedAt}#${row.rejectionId}`,
        ...row,
        expiresAt: expiresAt(deps),
      },
    }),
  );
}

export function listRejections(deps: StoreDeps, limit = 100): Promise<RejectionRow[]> {
  return newestFirst<RejectionRow>(deps, 'REJECTIONS', limit);
}

export interface SuppressionRow {
  contactKey: string;
  email: string;
  scope: string;
  reason: 'bounce' | 'complaint' | 'unsubscribe' | 'rejected' | 'manual';
  detail?: string;
  source?: string;
  createdAt: string;
}

export async function putSuppression(deps: StoreDeps, row: Omit<SuppressionRow, 'createdAt'>): Promise<void> {
  const createdAt = deps.now().toISOString();
  await deps.db.send(
    new PutCommand({
      TableName: deps.table,
      Item: {
        ...keys.suppression(row.contactKey, row.scope),
        gsi1pk: 'SUPPRESSIONS',
        gsi1sk: `${createdAt}#${row.contactKey}#${row.scope}`,
        ...row,
        createdAt,
      },
    }),
  );
}

/** Suppressions that apply to an address for a conference: its global ones and the conference's. */
export async function suppressionsFor(
  deps: StoreDeps,
  contactKey: string,
  cid: string,
): Promise<SuppressionRow[]> {
  const rows = await queryAll<SuppressionRow & { sk: string }>(deps, {
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `SUPPRESSION#${contactKey}` },
  });
  return rows.filter((r) => r.sk === 'GLOBAL' || r.sk === `CONF#${cid}`);
}

/**
 * Which of `contactKeys` have a suppression that applies to conference `cid`
 * (a global one or the conference's own): the same answer as
 * {@link suppressionsFor}, for a whole page of contacts in one BatchGetItem
 * per 50 contacts instead of one Query each.
 */
export async function suppressedAmong(
  deps: StoreDeps,
  contactKeys: string[],
  cid: string,
): Promise<Set<string>> {
  const found = new Set<string>();
  const wanted = [...new Set(contactKeys)].flatMap((ck) => [
    keys.suppression(ck, 'GLOBAL'),
    keys.suppression(ck, `CONF#${cid}`),
  ]);
  for (let i = 0; i < wanted.length; i += 100) {
    let request: Record<string, { pk: string; sk: string }[]> | undefined = {
      [deps.table]: wanted.slice(i, i + 100),
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
      const result = await deps.db.send(
        new BatchGetCommand({
          RequestItems: Object.fromEntries(
            Object.entries(request).map(([table, k]) => [
              table,
              { Keys: k, ProjectionExpression: 'contactKey', ConsistentRead: true },
            ]),
          ),
        }),
      );
      for (const item of result.Responses?.[deps.table] ?? []) found.add(String(item.contactKey));
      const left = result.UnprocessedKeys?.[deps.table]?.Keys as { pk: string; sk: string }[] | undefined;
      request = left && left.length > 0 ? { [deps.table]: left } : undefined;
    }
  }
  return found;
}

export function listSuppressions(deps: StoreDeps): Promise<SuppressionRow[]> {
  return newestFirst<SuppressionRow>(deps, 'SUPPRESSIONS');
}

/** Local only: the settable clock's offset from real time. */
export async function clockOffsetMs(deps: Pick<StoreDeps, 'db' | 'table'>): Promise<number> {
  const { Item } = await deps.db.send(new GetCommand({ TableName: deps.table, Key: keys.clock() }));
  return Number(Item?.offsetMs ?? 0);
}

export async function setClockOffset(deps: Pick<StoreDeps, 'db' | 'table'>, offsetMs: number): Promise<void> {
  await deps.db.send(new PutCommand({ TableName: deps.table, Item: { ...keys.clock(), offsetMs } }));
}
