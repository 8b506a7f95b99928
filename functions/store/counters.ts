/**
 * Mailing counters moved once per batch instead of once per transition.
 *
 * A delivery's transition is a conditional update of its row; the counter move
 * that follows it is collected here and written, one UpdateItem per mailing,
 * when the batch ends ({@link CounterBatch.flush}). The rows stay the record:
 * an invocation that dies between a transition and the flush leaves the
 * mailing's counters off by at most the deltas it held — at most one per record
 * of its batch (10) per mailing. {@link repairCounters} recounts from the rows
 * and repairs that once the mailing is provably quiet (the clock calls it).
 */

import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  DELIVERY_STATES,
  type DeliveryState,
  type IndexedDeliveryState,
  keys,
  type MailingRow,
  partitions,
  prefixes,
} from './model.js';
import {
  conditionally,
  deliveriesInStateQuery,
  getItem,
  inPartition,
  isThrottled,
  queryPages,
  type StoreDeps,
} from './table.js';

/** Collects counter moves per mailing; {@link flush} writes them. */
export class CounterBatch {
  private readonly deltas = new Map<string, Map<DeliveryState, number>>();

  /** Records that one delivery of `mailingId` moved from counter `from` to counter `to`. */
  add(mailingId: string, from: DeliveryState, to: DeliveryState): void {
    if (from === to) return;
    let m = this.deltas.get(mailingId);
    if (!m) {
      m = new Map();
      this.deltas.set(mailingId, m);
    }
    m.set(from, (m.get(from) ?? 0) - 1);
    m.set(to, (m.get(to) ?? 0) + 1);
  }

  /** Mailings with moves not yet written. */
  get pending(): number {
    return this.deltas.size;
  }

  /** Writes every mailing's moves with one atomic ADD each, and forgets what was written. */
  async flush(deps: StoreDeps): Promise<void> {
    for (const [mailingId, moves] of [...this.deltas]) {
      const nonZero = [...moves].filter(([, n]) => n !== 0);
      if (nonZero.length > 0) await addCounters(deps, mailingId, Object.fromEntries(nonZero));
      this.deltas.delete(mailingId);
    }
  }
}

/**
 * `ADD count_<state> :n` for each state, and stamps when the counters last moved.
 *
 * An ADD is not idempotent, so each flush carries its own token and may not
 * apply where the item already holds it: when the answer to a flush that took
 * effect is lost, the SDK sends it again, and that second attempt fails its
 * condition instead of adding twice. It may also not create the mailing: an
 * ADD on a missing key would make a phantom item of counters alone.
 */
