/**
 * A delivery's history: every state it passed through, with the time, kept on the delivery row
 * as a `history` list that the state transition appends to in the same conditional update
 * (`transitionDelivery`, store.ts), so an entry exists exactly when the move happened.
 *
 * Bounded: one entry per change of state — a move that keeps the state (sending → sending)
 * adds none — and a delivery changes state a few times per attempt, attempts being capped; an
 * organizer's resend adds one. Rows written before this existed have no list: the reader starts
 * from `createdAt` and the last change it knows.
 */
import type { DeliveryRow, DeliveryState } from './model.js';

/** One state a delivery entered. */
export interface DeliveryHistoryEntry {
  state: DeliveryState;
  at: string;
  /** Why, when the move says (a failure, a bounce, a cancellation). */
  reason?: string;
  /** Who moved it, when a person did (a resend). */
  by?: string;
  sesMessageId?: string;
}

export type DeliveryWithHistory = DeliveryRow & {
  history?: DeliveryHistoryEntry[];
  resentBy?: string;
  resentFrom?: string;
};

/**
 * The update clause that appends this move to the row's history, with its placeholders; none for
 * a move that stays in its state (a mark, not a change).
 */
export function historyAppend(
  from: readonly DeliveryState[],
  to: DeliveryState,
  at: string,
  set: Record<string, unknown> = {},
): { clause: string; names: Record<string, string>; values: Record<string, unknown> } | undefined {
  if (from.length === 1 && from[0] === to) return undefined;
  const entry: DeliveryHistoryEntry = { state: to, at };
  if (typeof set.reason === 'string') entry.reason = set.reason;
  if (typeof set.resentBy === 'string') entry.by = set.resentBy;
  if (typeof set.sesMessageId === 'string') entry.sesMessageId = set.sesMessageId;
  return {
    clause: '#history = list_append(if_not_exists(#history, :noHistory), :historyEntry)',
    names: { '#history': 'history' },
    values: { ':noHistory': [], ':historyEntry': [entry] },
  };
}

/**
 * The states a delivery passed through, oldest first: its planning as `queued` at `createdAt`,
 * then what the row recorded; a row from before the history was kept gets its last known state.
 */
export function deliveryHistory(row: DeliveryWithHistory): DeliveryHistoryEntry[] {
  const first: DeliveryHistoryEntry = { state: 'queued', at: row.createdAt };
  const recorded = row.history ?? [];
  if (recorded.length > 0) return [first, ...recorded];
  if (row.state === 'queued' && row.updatedAt === row.createdAt) return [first];
  const last: DeliveryHistoryEntry = { state: row.state, at: row.updatedAt };
  if (row.reason) last.reason = row.reason;
  if (row.sesMessageId) last.sesMessageId = row.sesMessageId;
  if (row.resentBy) last.by = row.resentBy;
  return [first, last];
}
