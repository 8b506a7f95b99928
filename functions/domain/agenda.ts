/**
 * Pure agenda logic: what changed between two agendas, who must be told, and how `agenda.changed`
 * events merge into the stored agenda so that out-of-order delivery converges.
 */
import type { LocalizedText, PlaceText, Session, SessionStatus } from '../events/schemas.js';
import { instantOf } from '../events/schemas.js';

export type { Session };

interface SessionFieldValues {
  start: string;
  end: string;
  status: SessionStatus;
  room: PlaceText;
  title: LocalizedText;
  speakers: PlaceText[];
  plenary: boolean;
}

/** A session field whose change is reported. */
export type SessionField = keyof SessionFieldValues;

/** One field of one session, before and after. */
export type FieldChange = {
  [K in SessionField]: {
    readonly field: K;
    readonly before: SessionFieldValues[K];
    readonly after: SessionFieldValues[K];
  };
}[SessionField];

/** What happened to one session between two agendas. */
export type SessionChange =
  | { readonly kind: 'added'; readonly sessionId: string; readonly after: Session }
  | { readonly kind: 'removed'; readonly sessionId: string; readonly before: Session }
  | {
      readonly kind: 'updated';
      readonly sessionId: string;
      readonly before: Session;
      readonly after: Session;
      /** Never empty; in the order start, end, status, room, title, speakers, plenary. */
      readonly fields: readonly FieldChange[];
    };

/** The registration facts {@link affectedRegistrants} needs. */
export interface RegistrantRef {
  /** See `NormalizedEmail.contactKey`: one per person per conference. */
  readonly contactKey: string;
  /** Session ids the person registered for. */
  readonly sessions: readonly string[];
  /** `'cancelled'` excludes the registration; any other value counts as active. */
  readonly status: string;
}

function sameInstant(a: string, b: string): boolean {
  // `2022-10-18T09:00+05:00` and `2022-10-18T04:00:00Z` are the same moment: not a change to notify.
  const x = instantOf(a);
  const y = instantOf(b);
  return x !== undefined && y !== undefined ? x === y : a === b;
}

function sameText(a: LocalizedText, b: LocalizedText): boolean {
  const keysA = Object.keys(a).filter((k) => a[k] !== undefined);
  const keysB = Object.keys(b).filter((k) => b[k] !== undefined);
  return keysA.length === keysB.length && keysA.every((k) => a[k] === b[k]);
}

/** A comparable key of place text: "Hall A" and {en: "Hall A"} say the same thing. */
function placeKey(place: PlaceText): string {
  const text: Record<string, string | undefined> = typeof place === 'string' ? { en: place } : place;
  return JSON.stringify(
    Object.keys(text)
      .filter((k) => text[k] !== undefined)
      .sort()
      .map((k) => [k, text[k]]),
  );
}

function sameSpeakers(a: readonly PlaceText[], b: readonly PlaceText[]): boolean {
  // Order-insensitive: producers re-sort speaker lists freely (by rank, by name), and a reordering
  // alone is not worth a notice to every registrant of the session.
  if (a.length !== b.length) return false;
  const x = a.map(placeKey).sort();
  const y = b.map(placeKey).sort();
  return x.every((name, i) => name === y[i]);
}

function fieldChanges(before: Session, after: Session): FieldChange[] {
  const fields: FieldChange[] = [];
  if (!sameInstant(before.start, after.start))
    fields.push({ field: 'start', before: before.start, after: after.start });
  if (!sameInstant(before.end, after.end))
    fields.push({ field: 'end', before: before.end, after: after.end });
  if (before.status !== after.status)
    fields.push({ field: 'status', before: before.status, after: after.status });
  if (placeKey(before.room) !== placeKey(after.room))
    fields.push({ field: 'room', before: before.room, after: after.room });
  if (!sameText(before.title, after.title))
    fields.push({ field: 'title', before: before.title, after: after.title });
  if (!sameSpeakers(before.speakers, after.speakers)) {
    fields.push({ field: 'speakers', before: before.speakers, after: after.speakers });
  }
  if (before.plenary !== after.plenary)
    fields.push({ field: 'plenary', before: before.plenary, after: after.plenary });
  return fields;
}

function sessionOf(change: SessionChange): Session {
  return change.kind === 'removed' ? change.before : change.after;
}

function chronological(a: Session, b: Session): number {
  const byTime = (instantOf(a.start) ?? 0) - (instantOf(b.start) ?? 0);
  if (byTime !== 0) return byTime;
  return a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0;
}

/**
 * Per-session differences between two agendas, in chronological order (by the session's start,
 * then id), so a notice can list them as they would happen.
 *
 * Compared: start and end as instants (a mere change of offset notation is not a change), status,
 * room, title (every language), speakers (as a set, see above) and the plenary flag (it changes
 * who is concerned). A session only in `next` is `added`; only in `previous`, `removed` — which
 * {@link mergeAgenda} never produces, since `agenda.changed` upserts; producers drop a session by
 * setting its status to `cancelled`.
 */
export function diffAgenda(previous: readonly Session[], next: readonly Session[]): SessionChange[] {
  const before = new Map(previous.map((s) => [s.sessionId, s]));
  const after = new Map(next.map((s) => [s.sessionId, s]));
  const changes: SessionChange[] = [];
  for (const [sessionId, session] of after) {
    const old = before.get(sessionId);
    if (old === undefined) {
      changes.push({ kind: 'added', sessionId, after: session });
      continue;
    }
    const fields = fieldChanges(old, session);
    if (fields.length > 0) changes.push({ kind: 'updated', sessionId, before: old, after: session, fields });
  }
  for (const [sessionId, session] of before) {
    if (!after.has(sessionId)) changes.push({ kind: 'removed', sessionId, before: session });
  }
  return changes.sort((a, b) => chronological(sessionOf(a), sessionOf(b)));
}

