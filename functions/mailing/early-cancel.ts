/**
 * A cancellation that overtakes its mailing's request.
 *
 * A standard queue does not keep order, and a request that meets a passing fault comes back
 * minutes later: an organizer's `mailing.cancelled`, sent seconds after `mailing.requested`,
 * may be applied first. Rejecting it as "unknown mailing" would let the request then send the
 * whole mailing. Instead the cancellation leaves a marker beside where the mailing will be, and
 * the request, once it has created its mailing, looks for the marker and cancels it at once.
 * Each side writes first and looks second, so whichever comes last sees the other: the mailing
 * ends `cancelled` (with who cancelled it and when) and sends nothing.
 */
import { keys } from '../store/model.js';
import { getItem, putIfAbsent, type StoreDeps, setMailingState } from '../store/store.js';
import { MAILING_MOVES } from '../store/transitions.js';

interface EarlyCancel {
  conferenceId: string;
  cancelledBy: string;
  cancelledAt: string;
}

/** Records a cancellation for a mailing that does not exist yet. */
export async function recordEarlyCancel(
  deps: StoreDeps,
  mailingId: string,
  cancel: EarlyCancel,
): Promise<void> {
  await putIfAbsent(deps, { ...keys.earlyCancel(mailingId), mailingId, ...cancel });
}

/**
 * Cancels a just-created mailing whose cancellation came first; true when it did. Only a
 * cancellation of the same conference counts, and only a mailing not yet sending or done.
 */
export async function applyEarlyCancel(
  deps: StoreDeps,
  mailingId: string,
  conferenceId: string,
): Promise<boolean> {
  const early = await getItem<EarlyCancel>(deps, keys.earlyCancel(mailingId));
  if (!early || early.conferenceId !== conferenceId) return false;
  return setMailingState(deps, mailingId, MAILING_MOVES.cancelEarly, {
    cancelledBy: early.cancelledBy,
    cancelledAt: early.cancelledAt,
    cancelledBeforeRequest: true,
  });
}
