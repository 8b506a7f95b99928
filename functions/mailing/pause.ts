/**
 * An organizer's pause (`mailing pause`, the console's Pause button): the mailing stops where it
 * is and waits to be resumed (`resumeMailing`, operations.ts) or cancelled. Nothing is lost:
 * planning skips its pages while paused and resume carries on from the stored cursor; senders
 * hold the jobs of a paused mailing, deliveries stay queued, and resume puts them on the send
 * queue again. A sender reads its mailing through a 10 s cache (functions/sender.ts), so sends
 * already under way may go on for up to that long; none is lost or duplicated by the pause.
 */
import { type StoreDeps, setMailingState } from '../store/store.js';
import { MAILING_MOVES } from '../store/transitions.js';

/** States an organizer may pause: the mailing is being planned or sent (the `organizerPause` move). */
export const PAUSABLE_STATES = MAILING_MOVES.organizerPause.from;

/**
 * Pauses a planning or sending mailing, recording who paused it and why; false when it was in
 * another state (not started, already paused, cancelled, a dry run).
 */
export function pauseMailing(deps: StoreDeps, mailingId: string, requestedBy: string): Promise<boolean> {
  return setMailingState(deps, mailingId, MAILING_MOVES.organizerPause, {
    pausedReason: `paused by ${requestedBy}`,
    pausedBy: requestedBy,
    pausedAt: deps.now().toISOString(),
  });
}
