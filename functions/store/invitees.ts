/**
 * The invitee projection (keys in model.ts): one row per invitee with its RSVP state, the last
 * answer and the history of every answer, plus an address → invitee pointer for the invitee's own
 * address and for a designated representative's, so a `registration.created` finds the invitee it
 * settles with one GetItem. Every write that can race is conditional: upserts converge on the
 * latest event time and never touch the RSVP state; answers are applied under an optimistic lock
 * on `revision`.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { contactKeyOf } from '../events/email.js';
import type { InviteeUpsertedData } from '../events/schemas.js';
import {
  type InviteeRow,
  keys,
  partitions,
  prefixes,
  type RsvpHistoryEntry,
  type RsvpState,
} from './model.js';
import { applied, conditionally, getItem, inPartition, pageOf, queryAll, type StoreDeps } from './table.js';

const PERSON_OPTIONAL = [
  'honorific',
  'organization',
  'country',
  'language',
  'timeZone',
  'gender',
  'title',
] as const;

/** Name placeholders of the answer update (some are DynamoDB reserved words). */
const NAMES = {
  '#rsvp': 'rsvp',
  '#rsvpAt': 'rsvpAt',
  '#history': 'history',
  '#revision': 'revision',
  '#representative': 'representative',
  '#status': 'status',
};

/** Points an address at an invitee: `self` for the invitee's own, `representative` for a designated one. */
export interface InviteeAddressRow {
  inviteeId: string;
  via: 'self' | 'representative';
}

export function getInvitee(deps: StoreDeps, cid: string, inviteeId: string): Promise<InviteeRow | undefined> {
  return getItem<InviteeRow>(deps, keys.invitee(cid, inviteeId));
}

/** The invitee an address belongs to (their own, or as the representative they designated). */
export async function inviteeByAddress(
  deps: StoreDeps,
  cid: string,
  contactKey: string,
): Promise<(InviteeAddressRow & { invitee: InviteeRow }) | undefined> {
  const pointer = await getItem<InviteeAddressRow>(deps, keys.inviteeAddress(cid, contactKey));
  if (!pointer) return undefined;
  const invitee = await getInvitee(deps, cid, pointer.inviteeId);
  return invitee ? { ...pointer, invitee } : undefined;
}

/**
 * Creates or updates an invitee from `invitee.upserted`, unless a later event already wrote it. The
 * RSVP state, answer and history are set only when the row is new: a corrected spelling of a name
 * must not forget an answer. Returns false when a later event had already written the row.
 */
export async function putInvitee(
  deps: StoreDeps,
  data: InviteeUpsertedData,
  eventTime: string,
  initial: { rsvp: RsvpState; history: RsvpHistoryEntry[] },
): Promise<boolean> {
  const cid = data.conferenceId;
  const contactKey = contactKeyOf(data.person.email);
  const previous = await getInvitee(deps, cid, data.inviteeId);
  const now = deps.now().toISOString();
  // Every attribute goes through a name placeholder: several (language, role, status…) are
  // DynamoDB reserved words.
  const fields: Record<string, unknown> = {
    conferenceId: cid,
    inviteeId: data.inviteeId,
    contactKey,
    email: data.person.email,
    givenName: data.person.givenName,
    familyName: data.person.familyName,
    role: 'delegate',
    sessions: [],
    contactId: data.inviteeId,
    mayDesignate: data.mayDesignate !== false,
    status: 'active',
    eventTime,
    updatedAt: now,
  };
  const removes: string[] = [];
  for (const k of PERSON_OPTIONAL) {
    if (data.person[k] === undefined) removes.push(k);
    else fields[k] = data.person[k];
  }
  if (data.group === undefined) removes.push('group');
  else fields.group = data.group;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {
    ':t': eventTime,
    ':rsvp': initial.rsvp,
    ':history': initial.history,
    ':zero': 0,
  };
  const sets: string[] = [];
  for (const [k, v] of Object.entries(fields)) {
    names[`#${k}`] = k;
    values[`:${k}`] = v;
    sets.push(`#${k} = :${k}`);
  }
  for (const k of ['rsvp', 'history', 'revision']) names[`#${k}`] = k;
  // The RSVP state, answer and history are the invitee's, not the upstream list's: set once.
  sets.push('#rsvp = if_not_exists(#rsvp, :rsvp)', '#history = if_not_exists(#history, :history)');
  sets.push('#revision = if_not_exists(#revision, :zero)');
  for (const k of removes) names[`#${k}`] = k;
  const written = await applied(
    deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.invitee(cid, data.inviteeId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.map((k) => `#${k}`).join(', ')}` : ''}`,
        ConditionExpression: 'attribute_not_exists(pk) OR #eventTime <= :t',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
  if (!written) return false;
  await pointAddress(deps, cid, contactKey, { inviteeId: data.inviteeId, via: 'self' }, true);
  if (previous && previous.contactKey !== contactKey) {
    await unpointAddress(deps, cid, previous.contactKey, data.inviteeId);
  }
  return true;
}

/** Marks an invitee removed (kept for its history), unless a later event wrote it. */
export async function removeInvitee(deps: StoreDeps, cid: string, inviteeId: string, eventTime: string) {
  await conditionally(
    deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.invitee(cid, inviteeId),
        UpdateExpression: 'SET #status = :removed, #eventTime = :t, #updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND #eventTime <= :t',
        ExpressionAttributeNames: {
          '#status': 'status',
          '#eventTime': 'eventTime',
          '#updatedAt': 'updatedAt',
        },
        ExpressionAttributeValues: {
          ':removed': 'removed',
          ':t': eventTime,
          ':now': deps.now().toISOString(),
        },
      }),
    ),
  );
}

