import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys, type MailingRow, OPEN_MAILINGS } from './model.js';
import { applied, oneOf, onIndex, queryAll, type StoreDeps } from './table.js';
import { MAILING_MOVES } from './transitions.js';

/** Every mailing that is not final (gsi2 `OPEN`, see model.ts): one Query, no Scan. */
export function openMailings(deps: StoreDeps): Promise<MailingRow[]> {
  return queryAll<MailingRow>(deps, onIndex('gsi2', OPEN_MAILINGS));
}

/**
 * Takes a cancelled mailing off the open list once no claim is left (the `close` move, which
 * keeps its state); false when it is no longer cancelled.
 */
export function closeCancelledMailing(deps: StoreDeps, mid: string): Promise<boolean> {
  const from = oneOf('#s', MAILING_MOVES.close.from, 'f');
  return applied(
    deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.mailing(mid),
        UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
        ConditionExpression: from.condition,
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: from.values,
      }),
    ),
  );
}
