import type { DeliveryRow } from '../store/model.js';
import { type StoreDeps, transitionDelivery } from '../store/store.js';
import { DELIVERY_MOVES } from '../store/transitions.js';

/** The sender's and the clock's metrics (EMF in Lambda). */
export type SenderMetric = 'Sent' | 'Failed' | 'Throttled' | 'Uncertain' | 'Suppressed' | 'Retried';
export type CountMetric = (metric: SenderMetric) => void;

/**
 * The one way a delivery becomes `uncertain`, and the one place that counts it
 * (the `Uncertain` alarm watches that metric): the claim's holder got no answer
 * from SES, or the claim ran out because its holder died (seen by another
 * sender or by the clock's sweep). Only the claim named by `owner` moves, and
 * with `expired` only once its lease has run out; the metric follows only a
 * transition that won, so a race between sweepers counts once.
 */
export async function markUncertain(
  deps: StoreDeps & { count?: CountMetric | undefined },
  delivery: Pick<DeliveryRow, 'mailingId' | 'contactKey'>,
  claim: { owner: string; reason: string; expired?: boolean },
): Promise<boolean> {
  const moved = await transitionDelivery(
    deps,
    delivery.mailingId,
    delivery.contactKey,
    DELIVERY_MOVES.markUncertain,
    {
      set: { reason: claim.reason },
      remove: ['leaseUntil', 'leaseOwner'],
      condition: claim.expired ? 'leaseOwner = :owner AND leaseUntil < :now_ms' : 'leaseOwner = :owner',
      values: claim.expired
        ? { ':owner': claim.owner, ':now_ms': deps.now().getTime() }
        : { ':owner': claim.owner },
    },
  );
  if (moved) deps.count?.('Uncertain');
  return moved !== undefined;
}

/** Marks a delivery whose claim ran out `uncertain` (the sender that finds it, and the clock's sweep). */
export function expireLease(
  deps: StoreDeps & { count?: CountMetric | undefined },
  delivery: DeliveryRow & { leaseOwner?: string },
): Promise<boolean> {
  return markUncertain(deps, delivery, {
    owner: delivery.leaseOwner ?? '',
    expired: true,
    reason: 'the sender stopped after claiming this delivery; SES may or may not have accepted it',
  });
}

/**
 * Set on a claimed delivery by the sender's last write before it calls SES. A
 * claim that runs out without it died before SES was called: nothing can have
 * been sent, so the delivery goes back to `queued`, never to `uncertain`.
 */
export const SUBMITTING = 'submitting';

/**
 * Puts a delivery whose claim ran out before its sender reached SES back to
 * `queued` (the caller sends a job for it). False when the claim is live, was
 * given back or moved on, or got as far as SES — then {@link expireLease} decides.
 */
export async function reclaimUnsent(
  deps: StoreDeps,
  delivery: DeliveryRow & { leaseOwner?: string; [SUBMITTING]?: boolean },
): Promise<boolean> {
  if (delivery[SUBMITTING]) return false;
  const moved = await transitionDelivery(
    deps,
    delivery.mailingId,
    delivery.contactKey,
    DELIVERY_MOVES.reclaimUnsent,
    {
      remove: ['leaseUntil', 'leaseOwner'],
      condition: `leaseOwner = :owner AND leaseUntil < :now_ms AND attribute_not_exists(${SUBMITTING})`,
      values: { ':owner': delivery.leaseOwner ?? '', ':now_ms': deps.now().getTime() },
    },
  );
  return moved !== undefined;
}
