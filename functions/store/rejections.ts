/** Rejected events, recorded with their reason; and the local runner's settable clock. */

import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { keys, lists } from './model.js';
import { expiresAt, getItem, listed, newestFirst, putItem, type StoreDeps } from './table.js';

export interface RejectionRow {
  rejectionId: string;
  eventId?: string;
  type?: string;
  code: string;
  reason: string;
  payloadHead: string;
  /** The whole message, kept so it can be sent again once its cause is fixed. */
  payload?: string;
  /** For a dead letter: the work queue it came from (`intake`, `send`, `feedback`). */
  queue?: string;
  receivedAt: string;
  sqsMessageId?: string;
}

export async function recordRejection(deps: StoreDeps, row: RejectionRow): Promise<void> {
  await putItem(deps, {
    ...keys.rejection(row.rejectionId),
    ...listed(lists.rejections, `${row.receivedAt}#${row.rejectionId}`),
    ...row,
    expiresAt: expiresAt(deps),
  });
}

/** Takes a record back (a last receive that finished after all: its record said it might not). */
export async function deleteRejection(deps: StoreDeps, rejectionId: string): Promise<void> {
  await deps.db.send(new DeleteCommand({ TableName: deps.table, Key: keys.rejection(rejectionId) }));
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
  await putItem(deps, { ...keys.clock(), offsetMs });
}
