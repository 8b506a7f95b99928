import { randomUUID } from 'node:crypto';
import type { DeliveryRow, DeliveryState, MailingRow } from '../store/model.js';
import { DELIVERY_STATES } from '../store/model.js';
import { getMailing, listDeliveries, type StoreDeps, setMailingState } from '../store/store.js';
import { MAILING_MOVES } from '../store/transitions.js';
import { continueLater, type PipelineDeps } from './plan.js';

/** A mailing's progress as an organizer reads it. */
export interface MailingProgress {
  mailingId: string;
  conferenceId: string;
  kind: MailingRow['kind'];
  state: MailingRow['state'];
  total: number;
  counts: Record<DeliveryState, number>;
  /** Deliveries that reached a final state (anything but queued, sending, delayed). Claimed deliveries count as queued. */
  settled: number;
  /** True when planning is over and no delivery is queued or being sent. */
  complete: boolean;
  requestedBy: string;
  createdAt: string;
  sendAt?: string;
  pausedReason?: string;
  preview?: MailingRow['preview'];
}

/** Progress of a mailing from its atomically updated counters; undefined for an unknown id. */
export async function mailingProgress(
  deps: StoreDeps,
  mailingId: string,
): Promise<MailingProgress | undefined> {
  const m = await getMailing(deps, mailingId);
  if (!m) return undefined;
  const counts = Object.fromEntries(
    DELIVERY_STATES.map((s) => [s, Math.max(0, Number(m[`count_${s}`] ?? 0))]),
  ) as Record<DeliveryState, number>;
  const inFlight = counts.queued + counts.sending;
  // A mailing is complete only once planned: until then, however empty its counters look.
  const planned = m.plan.phase === 'done';
  return {
    mailingId: m.mailingId,
    conferenceId: m.conferenceId,
    kind: m.kind,
    state: m.state,
    total: m.total,
    counts,
    settled: m.total - inFlight - counts.delayed,
    complete: (planned && inFlight === 0) || m.state === 'cancelled' || m.state === 'dry-run',
    requestedBy: m.requestedBy,
    createdAt: m.createdAt,
    ...(m.sendAt ? { sendAt: m.sendAt } : {}),
    ...(m.state === 'paused' && m.pausedReason ? { pausedReason: m.pausedReason } : {}),
    ...(m.preview ? { preview: m.preview } : {}),
  };
}

/** Deliveries of a mailing, optionally in one state. */
export function deliveriesOf(
  deps: StoreDeps,
  mailingId: string,
  state?: DeliveryState,
): Promise<DeliveryRow[]> {
  return listDeliveries(deps, mailingId, state);
}

/**
 * Resends failed or uncertain deliveries: an organizer's explicit decision
 * (an uncertain delivery may already have arrived). Runs in pages on the intake
 * queue; returns at once.
 */
export async function resendDeliveries(
  deps: PipelineDeps,
  mailingId: string,
  states: ('failed' | 'uncertain')[],
  requestedBy: string,
): Promise<void> {
  // A complete mailing goes back to `sending` first, so the clock watches it again: it completes
  // once the resent deliveries are done, and re-enqueues any whose job a crash lost between
  // their move to `queued` and the enqueue (clock/sweep.ts).
  await setMailingState(deps, mailingId, MAILING_MOVES.reopen, { resentAt: deps.now().toISOString() });
  await continueLater(deps, { mailingId, op: 'requeue', states, requestedBy, resendId: randomUUID() });
}

/**
 * Resumes a paused mailing (`mailing resume`): it goes back to planning where
 * planning had not finished — the next page starts at the stored cursor — and
 * to sending otherwise, and every delivery still queued is put on the send
 * queue again, a page per intake message. Jobs held while the mailing was
 * paused come back on their own too; whichever copy comes first claims the
 * delivery, once. Returns the state it resumed to, or undefined when the
 * mailing was not paused.
 */
export async function resumeMailing(
  deps: PipelineDeps,
  mailingId: string,
  requestedBy: string,
): Promise<'planning' | 'sending' | undefined> {
  const mailing = await getMailing(deps, mailingId);
  if (mailing?.state !== 'paused') return undefined;
  const planned = mailing.plan.phase === 'done' || mailing.plan.phase === 'explicit';
  const move = planned ? MAILING_MOVES.resumeSending : MAILING_MOVES.resumePlanning;
  const to = planned ? 'sending' : 'planning';
  const resumed = await setMailingState(deps, mailingId, move, {
    resumedBy: requestedBy,
    resumedAt: deps.now().toISOString(),
  });
  if (!resumed) return undefined;
  if (to === 'planning') await continueLater(deps, { mailingId, op: 'plan' });
  await continueLater(deps, { mailingId, op: 'requeue', states: ['queued'], requestedBy });
  return to;
}
