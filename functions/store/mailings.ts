/** Mailing rows: creation, the state moves of transitions.ts, the planning cursor, the scheduled list. */
import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  DELIVERY_STATES,
  keys,
  lists,
  type MailingRow,
  mailingStateIndex,
  SCHEDULED_MAILINGS,
} from './model.js';
import { RECOUNT_DUE } from './recount.js';
import type { StoreDeps } from './table.js';
import {
  applied,
  conditionally,
  getItem,
  LAST_WRITE,
  listed,
  newestFirst,
  oneOf,
  ownWrite,
  putIfAbsent,
  putItem,
  queryAll,
} from './table.js';
import type { MailingMove } from './transitions.js';

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
    ...listed(lists.mailingsOf(row.conferenceId), `${createdAt}#${row.mailingId}`),
    ...mailingStateIndex(row.mailingId, row.state, row.sendAt),
    ...zeroCounters,
    count_queued: planned,
    total: planned,
    createdAt,
    ...row,
  });
}

export const getMailing = (deps: StoreDeps, mid: string) => getItem<MailingRow>(deps, keys.mailing(mid));

/**
 * Writes a mailing's prepared organizer text (render/prepared.ts) before its row: a sender that
 * sees the mailing finds it. Its own item, not an attribute of the row: the row is copied to gsi1
 * on every counter write, and the text has its own 400 KB.
 */
export function putPreparedText(deps: StoreDeps, mid: string, packed: Uint8Array): Promise<unknown> {
  // Kept as long as its mailing row (neither expires): a resend months later renders from it.
  return putItem(deps, { ...keys.preparedText(mid), packed });
}

/** A mailing's prepared organizer text, or undefined. */
export async function getPreparedText(deps: StoreDeps, mid: string): Promise<Uint8Array | undefined> {
  return (await getItem<{ packed?: Uint8Array }>(deps, keys.preparedText(mid)))?.packed;
}

/**
 * Makes a mailing move (transitions.ts) if the mailing is in one of the move's from-states;
 * false otherwise. `extra` attributes are set with it.
 */
export function setMailingState(
  deps: StoreDeps,
  mid: string,
  move: Pick<MailingMove, 'from' | 'to'>,
  extra: Record<string, unknown> = {},
): Promise<boolean> {
  const { to } = move;
  const from = oneOf('#s', move.from, 'f');
  const names: Record<string, string> = { '#s': 'state' };
  const values: Record<string, unknown> = { ':to': to, ...from.values };
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
  const leaves = to !== 'scheduled' && !index;
  // A mailing does not leave the open list while a recount is due (store/recount.ts): one asked
  // for between the clock's read and this write would be left unanswered for ever.
  if (leaves) names['#due'] = RECOUNT_DUE;
  return applied(
    deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.mailing(mid),
        UpdateExpression: `SET ${sets.join(', ')}${leaves ? ' REMOVE gsi2pk, gsi2sk' : ''}`,
        ConditionExpression: leaves ? `(${from.condition}) AND attribute_not_exists(#due)` : from.condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
}

/** The attributes that put a mailing on the scheduled list at `sendAt` (for {@link setMailingState}'s `extra`). */
export function scheduledAt(mid: string, sendAt: string): Record<string, unknown> {
  return { ...mailingStateIndex(mid, 'scheduled', sendAt) };
}

/**
 * A write to a mailing's plan, applied only while the plan is where this planner found it (same
 * phase, same page); a lost answer that the SDK resends is recognised by its own stamp.
 */
async function whilePlanAt(
  deps: StoreDeps,
  mid: string,
  expected: MailingRow['plan'],
  write: {
    update: string;
    condition?: string;
    names?: Record<string, string>;
    values: Record<string, unknown>;
  },
): Promise<boolean> {
  const stamp = randomUUID();
  const done = await conditionally(
    deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.mailing(mid),
        UpdateExpression: `SET #write = :write, ${write.update}`,
        ConditionExpression: `#plan.#phase = :phase AND #plan.#pages = :pages${write.condition ? ` AND ${write.condition}` : ''}`,
        ExpressionAttributeNames: {
          '#plan': 'plan',
          '#phase': 'phase',
          '#pages': 'pages',
          '#write': LAST_WRITE,
          ...write.names,
        },
        ExpressionAttributeValues: {
          ':phase': expected.phase,
          ':pages': expected.pages,
          ':write': stamp,
          ...write.values,
        },
      }),
    ),
  );
  if (done) return true;
  return (await ownWrite(deps, keys.mailing(mid), stamp)) !== undefined;
}

/** Advances the planning cursor if it is still where this planner found it (a crash-resumed page cannot double-count). */
export function advancePlan(
  deps: StoreDeps,
  mid: string,
  expected: MailingRow['plan'],
  next: MailingRow['plan'],
  created: number,
  /** The page's lease holder, when the planner took the page's lease: it must hold it still. */
  owner?: string,
): Promise<boolean> {
  return whilePlanAt(deps, mid, expected, {
    update: '#plan = :next ADD #total :n, #queued :n',
    names: {
      '#total': 'total',
      '#queued': 'count_queued',
      ...(owner ? { '#page': 'page', '#owner': 'owner' } : {}),
    },
    values: { ':next': next, ':n': created, ...(owner ? { ':owner': owner } : {}) },
    ...(owner ? { condition: '#plan.#page.#owner = :owner' } : {}),
  });
}

/**
 * Fixes the page a planner has read (`plan.page`) before it writes any delivery of it, unless the
 * plan moved on or another planner fixed the page first (then false: read the mailing again).
 */
export function fixPlanPage(
  deps: StoreDeps,
  mid: string,
  expected: MailingRow['plan'],
  page: NonNullable<MailingRow['plan']['page']>,
): Promise<boolean> {
  return whilePlanAt(deps, mid, expected, {
    update: '#plan.#page = :page',
    condition: 'attribute_not_exists(#plan.#page)',
    names: { '#page': 'page' },
    values: { ':page': page },
  });
}

/**
 * Takes over the lease of the page a planner found fixed (a retry, or a duplicate continuation)
 * once it has run out: false while another planner holds it, or when the plan moved on.
 */
export function takeOverPlanPage(
  deps: StoreDeps,
  mid: string,
  expected: MailingRow['plan'],
  lease: { owner: string; leaseUntil: number },
): Promise<boolean> {
  return whilePlanAt(deps, mid, expected, {
    update: '#plan.#page.#owner = :owner, #plan.#page.#until = :until',
    condition:
      'attribute_exists(#plan.#page) AND (attribute_not_exists(#plan.#page.#until) OR #plan.#page.#until < :now)',
    names: { '#page': 'page', '#owner': 'owner', '#until': 'leaseUntil' },
    values: { ':owner': lease.owner, ':until': lease.leaseUntil, ':now': deps.now().getTime() },
  });
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
  return newestFirst<MailingRow>(deps, lists.mailingsOf(cid));
}

/** Mailings whose sendAt has come (they are indexed only while scheduled). */
export async function dueScheduledMailings(deps: StoreDeps, now: Date): Promise<{ mailingId: string }[]> {
  return queryAll<{ mailingId: string }>(deps, {
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :p AND gsi2sk <= :now',
    ExpressionAttributeValues: { ':p': SCHEDULED_MAILINGS, ':now': now.toISOString() },
  });
}
