import { randomUUID } from 'node:crypto';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from './model.js';
import { applied, conditionally, expiresAt, getItem, type StoreDeps } from './table.js';

/**
 * Processed-event markers as claims (`EVENT#<id>` / `EVENT`, see model.ts). An
 * intake claims an event id *before* applying it, with a conditional put of an
 * `in-progress` marker that carries a lease, and marks it `done` after:
 *
 * - a concurrent copy (same id in the same batch, or a redelivery while the
 *   first is still running) finds a live claim and backs off — it comes back
 *   later as a delayed copy of itself (intake/process.ts), when the event is done;
 * - a holder that crashed mid-effect leaves a claim that lapses: a redelivery
 *   after the lease takes it over and applies the (idempotent) effect again.
 *
 * Markers written before claims existed have no `status` and count as done.
 */
export type EventClaim =
  | { claimed: true; owner: string }
  | { claimed: false; done: true }
  /** Someone else holds a live claim until `leaseUntil` (epoch ms). */
  | { claimed: false; done: false; leaseUntil: number };

interface MarkerRow {
  status?: 'in-progress' | 'done';
  leaseUntil?: number;
  owner?: string;
}

export const isDone = (marker: MarkerRow | Record<string, unknown> | undefined): boolean =>
  marker !== undefined && marker.status !== 'in-progress';

/** Claims an event id for `leaseMs`; see the module comment for what the answer means. */
export async function claimEvent(
  deps: StoreDeps,
  eventId: string,
  type: string,
  leaseMs: number,
): Promise<EventClaim> {
  const owner = randomUUID();
  const now = deps.now().getTime();
  const claimed = await ownClaim(
    deps,
    eventId,
    owner,
    applied(
      deps.db.send(
        new PutCommand({
          TableName: deps.table,
          Item: {
            ...keys.event(eventId),
            type,
            status: 'in-progress',
            owner,
            leaseUntil: now + leaseMs,
            claimedAt: deps.now().toISOString(),
            expiresAt: expiresAt(deps),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :inProgress AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':inProgress': 'in-progress', ':now': now },
        }),
      ),
    ),
  );
  if (claimed) return { claimed: true, owner };
  const marker = await getItem<MarkerRow>(deps, keys.event(eventId));
  // The SDK resent a put whose answer was lost, and the resend lost its condition to the first
  // attempt, which had taken effect: the claim is ours.
  if (marker?.status === 'in-progress' && marker.owner === owner) return { claimed: true, owner };
  if (isDone(marker)) return { claimed: false, done: true };
  // Gone meanwhile (released after a failure): it can be claimed now.
  return { claimed: false, done: false, leaseUntil: marker?.leaseUntil ?? now };
}

/**
 * The claim's answer, or — when the answer was lost (the put may have taken effect, the
 * response never came) — whether the marker now names this claim's owner: then the claim is
 * ours, and the event is applied now instead of after the lease lapsed.
 */
async function ownClaim(
  deps: StoreDeps,
  eventId: string,
  owner: string,
  claim: Promise<boolean>,
): Promise<boolean> {
  try {
    return await claim;
  } catch (error) {
    const marker = await getItem<MarkerRow>(deps, keys.event(eventId)).catch(() => undefined);
    if (marker?.status === 'in-progress' && marker.owner === owner) return true;
    throw error;
  }
}

/** Marks a claimed event applied. A claim taken over meanwhile is marked done all the same: both applied it. */
export async function finishEvent(deps: StoreDeps, eventId: string, owner: string): Promise<void> {
  await deps.db.send(
    new UpdateCommand({
      TableName: deps.table,
      Key: keys.event(eventId),
      UpdateExpression: 'SET #status = :done, processedAt = :at, finishedBy = :owner REMOVE leaseUntil',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':done': 'done', ':at': deps.now().toISOString(), ':owner': owner },
    }),
  );
}

/**
 * Gives a claim back (the effect failed with a passing fault, or the event was
 * rejected), so a retry need not wait for the lease. Only the holder's own claim goes.
 */
export async function releaseEvent(deps: StoreDeps, eventId: string, owner: string): Promise<void> {
  await conditionally(
    deps.db.send(
      new DeleteCommand({
        TableName: deps.table,
        Key: keys.event(eventId),
        ConditionExpression: '#status = :inProgress AND #owner = :owner',
        ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
        ExpressionAttributeValues: { ':inProgress': 'in-progress', ':owner': owner },
      }),
    ),
  );
}

/** True when the event took effect (a claim still in progress does not count). */
export async function wasProcessed(deps: StoreDeps, eventId: string): Promise<boolean> {
  return isDone(await getItem<MarkerRow>(deps, keys.event(eventId)));
}
