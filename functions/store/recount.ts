/**
 * Recounts asked for where a counter move may have been lost after the sweep stopped looking.
 *
 * Counters move once per batch (store/counters.ts). The clock repairs a `sending` mailing whose
 * counters disagree with its rows, but feedback (Delivery, Bounce, Complaint) keeps moving rows
 * of a mailing that is already `complete` and off the open list. A feedback invocation that died
 * between moving a row and writing the counters, or whose counter write failed, leaves those
 * counters short; its records come back, find their rows already moved, and cannot tell whether
 * the counters moved with them. Such a record asks for a recount: the mailing is stamped
 * `recountDue` and put back on the open list, the clock recounts it from its rows (after the
 * quiet period when they disagree) and takes it off again once they agree.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys, type MailingRow, OPEN_MAILINGS } from './model.js';
import { applied, conditionally, type StoreDeps } from './table.js';

/** The attribute that asks the clock for a recount (an ISO time: when it was asked). */
export const RECOUNT_DUE = 'recountDue';

export type RecountFlag = { [RECOUNT_DUE]?: string };

/** Asks the clock to recount a mailing from its rows; nothing when the mailing does not exist. */
export async function requestRecount(deps: StoreDeps, mailingId: string): Promise<void> {
  await conditionally(
    deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.mailing(mailingId),
        UpdateExpression: 'SET #due = :now, gsi2pk = :open, gsi2sk = :mid',
        // A scheduled mailing is indexed by its send time, and has no rows to recount anyway.
        ConditionExpression: 'attribute_exists(pk) AND #state <> :scheduled',
        ExpressionAttributeNames: { '#due': RECOUNT_DUE, '#state': 'state' },
        ExpressionAttributeValues: {
          ':now': deps.now().toISOString(),
          ':open': OPEN_MAILINGS,
          ':mid': mailingId,
          ':scheduled': 'scheduled',
        },
      }),
    ),
  );
}

/**
 * Clears the request once the counters agree with the rows, unless it was asked again since
 * (`due` is the stamp the clock read). A final mailing leaves the open list with it.
 */
export async function clearRecount(deps: StoreDeps, mailing: MailingRow & RecountFlag): Promise<boolean> {
  const leave = mailing.state === 'complete' || mailing.state === 'dry-run';
  return applied(
    deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.mailing(mailing.mailingId),
        UpdateExpression: `REMOVE #due${leave ? ', gsi2pk, gsi2sk' : ''}`,
        ConditionExpression: '#due = :due AND #state = :state',
        ExpressionAttributeNames: { '#due': RECOUNT_DUE, '#state': 'state' },
        ExpressionAttributeValues: { ':due': mailing[RECOUNT_DUE], ':state': mailing.state },
      }),
    ),
  );
}
