import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionFailed } from '../lib/errors.js';
import { keys, type MailingRow, OPEN_MAILINGS } from './model.js';
import { queryAll, type StoreDeps } from './store.js';

/** Every mailing that is not final (gsi2 `OPEN`, see model.ts): one Query, no Scan. */
export function openMailings(deps: StoreDeps): Promise<MailingRow[]> {
  return queryAll<MailingRow>(deps, {
    IndexName: 'gsi2',
    KeyConditionExpression: 'gsi2pk = :p',
    ExpressionAttributeValues: { ':p': OPEN_MAILINGS },
  });
}

/** Takes a cancelled mailing off the open list once no claim is left; false when it is no longer cancelled. */
export async function closeCancelledMailing(deps: StoreDeps, mid: string): Promise<boolean> {
  try {
    await deps.db.send(
      new UpdateCommand({
        TableName: deps.table,
        Key: keys.mailing(mid),
        UpdateExpression: 'REMOVE gsi2pk, gsi2sk',
        ConditionExpression: '#s = :cancelled',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':cancelled': 'cancelled' },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}