async function pointAddress(
  deps: StoreDeps,
  cid: string,
  contactKey: string,
  pointer: InviteeAddressRow,
  overwrite: boolean,
): Promise<void> {
  await conditionally(
    deps.db.send(
      new PutCommand({
        TableName: deps.table,
        Item: { ...keys.inviteeAddress(cid, contactKey), ...pointer },
        // An invitee's own address wins over someone else's representative pointer, never the reverse.
        ...(overwrite
          ? {}
          : {
              ConditionExpression: 'attribute_not_exists(pk) OR (#via = :rep AND #id = :id)',
              ExpressionAttributeNames: { '#via': 'via', '#id': 'inviteeId' },
              ExpressionAttributeValues: { ':rep': 'representative', ':id': pointer.inviteeId },
            }),
      }),
    ),
  );
}

async function unpointAddress(deps: StoreDeps, cid: string, contactKey: string, inviteeId: string) {
  await conditionally(
    deps.db.send(
      new DeleteCommand({
        TableName: deps.table,
        Key: keys.inviteeAddress(cid, contactKey),
        ConditionExpression: '#id = :id',
        ExpressionAttributeNames: { '#id': 'inviteeId' },
        ExpressionAttributeValues: { ':id': inviteeId },
      }),
    ),
  );
}

/**
 * Records an answer if the invitee is still at `expectedRevision`: the state, the representative
 * and one more history entry, with the revision bumped. False when another answer got in first
 * (the caller reads again and decides).
 */
export async function recordAnswer(
  deps: StoreDeps,
  invitee: InviteeRow,
  entry: RsvpHistoryEntry,
): Promise<boolean> {
  const values: Record<string, unknown> = {
    ':state': entry.state,
    ':at': entry.at,
    ':entry': [entry],
    ':revision': invitee.revision,
    ':next': invitee.revision + 1,
    ':active': 'active',
    ':registered': 'registered',
  };
  let update =
    'SET #rsvp = :state, #rsvpAt = :at, #history = list_append(#history, :entry), #revision = :next';
  if (entry.representative) {
    values[':rep'] = entry.representative;
    update += ', #representative = :rep';
  } else update += ' REMOVE #representative';
  const written = await applied(
    deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.invitee(invitee.conferenceId, invitee.inviteeId),
        UpdateExpression: update,
        // A registration settles the invitation: later clicks on the link record nothing.
        ConditionExpression: '#revision = :revision AND #status = :active AND #rsvp <> :registered',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: values,
      }),
    ),
  );
  if (!written) return false;
  if (entry.representative) {
    await pointAddress(
      deps,
      invitee.conferenceId,
      contactKeyOf(entry.representative.email),
      { inviteeId: invitee.inviteeId, via: 'representative' },
      false,
    );
  }
  return true;
}

/** Moves an invitee to `registered` (once), keeping the history. False when already registered. */
export async function markRegistered(
  deps: StoreDeps,
  invitee: InviteeRow,
  entry: RsvpHistoryEntry,
): Promise<boolean> {
  return applied(
    deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.invitee(invitee.conferenceId, invitee.inviteeId),
        UpdateExpression: 'SET #rsvp = :registered, #rsvpAt = :at, #history = list_append(#history, :entry)',
        ConditionExpression: 'attribute_exists(pk) AND #rsvp <> :registered',
        ExpressionAttributeNames: { '#rsvp': 'rsvp', '#rsvpAt': 'rsvpAt', '#history': 'history' },
        ExpressionAttributeValues: { ':registered': 'registered', ':at': entry.at, ':entry': [entry] },
      }),
    ),
  );
}

/** Records that the outbound event of `revision` was published (never moves backwards). */
export async function markPublished(deps: StoreDeps, invitee: InviteeRow, revision: number): Promise<void> {
  await conditionally(
    deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.invitee(invitee.conferenceId, invitee.inviteeId),
        UpdateExpression: 'SET #p = :r',
        ConditionExpression: 'attribute_not_exists(#p) OR #p < :r',
        ExpressionAttributeNames: { '#p': 'publishedRevision' },
        ExpressionAttributeValues: { ':r': revision },
      }),
    ),
  );
}

/** One page of a conference's invitees, in key order (planning reads these). */
export function pageOfInvitees(
  deps: StoreDeps,
  cid: string,
  cursor: string | undefined,
  pageSize: number,
  until?: string,
): Promise<{ items: InviteeRow[]; next?: string; last?: string }> {
  return pageOf<InviteeRow>(deps, partitions.conference(cid), prefixes.invitee, cursor, pageSize, until);
}

/** Every invitee of a conference (organizer listing; a Query, not a Scan). */
export function listInvitees(deps: StoreDeps, cid: string): Promise<InviteeRow[]> {
  return queryAll<InviteeRow>(deps, inPartition(partitions.conference(cid), prefixes.invitee));
}
