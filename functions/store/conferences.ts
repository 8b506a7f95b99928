/** The projections of the upstream events: conferences, agendas, registrations, press contacts. */
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { eventInstant } from '../domain/event-time.js';
import {
  type AgendaRow,
  type ConferenceRow,
  keys,
  lists,
  type PressRow,
  partitions,
  type prefixes,
  type RegistrationRow,
} from './model.js';
import {
  applied,
  getItem,
  inPartition,
  listed,
  onIndex,
  pageOf,
  putItem,
  queryAll,
  type StoreDeps,
} from './table.js';

/** The condition under which an upsert wins: no item yet, or one from an event no later than this one. */
const notOlderThan = (eventTime: string) => ({
  ConditionExpression: 'attribute_not_exists(pk) OR eventTime <= :t',
  ExpressionAttributeValues: { ':t': eventTime },
});

// ------------------------------------------------------------------------------------------------
// Conference and agenda

export function putConference(deps: StoreDeps, given: ConferenceRow): Promise<boolean> {
  const row = { ...given, eventTime: eventInstant(given.eventTime) };
  return applied(
    putItem(
      deps,
      { ...keys.conference(row.conferenceId), ...listed(lists.conferences, row.conferenceId), ...row },
      // Out-of-order upserts converge: the event with the latest time (a UTC instant) wins.
      notOlderThan(row.eventTime),
    ),
  );
}

export const getConference = (deps: StoreDeps, cid: string) =>
  getItem<ConferenceRow>(deps, keys.conference(cid));

export async function listConferences(deps: StoreDeps): Promise<ConferenceRow[]> {
  return queryAll<ConferenceRow>(deps, onIndex('gsi1', lists.conferences));
}

export const getAgenda = (deps: StoreDeps, cid: string) => getItem<AgendaRow>(deps, keys.agenda(cid));

/**
 * Writes the agenda if it is still at `expectedRevision` (an optimistic lock on
 * a counter bumped by every write), so two agenda events racing cannot both
 * win. False when the stored agenda moved in between.
 */
export function putAgenda(
  deps: StoreDeps,
  row: AgendaRow,
  expectedRevision: number | undefined,
): Promise<boolean> {
  const item = {
    ...keys.agenda(row.conferenceId),
    ...row,
    revision: (expectedRevision ?? 0) + 1,
    updatedAt: deps.now().toISOString(),
  };
  return applied(
    putItem(deps, item, {
      ConditionExpression: expectedRevision === undefined ? 'attribute_not_exists(pk)' : 'revision = :r',
      ExpressionAttributeValues: expectedRevision === undefined ? undefined : { ':r': expectedRevision },
    }),
  );
}

// ------------------------------------------------------------------------------------------------
// Registrations and press contacts

export async function getRegistrationById(deps: StoreDeps, cid: string, registrationId: string) {
  const pointer = await getItem<{ contactKey: string }>(deps, keys.registrationId(cid, registrationId));
  if (!pointer) return undefined;
  return getItem<RegistrationRow>(deps, keys.registration(cid, pointer.contactKey));
}

export const getRegistration = (deps: StoreDeps, cid: string, contactKey: string) =>
  getItem<RegistrationRow>(deps, keys.registration(cid, contactKey));

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
  const item = { ...key, ...row, updatedAt: deps.now().toISOString() };
  if (!(await applied(putItem(deps, item, notOlderThan(row.eventTime))))) return false;
  await putItem(deps, { ...pointerKey, contactKey: row.contactKey });
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
      putItem(deps, {
        ...keys.membership(row.conferenceId, sid, row.contactKey),
        contactKey: row.contactKey,
      }),
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
  const previousPointer = await getItem<{ contactKey: string }>(
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
  const pointer = await getItem<{ contactKey: string }>(deps, keys.pressId(cid, contactId));
  return pointer ? getItem<PressRow>(deps, keys.press(cid, pointer.contactKey)) : undefined;
}

/** One page of a conference's registrations or press contacts, in key order. */
export function pageOfContacts<T extends RegistrationRow | PressRow>(
  deps: StoreDeps,
  cid: string,
  prefix: typeof prefixes.registration | typeof prefixes.press,
  cursor: string | undefined,
  pageSize: number,
  until?: string,
): Promise<{ items: T[]; next?: string; last?: string }> {
  return pageOf<T>(deps, partitions.conference(cid), prefix, cursor, pageSize, until);
}

/** Contact keys registered to a session. */
export async function sessionMembers(deps: StoreDeps, cid: string, sid: string): Promise<string[]> {
  const rows = await queryAll<{ contactKey: string }>(deps, inPartition(partitions.session(cid, sid)));
  return rows.map((r) => r.contactKey);
}