export async function addCounters(
  deps: StoreDeps,
  mailingId: string,
  moves: Partial<Record<DeliveryState, number>>,
): Promise<void> {
  const names: Record<string, string> = { '#moved': 'countersMovedAt', '#flush': LAST_FLUSH };
  const values: Record<string, unknown> = { ':moved': new Date().toISOString(), ':flush': randomUUID() };
  const adds = Object.entries(moves).map(([state, n], i) => {
    names[`#c${i}`] = `count_${state}`;
    values[`:n${i}`] = n;
    return `#c${i} :n${i}`;
  });
  const command = new UpdateCommand({
    TableName: deps.table,
    Key: keys.mailing(mailingId),
    UpdateExpression: `SET #moved = :moved, #flush = :flush ADD ${adds.join(', ')}`,
    ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#flush) OR #flush <> :flush)',
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
  command.middlewareStack.add(attemptOnceUnlessRefused(), { step: 'deserialize', priority: 'high' });
  try {
    // A lost condition: either the mailing does not exist (nothing to count) or this very flush
    // already applied.
    await conditionally(deps.db.send(command));
  } catch (error) {
    if ((error as { name?: string }).name !== COUNTER_MOVE_UNKNOWN) throw error;
    // Our first attempt applied if its token is the last one on the item; otherwise unknown.
    const item = await getItem<Record<string, unknown>>(deps, keys.mailing(mailingId));
    if (item?.[LAST_FLUSH] === values[':flush']) return;
    throw error;
  }
}

/**
 * Lets the SDK resend a counter move only after an attempt the service refused outright
 * (throttling: it did not apply). The token condition alone stops a resend only while no other
 * flush landed in between: move A lands and its answer is lost, move B (another sender's) lands,
 * and A's resend would then add again. After an attempt with no clear answer (a lost answer, a
 * 5xx) the resend is refused; {@link addCounters} then reads whether A's token is the one on the
 * item, and otherwise fails the move as unknown, for the recount to repair from the rows (the
 * sender's mailing is still being swept; feedback asks for one, store/recount.ts).
 */
function attemptOnceUnlessRefused() {
  let ambiguous = false;
  return <I, O>(next: (args: I) => Promise<O>) =>
    async (args: I): Promise<O> => {
      if (ambiguous) {
        const error = new Error('a counter move is not resent: the first attempt may have applied');
        error.name = COUNTER_MOVE_UNKNOWN;
        throw error;
      }
      try {
        return await next(args);
      } catch (error) {
        const e = error as { $metadata?: { httpStatusCode?: number } };
        const refused = e.$metadata?.httpStatusCode === 400 && isThrottled(error);
        if (!refused) ambiguous = true;
        throw error;
      }
    };
}

const COUNTER_MOVE_UNKNOWN = 'CounterMoveUnknown';

/** The attribute a counter flush stamps with its own token (see {@link addCounters}). */
const LAST_FLUSH = 'lastCounterFlush';

/** Counts a mailing's delivery rows in a state gsi2 lists (Select COUNT on the index). */
async function countState(deps: StoreDeps, mailingId: string, state: IndexedDeliveryState): Promise<number> {
  let n = 0;
  for await (const page of queryPages(deps, { ...deliveriesInStateQuery(mailingId, state), Select: 'COUNT' }))
    n += page.Count ?? 0;
  return n;
}

/**
 * Counts a mailing's delivery rows per state: one consistent pass over its partition, reading
 * only the state (gsi2 leaves `sent` and `delivered` out, and an index read may lag the rows).
 */
export async function countRows(deps: StoreDeps, mailingId: string): Promise<Record<DeliveryState, number>> {
  const out = Object.fromEntries(DELIVERY_STATES.map((state) => [state, 0])) as Record<DeliveryState, number>;
  const query = inPartition(partitions.mailing(mailingId), prefixes.delivery);
  for await (const page of queryPages(deps, {
    ...query,
    ProjectionExpression: '#state',
    ExpressionAttributeNames: { '#state': 'state' },
    ConsistentRead: true,
  }))
    for (const item of page.Items ?? []) {
      const state = (item as { state?: DeliveryState }).state;
      if (state !== undefined && state in out) out[state] += 1;
    }
  return out;
}

/** The counters a mailing's rows call for, the stored ones, and whether they agree. */
export async function compareCounters(
  deps: StoreDeps,
  mailing: MailingRow,
): Promise<{
  wanted: Record<DeliveryState, number>;
  current: Record<string, number>;
  total: { wanted: number; current: number };
  agree: boolean;
}> {
  const rows = await countRows(deps, mailing.mailingId);
  // Claimed deliveries are counted as queued (deliveries.ts countedAs).
  const wanted = { ...rows, queued: rows.queued + rows.sending, sending: 0 };
  const current = Object.fromEntries(DELIVERY_STATES.map((s) => [s, Number(mailing[`count_${s}`] ?? 0)]));
  // The total too: a planning page that died after writing rows, before counting them, and was
  // never retried (its mailing cancelled meanwhile) leaves it short of the rows.
  const total = {
    wanted: DELIVERY_STATES.reduce((n, s) => n + rows[s], 0),
    current: Number(mailing.total ?? 0),
  };
  return {
    wanted,
    current,
    total,
    agree: total.current === total.wanted && DELIVERY_STATES.every((s) => current[s] === wanted[s]),
  };
}

type Checked = MailingRow & { countersMovedAt?: string; counterCheck?: { at: number; seen: string } };

/**
 * Repairs a mailing's counters from its rows after a crash lost a flush.
 *
 * A flush can only be outstanding while an invocation that moved rows is still
 * running, so the repair waits for proof that none is: nothing of the mailing
 * is queued or being sent, and two looks at least `quietMs` apart (longer than
 * any function's timeout) find the same counters and the same rows — any
 * invocation alive at the first look would have flushed, and so changed the
 * counters, before the second. Only then are the counters set from the rows,
 * conditionally on them still being as read. Returns the counts written, or
 * undefined when nothing was repaired (yet).
 */
export async function repairCounters(
  deps: StoreDeps,
  mailing: Checked,
  quietMs: number,
  /** The caller's {@link compareCounters} of this same read of the mailing, to spare a second pass. */
  compared?: Awaited<ReturnType<typeof compareCounters>>,
): Promise<Record<DeliveryState, number> | undefined> {
  const inFlight = compared
    ? compared.wanted.queued
    : (await countState(deps, mailing.mailingId, 'queued')) +
      (await countState(deps, mailing.mailingId, 'sending'));
  if (inFlight > 0) return undefined;
  const { wanted, current, total, agree } = compared ?? (await compareCounters(deps, mailing));
  if (agree) return undefined;
  const seen = JSON.stringify({ current, wanted, total, movedAt: mailing.countersMovedAt ?? null });
  const names: Record<string, string> = { '#check': 'counterCheck' };
  // Wall-clock time, not the (locally settable) domain clock: this is about running invocations.
  const now = Date.now();
  if (mailing.counterCheck?.seen !== seen) {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.mailing(mailing.mailingId),
        UpdateExpression: 'SET #check = :check',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':check': { at: now, seen } },
      }),
    );
    return undefined;
  }
  if (now - mailing.counterCheck.at < quietMs) return undefined;
  names['#total'] = 'total';
  const values: Record<string, unknown> = {
    ':moved': new Date(now).toISOString(),
    ':total': total.wanted,
    ':oldTotal': total.current,
  };
  const sets = ['countersMovedAt = :moved', '#total = :total'];
  const conditions: string[] = [
    `(#total = :oldTotal${total.current === 0 ? ' OR attribute_not_exists(#total)' : ''})`,
  ];
  DELIVERY_STATES.forEach((s, i) => {
    names[`#c${i}`] = `count_${s}`;
    values[`:n${i}`] = wanted[s];
    values[`:o${i}`] = current[s];
    sets.push(`#c${i} = :n${i}`);
    conditions.push(`(#c${i} = :o${i}${current[s] === 0 ? ` OR attribute_not_exists(#c${i})` : ''})`);
  });
  const repaired = await conditionally(
    deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.mailing(mailing.mailingId),
        UpdateExpression: `SET ${sets.join(', ')} REMOVE #check`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    ),
  );
  return repaired ? wanted : undefined;
}