type Reach = 'nobody' | 'registrants' | 'everyone';

function reachOf(change: SessionChange): Reach {
  switch (change.kind) {
    case 'added':
      // A session that appears already cancelled was never in anyone's calendar.
      if (change.after.status === 'cancelled') return 'nobody';
      return change.after.plenary ? 'everyone' : 'registrants';
    case 'removed':
      if (change.before.status === 'cancelled') return 'nobody';
      return change.before.plenary ? 'everyone' : 'registrants';
    case 'updated':
      // Edits to a session that was and stays cancelled concern no one's plans.
      if (change.before.status === 'cancelled' && change.after.status === 'cancelled') return 'nobody';
      // Plenary before or after: everyone was expected, or now is.
      return change.before.plenary || change.after.plenary ? 'everyone' : 'registrants';
  }
}

/**
 * Who must hear about which changes: each person registered to a changed session, and everyone for
 * a plenary session, gets every change that concerns them, in the order of `changes`, once.
 * Cancelled registrations are left out; so are people no change concerns (they are not keys).
 * Several registrations with the same contact key are one person (the product rule).
 */
export function affectedRegistrants(
  changes: readonly SessionChange[],
  registrants: readonly RegistrantRef[],
): Map<string, SessionChange[]> {
  const reach = changes.map(reachOf);
  const concerned = new Map<string, Set<number>>();
  for (const registrant of registrants) {
    if (registrant.status === 'cancelled') continue;
    const sessions = new Set(registrant.sessions);
    changes.forEach((change, index) => {
      const r = reach[index];
      if (r === 'everyone' || (r === 'registrants' && sessions.has(change.sessionId))) {
        let indices = concerned.get(registrant.contactKey);
        if (indices === undefined) {
          indices = new Set();
          concerned.set(registrant.contactKey, indices);
        }
        indices.add(index);
      }
    });
  }
  const result = new Map<string, SessionChange[]>();
  for (const [contactKey, indices] of concerned) {
    result.set(
      contactKey,
      [...indices].sort((a, b) => a - b).map((i) => changes[i] as SessionChange),
    );
  }
  return result;
}

/** A stored session with the `agenda.changed` version that last wrote it. */
export type VersionedSession = Session & { readonly version: number };

/** The stored agenda of one conference. */
export interface StoredAgenda {
  /** Highest `agenda.changed` version seen; 0 before the first. */
  readonly version: number;
  /** In chronological order (start, then id). */
  readonly sessions: readonly VersionedSession[];
}

/** The agenda of a conference before any `agenda.changed`. */
export const EMPTY_AGENDA: StoredAgenda = { version: 0, sessions: [] };

/** Outcome of {@link mergeAgenda}. */
export interface AgendaMerge {
  readonly agenda: StoredAgenda;
  /** What changed for people ({@link diffAgenda} of the stored and merged sessions). */
  readonly changes: SessionChange[];
  /** Ids of incoming sessions ignored because the stored copy came from a newer version. */
  readonly stale: string[];
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function withoutVersion(session: VersionedSession): Session {
  const { version: _version, ...rest } = session;
  return rest;
}

/**
 * Applies the sessions of an `agenda.changed` at `version` to the stored agenda.
 *
 * Rule — last writer wins per session, by version:
 * - each listed session replaces the stored one if `version` is newer than the version that wrote
 *   the stored one, and is ignored (reported in `stale`) if older;
 * - sessions not listed are kept (the contract says `agenda.changed` upserts; a session is dropped
 *   by sending it with status `cancelled`, which also lets every registrant be told);
 * - the agenda's version is the highest seen.
 *
 * Deciding per session rather than per event is what makes out-of-order delivery converge: with
 * "an older event is ignored as a whole", v1 {A, B} after v2 {A'} would lose B, while in order the
 * store would hold A' and B. Per session, the result is the same for any arrival order and any
 * redelivery (the merge is commutative, associative and idempotent). An older event is still
 * ignored for every session a newer one has written — the contract's rule, applied per session.
 *
 * Two different copies of a session at the same version are a producer bug; the one whose
 * canonical JSON sorts last wins, so that every order still ends in the same state.
 *
 * In DynamoDB this maps onto one item per session and a conditional put
 * (`attribute_not_exists(pk) OR version < :v`), with no transaction.
 */
export function mergeAgenda(
  stored: StoredAgenda,
  incoming: readonly Session[],
  version: number,
): AgendaMerge {
  const merged = new Map(stored.sessions.map((s) => [s.sessionId, s]));
  const stale: string[] = [];
  for (const session of incoming) {
    const current = merged.get(session.sessionId);
    const candidate: VersionedSession = { ...session, version };
    if (current === undefined || version > current.version) {
      merged.set(session.sessionId, candidate);
    } else if (version < current.version) {
      stale.push(session.sessionId);
    } else if (stableJson(candidate) > stableJson(current)) {
      merged.set(session.sessionId, candidate);
    }
  }
  const sessions = [...merged.values()].sort(chronological);
  return {
    agenda: { version: Math.max(stored.version, version), sessions },
    changes: diffAgenda(stored.sessions.map(withoutVersion), sessions.map(withoutVersion)),
    stale,
  };
}
