import type { DeliveryRow } from '../store/model.js';
import { type StoreDeps, transitionDelivery } from '../store/store.js';

/** Marks a delivery whose claim ran out `uncertain` (also used by the clock's sweep). */
export async function expireLease(
  deps: StoreDeps,
  delivery: DeliveryRow & { leaseOwner?: string },
): Promise<boolean> {
  const moved = await transitionDelivery(
    deps,
    delivery.mailingId,
    delivery.contactKey,
    ['sending'],
    'uncertain',
    {
      set: { reason: 'the sender stopped after claiming this delivery; SES may or may not have accepted it' },
      remove: ['leaseUntil', 'leaseOwner'],
      condition: 'leaseOwner = :owner AND leaseUntil < :now_ms',
      values: { ':owner': delivery.leaseOwner ?? '', ':now_ms': deps.now().getTime() },
    },
  );
  return moved !== undefined;
}
