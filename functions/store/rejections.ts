/** Rejected events, recorded with their reason; and the local runner's settable clock. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys, lists } from './model.js';
import { expiresAt, getItem, newestFirst, type StoreDeps } from './table.js';

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
        ...keys.rejection(row.rejectionId),
        gsi1pk: lists.rejections,
        gsi1sk: `${row.receivedAt}#${row.rejectionId}`,
        ...row,
        expiresAt: expiresAt(deps),
      },
    }),
  );
}

export function listRejections(deps: StoreDeps, limit = 100): Promise<RejectionRow[]> {
  return newestFirst<RejectionRow>(deps, lists.rejections, limit);
}

/** Local only: the settable clock's offset from real time. */
export async function clockOffsetMs(deps: Pick<StoreDeps, 'db' | 'table'>): Promise<number> {
  const item = await getItem<{ offsetMs?: number }>(deps, keys.clock(), false);
  return Number(item?.offsetMs ?? 0);
}

export async function setClockOffset(deps: Pick<StoreDeps, 'db' | 'table'>, offsetMs: number): Promise<void> {
  await deps.db.send(new PutCommand({ TableName: deps.table, Item: { ...keys.clock(), offsetMs } }));
}
